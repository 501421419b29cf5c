/*
 * Record reader: reads the files named as operands in order (stdin when
 * there are none or for "-"), and hands out one line at a time without the
 * terminator (LF, or NUL with -z). A last line without terminator is still
 * a line. Lines of any length work: the buffer grows to hold the longest.
 *
 * Use: rdr_init, then rdr_next until it returns 0, then rdr_free. The line
 * returned points into the reader's buffer and is valid until the next call.
 * A file that cannot be opened or read ends the program with a message.
 * rdr->name and rdr->lineno say where the last line came from, for messages.
 */
#ifndef MR_RDR_H
#define MR_RDR_H

#include <stddef.h>

struct rdr {
	char		**files;	/* operands, NULL-terminated */
	int		  fileno;	/* index of the current operand */
	const char	 *name;		/* current file for messages */
	int		  fd;
	char		  delim;
	char		 *buf;
	size_t		  cap, pos, end, scan;
	unsigned long long lineno;	/* line number within the file */
};

void	rdr_init(struct rdr *, char **files, int nfiles, char delim);
/* Read one open descriptor (a spill file) with a buffer of bufsz bytes. */
void	rdr_init_fd(struct rdr *, int fd, const char *name, char delim,
	    size_t bufsz);
int	rdr_next(struct rdr *, char **line, size_t *len);
void	rdr_free(struct rdr *);

#endif

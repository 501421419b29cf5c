/*
 * The job spec of mr-netd: a pipeline of the toolkit's own programs as a
 * user would type it, parsed without a shell. Stages split on '|', words on
 * blanks, single and double quotes as in sh, nothing else; only mr-split,
 * mr-map, mr-shuffle, mr-reduce and mr-par may run (mr-par only running one
 * of the first four), and no option or operand that names a file.
 *
 * jobspec_parse fills a struct jobspec, or returns -1 with a message in
 * err; each stage's argv[0] is then the bare program name, for the caller
 * to resolve in a trusted directory (see jobspec_resolve). jobspec_free
 * releases it.
 */
#ifndef MR_JOBSPEC_H
#define MR_JOBSPEC_H

#include <stddef.h>

#define JOBSPEC_MAXSTAGES	16

struct jobspec {
	int	  nstages;
	char	**argv[JOBSPEC_MAXSTAGES];	/* NULL-terminated */
	int	  cmd[JOBSPEC_MAXSTAGES];	/* mr-par's COMMAND, or 0 */
};

int	jobspec_parse(const char *, size_t, struct jobspec *, char *err,
	    size_t errlen);
/* Make every program name (and mr-par's COMMAND) an absolute path in dir. */
void	jobspec_resolve(struct jobspec *, const char *dir);
void	jobspec_free(struct jobspec *);

#endif

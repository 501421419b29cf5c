/*
 * The engine of mr-par: it cuts the records read from a descriptor into
 * chunks of whole key runs, runs a command once per chunk, N at a time,
 * retries a chunk whose instance failed on a fresh one, and copies each
 * output, whole, once its instance has exited 0. A chunk and an output
 * live in unlinked temporary files: an instance reads a file and writes a
 * file, so no pipe can deadlock, and the engine holds a bounded number of
 * chunks (running, waiting for their turn, and at most `jobs` queued),
 * whatever the size of the input.
 *
 * 1. Zero a struct par, set the fields above "the result" (hosts says
 *    where instances run and how many at a time), and call par_run with
 *    the signalfd of child_setup. It returns when the input has ended
 *    and every chunk is done, or when a chunk failed for
 *    good without keepgoing (the chunks not run and the unread input then
 *    go to failfd), or on a signal other than SIGCHLD (p->signo says
 *    which; the caller then kills the children and dies of it).
 * 2. The result: 0 when every chunk succeeded, 1 when one failed for good
 *    (on_giveup was told), -1 on an error, described in p->err with the
 *    errno in p->errnum and the exit code a program should use in
 *    p->exitcode (126 or 127 when the command could not be run).
 * 3. par_free releases the temporary files and memory.
 */
#ifndef MR_PAR_H
#define MR_PAR_H

#include <stddef.h>

#include "buf.h"

/* One ended attempt at a chunk, for a job log. */
struct par_attempt {
	unsigned long long	 chunk;		/* 0-based */
	int			 attempt;	/* 1-based */
	double			 start;		/* clock_wall */
	double			 runtime;	/* seconds */
	unsigned long long	 bytes_in, bytes_out;
	int			 status;	/* wait status */
	const char		*host;		/* ":" for this machine */
};

/* A chunk given up: its records, first (1-based) to last. */
struct par_giveup {
	unsigned long long	 chunk, first, last;
	int			 attempts;
	int			 status;
};

struct par_stats {
	unsigned long long	 chunks;	/* cut so far */
	unsigned long long	 done;		/* succeeded */
	unsigned long long	 records, records_out;
	unsigned long long	 bytes_in, bytes_out;
	int			 running;
};

struct hosts;
struct par_chunk;
struct par_slot;

struct par {
	char		**argv;		/* COMMAND ARG... */
	struct hosts	 *hosts;	/* where instances run, how many */
	int		  retries;
	int		  keeporder, keepgoing;
	int		  countout;	/* count output records (costs a read) */
	size_t		  block;	/* a chunk ends at a key change past this */
	char		  delim;
	const char	 *tmpdir;
	int		  in, out;	/* input and output descriptors */
	int		  failfd;	/* records of failed chunks, or -1 */
	const char	 *failname;	/* its name, for messages */
	int		  tick;		/* ms between on_tick calls, or 0 */
	void		(*on_attempt)(void *, const struct par_attempt *);
	void		(*on_giveup)(void *, const struct par_giveup *);
	void		(*on_tick)(void *, const struct par_stats *);
	void		 *arg;

	/* The result. */
	struct par_stats  st;
	int		  failed;	/* a chunk failed for good */
	int		  signo;
	char		  err[512];
	int		  errnum, exitcode;

	/* The engine's own. */
	int		  jobs;		/* slots of all hosts */
	struct par_slot	 *slots;
	int		  nslots;
	struct par_chunk *ready, **readytail, *spare, *building;
	unsigned long long nready, nemitted;
	struct buf	  inbuf, lastkey, wbuf;
	size_t		  inpos;
	int		  ineof, stopping;
	char		 *tmp;		/* a read buffer for counting */
	char		**env;		/* ours, with MR_CHUNK and MR_ATTEMPT */
	char		  envchunk[32], envattempt[32];
};

int	par_run(struct par *, int sigfd);
void	par_free(struct par *);

#endif

/*
 * The jobs of mr-netd: the table of every known job, the run queue, and
 * each job's life: queued, running (its stages started through child.h,
 * in one process group), then done, failed or cancelled, until it is
 * fetched or expires. A job's stages are a pipeline: stdin of the first
 * is the job's data, stdout of the last its result file, and every stderr
 * one file whose tail becomes the reason of a failure. Only a running job
 * holds descriptors: its data and result are files of DIR/jobs (the spool
 * or mr-netd's private directory, see spool.h), opened by name.
 *
 * 1. jobq_init a struct jobq and set its limits, directories, the jobs'
 *    environment and the ended callback (called once a job is finished,
 *    with its state and reason set; it may consume the job).
 * 2. jobq_add each job, new or recovered from the spool; jobq_run starts
 *    queued jobs while fewer than maxrun run (and hold is 0).
 * 3. jobq_reap when the signalfd reports SIGCHLD: a job ends once all its
 *    stages are reaped. jobq_tick often: time and output limits, and
 *    expiry of finished jobs; the caller's loop also calls child_tick.
 * 4. jobq_find a job by id; jobq_progress says how far it is; jobq_cancel, jobq_stop (every running job,
 *    to run again from the spool), jobq_consume once a client has its
 *    result (a job still running is freed when it has been reaped).
 */
#ifndef MR_JOBQ_H
#define MR_JOBQ_H

#include <stddef.h>
#include <stdint.h>

#include "child.h"
#include "jobspec.h"

/* Why a job was killed. */
enum {
	JOBQ_KILL_CANCEL = 1, JOBQ_KILL_TIME, JOBQ_KILL_OUTPUT, JOBQ_KILL_STOP,
	JOBQ_KILL_START
};

struct job {
	uint32_t	 id;
	int		 state;		/* PROTO_ST_* */
	char		*spec;		/* NULL once finished */
	struct jobspec	 js;
	int		 in, out, err;	/* open while it runs, else -1 */
	uint64_t	 insize;	/* of its data, when it was added */
	uint64_t	 consumed;	/* of it read, once in is closed */
	struct child	 stage[JOBSPEC_MAXSTAGES];
	int		 nstarted;	/* stages started */
	int		 nlive;		/* stages not reaped yet */
	int		 gone;		/* consumed while live */
	int		 killed;	/* JOBQ_KILL_*, or 0 */
	char		*why;		/* reason of a failure */
	double		 queued, started, finished;	/* clock_mono */
	struct job	*next;		/* in the run queue */
};

struct jobq {
	int		   maxrun;
	long long	   maxtime, maxout, expire;
	const char	  *spool;	/* or NULL: files are not fsync'd */
	const char	  *dir;		/* job files: the spool, or private */
	const char	  *tmpdir;	/* stderr files */
	char *const	  *env;		/* of every stage */
	int		   hold;	/* start no queued job */
	void		 (*ended)(struct job *, void *);
	void		  *arg;

	struct job	 **all;
	size_t		   nall, cap;
	struct job	  *runq, **runqtail;
	int		   nqueued, nrunning;
};

void		 jobq_init(struct jobq *);
/*
 * A job taking spec and js, its data in DIR/jobs/ID.in. state is
 * PROTO_ST_QUEUED for a job to run, or a finished state (with why, taken
 * too) for one recovered.
 */
struct job	*jobq_add(struct jobq *, uint32_t id, char *spec,
		    struct jobspec *, int state, char *why);
struct job	*jobq_find(struct jobq *, uint32_t id);
/*
 * How far j is: bytes of its data the first stage has read (all of them
 * once done), the size of its data, and the milliseconds it has run (0
 * if it never started).
 */
void		 jobq_progress(struct job *j, uint64_t *consumed,
		    uint64_t *total, uint32_t *ms);
void		 jobq_run(struct jobq *);
void		 jobq_reap(struct jobq *);
void		 jobq_tick(struct jobq *);
/* The state to report after a CANCEL; j may be freed. */
int		 jobq_cancel(struct jobq *, struct job *);
void		 jobq_stop(struct jobq *);
void		 jobq_consume(struct jobq *, struct job *);

#endif

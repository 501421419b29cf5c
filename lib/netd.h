/*
 * What mr-netd does with a request: the daemon's state (jobs, data sets,
 * connections, the spool) and the handler of each opcode on it. The
 * program owns one struct netd and wires it to its listeners, its poll
 * loop and its signals; the modules below do the work: protosrv decodes
 * requests, conn moves their bytes, jobq runs the jobs, spool keeps them.
 *
 * 1. netd_init, then set the configuration fields and those of jobs
 *    (limits, directories, environment); netd_fit_conns once the
 *    descriptor limit is known.
 * 2. netd_open: with a spool, lock it and recover the jobs and data sets
 *    found in it; without, make the private directory of the job files.
 *    After daemon(3), netd_detached.
 * 3. In the loop: netd_accept each new socket; poll every conns[i] for
 *    conn_events and call conn_read and conn_write; on SIGCHLD
 *    jobq_reap(&jobs); each round jobq_run(&jobs) and netd_tick.
 * 4. netd_stop on SIGTERM: new jobs are refused, and with a spool the
 *    running ones are stopped to run again after a restart. Once no job
 *    runs, netd_flush answers and sends what is owed; netd_close.
 */
#ifndef MR_NETD_H
#define MR_NETD_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "jobq.h"

/* The default of maxconns, and the most --max-conns takes. */
#define NETD_MAXCONNS	4096
#define NETD_MAXCONNS_MAX 65536
/* Most bytes of a request buffered before it is handled. */
#define NETD_MAXREQ	(PROTO_MAXSPEC + 256)

/* A data set: the file DIR/data/NAME. */
struct netd_dataset {
	char			*name;
	struct netd_dataset	*next;
};

struct netd {
	const char		*spool;		/* or NULL */
	const char		*tmpdir;	/* TMPDIR: privdir is made there */
	const char		*dir;		/* job files: spool or privdir */
	char			 privdir[PATH_MAX];
	int			 lockfd;	/* flock of DIR/lock */
	const char		*token;		/* or NULL: no AUTH needed */
	const char		*bindir;	/* the filters */
	long long		 maxin, maxqueue, maxresults, timeout;
	int			 maxconns;	/* beyond: closed at once */
	long long		 refused;	/* connections so closed */
	int			 keepresults;
	int			 draining;
	struct jobq		 jobs;

	uint32_t		 nextid;
	struct conn_ops		 ops;
	struct conn		**conns;
	int			 nconns, capconns;
	struct netd_dataset	*datasets;
};

void	netd_init(struct netd *);
/* The files: the spool, locked and recovered, or a private directory. */
int	netd_open(struct netd *, char *err, size_t errlen);
/* After daemon(3): the new pid in the lock file. */
void	netd_detached(struct netd *);
/* At most as many connections as nofile descriptors allow: the cap. */
int	netd_fit_conns(struct netd *, long long nofile);
/* At exit: the private directory is removed. */
void	netd_close(struct netd *);
void	netd_accept(struct netd *, int fd);
void	netd_tick(struct netd *);
void	netd_stop(struct netd *);
void	netd_flush(struct netd *);

#endif

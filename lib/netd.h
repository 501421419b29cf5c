/*
 * What mr-netd does with a request: the daemon's state (jobs, data sets,
 * connections, the spool) and the handler of each opcode on it. The
 * program owns one struct netd and wires it to its listeners, its poll
 * loop and its signals; the modules below do the work: protosrv decodes
 * requests, conn moves their bytes, jobq runs the jobs, spool keeps them.
 *
 * 1. netd_init, then set the configuration fields and those of jobs
 *    (limits, directories, environment).
 * 2. With a spool, netd_recover: the jobs and data sets found in it.
 * 3. In the loop: netd_accept each new socket; poll every conns[i] for
 *    conn_events and call conn_read and conn_write; on SIGCHLD
 *    jobq_reap(&jobs); each round jobq_run(&jobs) and netd_tick.
 * 4. netd_stop on SIGTERM: new jobs are refused, and with a spool the
 *    running ones are stopped to run again after a restart. Once no job
 *    runs, netd_flush answers and sends what is owed.
 */
#ifndef MR_NETD_H
#define MR_NETD_H

#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "jobq.h"

#define NETD_MAXCONNS	4096
/* Most bytes of a request buffered before it is handled. */
#define NETD_MAXREQ	(PROTO_MAXSPEC + 256)

struct netd_dataset {
	char			*name;
	int			 fd;	/* unlinked file, without --spool */
	struct netd_dataset	*next;
};

struct netd {
	const char		*spool;		/* or NULL */
	const char		*tmpdir;	/* data without a spool */
	const char		*token;		/* or NULL: no AUTH needed */
	const char		*bindir;	/* the filters */
	long long		 maxin, maxqueue, timeout;
	int			 keepresults;
	int			 draining;
	struct jobq		 jobs;

	uint32_t		 nextid;
	struct conn_ops		 ops;
	struct conn		**conns;
	int			 nconns;
	struct netd_dataset	*datasets;
};

void	netd_init(struct netd *);
/* -1 with errno and the path that failed in err. */
int	netd_recover(struct netd *, char *err, size_t errlen);
void	netd_accept(struct netd *, int fd);
void	netd_tick(struct netd *);
void	netd_stop(struct netd *);
void	netd_flush(struct netd *);

#endif

/*
 * mr-netd: run mr pipelines for clients over TCP or a Unix socket. A
 * client submits a job spec and its data and gets a job id at once; jobs
 * run as process groups, at most JOBS at a time, while one poll(2) loop
 * serves every connection with non-blocking sockets. With --spool, jobs and
 * results are on disk and survive a crash.
 *
 * This file is the wiring: options, start-up, and the loop that hands
 * ready sockets to lib/conn, signals to lib/jobq and requests to lib/netd.
 */
#include <bsd/libutil.h>
#include <bsd/string.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "child.h"
#include "clock.h"
#include "cli.h"
#include "listen.h"
#include "log.h"
#include "netd.h"
#include "proto.h"
#include "spill.h"
#include "xmalloc.h"

static const char synopsis[] =
    "mr-netd [-d] [-j JOBS] [-l ADDR] [-p PORT] [-U SOCKET] [--spool DIR]\n"
    "               [--token-file FILE] [--keep-results] [--expire SECS]\n"
    "               [--max-input SIZE] [--max-output SIZE] [--max-time SECS]\n"
    "               [--max-queue N] [--max-results N] [--max-conns N]\n"
    "               [--timeout SECS] [--pidfile FILE] [--syslog]";

#define TICK_MS		50
/* Out of descriptors: the listeners are left alone for so long. */
#define BACKOFF		0.25
/* Connections accepted from one listener in one round, at most. */
#define ACCEPTS		64

static struct netd	 netd;
static struct listen	 lst;
static int		 listeners[2] = { -1, -1 };
static double		 backoff;	/* until this clock_mono */

/* SIGCHLD: reap; SIGTERM, SIGINT, SIGHUP: stop. */
static void
on_signal(int sigfd)
{
	struct signalfd_siginfo si;
	int k;

	while (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			jobq_reap(&netd.jobs);
			continue;
		}
		if (netd.draining)
			continue;
		log_msg("stopping on signal %d", si.ssi_signo);
		for (k = 0; k < 2; k++)
			if (listeners[k] != -1) {
				close(listeners[k]);
				listeners[k] = -1;
			}
		netd_stop(&netd);
	}
}

static void
accept_conns(int lfd)
{
	int fd, k;

	for (k = 0; k < ACCEPTS; k++) {
		if ((fd = listen_accept(&lst, lfd)) == -1) {
			if (errno == EMFILE || errno == ENFILE) {
				log_msg("out of descriptors: a client turned "
				    "away, none accepted for %.2fs", BACKOFF);
				backoff = clock_mono() + BACKOFF;
			}
			return;
		}
		netd_accept(&netd, fd);
	}
}

static void
loop(int sigfd)
{
	struct pollfd *pfd = xcalloc(netd.maxconns + 3, sizeof(*pfd));
	struct jobq *q = &netd.jobs;
	int n, i, k, base;

	for (;;) {
		jobq_run(q);
		if (netd.draining && q->nrunning == 0 &&
		    (netd.spool != NULL || q->nqueued == 0))
			break;
		n = 0;
		pfd[n].fd = sigfd;
		pfd[n++].events = POLLIN;
		for (k = 0; k < 2; k++)
			if (listeners[k] != -1 && clock_mono() >= backoff) {
				pfd[n].fd = listeners[k];
				pfd[n++].events = POLLIN;
			}
		base = n;
		for (i = 0; i < netd.nconns; i++) {
			pfd[n].fd = netd.conns[i]->fd;
			pfd[n++].events = conn_events(netd.conns[i],
			    NETD_MAXREQ);
		}
		if (poll(pfd, n, TICK_MS) == -1 && errno != EINTR)
			err(1, "poll");
		if (pfd[0].revents)
			on_signal(sigfd);
		for (k = 1; k < base; k++)
			if (pfd[k].revents && !netd.draining)
				accept_conns(pfd[k].fd);
		/* conns[] only grows at its end while serving. */
		for (i = 0; i < n - base; i++) {
			struct conn *c = netd.conns[i];
			if (pfd[base + i].revents &
			    (POLLIN | POLLHUP | POLLERR))
				conn_read(c);
			if (pfd[base + i].revents & POLLOUT)
				conn_write(c);
		}
		child_tick();
		netd_tick(&netd);
	}
	free(pfd);
}

int
main(int argc, char *argv[])
{
	const char *addr = "127.0.0.1", *port = NULL, *unixpath = NULL;
	const char *pidpath = NULL, *tokenfile = NULL;
	static char bindir[PATH_MAX], *jobenv[4];
	char self[PATH_MAX], msg[PATH_MAX + 128], name[128];
	struct jobq *q = &netd.jobs;
	struct pidfh *pfh = NULL;
	struct rlimit rl;
	int dflag = 0, lflag, usesyslog = 0, sigfd, k;
	ssize_t len;
	long nproc;
	const struct cli_opt opts[] = {
		OPT_FLAG('d', "daemon", &dflag, "detach; see --pidfile"),
		OPT_NUM(0, "expire", &q->expire, 1, 1LL << 40, "expiry time",
		    "SECS", "forget unfetched results after SECS (3600)"),
		OPT_NUM('j', "jobs", &q->maxrun, 1, 1024, "job count", "N",
		    "run N jobs at a time (default: online CPUs)"),
		OPT_FLAG(0, "keep-results", &netd.keepresults,
		    "a result may be fetched more than once"),
		OPT_STR('l', "listen", &addr, "ADDR",
		    "TCP address (default 127.0.0.1)"),
		OPT_NUM(0, "max-conns", &netd.maxconns, 1, NETD_MAXCONNS_MAX,
		    "connection limit", "N", "most connections at a time (4096)"),
		OPT_SIZE(0, "max-input", &netd.maxin, 1, UINT32_MAX,
		    "input limit", "SIZE", "largest job data (64M)"),
		OPT_SIZE(0, "max-output", &q->maxout, 1, 1LL << 50,
		    "output limit", "SIZE", "largest job result (64M)"),
		OPT_NUM(0, "max-queue", &netd.maxqueue, 1, 1000000,
		    "queue limit", "N", "most queued jobs (1000)"),
		OPT_NUM(0, "max-results", &netd.maxresults, 1, 10000000,
		    "result limit", "N",
		    "most jobs kept, results not fetched (10000)"),
		OPT_NUM(0, "max-time", &q->maxtime, 1, 1LL << 30, "time limit",
		    "SECS", "longest job run time (300)"),
		OPT_NUMSTR('p', "port", &port, 0, 65535, "port", "PORT",
		    "TCP port (1936; 0: any free port)"),
		OPT_STR(0, "pidfile", &pidpath, "FILE",
		    "with -d, write the pid to FILE"),
		OPT_STR(0, "spool", &netd.spool, "DIR",
		    "keep jobs and results in DIR, across restarts"),
		OPT_FLAG(0, "syslog", &usesyslog,
		    "log to syslog instead of stderr"),
		OPT_NUM(0, "timeout", &netd.timeout, 1, 86400, "timeout", "SECS",
		    "close a connection stalled for SECS (10)"),
		OPT_STR(0, "token-file", &tokenfile, "FILE",
		    "clients must AUTH with the token in FILE"),
		OPT_STR('U', "unix", &unixpath, "SOCKET",
		    "serve a Unix socket (TCP only with -l or -p)"),
		OPT_END
	};

	netd_init(&netd);
	netd.maxin = q->maxout = 64LL << 20;
	netd.maxqueue = 1000;
	netd.timeout = 10;
	q->maxtime = 300;
	q->expire = 3600;
	cli_init(synopsis, "", 26);
	cli_parse(argc, argv, opts, 0);
	lflag = cli_given('l');
	argc -= optind;
	if (argc > 0)
		cli_misuse("no operands are taken");
	if (pidpath != NULL && !dflag)
		cli_misuse("--pidfile goes with -d");
	if (q->maxrun == 0)
		q->maxrun = (nproc = sysconf(_SC_NPROCESSORS_ONLN)) > 0 ?
		    nproc : 1;
	if ((len = readlink("/proc/self/exe", self, sizeof(self) - 1)) == -1)
		err(1, "cannot find my own directory");
	self[len] = '\0';
	strlcpy(bindir, dirname(self), sizeof(bindir));
	netd.bindir = bindir;
	netd.tmpdir = q->tmpdir = spill_dir(NULL);
	q->spool = netd.spool;
	/* The whole environment of a job. */
	jobenv[0] = "PATH=/usr/bin:/bin";
	jobenv[1] = "LC_ALL=C";
	if (asprintf(&jobenv[2], "TMPDIR=%s", netd.tmpdir) == -1)
		err(1, "asprintf");
	q->env = jobenv;
	log_init("mr-netd", usesyslog);
	if (tokenfile != NULL)
		netd.token = proto_read_token(tokenfile);

	/* The spool's lock first: a second daemon must not take the socket. */
	if (netd_open(&netd, msg, sizeof(msg)) == -1)
		errx(1, "%s", msg);
	if (unixpath == NULL || lflag || port != NULL) {
		if ((listeners[0] = listen_tcp(addr, port ? port : "1936",
		    netd.token == NULL, msg, sizeof(msg))) < 0) {
			netd_close(&netd);
			errx(listeners[0] == LISTEN_EBADADDR ? 2 : 1, "%s",
			    msg);
		}
		listen_name(listeners[0], name, sizeof(name));
		log_msg("listening on %s", name);
	}
	if (unixpath != NULL) {
		if ((listeners[1] = listen_unix(unixpath, msg,
		    sizeof(msg))) < 0) {
			netd_close(&netd);
			errx(listeners[1] == LISTEN_EBADADDR ? 2 : 1, "%s",
			    msg);
		}
		log_msg("listening on %s", unixpath);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max < 65536 ? rl.rlim_max : 65536;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	k = netd.maxconns;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    netd_fit_conns(&netd, rl.rlim_cur) < k)
		log_msg("at most %d connections (%llu descriptors)",
		    netd.maxconns, (unsigned long long)rl.rlim_cur);
	listen_init(&lst);
	if (dflag) {
		if (pidpath != NULL && (pfh = pidfile_open(pidpath, 0644,
		    NULL)) == NULL)
			err(1, "cannot open '%s'", pidpath);
		/* Keep the directory: -U and --spool may be relative. */
		if (daemon(1, 0) == -1)
			err(1, "daemon");
		if (pfh != NULL)
			pidfile_write(pfh);
		netd_detached(&netd);
	}
	sigfd = child_setup();

	loop(sigfd);
	netd_flush(&netd);
	netd_close(&netd);
	log_msg("stopped");
	if (pfh != NULL)
		pidfile_remove(pfh);
	if (unixpath != NULL)
		unlink(unixpath);
	return 0;
}

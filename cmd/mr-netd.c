/*
 * mr-netd: run mr pipelines for clients over TCP or a Unix socket. A
 * client submits a job spec and its data and gets a job id at once; jobs
 * run as process groups, at most JOBS at a time, while one poll(2) loop
 * serves every connection with non-blocking sockets. With --spool, jobs and
 * results are on disk and survive a crash.
 */
#include <arpa/inet.h>
#include <bsd/libutil.h>
#include <bsd/stdlib.h>
#include <bsd/string.h>
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "child.h"
#include "cli.h"
#include "fdio.h"
#include "jobspec.h"
#include "out.h"
#include "proto.h"
#include "runner.h"
#include "spill.h"
#include "xmalloc.h"

static const char synopsis[] =
    "mr-netd [-d] [-j JOBS] [-l ADDR] [-p PORT] [-U SOCKET] [--spool DIR]\n"
    "               [--token-file FILE] [OPTIONS]";
static const char options[] =
    "  -d, --daemon            detach; see --pidfile\n"
    "      --expire=SECS       forget unfetched results after SECS (3600)\n"
    "  -j, --jobs=N            run N jobs at a time (default: online CPUs)\n"
    "      --keep-results      a result may be fetched more than once\n"
    "  -l, --listen=ADDR       TCP address (default 127.0.0.1)\n"
    "      --max-input=SIZE    largest job data (64M)\n"
    "      --max-output=SIZE   largest job result (64M)\n"
    "      --max-queue=N       most queued jobs (1000)\n"
    "      --max-time=SECS     longest job run time (300)\n"
    "  -p, --port=PORT         TCP port (1936; 0: any free port)\n"
    "      --pidfile=FILE      with -d, write the pid to FILE\n"
    "      --spool=DIR         keep jobs and results in DIR, across restarts\n"
    "      --syslog            log to syslog instead of stderr\n"
    "      --timeout=SECS      close a connection stalled for SECS (10)\n"
    "      --token-file=FILE   clients must AUTH with the token in FILE\n"
    "  -U, --unix=SOCKET       serve a Unix socket (TCP only with -l or -p)\n"
    "  -h, --help              show this help\n"
    "      --version           show the version\n";

enum {
	OPT_EXPIRE = 256, OPT_KEEP, OPT_MAXIN, OPT_MAXOUT, OPT_MAXQUEUE,
	OPT_MAXTIME, OPT_PIDFILE, OPT_SPOOL, OPT_SYSLOG, OPT_TIMEOUT, OPT_TOKEN
};

static const struct option longopts[] = {
	{ "daemon",	no_argument,		NULL, 'd' },
	{ "expire",	required_argument,	NULL, OPT_EXPIRE },
	{ "help",	no_argument,		NULL, 'h' },
	{ "jobs",	required_argument,	NULL, 'j' },
	{ "keep-results", no_argument,		NULL, OPT_KEEP },
	{ "listen",	required_argument,	NULL, 'l' },
	{ "max-input",	required_argument,	NULL, OPT_MAXIN },
	{ "max-output",	required_argument,	NULL, OPT_MAXOUT },
	{ "max-queue",	required_argument,	NULL, OPT_MAXQUEUE },
	{ "max-time",	required_argument,	NULL, OPT_MAXTIME },
	{ "pidfile",	required_argument,	NULL, OPT_PIDFILE },
	{ "port",	required_argument,	NULL, 'p' },
	{ "spool",	required_argument,	NULL, OPT_SPOOL },
	{ "syslog",	no_argument,		NULL, OPT_SYSLOG },
	{ "timeout",	required_argument,	NULL, OPT_TIMEOUT },
	{ "token-file",	required_argument,	NULL, OPT_TOKEN },
	{ "unix",	required_argument,	NULL, 'U' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL,		0,			NULL, 0 }
};

#define TICK_MS		50
#define MAXCONNS	4096
#define READSZ		(64 * 1024)

struct job {
	uint32_t	 id;
	int		 state;
	char		*spec;
	struct jobspec	 js;
	int		 in, out, err;	/* files; -1 when closed */
	pid_t		 pid;		/* runner: the process group */
	int		 live;		/* the runner has not been reaped */
	int		 gone;		/* fetched while live: freed at reaping */
	int		 report;
	int		 killed;	/* why we killed it, or 0 */
	double		 killtime;
	char		*why;		/* failure message */
	double		 queued, started, finished;
	struct job	*next;		/* in the run queue */
};

enum { KILL_CANCEL = 1, KILL_TIME, KILL_OUTPUT, KILL_STOP };

/* conn->closing: after the reply is sent; now; reading the rest first. */
enum { CLOSE_AFTER = 1, CLOSE_NOW, LINGER };

/* A connection, reading one request at a time. */
struct conn {
	int		 fd;
	struct buf	 in;		/* bytes of the request so far */
	struct buf	 out;		/* reply bytes not sent yet */
	size_t		 outpos;
	int		 sendfd;	/* a result file being sent after out */
	off_t		 sendoff, sendend;
	int		 authed, closing;
	double		 last;		/* time of the last byte read */
	/* A SUBMIT or PUT whose data goes straight to a file. */
	int		 streaming, datafd, op;
	uint64_t	 dataleft, datalen;
	char		*spec, *name;
	char		 reject[256];	/* data is read and dropped */
	/* A WAIT for a job. */
	uint32_t	 waitid;
	double		 waituntil;
};

struct dataset {
	char		*name;
	int		 fd;		/* unlinked file, without --spool */
	struct dataset	*next;
};

static int		 njobs, keepresults, usesyslog, draining;
static long long	 maxin = 64LL << 20, maxout = 64LL << 20;
static long long	 maxqueue = 1000, maxtime = 300, expire = 3600;
static long long	 timeout = 10;
static const char	*spool, *tmpdir, *token;
static char		 bindir[PATH_MAX];
static char		*jobenv[4];

static struct job	**jobs;		/* every known job */
static size_t		 njobsknown, jobscap;
static struct job	*runq, **runqtail = &runq;
static int		 nqueued, nrunning;
static uint32_t		 nextid = 1;
static struct conn	**conns;
static int		 nconns;
static struct dataset	*datasets;
static int		 listeners[2] = { -1, -1 }, sigfd, sparefd = -1;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
logmsg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (usesyslog)
		vsyslog(LOG_INFO, fmt, ap);
	else {
		fprintf(stderr, "mr-netd: ");
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}

/* ---- spool: every file is written whole, synced, then renamed ---- */

static void
spool_path(char *p, size_t n, uint32_t id, const char *ext)
{
	snprintf(p, n, "%s/jobs/%u.%s", spool, id, ext);
}

static void
sync_dir(const char *dir)
{
	int fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		fsync(fd);
		close(fd);
	}
}

static int
write_durable(const char *path, const void *p, size_t n)
{
	char tmp[PATH_MAX];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1)
		return -1;
	if (fdio_write_all(fd, p, n) == -1 || fsync(fd) == -1) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	return rename(tmp, path);
}

static void
save_nextid(void)
{
	char path[PATH_MAX], num[16];

	if (spool == NULL)
		return;
	snprintf(path, sizeof(path), "%s/next-id", spool);
	snprintf(num, sizeof(num), "%u\n", nextid);
	if (write_durable(path, num, strlen(num)) == -1)
		err(1, "cannot write '%s'", path);
	sync_dir(spool);
}

/* A file for job data or output: in the spool, or unlinked in tmpdir. */
static int
new_file(const char *name)
{
	char path[PATH_MAX];
	int fd;

	if (spool == NULL)
		return spill_fd(tmpdir);
	snprintf(path, sizeof(path), "%s/%s", spool, name);
	if ((fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1)
		logmsg("cannot create '%s': %s", path, strerror(errno));
	return fd;
}

/* ---- jobs ---- */

static struct job *
find_job(uint32_t id)
{
	size_t i;

	for (i = 0; i < njobsknown; i++)
		if (jobs[i]->id == id && !jobs[i]->gone)
			return jobs[i];
	return NULL;
}

static void
close_fd(int *fd)
{
	if (*fd != -1)
		close(*fd);
	*fd = -1;
}

static void
delete_job(struct job *j)
{
	char path[PATH_MAX];
	static const char *const ext[] = { "spec", "in", "out", "out.tmp",
	    "res" };
	size_t i;

	if (spool != NULL)
		for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
			spool_path(path, sizeof(path), j->id, ext[i]);
			unlink(path);
		}
	for (i = 0; i < njobsknown; i++)
		if (jobs[i] == j) {
			jobs[i] = jobs[--njobsknown];
			break;
		}
	close_fd(&j->in);
	close_fd(&j->out);
	close_fd(&j->err);
	close_fd(&j->report);
	jobspec_free(&j->js);
	free(j->spec);
	free(j->why);
	free(j);
}

static struct job *
new_job(uint32_t id, char *spec, struct jobspec *js, int in)
{
	struct job *j = xcalloc(1, sizeof(*j));

	j->id = id;
	j->state = ST_QUEUED;
	j->spec = spec;
	j->js = *js;
	j->in = in;
	j->out = j->err = j->report = -1;
	j->queued = now();
	if (njobsknown == jobscap) {
		jobscap = jobscap ? jobscap * 2 : 64;
		jobs = xreallocarray(jobs, jobscap, sizeof(*jobs));
	}
	jobs[njobsknown++] = j;
	*runqtail = j;
	runqtail = &j->next;
	nqueued++;
	return j;
}

/* The last bytes of the job's stderr, on one line, for the reason. */
static void
stderr_tail(struct job *j, char *buf, size_t n)
{
	off_t end = lseek(j->err, 0, SEEK_END), off;
	ssize_t r;
	char *p;

	buf[0] = '\0';
	if (end <= 0)
		return;
	off = end > (off_t)n - 1 ? end - (off_t)n + 1 : 0;
	if ((r = pread(j->err, buf, n - 1, off)) <= 0)
		return;
	buf[r] = '\0';
	while (r > 0 && buf[r - 1] == '\n')
		buf[--r] = '\0';
	for (p = buf; (p = strchr(p, '\n')) != NULL; )
		*p = ' ';
}

static void
save_result(struct job *j)
{
	char path[PATH_MAX], tmp[PATH_MAX], *res;
	int n;

	if (spool == NULL)
		return;
	if (j->state == ST_DONE) {
		spool_path(tmp, sizeof(tmp), j->id, "out.tmp");
		spool_path(path, sizeof(path), j->id, "out");
		if (fsync(j->out) == -1 || rename(tmp, path) == -1)
			logmsg("cannot save the result of job %u: %s", j->id,
			    strerror(errno));
	}
	n = asprintf(&res, "%d\n%s", j->state, j->why ? j->why : "");
	spool_path(path, sizeof(path), j->id, "res");
	if (n == -1 || write_durable(path, res, n) == -1)
		logmsg("cannot save the state of job %u: %s", j->id,
		    strerror(errno));
	free(res);
	snprintf(path, sizeof(path), "%s/jobs", spool);
	sync_dir(path);
}

static void reply_waiters(struct job *);

static void
job_finished(struct job *j, int state, char *why)
{
	char path[PATH_MAX];

	j->state = state;
	j->why = why;
	j->finished = now();
	close_fd(&j->in);
	close_fd(&j->err);
	close_fd(&j->report);
	if (state != ST_DONE) {
		close_fd(&j->out);
		if (spool != NULL) {
			spool_path(path, sizeof(path), j->id, "out.tmp");
			unlink(path);
		}
	}
	if (state == ST_DONE)
		logmsg("job %u done in %.3fs", j->id, j->finished - j->started);
	else if (state == ST_CANCELLED)
		logmsg("job %u cancelled", j->id);
	else
		logmsg("job %u failed in %.3fs: %s", j->id,
		    j->finished - j->started, why);
	save_result(j);
	reply_waiters(j);
}

/* The runner of j has been reaped with wait status st. */
static void
job_reaped(struct job *j, int st)
{
	struct runner_report rep;
	char tail[512], *why = NULL, *cmd;
	struct buf b = BUF_INIT;
	struct stat sb;
	int i;

	j->live = 0;
	nrunning--;
	/* Whatever of the group is left: stages it did not wait for. */
	kill(-j->pid, SIGKILL);
	if (j->killed == KILL_STOP) {
		/* Spooled without a result: it runs again after a restart. */
		close_fd(&j->in);
		close_fd(&j->out);
		close_fd(&j->err);
		close_fd(&j->report);
		return;
	}
	if (j->killed == KILL_CANCEL && j->gone) {
		logmsg("job %u cancelled", j->id);
		delete_job(j);
		return;
	}
	if (j->killed == KILL_CANCEL) {
		job_finished(j, ST_CANCELLED, NULL);
		return;
	}
	if (!j->killed && fstat(j->out, &sb) == 0 && sb.st_size > maxout)
		j->killed = KILL_OUTPUT;
	if (j->killed == KILL_TIME)
		why = xstrdup("over the time limit");
	else if (j->killed == KILL_OUTPUT)
		why = xstrdup("result over the output limit");
	else if (st != 0 || read(j->report, &rep, sizeof(rep)) != sizeof(rep))
		why = xstrdup("the job runner failed");
	if (why != NULL) {
		job_finished(j, ST_FAILED, why);
		return;
	}
	if (rep.stage == -1) {
		job_finished(j, ST_DONE, NULL);
		return;
	}
	for (i = 0; j->js.argv[rep.stage][i] != NULL; i++) {
		cmd = j->js.argv[rep.stage][i];
		if (i == 0 || (i == j->js.cmd[rep.stage] && i > 0))
			cmd = basename(cmd);
		if (i > 0)
			buf_addc(&b, ' ');
		buf_add(&b, cmd, strlen(cmd));
	}
	buf_addc(&b, '\0');
	stderr_tail(j, tail, sizeof(tail));
	if (WIFSIGNALED(rep.status))
		i = asprintf(&why, "stage %d (%s): killed by signal %d%s%s",
		    rep.stage + 1, b.p, WTERMSIG(rep.status), *tail ? ": " : "",
		    tail);
	else
		i = asprintf(&why, "stage %d (%s): exited with status %d%s%s",
		    rep.stage + 1, b.p, WEXITSTATUS(rep.status),
		    *tail ? ": " : "", tail);
	if (i == -1)
		err(1, "asprintf");
	buf_free(&b);
	job_finished(j, ST_FAILED, why);
}

static void
start_job(struct job *j)
{
	char name[64];

	snprintf(name, sizeof(name), "jobs/%u.out.tmp", j->id);
	j->out = new_file(name);
	j->err = spill_fd(tmpdir);
	j->started = now();
	j->state = ST_RUNNING;
	if (j->out == -1 || lseek(j->in, 0, SEEK_SET) == -1 ||
	    (j->pid = runner_start(&j->js, j->in, j->out, j->err, jobenv,
	    &j->report)) == -1) {
		job_finished(j, ST_FAILED, xstrdup("cannot start the job"));
		return;
	}
	j->live = 1;
	nrunning++;
	logmsg("job %u started", j->id);
}

static void
start_jobs(void)
{
	struct job *j;

	while (runq != NULL && nrunning < njobs && !(draining && spool)) {
		j = runq;
		if ((runq = j->next) == NULL)
			runqtail = &runq;
		nqueued--;
		j->next = NULL;
		if (j->state == ST_QUEUED)
			start_job(j);
	}
}

/*
 * SIGTERM first, so that an mr-par stage can kill its instances, which
 * run in process groups of their own; SIGKILL a second later.
 */
static void
kill_job(struct job *j, int why)
{
	if (!j->live || j->killed)
		return;
	j->killed = why;
	j->killtime = now();
	if (why == KILL_CANCEL)
		j->state = ST_CANCELLED;
	kill(-j->pid, SIGTERM);
	kill(-j->pid, SIGCONT);
}

static void
runq_remove(struct job *j)
{
	struct job **pp;

	for (pp = &runq; *pp != NULL; pp = &(*pp)->next)
		if (*pp == j) {
			*pp = j->next;
			if (*pp == NULL)
				runqtail = pp;
			nqueued--;
			return;
		}
}

/* Time and output limits, expiry of unfetched results. */
static void
check_jobs(void)
{
	double t = now();
	struct stat st;
	size_t i;

	for (i = 0; i < njobsknown; i++) {
		struct job *j = jobs[i];
		if (j->live && j->killed && t - j->killtime > 1)
			kill(-j->pid, SIGKILL);
		if (j->live && !j->killed) {
			if (t - j->started > maxtime)
				kill_job(j, KILL_TIME);
			else if (fstat(j->out, &st) == 0 && st.st_size > maxout)
				kill_job(j, KILL_OUTPUT);
		} else if (!j->live && j->state != ST_QUEUED &&
		    j->state != ST_RUNNING && t - j->finished > expire) {
			logmsg("job %u expired", j->id);
			delete_job(j);
			i--;
		}
	}
}

static void
reap(void)
{
	pid_t pid;
	size_t i;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
		for (i = 0; i < njobsknown; i++)
			if (jobs[i]->live && jobs[i]->pid == pid) {
				job_reaped(jobs[i], st);
				break;
			}
}

/* ---- connections ---- */

static void
reply(struct conn *c, const void *p, size_t n)
{
	buf_add(&c->out, p, n);
}

static void
reply32(struct conn *c, uint32_t v)
{
	unsigned char b[4];

	proto_put32(b, v);
	reply(c, b, 4);
}

static void
reply8(struct conn *c, int v)
{
	unsigned char b = v;

	reply(c, &b, 1);
}

/* A refused request: SUBMIT's form (id 0), or PUT's (u8 1), then why. */
static void
reply_refusal(struct conn *c, int op, const char *msg)
{
	if (op == OP_PUT)
		reply8(c, 1);
	else
		reply32(c, 0);
	reply32(c, strlen(msg));
	reply(c, msg, strlen(msg));
}

static void
reply_reject(struct conn *c, const char *msg)
{
	reply_refusal(c, OP_SUBMIT, msg);
}

/* FETCH's reply: state, then a payload; a finished job is then consumed. */
static void
reply_fetch(struct conn *c, struct job *j)
{
	char path[PATH_MAX];
	struct stat st;
	int fd;

	c->last = now();
	if (j == NULL) {
		reply8(c, ST_UNKNOWN);
		reply32(c, 0);
		return;
	}
	reply8(c, j->state);
	if (j->state == ST_QUEUED || j->state == ST_RUNNING ||
	    j->state == ST_CANCELLED) {
		reply32(c, 0);
	} else if (j->state == ST_FAILED) {
		reply32(c, strlen(j->why));
		reply(c, j->why, strlen(j->why));
	} else {
		if (j->out == -1 && spool != NULL) {
			spool_path(path, sizeof(path), j->id, "out");
			j->out = open(path, O_RDONLY | O_CLOEXEC);
		}
		fd = j->out == -1 ? -1 : dup(j->out);
		if (fd == -1 || fstat(fd, &st) == -1) {
			reply32(c, 0);
			if (fd != -1)
				close(fd);
		} else {
			reply32(c, st.st_size);
			fcntl(fd, F_SETFD, FD_CLOEXEC);
			c->sendfd = fd;
			c->sendoff = 0;
			c->sendend = st.st_size;
		}
	}
	c->last = now();
	if (j->state == ST_QUEUED || j->state == ST_RUNNING)
		return;
	logmsg("job %u fetched", j->id);
	if (keepresults)
		return;
	if (j->live)
		j->gone = 1;	/* cancelled, not reaped: freed at reaping */
	else
		delete_job(j);
}

/* A job has ended: answer the WAITs for it (the first may consume it). */
static void
reply_waiters(struct job *j)
{
	uint32_t id = j->id;
	int i;

	for (i = 0; i < nconns; i++)
		if (conns[i]->waitid == id) {
			conns[i]->waitid = 0;
			reply_fetch(conns[i], find_job(id));
		}
}

static void
do_submit(struct conn *c, char *spec, int in, const char *dataset)
{
	struct jobspec js;
	char msg[256], path[PATH_MAX], src[PATH_MAX];
	uint32_t id;

	if (jobspec_parse(spec, strlen(spec), &js, msg, sizeof(msg)) == -1) {
		reply_reject(c, msg);
		close_fd(&in);
		free(spec);
		return;
	}
	if (nqueued >= maxqueue || draining) {
		reply_reject(c, draining ? "the daemon is stopping" :
		    "queue full");
		jobspec_free(&js);
		close_fd(&in);
		free(spec);
		return;
	}
	jobspec_resolve(&js, bindir);
	id = nextid++;
	if (spool != NULL) {
		/* Data first, spec last: a job exists once its spec does. */
		spool_path(path, sizeof(path), id, "in");
		if (dataset != NULL) {
			snprintf(src, sizeof(src), "%s/data/%s", spool, dataset);
			if (link(src, path) == -1)
				goto spoolfail;
			in = open(path, O_RDONLY | O_CLOEXEC);
		} else {
			snprintf(src, sizeof(src), "%s/tmp/conn-%d", spool, c->fd);
			if (fsync(in) == -1 || rename(src, path) == -1)
				goto spoolfail;
		}
		spool_path(path, sizeof(path), id, "spec");
		if (write_durable(path, spec, strlen(spec)) == -1)
			goto spoolfail;
		snprintf(path, sizeof(path), "%s/jobs", spool);
		sync_dir(path);
		save_nextid();
	}
	new_job(id, spec, &js, in);
	logmsg("job %u accepted (%s)", id, spec);
	reply32(c, id);
	start_jobs();
	return;
spoolfail:
	logmsg("cannot spool job %u: %s", id, strerror(errno));
	reply_reject(c, "cannot spool the job");
	jobspec_free(&js);
	close_fd(&in);
	free(spec);
}

static struct dataset *
find_dataset(const char *name)
{
	struct dataset *d;

	for (d = datasets; d != NULL; d = d->next)
		if (strcmp(d->name, name) == 0)
			return d;
	return NULL;
}

static void
do_submit_on(struct conn *c, char *spec, const char *name)
{
	struct dataset *d = find_dataset(name);
	char path[64], msg[128];
	int in = -1;

	if (d == NULL) {
		snprintf(msg, sizeof(msg), "no data set '%s'", name);
		reply_reject(c, msg);
		free(spec);
		return;
	}
	if (spool == NULL) {
		/* An open file description of its own, at offset 0. */
		snprintf(path, sizeof(path), "/proc/self/fd/%d", d->fd);
		if ((in = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
			reply_reject(c, "cannot open the data set");
			free(spec);
			return;
		}
	}
	do_submit(c, spec, in, spool ? name : NULL);
}

static void
do_put(struct conn *c, char *name, int fd, uint64_t len)
{
	struct dataset *d = find_dataset(name), **pp;
	char path[PATH_MAX], src[PATH_MAX];

	if (spool != NULL) {
		snprintf(path, sizeof(path), "%s/data/%s", spool, name);
		snprintf(src, sizeof(src), "%s/tmp/conn-%d", spool, c->fd);
		if (len == 0)
			unlink(path);
		else if (fsync(fd) == -1 || rename(src, path) == -1) {
			reply_refusal(c, OP_PUT, "cannot save the data");
			close_fd(&fd);
			free(name);
			return;
		}
		snprintf(path, sizeof(path), "%s/data", spool);
		sync_dir(path);
		close_fd(&fd);
	}
	if (len == 0) {
		for (pp = &datasets; *pp != NULL; pp = &(*pp)->next)
			if (*pp == d) {
				*pp = d->next;
				close_fd(&d->fd);
				free(d->name);
				free(d);
				break;
			}
		close_fd(&fd);
		logmsg("data set '%s' removed", name);
		free(name);
		reply8(c, 0);
		return;
	}
	if (d == NULL) {
		d = xcalloc(1, sizeof(*d));
		d->name = name;
		d->fd = -1;
		d->next = datasets;
		datasets = d;
	} else
		free(name);
	close_fd(&d->fd);
	d->fd = fd;
	logmsg("data set '%s' stored (%llu bytes)", d->name,
	    (unsigned long long)len);
	reply8(c, 0);
}

/* The data of a SUBMIT or PUT has all arrived. */
static void
end_stream(struct conn *c)
{
	char *spec = c->spec, *name = c->name;
	int fd = c->datafd;

	c->streaming = 0;
	c->datafd = -1;
	c->spec = c->name = NULL;
	if (c->reject[0] != '\0') {
		reply_refusal(c, c->op, c->reject);
		c->reject[0] = '\0';
		close_fd(&fd);
		free(spec);
		free(name);
		return;
	}
	if (c->op == OP_SUBMIT)
		do_submit(c, spec, fd, NULL);
	else
		do_put(c, name, fd, c->datalen);
}

/* Bytes of streamed data: to the file, or dropped for a rejected request. */
static void
stream_data(struct conn *c, const char *p, size_t n)
{
	if (c->datafd != -1 && fdio_write_all(c->datafd, p, n) == -1) {
		snprintf(c->reject, sizeof(c->reject), "cannot store the data: %s",
		    strerror(errno));
		close_fd(&c->datafd);
	}
	c->dataleft -= n;
}

static void
consume(struct conn *c, size_t n)
{
	memmove(c->in.p, c->in.p + n, c->in.len - n);
	c->in.len -= n;
}

/* Start receiving the data of a SUBMIT or PUT (body already checked). */
static void
begin_stream(struct conn *c, int op, char *first, uint64_t len)
{
	struct jobspec js;
	char name[PATH_MAX];
	size_t n;

	c->op = op;
	c->streaming = 1;
	c->dataleft = c->datalen = len;
	c->reject[0] = '\0';
	c->datafd = -1;
	if (op == OP_SUBMIT) {
		c->spec = first;
		if (jobspec_parse(first, strlen(first), &js, c->reject,
		    sizeof(c->reject)) == 0)
			jobspec_free(&js);
	} else {
		c->name = first;
		if (!proto_valid_name(first, strlen(first)))
			snprintf(c->reject, sizeof(c->reject),
			    "invalid data set name");
	}
	if (c->reject[0] == '\0' && !(op == OP_PUT && len == 0)) {
		snprintf(name, sizeof(name), "tmp/conn-%d", c->fd);
		if ((c->datafd = new_file(name)) == -1)
			snprintf(c->reject, sizeof(c->reject),
			    "cannot store the data");
	}
	n = c->in.len < c->dataleft ? c->in.len : c->dataleft;
	stream_data(c, c->in.p, n);
	consume(c, n);
	if (c->dataleft == 0)
		end_stream(c);
}

/* NUL-terminated copy of a length-prefixed field, or NULL if it has NUL. */
static char *
field(const unsigned char *p, size_t n)
{
	if (memchr(p, '\0', n) != NULL)
		return NULL;
	return strndup((const char *)p, n);
}

/*
 * Handle one request from c->in: 1 when one was handled, 0 when more bytes
 * are needed, -1 when the connection is to be closed after the reply.
 */
static int
handle(struct conn *c)
{
	const unsigned char *p = (const unsigned char *)c->in.p;
	size_t n = c->in.len;
	uint32_t a, b, id;
	char msg[128], *f1, *f2;
	struct job *j;
	int op;

	if (n < 1)
		return 0;
	if ((op = p[0]) >= OP_NOPS)
		return -1;
	if (token != NULL && !c->authed && op != OP_AUTH) {
		if (op == OP_SUBMIT || op == OP_SUBMIT_ON || op == OP_PUT)
			reply_refusal(c, op, "authentication required");
		return -1;
	}
	switch (op) {
	case OP_FETCH:
	case OP_STATUS:
	case OP_CANCEL:
		if (n < 5)
			return 0;
		id = proto_get32(p + 1);
		consume(c, 5);
		j = find_job(id);
		if (op == OP_FETCH)
			reply_fetch(c, j);
		else {
			if (op == OP_CANCEL && j != NULL &&
			    j->state == ST_QUEUED) {
				/* A WAIT for it may consume it: j is gone. */
				runq_remove(j);
				j->killed = KILL_CANCEL;
				job_finished(j, ST_CANCELLED, NULL);
				reply8(c, ST_CANCELLED);
				return 1;
			}
			if (op == OP_CANCEL && j != NULL)
				kill_job(j, KILL_CANCEL);
			reply8(c, j ? j->state : ST_UNKNOWN);
		}
		return 1;
	case OP_WAIT:
		if (n < 9)
			return 0;
		id = proto_get32(p + 1);
		a = proto_get32(p + 5);
		consume(c, 9);
		j = find_job(id);
		if (j == NULL || (j->state != ST_QUEUED && j->state !=
		    ST_RUNNING) || a == 0) {
			reply_fetch(c, j);
			return 1;
		}
		c->waitid = id;
		c->waituntil = now() + a / 1000.0;
		return 1;
	case OP_AUTH:
		if (n < 5)
			return 0;
		if ((a = proto_get32(p + 1)) > PROTO_MAXTOKEN)
			return -1;
		if (n < 5 + a)
			return 0;
		c->authed = token == NULL || proto_secret_equal(p + 5, a, token,
		    strlen(token));
		consume(c, 5 + a);
		reply8(c, !c->authed);
		return c->authed ? 1 : -1;
	}
	/* SUBMIT, PUT, SUBMIT-ON: two length-prefixed fields. */
	if (n < 5)
		return 0;
	a = proto_get32(p + 1);
	if (a > (op == OP_PUT ? PROTO_MAXNAME : PROTO_MAXSPEC)) {
		snprintf(msg, sizeof(msg), "%s of %u bytes is too long",
		    op == OP_PUT ? "name" : "spec", a);
		goto reject;
	}
	if (n < 9 + (size_t)a)
		return 0;
	b = proto_get32(p + 5 + a);
	if (op == OP_SUBMIT_ON && b > PROTO_MAXNAME) {
		snprintf(msg, sizeof(msg), "name of %u bytes is too long", b);
		goto reject;
	}
	if (op != OP_SUBMIT_ON && b > maxin) {
		snprintf(msg, sizeof(msg), "data of %u bytes is over the limit "
		    "of %lld", b, maxin);
		goto reject;
	}
	if ((f1 = field(p + 5, a)) == NULL) {
		snprintf(msg, sizeof(msg), "a NUL byte is not accepted");
		goto reject;
	}
	if (op != OP_SUBMIT_ON) {
		consume(c, 9 + a);
		begin_stream(c, op, f1, b);
		return 1;
	}
	if (n < 9 + (size_t)a + b) {
		free(f1);
		return 0;
	}
	f2 = field(p + 9 + a, b);
	consume(c, 9 + a + b);
	if (f2 == NULL || !proto_valid_name(f2, b)) {
		free(f2);
		free(f1);
		reply_reject(c, "invalid data set name");
		return 1;
	}
	do_submit_on(c, f1, f2);
	free(f2);
	return 1;
reject:
	reply_refusal(c, op, msg);
	return -1;
}

static void
close_conn(int i)
{
	struct conn *c = conns[i];
	char path[PATH_MAX];

	if (c->streaming && spool != NULL) {
		snprintf(path, sizeof(path), "%s/tmp/conn-%d", spool, c->fd);
		unlink(path);
	}
	close_fd(&c->datafd);
	close_fd(&c->sendfd);
	close(c->fd);
	buf_free(&c->in);
	buf_free(&c->out);
	free(c->spec);
	free(c->name);
	free(c);
	conns[i] = conns[--nconns];
}

/* Parse what can be parsed; a WAIT or a reply being sent holds the rest. */
static void
serve(struct conn *c)
{
	int r;

	while (!c->closing && !c->streaming && c->waitid == 0 &&
	    c->sendfd == -1 && c->out.len == c->outpos) {
		if ((r = handle(c)) == 0)
			break;
		if (r == -1)
			c->closing = CLOSE_AFTER;
	}
}

static void
read_conn(struct conn *c)
{
	static char tmp[READSZ];
	ssize_t r;
	size_t n;

	if (c->closing == LINGER) {
		/* Closing with unread input would reset the connection and
		 * lose the reply: read and drop it until the client is done. */
		r = read(c->fd, tmp, sizeof(tmp));
		if (r == 0 || (r == -1 && errno != EAGAIN && errno != EINTR))
			c->closing = CLOSE_NOW;
		return;
	}
	if (c->streaming) {
		r = read(c->fd, tmp, sizeof(tmp));
		if (r > 0) {
			n = (uint64_t)r < c->dataleft ? (size_t)r : c->dataleft;
			stream_data(c, tmp, n);
			buf_add(&c->in, tmp + n, r - n);
			if (c->dataleft == 0)
				end_stream(c);
		}
	} else {
		buf_grow(&c->in, READSZ);
		r = read(c->fd, c->in.p + c->in.len, READSZ);
		if (r > 0)
			c->in.len += r;
	}
	if (r == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		/* EOF: finish sending what is owed, then close. */
		c->closing = CLOSE_AFTER;
		c->streaming = 0;
		c->waitid = 0;
		return;
	}
	c->last = now();
	serve(c);
}

static void
write_conn(struct conn *c)
{
	ssize_t w;

	if (c->outpos < c->out.len) {
		w = write(c->fd, c->out.p + c->outpos, c->out.len - c->outpos);
		if (w == -1) {
			if (errno != EAGAIN && errno != EINTR)
				c->closing = CLOSE_NOW;
			return;
		}
		c->outpos += w;
		if (c->outpos < c->out.len)
			return;
		buf_clear(&c->out);
		c->outpos = 0;
	}
	if (c->sendfd != -1) {
		w = sendfile(c->fd, c->sendfd, &c->sendoff,
		    c->sendend - c->sendoff);
		if (w == -1 && errno != EAGAIN && errno != EINTR) {
			c->closing = CLOSE_NOW;
			return;
		}
		if (w == 0 || c->sendoff >= c->sendend)
			close_fd(&c->sendfd);
	}
	serve(c);
}

static void
accept_conns(int lfd)
{
	struct conn *c;
	int fd;

	for (;;) {
		if ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK |
		    SOCK_CLOEXEC)) == -1) {
			if ((errno == EMFILE || errno == ENFILE) &&
			    sparefd != -1) {
				/* Out of descriptors: turn one client away. */
				close(sparefd);
				if ((fd = accept(lfd, NULL, NULL)) != -1)
					close(fd);
				sparefd = open("/dev/null", O_RDONLY | O_CLOEXEC);
				continue;
			}
			return;
		}
		if (nconns == MAXCONNS) {
			close(fd);
			continue;
		}
		c = xcalloc(1, sizeof(*c));
		c->fd = fd;
		c->sendfd = c->datafd = -1;
		c->last = now();
		conns[nconns++] = c;
	}
}

/* Timeouts of stalled connections, WAITs whose time is up. */
static void
check_conns(void)
{
	double t = now();
	struct conn *c;
	int i;

	for (i = 0; i < nconns; i++) {
		c = conns[i];
		if (c->waitid != 0 && t >= c->waituntil) {
			uint32_t id = c->waitid;
			c->waitid = 0;
			reply_fetch(c, find_job(id));
			serve(c);
		}
		if (c->waitid != 0 || c->sendfd != -1 || c->outpos < c->out.len)
			continue;
		if (c->closing == LINGER ? t - c->last > 2 :
		    (c->streaming || c->in.len > 0) ? t - c->last > timeout :
		    t - c->last > 6 * timeout)
			c->closing = CLOSE_NOW;
	}
}

/* ---- start-up ---- */

static int
is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr)
		    >> 24) == 127;
	if (sa->sa_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(
		    &((const struct sockaddr_in6 *)sa)->sin6_addr);
	return 0;
}

static int
listen_tcp(const char *addr, const char *port)
{
	struct addrinfo hints = { 0 }, *ai;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char host[NI_MAXHOST], serv[NI_MAXSERV];
	int fd, e, one = 1;

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
	if ((e = getaddrinfo(addr, port, &hints, &ai)) != 0)
		errx(2, "invalid address '%s' port '%s': %s", addr, port,
		    gai_strerror(e));
	if (!is_loopback(ai->ai_addr) && token == NULL)
		errx(2, "listening on '%s' needs --token-file", addr);
	if ((fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1)
		err(1, "socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1)
		err(1, "cannot listen on '%s' port %s", addr, port);
	freeaddrinfo(ai);
	if (listen(fd, 512) == -1)
		err(1, "listen");
	getsockname(fd, (struct sockaddr *)&ss, &sl);
	getnameinfo((struct sockaddr *)&ss, sl, host, sizeof(host), serv,
	    sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV);
	logmsg("listening on %s:%s", host, serv);
	return fd;
}

static int
listen_unix(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path))
		errx(2, "socket path too long: '%s'", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		err(1, "socket");
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		err(1, "cannot listen on '%s'", path);
	if (listen(fd, 512) == -1)
		err(1, "listen");
	logmsg("listening on %s", path);
	return fd;
}

static char *
slurp(const char *path, size_t *len)
{
	struct buf b = BUF_INIT;
	char tmp[4096];
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	while ((r = read(fd, tmp, sizeof(tmp))) > 0)
		buf_add(&b, tmp, r);
	close(fd);
	buf_addc(&b, '\0');
	if (len != NULL)
		*len = b.len - 1;
	return b.p;
}

/* Jobs found in the spool: finished ones stay, the others run again. */
static void
recover(void)
{
	char path[PATH_MAX], msg[256], *spec, *res, *nl;
	struct dirent *de;
	struct jobspec js;
	struct job *j;
	uint32_t id;
	DIR *d;
	int in;

	if ((spec = slurp((snprintf(path, sizeof(path), "%s/next-id", spool),
	    path), NULL)) != NULL) {
		nextid = strtoul(spec, NULL, 10);
		free(spec);
	}
	if (nextid == 0)
		nextid = 1;
	snprintf(path, sizeof(path), "%s/jobs", spool);
	if ((d = opendir(path)) == NULL)
		err(1, "cannot read '%s'", path);
	while ((de = readdir(d)) != NULL) {
		char *dot = strchr(de->d_name, '.');
		if (dot == NULL || strcmp(dot, ".spec") != 0)
			continue;
		id = strtoul(de->d_name, NULL, 10);
		if (id >= nextid)
			nextid = id + 1;
		spool_path(path, sizeof(path), id, "spec");
		if ((spec = slurp(path, NULL)) == NULL)
			continue;
		spool_path(path, sizeof(path), id, "in");
		in = open(path, O_RDONLY | O_CLOEXEC);
		if (jobspec_parse(spec, strlen(spec), &js, msg,
		    sizeof(msg)) == -1 || in == -1) {
			logmsg("job %u in the spool is damaged: dropped", id);
			free(spec);
			close_fd(&in);
			continue;
		}
		jobspec_resolve(&js, bindir);
		j = new_job(id, spec, &js, in);
		spool_path(path, sizeof(path), id, "res");
		if ((res = slurp(path, NULL)) != NULL) {
			/* Finished before the restart: keep the result. */
			nqueued--;
			j->state = atoi(res);
			if ((nl = strchr(res, '\n')) != NULL && nl[1] != '\0')
				j->why = xstrdup(nl + 1);
			else if (j->state == ST_FAILED)
				j->why = xstrdup("failed");
			j->finished = now();
			close_fd(&j->in);
			free(res);
		} else
			logmsg("job %u recovered from the spool", id);
	}
	closedir(d);
	/* Drop finished jobs from the run queue. */
	{
		struct job **pp = &runq;
		while (*pp != NULL) {
			if ((*pp)->state != ST_QUEUED)
				*pp = (*pp)->next;
			else
				pp = &(*pp)->next;
		}
		runqtail = pp;
	}
	save_nextid();
	snprintf(path, sizeof(path), "%s/data", spool);
	if ((d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			struct dataset *ds;
			if (!proto_valid_name(de->d_name, strlen(de->d_name)))
				continue;
			ds = xcalloc(1, sizeof(*ds));
			ds->name = xstrdup(de->d_name);
			ds->fd = -1;
			ds->next = datasets;
			datasets = ds;
		}
		closedir(d);
	}
}

static void
make_spool(void)
{
	static const char *const sub[] = { "", "/jobs", "/data", "/tmp" };
	char path[PATH_MAX];
	struct dirent *de;
	size_t i;
	DIR *d;

	for (i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", spool, sub[i]);
		if (mkdir(path, 0700) == -1 && errno != EEXIST)
			err(1, "cannot create '%s'", path);
	}
	/* Half-received data of connections before a crash. */
	snprintf(path, sizeof(path), "%s/tmp", spool);
	if ((d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL)
			if (de->d_name[0] != '.')
				unlinkat(dirfd(d), de->d_name, 0);
		closedir(d);
	}
}

static void
on_signal(void)
{
	struct signalfd_siginfo si;
	size_t i;
	int k;

	while (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			reap();
			continue;
		}
		if (draining)
			continue;
		logmsg("stopping on signal %d", si.ssi_signo);
		draining = 1;
		for (k = 0; k < 2; k++)
			close_fd(&listeners[k]);
		if (spool != NULL)
			for (i = 0; i < njobsknown; i++)
				kill_job(jobs[i], KILL_STOP);
	}
}

static void
loop(void)
{
	struct pollfd *pfd = xcalloc(MAXCONNS + 3, sizeof(*pfd));
	int n, i, k, base;

	for (;;) {
		start_jobs();
		if (draining && nrunning == 0 && (spool != NULL || nqueued == 0))
			break;
		n = 0;
		pfd[n].fd = sigfd;
		pfd[n++].events = POLLIN;
		for (k = 0; k < 2; k++)
			if (listeners[k] != -1) {
				pfd[n].fd = listeners[k];
				pfd[n++].events = POLLIN;
			}
		base = n;
		for (i = 0; i < nconns; i++) {
			struct conn *c = conns[i];
			pfd[n].fd = c->fd;
			pfd[n].events = 0;
			if (c->closing == LINGER || (!c->closing &&
			    (c->streaming || (c->waitid == 0 &&
			    c->in.len < PROTO_MAXSPEC + 256))))
				pfd[n].events |= POLLIN;
			if (c->outpos < c->out.len || c->sendfd != -1)
				pfd[n].events |= POLLOUT;
			n++;
		}
		if (poll(pfd, n, TICK_MS) == -1 && errno != EINTR)
			err(1, "poll");
		if (pfd[0].revents)
			on_signal();
		for (k = 1; k < base; k++)
			if (pfd[k].revents && !draining)
				accept_conns(pfd[k].fd);
		/* Connections: conns[] only grows at its end while serving. */
		for (i = 0; i < n - base; i++) {
			struct conn *c = conns[i];
			if (pfd[base + i].revents & (POLLIN | POLLHUP | POLLERR))
				read_conn(c);
			if (pfd[base + i].revents & POLLOUT)
				write_conn(c);
		}
		check_jobs();
		check_conns();
		for (i = nconns - 1; i >= 0; i--) {
			struct conn *c = conns[i];
			if (c->closing == CLOSE_AFTER && c->outpos == c->out.len &&
			    c->sendfd == -1) {
				shutdown(c->fd, SHUT_WR);
				c->closing = LINGER;
				c->last = now();
			}
			if (c->closing == CLOSE_NOW)
				close_conn(i);
		}
	}
	free(pfd);
}

/* Stopping: answer pending WAITs with the state of now, send what is owed. */
static void
flush_conns(void)
{
	struct conn *c;
	uint32_t id;
	int i;

	for (i = 0; i < nconns; i++) {
		c = conns[i];
		if ((id = c->waitid) != 0) {
			c->waitid = 0;
			reply_fetch(c, find_job(id));
		}
		fcntl(c->fd, F_SETFL, 0);
		while (c->closing != CLOSE_NOW && (c->outpos < c->out.len ||
		    c->sendfd != -1))
			write_conn(c);
	}
}

int
main(int argc, char *argv[])
{
	const char *addr = "127.0.0.1", *port = NULL, *unixpath = NULL;
	const char *pidpath = NULL, *tokenfile = NULL;
	struct pidfh *pfh = NULL;
	struct rlimit rl;
	char self[PATH_MAX];
	ssize_t len;
	int ch, dflag = 0, lflag = 0;
	long n;

	cli_init(synopsis, options);
	while ((ch = getopt_long(argc, argv, "dhj:l:p:U:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'd':
			dflag = 1;
			break;
		case 'h':
			cli_usage(0);
		case 'j':
			njobs = cli_num(optarg, 1, 1024, "job count");
			break;
		case 'l':
			addr = optarg;
			lflag = 1;
			break;
		case 'p':
			cli_num(optarg, 0, 65535, "port");
			port = optarg;
			break;
		case 'U':
			unixpath = optarg;
			break;
		case 'V':
			cli_version();
		case OPT_EXPIRE:
			expire = cli_num(optarg, 1, 1LL << 40, "expiry time");
			break;
		case OPT_KEEP:
			keepresults = 1;
			break;
		case OPT_MAXIN:
			maxin = cli_size(optarg, 1, UINT32_MAX, "input limit");
			break;
		case OPT_MAXOUT:
			maxout = cli_size(optarg, 1, 1LL << 50, "output limit");
			break;
		case OPT_MAXQUEUE:
			maxqueue = cli_num(optarg, 1, 1000000, "queue limit");
			break;
		case OPT_MAXTIME:
			maxtime = cli_num(optarg, 1, 1LL << 30, "time limit");
			break;
		case OPT_PIDFILE:
			pidpath = optarg;
			break;
		case OPT_SPOOL:
			spool = optarg;
			break;
		case OPT_SYSLOG:
			usesyslog = 1;
			break;
		case OPT_TIMEOUT:
			timeout = cli_num(optarg, 1, 86400, "timeout");
			break;
		case OPT_TOKEN:
			tokenfile = optarg;
			break;
		default:
			cli_usage(2);
		}
	}
	argc -= optind;
	if (argc > 0)
		cli_misuse("no operands are taken");
	if (pidpath != NULL && !dflag)
		cli_misuse("--pidfile goes with -d");
	if (njobs == 0)
		njobs = (n = sysconf(_SC_NPROCESSORS_ONLN)) > 0 ? n : 1;
	if ((len = readlink("/proc/self/exe", self, sizeof(self) - 1)) == -1)
		err(1, "cannot find my own directory");
	self[len] = '\0';
	strlcpy(bindir, dirname(self), sizeof(bindir));
	tmpdir = spill_dir(NULL);
	jobenv[0] = "PATH=/usr/bin:/bin";
	jobenv[1] = "LC_ALL=C";
	if (asprintf(&jobenv[2], "TMPDIR=%s", tmpdir) == -1)
		err(1, "asprintf");
	if (usesyslog)
		openlog("mr-netd", LOG_PID, LOG_DAEMON);
	if (tokenfile != NULL)
		token = proto_read_token(tokenfile);

	if (unixpath == NULL || lflag || port != NULL)
		listeners[0] = listen_tcp(addr, port ? port : "1936");
	if (unixpath != NULL)
		listeners[1] = listen_unix(unixpath);
	if (spool != NULL) {
		make_spool();
		recover();
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max < 65536 ? rl.rlim_max : 65536;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	sparefd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (dflag) {
		if (pidpath != NULL && (pfh = pidfile_open(pidpath, 0644,
		    NULL)) == NULL)
			err(1, "cannot open '%s'", pidpath);
		/* Keep the directory: -U and --spool may be relative. */
		if (daemon(1, 0) == -1)
			err(1, "daemon");
		if (pfh != NULL)
			pidfile_write(pfh);
	}
	sigfd = child_setup();
	conns = xcalloc(MAXCONNS, sizeof(*conns));

	loop();
	flush_conns();
	logmsg("stopped");
	if (pfh != NULL)
		pidfile_remove(pfh);
	if (unixpath != NULL)
		unlink(unixpath);
	return 0;
}

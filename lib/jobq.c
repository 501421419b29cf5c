/*
 * Jobs of mr-netd. There is no leader process: the daemon starts every
 * stage itself, the first in a new process group and the others in it,
 * and reaps them all; the job ends when the last is reaped.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "jobq.h"
#include "log.h"
#include "proto.h"
#include "protosrv.h"
#include "spill.h"
#include "spool.h"
#include "xmalloc.h"

#define GRACE	1.0	/* seconds from SIGTERM to SIGKILL */

static void
close_fd(int *fd)
{
	if (*fd != -1)
		close(*fd);
	*fd = -1;
}

/* The offset of the data shared with the first stage: what it has read. */
static uint64_t
data_offset(struct job *j)
{
	off_t off;

	if (j->in == -1)
		return j->consumed;
	if ((off = lseek(j->in, 0, SEEK_CUR)) == -1)
		return 0;
	return (uint64_t)off < j->insize ? (uint64_t)off : j->insize;
}

/* The data is closed once the job has ended: how far it got is kept. */
static void
close_in(struct job *j)
{
	j->consumed = data_offset(j);
	close_fd(&j->in);
}

/* What a finished job no longer needs: its spec, its descriptors. */
static void
release(struct job *j)
{
	close_in(j);
	close_fd(&j->out);
	close_fd(&j->err);
	jobspec_free(&j->js);
	free(j->spec);
	j->spec = NULL;
}

void
jobq_init(struct jobq *q)
{
	memset(q, 0, sizeof(*q));
	q->runqtail = &q->runq;
}

static void
job_delete(struct jobq *q, struct job *j)
{
	size_t i;

	spool_delete_job(q->dir, j->id);
	for (i = 0; i < q->nall; i++)
		if (q->all[i] == j) {
			q->all[i] = q->all[--q->nall];
			break;
		}
	close_fd(&j->in);
	close_fd(&j->out);
	close_fd(&j->err);
	jobspec_free(&j->js);
	free(j->spec);
	free(j->why);
	free(j);
}

struct job *
jobq_add(struct jobq *q, uint32_t id, char *spec, struct jobspec *js,
    int state, char *why)
{
	struct job *j = xcalloc(1, sizeof(*j));
	char path[PATH_MAX];
	struct stat st;

	j->id = id;
	j->state = state;
	j->spec = spec;
	j->js = *js;
	j->in = j->out = j->err = -1;
	j->why = why;
	j->queued = clock_mono();
	spool_path(q->dir, path, sizeof(path), id, "in");
	if (stat(path, &st) == 0)
		j->insize = st.st_size;
	if (q->nall == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 64;
		q->all = xreallocarray(q->all, q->cap, sizeof(*q->all));
	}
	q->all[q->nall++] = j;
	if (state != PROTO_ST_QUEUED) {
		j->finished = j->queued;
		release(j);
		return j;
	}
	*q->runqtail = j;
	q->runqtail = &j->next;
	q->nqueued++;
	return j;
}

void
jobq_progress(struct job *j, uint64_t *consumed, uint64_t *total,
    uint32_t *ms)
{
	double t;

	*total = j->insize;
	*consumed = j->state == PROTO_ST_QUEUED ? 0 : j->state ==
	    PROTO_ST_DONE ? j->insize : data_offset(j);
	t = 0;
	/* A job cancelled is so at once, but runs until it is reaped. */
	if (j->started > 0 && j->state != PROTO_ST_QUEUED)
		t = ((j->finished > 0 ? j->finished : clock_mono()) -
		    j->started) * 1000;
	*ms = t < 0 ? 0 : t >= UINT32_MAX ? UINT32_MAX : (uint32_t)t;
}

struct job *
jobq_find(struct jobq *q, uint32_t id)
{
	size_t i;

	for (i = 0; i < q->nall; i++)
		if (q->all[i]->id == id && !q->all[i]->gone)
			return q->all[i];
	return NULL;
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

/* Stage i as a reason shows it: its programs without their directory. */
static void
stage_words(struct job *j, int i, struct buf *b)
{
	char **av = j->js.argv[i], **w, *s;
	size_t n, k;

	for (n = 0; av[n] != NULL; n++)
		;
	w = xreallocarray(NULL, n + 1, sizeof(*w));
	for (k = 0; k < n; k++) {
		w[k] = av[k];
		if ((k == 0 || (int)k == j->js.cmd[i]) &&
		    (s = strrchr(av[k], '/')) != NULL)
			w[k] = s + 1;
	}
	w[n] = NULL;
	buf_addargv(b, w);
	buf_addc(b, '\0');
	free(w);
}

static void
job_finished(struct jobq *q, struct job *j, int state, char *why)
{
	char path[PATH_MAX];

	j->state = state;
	j->why = why;
	j->finished = clock_mono();
	/* A stage may stop reading early (grep -m), yet all was processed. */
	if (state == PROTO_ST_DONE)
		j->consumed = j->insize;
	else
		j->consumed = data_offset(j);
	close_fd(&j->in);
	if (state != PROTO_ST_DONE) {
		spool_path(q->dir, path, sizeof(path), j->id, "out.tmp");
		unlink(path);
	}
	if (state == PROTO_ST_DONE)
		log_msg("job %u done in %.3fs", j->id,
		    j->finished - j->started);
	else if (state == PROTO_ST_CANCELLED)
		log_msg("job %u cancelled", j->id);
	else
		log_msg("job %u failed in %.3fs: %s", j->id,
		    j->finished - j->started, why);
	if (state == PROTO_ST_DONE && spool_save_output(q->dir, j->id,
	    q->spool != NULL ? j->out : -1) == -1)
		log_msg("cannot save the result of job %u: %s", j->id,
		    strerror(errno));
	/* The result stays on disk, fetched by name: no descriptor. */
	release(j);
	if (q->spool != NULL && spool_save_result(q->spool, j->id, state,
	    why) == -1)
		log_msg("cannot save the state of job %u: %s", j->id,
		    strerror(errno));
	q->ended(j, q->arg);
}

/*
 * The reason of a failed pipeline is the first stage that failed by
 * itself: a stage killed by SIGPIPE only lost its reader. If only such
 * stages failed, the first of them.
 */
static char *
stage_failure(struct job *j)
{
	struct buf b = BUF_INIT;
	char tail[512], how[64], *why;
	int i, st, first = -1, pipefail = -1;

	for (i = 0; i < j->nstarted; i++) {
		if ((st = j->stage[i].status) == 0)
			continue;
		if (WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE) {
			if (pipefail == -1)
				pipefail = i;
		} else if (first == -1)
			first = i;
	}
	if (first == -1)
		first = pipefail;
	if (first == -1)
		return NULL;
	stage_words(j, first, &b);
	stderr_tail(j, tail, sizeof(tail));
	if (asprintf(&why, "stage %d (%s): %s%s%s", first + 1, b.p,
	    child_describe(j->stage[first].status, how, sizeof(how)),
	    *tail ? ": " : "", tail) == -1)
		why = xstrdup("the job failed");
	buf_free(&b);
	return why;
}

/* "WHAT N[UNIT] (OPTION)"; a size (unit NULL) as 64M, 1K or 1000. */
static char *
limit_reason(const char *what, long long n, const char *unit,
    const char *opt)
{
	char num[32], *why;

	if (unit == NULL)
		protosrv_size(num, sizeof(num), n);
	else
		snprintf(num, sizeof(num), "%lld%s", n, unit);
	if (asprintf(&why, "%s %s (%s)", what, num, opt) == -1)
		why = xstrdup(what);
	return why;
}

/* Every stage of j has been reaped. */
static void
job_ended(struct jobq *q, struct job *j)
{
	struct stat sb;
	char *why = NULL;

	q->nrunning--;
	if (j->killed == JOBQ_KILL_STOP) {
		/* Spooled without a result: it runs again after a restart. */
		close_in(j);
		close_fd(&j->out);
		close_fd(&j->err);
		return;
	}
	if (j->killed == JOBQ_KILL_CANCEL && j->gone) {
		log_msg("job %u cancelled", j->id);
		job_delete(q, j);
		return;
	}
	if (j->killed == JOBQ_KILL_CANCEL) {
		job_finished(q, j, PROTO_ST_CANCELLED, NULL);
		return;
	}
	if (!j->killed && fstat(j->out, &sb) == 0 && sb.st_size > q->maxout)
		j->killed = JOBQ_KILL_OUTPUT;
	if (j->killed == JOBQ_KILL_TIME)
		why = limit_reason("over the time limit of", q->maxtime, "s",
		    "--max-time");
	else if (j->killed == JOBQ_KILL_OUTPUT)
		why = limit_reason("result over the output limit of",
		    q->maxout, NULL, "--max-output");
	else if (j->killed == JOBQ_KILL_START)
		why = j->why;
	else
		why = stage_failure(j);
	job_finished(q, j, why != NULL ? PROTO_ST_FAILED : PROTO_ST_DONE, why);
}

static void
stage_reaped(struct child *c, void *arg)
{
	struct job *j = c->data;

	if (--j->nlive == 0)
		job_ended(arg, j);
}

void
jobq_reap(struct jobq *q)
{
	child_reap(stage_reaped, q);
}

static void
job_kill(struct job *j, int why)
{
	int i;

	if (j->nlive == 0 || j->killed)
		return;
	j->killed = why;
	if (why == JOBQ_KILL_CANCEL)
		j->state = PROTO_ST_CANCELLED;
	/*
	 * SIGTERM first, so that an mr-par stage can kill its instances,
	 * which run in process groups of their own; SIGKILL after GRACE.
	 */
	for (i = 0; i < j->nstarted; i++)
		child_terminate(&j->stage[i], GRACE);
}

/*
 * Start every stage, stage 0 in a new process group and the others in
 * it. Nothing is reaped before all are started, so stage 0's group exists
 * even if it has exited. On failure, the reason is in why.
 */
static int
job_spawn(struct jobq *q, struct job *j, char *why, size_t n)
{
	struct child_cmd cmd;
	struct buf b = BUF_INIT;
	int i, e, last, p[2], prev = j->in;

	for (i = 0; i < j->js.nstages; i++) {
		last = i == j->js.nstages - 1;
		p[0] = p[1] = -1;
		if (!last && pipe2(p, O_CLOEXEC) == -1) {
			log_msg("cannot start job %u: pipe: %s", j->id,
			    strerror(errno));
			snprintf(why, n, "cannot start the job");
			break;
		}
		cmd.argv = j->js.argv[i];
		cmd.env = q->env;
		cmd.fd[0] = prev;
		cmd.fd[1] = last ? j->out : p[1];
		cmd.fd[2] = j->err;
		cmd.pgid = i == 0 ? 0 : j->stage[0].pgid;
		e = child_start(&j->stage[i], &cmd);
		if (prev != j->in)
			close(prev);
		if (p[1] != -1)
			close(p[1]);
		prev = p[0];
		if (e != 0) {
			stage_words(j, i, &b);
			snprintf(why, n, "stage %d (%s): cannot run '%s': %s",
			    i + 1, b.p, j->js.argv[i][0], strerror(e));
			buf_free(&b);
			break;
		}
		j->stage[i].data = j;
		j->nstarted++;
		j->nlive++;
	}
	if (prev != j->in && prev != -1)
		close(prev);
	if (i == j->js.nstages)
		return 0;
	for (i = 0; i < j->nstarted; i++)
		child_terminate(&j->stage[i], GRACE);
	return -1;
}

static void
job_start(struct jobq *q, struct job *j)
{
	char name[64], why[1024], path[PATH_MAX];
	int e;

	snprintf(name, sizeof(name), "jobs/%u.out.tmp", j->id);
	j->started = clock_mono();
	j->state = PROTO_ST_RUNNING;
	spool_path(q->dir, path, sizeof(path), j->id, "in");
	if ((j->in = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    (j->out = spool_open(q->dir, name)) == -1 ||
	    (j->err = spill_fd(q->tmpdir)) == -1) {
		log_msg("cannot start job %u: %s", j->id, strerror(errno));
		job_finished(q, j, PROTO_ST_FAILED,
		    xstrdup("cannot start the job"));
		return;
	}
	e = job_spawn(q, j, why, sizeof(why));
	/*
	 * The first stage's stdin is a dup of j->in: one open file
	 * description, one offset. Keeping our copy until the job ends lets
	 * PROGRESS read how far the stage has read with lseek(SEEK_CUR), a
	 * system call on a descriptor we hold, where /proc/PID/fdinfo/0 would
	 * be an open, a read and a parse for each request, and a pid that
	 * may already be gone (or reused) once the stage has exited.
	 */
	/* Without a spool it never runs again: one file less to keep. */
	if (q->spool == NULL)
		unlink(path);
	if (e == -1) {
		if (j->nlive == 0) {
			job_finished(q, j, PROTO_ST_FAILED, xstrdup(why));
			return;
		}
		/* It fails once the stages already started are reaped. */
		j->killed = JOBQ_KILL_START;
		j->why = xstrdup(why);
	}
	q->nrunning++;
	log_msg("job %u started", j->id);
}

void
jobq_run(struct jobq *q)
{
	struct job *j;

	while (q->runq != NULL && q->nrunning < q->maxrun && !q->hold) {
		j = q->runq;
		if ((q->runq = j->next) == NULL)
			q->runqtail = &q->runq;
		q->nqueued--;
		j->next = NULL;
		job_start(q, j);
	}
}

int
jobq_cancel(struct jobq *q, struct job *j)
{
	struct job **pp;

	if (j->state == PROTO_ST_QUEUED) {
		for (pp = &q->runq; *pp != j; pp = &(*pp)->next)
			;
		if ((*pp = j->next) == NULL)
			q->runqtail = pp;
		q->nqueued--;
		j->killed = JOBQ_KILL_CANCEL;
		/* A WAIT for it may consume it: j may be gone. */
		job_finished(q, j, PROTO_ST_CANCELLED, NULL);
		return PROTO_ST_CANCELLED;
	}
	job_kill(j, JOBQ_KILL_CANCEL);
	return j->state;
}

void
jobq_stop(struct jobq *q)
{
	size_t i;

	q->hold = 1;
	for (i = 0; i < q->nall; i++)
		job_kill(q->all[i], JOBQ_KILL_STOP);
}

void
jobq_consume(struct jobq *q, struct job *j)
{
	if (j->nlive > 0)
		j->gone = 1;	/* cancelled, not reaped: freed when reaped */
	else
		job_delete(q, j);
}

void
jobq_tick(struct jobq *q)
{
	double t = clock_mono();
	struct stat st;
	struct job *j;
	size_t i;

	for (i = 0; i < q->nall; i++) {
		j = q->all[i];
		if (j->nlive > 0 && !j->killed) {
			if (t - j->started > q->maxtime)
				job_kill(j, JOBQ_KILL_TIME);
			else if (fstat(j->out, &st) == 0 &&
			    st.st_size > q->maxout)
				job_kill(j, JOBQ_KILL_OUTPUT);
		} else if (j->nlive == 0 && j->state != PROTO_ST_QUEUED &&
		    j->state != PROTO_ST_RUNNING &&
		    t - j->finished > q->expire) {
			log_msg("job %u expired", j->id);
			job_delete(q, j);
			i--;
		}
	}
}

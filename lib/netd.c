/* The requests of mr-netd and the state they act on. */
#include <bsd/string.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "netd.h"
#include "proto.h"
#include "protosrv.h"
#include "spool.h"
#include "xmalloc.h"

static void
close_fd(int *fd)
{
	if (*fd != -1)
		close(*fd);
	*fd = -1;
}

/* A file for job data, DIR/NAME: in the spool or the private directory. */
static int
new_file(struct netd *n, const char *name)
{
	int fd;

	if ((fd = spool_open(n->dir, name)) == -1)
		log_msg("cannot create '%s/%s': %s", n->dir, name,
		    strerror(errno));
	return fd;
}

/* A refused request: SUBMIT's form (id 0), or PUT's (u8 1), then why. */
static void
reply_refusal(struct conn *c, int op, const char *msg)
{
	if (op == PROTO_OP_PUT)
		conn_reply8(c, 1);
	else
		conn_reply32(c, 0);
	conn_reply32(c, strlen(msg));
	conn_reply(c, msg, strlen(msg));
}

static void
reply_reject(struct conn *c, const char *msg)
{
	reply_refusal(c, PROTO_OP_SUBMIT, msg);
}

/* FETCH's reply: state, then a payload; a finished job is then consumed. */
static void
reply_fetch(struct netd *n, struct conn *c, struct job *j)
{
	char path[PATH_MAX], why[128];
	struct stat st;
	int fd;

	c->last = clock_mono();
	if (j != NULL && j->state == PROTO_ST_DONE) {
		/* Opened by name at each FETCH: no result holds a descriptor. */
		spool_path(n->dir, path, sizeof(path), j->id, "out");
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
		    fstat(fd, &st) == -1) {
			/* Not consumed: it may be fetched again later. */
			snprintf(why, sizeof(why), "cannot open the result: %s",
			    strerror(errno));
			log_msg("cannot open '%s': %s", path, strerror(errno));
			close_fd(&fd);
			conn_reply8(c, PROTO_ST_FAILED);
			conn_reply32(c, strlen(why));
			conn_reply(c, why, strlen(why));
			return;
		}
		conn_reply8(c, j->state);
		conn_reply32(c, st.st_size);
		conn_sendfile(c, fd, st.st_size);
		log_msg("job %u fetched", j->id);
		if (!n->keepresults)
			jobq_consume(&n->jobs, j);
		return;
	}
	if (j == NULL) {
		conn_reply8(c, PROTO_ST_UNKNOWN);
		conn_reply32(c, 0);
		return;
	}
	conn_reply8(c, j->state);
	if (j->state == PROTO_ST_QUEUED || j->state == PROTO_ST_RUNNING ||
	    j->state == PROTO_ST_CANCELLED) {
		conn_reply32(c, 0);
	} else {
		conn_reply32(c, strlen(j->why));
		conn_reply(c, j->why, strlen(j->why));
	}
	if (j->state == PROTO_ST_QUEUED || j->state == PROTO_ST_RUNNING)
		return;
	log_msg("job %u fetched", j->id);
	if (!n->keepresults)
		jobq_consume(&n->jobs, j);
}

/* PROGRESS's reply: state, bytes consumed, total bytes, milliseconds. */
static void
reply_progress(struct conn *c, struct job *j)
{
	uint64_t consumed = 0, total = 0;
	uint32_t ms = 0;

	if (j != NULL)
		jobq_progress(j, &consumed, &total, &ms);
	conn_reply8(c, j != NULL ? j->state : PROTO_ST_UNKNOWN);
	conn_reply64(c, consumed);
	conn_reply64(c, total);
	conn_reply32(c, ms);
}

/* The reply a held WAIT or PROGRESS gets now. */
static void
reply_held(struct netd *n, struct conn *c)
{
	uint32_t id = c->waitid;

	c->waitid = 0;
	if (c->waitop == PROTO_OP_PROGRESS)
		reply_progress(c, jobq_find(&n->jobs, id));
	else
		reply_fetch(n, c, jobq_find(&n->jobs, id));
}

/*
 * A job has ended: answer the PROGRESSes held for it, then the WAITs (the
 * first may consume it, and a PROGRESS after that would find no job).
 */
static void
job_ended(struct job *j, void *arg)
{
	struct netd *n = arg;
	uint32_t id = j->id;
	int i;

	for (i = 0; i < n->nconns; i++)
		if (n->conns[i]->waitid == id &&
		    n->conns[i]->waitop == PROTO_OP_PROGRESS)
			reply_held(n, n->conns[i]);
	for (i = 0; i < n->nconns; i++)
		if (n->conns[i]->waitid == id)
			reply_held(n, n->conns[i]);
}

/* The tmp/ name of the data a connection is receiving. */
static void
conn_file(struct conn *c, char *buf, size_t len)
{
	snprintf(buf, len, "tmp/conn-%d", c->fd);
}

/* Refuse a SUBMIT: the limits, checked before anything is stored. */
static const char *
submit_refusal(struct netd *n, char *msg, size_t len)
{
	if (n->draining)
		return "the daemon is stopping";
	if (n->jobs.nqueued >= n->maxqueue) {
		snprintf(msg, len, "queue full (--max-queue %lld)",
		    n->maxqueue);
		return msg;
	}
	if ((long long)n->jobs.nall >= n->maxresults) {
		snprintf(msg, len, "too many results not fetched "
		    "(--max-results %lld)", n->maxresults);
		return msg;
	}
	return NULL;
}

/*
 * A new job on the data the connection has received (in tmp/conn-N, its
 * descriptor in) or on a data set: its data becomes DIR/jobs/ID.in.
 */
static void
do_submit(struct netd *n, struct conn *c, char *spec, int in,
    const char *dataset)
{
	struct jobspec js;
	char msg[256], path[PATH_MAX], src[PATH_MAX], name[64];
	const char *why;
	uint32_t id;

	if (jobspec_parse(spec, strlen(spec), &js, msg, sizeof(msg)) == -1) {
		reply_reject(c, msg);
		close_fd(&in);
		free(spec);
		return;
	}
	if ((why = submit_refusal(n, msg, sizeof(msg))) != NULL) {
		reply_reject(c, why);
		jobspec_free(&js);
		close_fd(&in);
		free(spec);
		return;
	}
	jobspec_resolve(&js, n->bindir);
	id = n->nextid++;
	/* Data first, spec last: a job exists once its spec does. */
	spool_path(n->dir, path, sizeof(path), id, "in");
	if (dataset != NULL) {
		snprintf(src, sizeof(src), "%s/data/%s", n->dir, dataset);
		if (link(src, path) == -1)
			goto fail;
	} else {
		conn_file(c, name, sizeof(name));
		snprintf(src, sizeof(src), "%s/%s", n->dir, name);
		if ((n->spool != NULL && fsync(in) == -1) ||
		    rename(src, path) == -1)
			goto fail;
		close_fd(&in);
	}
	if (n->spool != NULL) {
		spool_path(n->spool, path, sizeof(path), id, "spec");
		if (spool_write_durable(path, spec, strlen(spec)) == -1)
			goto fail;
		spool_sync(n->spool, "jobs");
		/* Recovery also counts from the highest id it finds. */
		if (spool_save_nextid(n->spool, n->nextid) == -1)
			log_msg("cannot write '%s/next-id': %s", n->spool,
			    strerror(errno));
	}
	jobq_add(&n->jobs, id, spec, &js, PROTO_ST_QUEUED, NULL);
	log_msg("job %u accepted (%s)", id, spec);
	conn_reply32(c, id);
	jobq_run(&n->jobs);
	return;
fail:
	log_msg("cannot %s job %u: %s", n->spool ? "spool" : "store", id,
	    strerror(errno));
	spool_delete_job(n->dir, id);
	reply_reject(c, n->spool ? "cannot spool the job" :
	    "cannot store the data");
	jobspec_free(&js);
	close_fd(&in);
	free(spec);
}

static struct netd_dataset *
find_dataset(struct netd *n, const char *name)
{
	struct netd_dataset *d;

	for (d = n->datasets; d != NULL; d = d->next)
		if (strcmp(d->name, name) == 0)
			return d;
	return NULL;
}

static struct netd_dataset *
add_dataset(struct netd *n, char *name)
{
	struct netd_dataset *d = xcalloc(1, sizeof(*d));

	d->name = name;
	d->next = n->datasets;
	n->datasets = d;
	return d;
}

static void
do_submit_on(struct netd *n, struct conn *c, char *spec, const char *name)
{
	char msg[128];

	if (find_dataset(n, name) == NULL) {
		snprintf(msg, sizeof(msg), "no data set '%s'", name);
		reply_reject(c, msg);
		free(spec);
		return;
	}
	do_submit(n, c, spec, -1, name);
}

/* A data set is DIR/data/NAME; jobs on it hold hard links of their own. */
static void
do_put(struct netd *n, struct conn *c, char *name, int fd, uint64_t len)
{
	struct netd_dataset *d = find_dataset(n, name), **pp;
	char path[PATH_MAX], src[PATH_MAX], tmp[64];

	snprintf(path, sizeof(path), "%s/data/%s", n->dir, name);
	conn_file(c, tmp, sizeof(tmp));
	snprintf(src, sizeof(src), "%s/%s", n->dir, tmp);
	if (len == 0)
		unlink(path);
	else if ((n->spool != NULL && fsync(fd) == -1) ||
	    rename(src, path) == -1) {
		log_msg("cannot save data set '%s': %s", name,
		    strerror(errno));
		reply_refusal(c, PROTO_OP_PUT, "cannot save the data");
		close_fd(&fd);
		free(name);
		return;
	}
	if (n->spool != NULL)
		spool_sync(n->spool, "data");
	close_fd(&fd);
	if (len == 0) {
		for (pp = &n->datasets; *pp != NULL; pp = &(*pp)->next)
			if (*pp == d) {
				*pp = d->next;
				free(d->name);
				free(d);
				break;
			}
		log_msg("data set '%s' removed", name);
		free(name);
		conn_reply8(c, 0);
		return;
	}
	if (d == NULL)
		d = add_dataset(n, name);
	else
		free(name);
	log_msg("data set '%s' stored (%llu bytes)", d->name,
	    (unsigned long long)len);
	conn_reply8(c, 0);
}

/* The data of a SUBMIT or PUT has all arrived. */
static void
stream_end(struct conn *c, void *arg)
{
	struct netd *n = arg;
	char *spec = c->spec, *name = c->name, tmp[64], path[PATH_MAX];
	int fd = c->datafd;

	c->datafd = -1;
	c->spec = c->name = NULL;
	if (c->reject[0] != '\0') {
		reply_refusal(c, c->op, c->reject);
		c->reject[0] = '\0';
		close_fd(&fd);
		free(spec);
		free(name);
	} else if (c->op == PROTO_OP_SUBMIT)
		do_submit(n, c, spec, fd, NULL);
	else
		do_put(n, c, name, fd, c->datalen);
	/* Whatever the request came to, its data file is gone or renamed. */
	conn_file(c, tmp, sizeof(tmp));
	snprintf(path, sizeof(path), "%s/%s", n->dir, tmp);
	unlink(path);
}

/* Start receiving the data of a SUBMIT or PUT. */
static void
begin_stream(struct netd *n, struct conn *c, struct protosrv_req *r)
{
	struct jobspec js;
	char name[64];
	int fd = -1;

	c->reject[0] = '\0';
	c->spec = r->spec;
	c->name = r->name;
	if (r->op == PROTO_OP_SUBMIT) {
		if (jobspec_parse(r->spec, strlen(r->spec), &js, c->reject,
		    sizeof(c->reject)) == 0)
			jobspec_free(&js);
	} else if (!proto_valid_name(r->name, strlen(r->name)))
		snprintf(c->reject, sizeof(c->reject), "invalid data set name");
	if (c->reject[0] == '\0' && !(r->op == PROTO_OP_PUT &&
	    r->datalen == 0)) {
		conn_file(c, name, sizeof(name));
		if ((fd = new_file(n, name)) == -1)
			snprintf(c->reject, sizeof(c->reject),
			    "cannot store the data");
	}
	conn_stream(c, r->op, fd, r->datalen);
}

/*
 * Handle one request from c->in: 1 when one was handled, 0 when more bytes
 * are needed, -1 when the connection is to be closed after the reply.
 */
static int
request(struct conn *c, void *arg)
{
	struct netd *n = arg;
	struct protosrv_req r;
	struct job *j;
	int op;

	if ((op = protosrv_opcode(c->in.p, c->in.len)) == -1)
		return 0;
	if (op == PROTO_NOPS)
		return -1;
	if (n->token != NULL && !c->authed && op != PROTO_OP_AUTH) {
		if (op == PROTO_OP_SUBMIT || op == PROTO_OP_SUBMIT_ON ||
		    op == PROTO_OP_PUT)
			reply_refusal(c, op, "authentication required");
		return -1;
	}
	switch (protosrv_decode(c->in.p, c->in.len, n->maxin, &r)) {
	case PROTOSRV_MORE:
		return 0;
	case PROTOSRV_BAD:
		if (r.err[0] != '\0')
			reply_refusal(c, r.op, r.err);
		return -1;
	}
	/* Without --token-file, there is no token to match: refused. */
	if (op == PROTO_OP_AUTH)
		c->authed = n->token != NULL && proto_secret_equal(r.token,
		    r.tokenlen, n->token, strlen(n->token));
	conn_consume(c, r.used);
	j = jobq_find(&n->jobs, r.id);
	switch (op) {
	case PROTO_OP_FETCH:
		reply_fetch(n, c, j);
		return 1;
	case PROTO_OP_STATUS:
		conn_reply8(c, j ? j->state : PROTO_ST_UNKNOWN);
		return 1;
	case PROTO_OP_CANCEL:
		conn_reply8(c, j ? jobq_cancel(&n->jobs, j) : PROTO_ST_UNKNOWN);
		return 1;
	case PROTO_OP_WAIT:
	case PROTO_OP_PROGRESS:
		if (j == NULL || (j->state != PROTO_ST_QUEUED && j->state !=
		    PROTO_ST_RUNNING) || r.ms == 0) {
			if (op == PROTO_OP_WAIT)
				reply_fetch(n, c, j);
			else
				reply_progress(c, j);
			return 1;
		}
		c->waitid = r.id;
		c->waitop = op;
		c->waituntil = clock_mono() + r.ms / 1000.0;
		return 1;
	case PROTO_OP_AUTH:
		conn_reply8(c, !c->authed);
		return c->authed ? 1 : -1;
	case PROTO_OP_SUBMIT:
	case PROTO_OP_PUT:
		begin_stream(n, c, &r);
		return 1;
	}
	/* SUBMIT-ON */
	if (r.name == NULL || !proto_valid_name(r.name, strlen(r.name))) {
		free(r.name);
		free(r.spec);
		reply_reject(c, "invalid data set name");
		return 1;
	}
	do_submit_on(n, c, r.spec, r.name);
	free(r.name);
	return 1;
}

void
netd_init(struct netd *n)
{
	memset(n, 0, sizeof(*n));
	jobq_init(&n->jobs);
	n->jobs.ended = job_ended;
	n->jobs.arg = n;
	n->ops.request = request;
	n->ops.stream_end = stream_end;
	n->ops.arg = n;
	n->nextid = 1;
	n->lockfd = -1;
	n->maxconns = NETD_MAXCONNS;
	n->maxresults = 10000;
}

/* A job of the spool: finished ones stay, the others run again. */
static void
recovered(struct spool_job *sj, void *arg)
{
	struct netd *n = arg;
	struct jobspec js;
	char msg[256];

	if (jobspec_parse(sj->spec, strlen(sj->spec), &js, msg,
	    sizeof(msg)) == -1 || sj->in == -1) {
		log_msg("job %u in the spool is damaged: dropped", sj->id);
		free(sj->spec);
		free(sj->why);
		close_fd(&sj->in);
		return;
	}
	close_fd(&sj->in);	/* opened again when it runs */
	jobspec_resolve(&js, n->bindir);
	if (sj->finished) {
		if (sj->why == NULL && sj->state == PROTO_ST_FAILED)
			sj->why = xstrdup("failed");
		jobq_add(&n->jobs, sj->id, sj->spec, &js, sj->state, sj->why);
		return;
	}
	free(sj->why);
	jobq_add(&n->jobs, sj->id, sj->spec, &js, PROTO_ST_QUEUED, NULL);
	log_msg("job %u recovered from the spool", sj->id);
}

static void
recovered_dataset(const char *name, void *arg)
{
	add_dataset(arg, xstrdup(name));
}

/* -1 with "WHAT 'PATH': ERROR" in err. */
static int
open_fail(char *err, size_t errlen, const char *what, const char *path)
{
	char p[PATH_MAX];

	strlcpy(p, path, sizeof(p));
	snprintf(err, errlen, "%s: '%s': %s", what, p, strerror(errno));
	return -1;
}

int
netd_open(struct netd *n, char *err, size_t errlen)
{
	char path[PATH_MAX];
	long owner;

	if (n->spool == NULL) {
		if (spool_private(n->tmpdir, n->privdir, sizeof(n->privdir),
		    &n->lockfd) == -1)
			return open_fail(err, errlen,
			    "cannot make a directory in", n->tmpdir);
		n->dir = n->jobs.dir = n->privdir;
		return 0;
	}
	n->dir = n->jobs.dir = n->spool;
	if (spool_create(n->spool, path, sizeof(path)) == -1)
		return open_fail(err, errlen, "cannot set up the spool", path);
	if ((n->lockfd = spool_lock(n->spool, &owner)) == -1) {
		if (errno != EWOULDBLOCK) {
			snprintf(path, sizeof(path), "%s/lock", n->spool);
			return open_fail(err, errlen,
			    "cannot set up the spool", path);
		}
		snprintf(err, errlen, "spool '%s' is in use by pid %ld",
		    n->spool, owner);
		return -1;
	}
	spool_clear_tmp(n->spool);
	snprintf(path, sizeof(path), "%s/jobs", n->spool);
	if (spool_recover(n->spool, &n->nextid, recovered, n) == -1)
		return open_fail(err, errlen, "cannot set up the spool", path);
	snprintf(path, sizeof(path), "%s/next-id", n->spool);
	if (spool_save_nextid(n->spool, n->nextid) == -1)
		return open_fail(err, errlen, "cannot set up the spool", path);
	spool_datasets(n->spool, recovered_dataset, n);
	return 0;
}

void
netd_detached(struct netd *n)
{
	if (n->lockfd != -1)
		spool_lock_update(n->lockfd);
}

void
netd_close(struct netd *n)
{
	if (n->spool == NULL && n->dir != NULL)
		spool_remove(n->dir);
	if (n->lockfd != -1)
		close(n->lockfd);
	n->lockfd = -1;
}

int
netd_fit_conns(struct netd *n, long long nofile)
{
	long long fit;

	/*
	 * Our own descriptors (listeners, signalfd, spare, lock, log) and
	 * four a running job holds (its data, kept for PROGRESS, its result,
	 * its stderr, and one to spare: the pipes of a job being started,
	 * one job at a time, are in the 16), then two per connection (its
	 * socket, and the file it receives or sends).
	 */
	fit = (nofile - 16 - 4LL * n->jobs.maxrun) / 2;
	if (fit < 1)
		fit = 1;
	if (fit < n->maxconns)
		n->maxconns = fit;
	return n->maxconns;
}

void
netd_accept(struct netd *n, int fd)
{
	static double said;
	double t;

	if (n->nconns >= n->maxconns) {
		close(fd);
		n->refused++;
		/* Once a second at most: a flood must not flood the log. */
		if ((t = clock_mono()) - said >= 1) {
			log_msg("%d connections: connection closed (%lld so "
			    "far)", n->maxconns, n->refused);
			said = t;
		}
		return;
	}
	if (n->nconns == n->capconns) {
		n->capconns = n->capconns ? n->capconns * 2 : 64;
		if (n->capconns > n->maxconns)
			n->capconns = n->maxconns;
		n->conns = xreallocarray(n->conns, n->capconns,
		    sizeof(*n->conns));
	}
	n->conns[n->nconns++] = conn_new(fd, &n->ops);
}

static void
close_conn(struct netd *n, int i)
{
	struct conn *c = n->conns[i];
	char name[64], path[PATH_MAX];

	if (c->streaming) {
		conn_file(c, name, sizeof(name));
		snprintf(path, sizeof(path), "%s/%s", n->dir, name);
		unlink(path);
	}
	conn_free(c);
	n->conns[i] = n->conns[--n->nconns];
}

/* Limits of jobs, WAITs whose time is up, stalled and closed connections. */
void
netd_tick(struct netd *n)
{
	double t = clock_mono();
	struct conn *c;
	int i;

	jobq_tick(&n->jobs);
	for (i = 0; i < n->nconns; i++) {
		c = n->conns[i];
		if (conn_tick(c, t, n->timeout)) {
			reply_held(n, c);
			conn_serve(c);
		}
	}
	for (i = n->nconns - 1; i >= 0; i--)
		if (conn_done(n->conns[i]))
			close_conn(n, i);
}

void
netd_stop(struct netd *n)
{
	n->draining = 1;
	if (n->spool != NULL)
		jobq_stop(&n->jobs);
}

/* Stopping: answer pending WAITs with the state of now, send what is owed. */
void
netd_flush(struct netd *n)
{
	double until = clock_mono() + 1;
	struct conn *c;
	int i;

	for (i = 0; i < n->nconns; i++) {
		c = n->conns[i];
		if (c->waitid != 0)
			reply_held(n, c);
		/* A client that does not read holds us a second at most. */
		conn_flush(c, until);
	}
}

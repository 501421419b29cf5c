/* The requests of mr-netd and the state they act on. */
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
#include "spill.h"
#include "spool.h"
#include "xmalloc.h"

static void
close_fd(int *fd)
{
	if (*fd != -1)
		close(*fd);
	*fd = -1;
}

/* A file for job data: in the spool, or unlinked in tmpdir. */
static int
new_file(struct netd *n, const char *name)
{
	int fd;

	if (n->spool == NULL)
		return spill_fd(n->tmpdir);
	if ((fd = spool_open(n->spool, name)) == -1)
		log_msg("cannot create '%s/%s': %s", n->spool, name,
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
	char path[PATH_MAX];
	struct stat st;
	int fd;

	c->last = clock_mono();
	if (j == NULL) {
		conn_reply8(c, PROTO_ST_UNKNOWN);
		conn_reply32(c, 0);
		return;
	}
	conn_reply8(c, j->state);
	if (j->state == PROTO_ST_QUEUED || j->state == PROTO_ST_RUNNING ||
	    j->state == PROTO_ST_CANCELLED) {
		conn_reply32(c, 0);
	} else if (j->state == PROTO_ST_FAILED) {
		conn_reply32(c, strlen(j->why));
		conn_reply(c, j->why, strlen(j->why));
	} else {
		if (j->out == -1 && n->spool != NULL) {
			spool_path(n->spool, path, sizeof(path), j->id, "out");
			j->out = open(path, O_RDONLY | O_CLOEXEC);
		}
		fd = j->out == -1 ? -1 : fcntl(j->out, F_DUPFD_CLOEXEC, 0);
		if (fd == -1 || fstat(fd, &st) == -1) {
			conn_reply32(c, 0);
			close_fd(&fd);
		} else {
			conn_reply32(c, st.st_size);
			conn_sendfile(c, fd, st.st_size);
		}
	}
	if (j->state == PROTO_ST_QUEUED || j->state == PROTO_ST_RUNNING)
		return;
	log_msg("job %u fetched", j->id);
	if (!n->keepresults)
		jobq_consume(&n->jobs, j);
}

/* A job has ended: answer the WAITs for it (the first may consume it). */
static void
job_ended(struct job *j, void *arg)
{
	struct netd *n = arg;
	uint32_t id = j->id;
	int i;

	for (i = 0; i < n->nconns; i++)
		if (n->conns[i]->waitid == id) {
			n->conns[i]->waitid = 0;
			reply_fetch(n, n->conns[i], jobq_find(&n->jobs, id));
		}
}

/* The tmp/ name of the data a connection is receiving. */
static void
conn_file(struct conn *c, char *buf, size_t len)
{
	snprintf(buf, len, "tmp/conn-%d", c->fd);
}

static void
do_submit(struct netd *n, struct conn *c, char *spec, int in,
    const char *dataset)
{
	struct jobspec js;
	char msg[256], path[PATH_MAX], src[PATH_MAX], name[64];
	uint32_t id;

	if (jobspec_parse(spec, strlen(spec), &js, msg, sizeof(msg)) == -1) {
		reply_reject(c, msg);
		close_fd(&in);
		free(spec);
		return;
	}
	if (n->jobs.nqueued >= n->maxqueue || n->draining) {
		reply_reject(c, n->draining ? "the daemon is stopping" :
		    "queue full");
		jobspec_free(&js);
		close_fd(&in);
		free(spec);
		return;
	}
	jobspec_resolve(&js, n->bindir);
	id = n->nextid++;
	if (n->spool != NULL) {
		/* Data first, spec last: a job exists once its spec does. */
		spool_path(n->spool, path, sizeof(path), id, "in");
		if (dataset != NULL) {
			snprintf(src, sizeof(src), "%s/data/%s", n->spool,
			    dataset);
			if (link(src, path) == -1 ||
			    (in = open(path, O_RDONLY | O_CLOEXEC)) == -1)
				goto spoolfail;
		} else {
			conn_file(c, name, sizeof(name));
			snprintf(src, sizeof(src), "%s/%s", n->spool, name);
			if (fsync(in) == -1 || rename(src, path) == -1)
				goto spoolfail;
		}
		spool_path(n->spool, path, sizeof(path), id, "spec");
		if (spool_write_durable(path, spec, strlen(spec)) == -1)
			goto spoolfail;
		spool_sync(n->spool, "jobs");
		/* Recovery also counts from the highest id it finds. */
		if (spool_save_nextid(n->spool, n->nextid) == -1)
			log_msg("cannot write '%s/next-id': %s", n->spool,
			    strerror(errno));
	}
	jobq_add(&n->jobs, id, spec, &js, in, PROTO_ST_QUEUED, NULL);
	log_msg("job %u accepted (%s)", id, spec);
	conn_reply32(c, id);
	jobq_run(&n->jobs);
	return;
spoolfail:
	log_msg("cannot spool job %u: %s", id, strerror(errno));
	reply_reject(c, "cannot spool the job");
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
	d->fd = -1;
	d->next = n->datasets;
	n->datasets = d;
	return d;
}

static void
do_submit_on(struct netd *n, struct conn *c, char *spec, const char *name)
{
	struct netd_dataset *d = find_dataset(n, name);
	char path[64], msg[128];
	int in = -1;

	if (d == NULL) {
		snprintf(msg, sizeof(msg), "no data set '%s'", name);
		reply_reject(c, msg);
		free(spec);
		return;
	}
	if (n->spool == NULL) {
		/* An open file description of its own, at offset 0. */
		snprintf(path, sizeof(path), "/proc/self/fd/%d", d->fd);
		if ((in = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
			reply_reject(c, "cannot open the data set");
			free(spec);
			return;
		}
	}
	do_submit(n, c, spec, in, n->spool ? name : NULL);
}

static void
do_put(struct netd *n, struct conn *c, char *name, int fd, uint64_t len)
{
	struct netd_dataset *d = find_dataset(n, name), **pp;
	char path[PATH_MAX], src[PATH_MAX], tmp[64];

	if (n->spool != NULL) {
		snprintf(path, sizeof(path), "%s/data/%s", n->spool, name);
		conn_file(c, tmp, sizeof(tmp));
		snprintf(src, sizeof(src), "%s/%s", n->spool, tmp);
		if (len == 0)
			unlink(path);
		else if (fsync(fd) == -1 || rename(src, path) == -1) {
			reply_refusal(c, PROTO_OP_PUT, "cannot save the data");
			close_fd(&fd);
			free(name);
			return;
		}
		spool_sync(n->spool, "data");
		close_fd(&fd);
	}
	if (len == 0) {
		for (pp = &n->datasets; *pp != NULL; pp = &(*pp)->next)
			if (*pp == d) {
				*pp = d->next;
				close_fd(&d->fd);
				free(d->name);
				free(d);
				break;
			}
		close_fd(&fd);
		log_msg("data set '%s' removed", name);
		free(name);
		conn_reply8(c, 0);
		return;
	}
	if (d == NULL)
		d = add_dataset(n, name);
	else
		free(name);
	close_fd(&d->fd);
	d->fd = fd;
	log_msg("data set '%s' stored (%llu bytes)", d->name,
	    (unsigned long long)len);
	conn_reply8(c, 0);
}

/* The data of a SUBMIT or PUT has all arrived. */
static void
stream_end(struct conn *c, void *arg)
{
	char *spec = c->spec, *name = c->name;
	int fd = c->datafd;

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
	if (c->op == PROTO_OP_SUBMIT)
		do_submit(arg, c, spec, fd, NULL);
	else
		do_put(arg, c, name, fd, c->datalen);
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
	if (op == PROTO_OP_AUTH)
		c->authed = n->token == NULL || proto_secret_equal(r.token,
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
		if (j == NULL || (j->state != PROTO_ST_QUEUED && j->state !=
		    PROTO_ST_RUNNING) || r.ms == 0) {
			reply_fetch(n, c, j);
			return 1;
		}
		c->waitid = r.id;
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
	n->conns = xcalloc(NETD_MAXCONNS, sizeof(*n->conns));
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
	jobspec_resolve(&js, n->bindir);
	if (sj->finished) {
		if (sj->why == NULL && sj->state == PROTO_ST_FAILED)
			sj->why = xstrdup("failed");
		jobq_add(&n->jobs, sj->id, sj->spec, &js, sj->in, sj->state,
		    sj->why);
		return;
	}
	free(sj->why);
	jobq_add(&n->jobs, sj->id, sj->spec, &js, sj->in, PROTO_ST_QUEUED,
	    NULL);
	log_msg("job %u recovered from the spool", sj->id);
}

static void
recovered_dataset(const char *name, void *arg)
{
	add_dataset(arg, xstrdup(name));
}

int
netd_recover(struct netd *n, char *err, size_t errlen)
{
	if (spool_create(n->spool, err, errlen) == -1)
		return -1;
	snprintf(err, errlen, "%s/jobs", n->spool);
	if (spool_recover(n->spool, &n->nextid, recovered, n) == -1)
		return -1;
	snprintf(err, errlen, "%s/next-id", n->spool);
	if (spool_save_nextid(n->spool, n->nextid) == -1)
		return -1;
	spool_datasets(n->spool, recovered_dataset, n);
	return 0;
}

void
netd_accept(struct netd *n, int fd)
{
	if (n->nconns == NETD_MAXCONNS) {
		close(fd);
		return;
	}
	n->conns[n->nconns++] = conn_new(fd, &n->ops);
}

static void
close_conn(struct netd *n, int i)
{
	struct conn *c = n->conns[i];
	char name[64], path[PATH_MAX];

	if (c->streaming && n->spool != NULL) {
		conn_file(c, name, sizeof(name));
		snprintf(path, sizeof(path), "%s/%s", n->spool, name);
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
	uint32_t id;
	int i;

	jobq_tick(&n->jobs);
	for (i = 0; i < n->nconns; i++) {
		c = n->conns[i];
		if (conn_tick(c, t, n->timeout)) {
			id = c->waitid;
			c->waitid = 0;
			reply_fetch(n, c, jobq_find(&n->jobs, id));
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
	struct conn *c;
	uint32_t id;
	int i;

	for (i = 0; i < n->nconns; i++) {
		c = n->conns[i];
		if ((id = c->waitid) != 0) {
			c->waitid = 0;
			reply_fetch(n, c, jobq_find(&n->jobs, id));
		}
		conn_flush(c);
	}
}

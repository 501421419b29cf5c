/*
 * The mr-par engine: a chunker that cuts the input into chunks of whole
 * key runs in temporary files, a bounded queue of chunks ready to run,
 * slots that each run one instance (or, with keeporder, hold a finished
 * output until its turn), retries, and one poll(2) loop over the input
 * and the signalfd that reports ended instances.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "clock.h"
#include "fdio.h"
#include "hosts.h"
#include "par.h"
#include "spill.h"
#include "xmalloc.h"

#define READSZ		(256 * 1024)
#define WBUFSZ		(256 * 1024)
#define COUNTSZ		(128 * 1024)

struct par_chunk {
	unsigned long long	 no;
	unsigned long long	 rec0, nrec;	/* first record (1-based), count */
	unsigned long long	 size;		/* bytes */
	int			 attempt;	/* attempts started */
	int			 lasthost;	/* of the last attempt, or -1 */
	int			 fd;		/* its temporary file */
	struct par_chunk	*next;
};

/* A running instance, or a finished output waiting for its turn. */
struct par_slot {
	struct par_chunk	*c;
	struct child		 ch;
	int			 host;
	int			 outfd;		/* its stdout: a temporary file */
	unsigned long long	 outlen;
	double			 start, startwall;
	int			 busy, waiting, failed;
};

/* Record why par_run stops: the words given, then errno's text. */
static int
fail(struct par *p, int code, const char *fmt, ...)
{
	int e = errno;
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(p->err, sizeof(p->err), fmt, ap);
	va_end(ap);
	n = strlen(p->err);
	snprintf(p->err + n, sizeof(p->err) - n, ": %s", strerror(e));
	p->errnum = e;
	p->exitcode = code;
	return -1;
}

static void
push_ready(struct par *p, struct par_chunk *c, int front)
{
	c->next = NULL;
	if (front) {
		c->next = p->ready;
		p->ready = c;
		if (p->readytail == &p->ready)
			p->readytail = &c->next;
	} else {
		*p->readytail = c;
		p->readytail = &c->next;
	}
	p->nready++;
}

static struct par_chunk *
pop_ready(struct par *p)
{
	struct par_chunk *c = p->ready;

	if ((p->ready = c->next) == NULL)
		p->readytail = &p->ready;
	c->next = NULL;
	p->nready--;
	return c;
}

/* Chunks and their files are recycled. */
static struct par_chunk *
new_chunk(struct par *p)
{
	struct par_chunk *c = p->spare;
	int fd;

	if (c != NULL)
		p->spare = c->next;
	else {
		if ((fd = spill_fd(p->tmpdir)) == -1) {
			fail(p, 1, "cannot create temporary file in '%s'",
			    p->tmpdir);
			return NULL;
		}
		c = xcalloc(1, sizeof(*c));
		c->fd = fd;
	}
	c->no = p->st.chunks++;
	c->rec0 = p->st.records + 1;
	c->nrec = c->size = 0;
	c->attempt = 0;
	c->lasthost = -1;
	c->next = NULL;
	return c;
}

static int
free_chunk(struct par *p, struct par_chunk *c)
{
	c->next = p->spare;
	p->spare = c;
	if (ftruncate(c->fd, 0) == -1 || lseek(c->fd, 0, SEEK_SET) == -1)
		return fail(p, 1, "cannot reset temporary file in '%s'",
		    p->tmpdir);
	return 0;
}

static int
flush_building(struct par *p)
{
	if (fdio_write_all(p->building->fd, p->wbuf.p, p->wbuf.len) == -1)
		return fail(p, 1, "cannot write temporary file in '%s'",
		    p->tmpdir);
	buf_clear(&p->wbuf);
	return 0;
}

static int
close_building(struct par *p)
{
	if (p->building == NULL)
		return 0;
	if (flush_building(p) == -1)
		return -1;
	push_ready(p, p->building, 0);
	p->building = NULL;
	return 0;
}

/* A chunk ends at the first key change once it holds `block` bytes. */
static int
add_record(struct par *p, const char *line, size_t len)
{
	const char *tab = memchr(line, '\t', len);
	size_t klen = tab ? (size_t)(tab - line) : len;
	int same = klen == p->lastkey.len &&
	    memcmp(line, p->lastkey.p, klen) == 0;
	struct par_chunk *c;

	if (p->building != NULL && !same && p->building->size >= p->block &&
	    close_building(p) == -1)
		return -1;
	if (p->building == NULL && (p->building = new_chunk(p)) == NULL)
		return -1;
	c = p->building;
	buf_add(&p->wbuf, line, len);
	buf_addc(&p->wbuf, p->delim);
	if (p->wbuf.len >= WBUFSZ && flush_building(p) == -1)
		return -1;
	c->size += len + 1;
	c->nrec++;
	p->st.records++;
	if (!same) {
		buf_clear(&p->lastkey);
		buf_add(&p->lastkey, line, klen);
	}
	return 0;
}

/*
 * Cut the whole records of the input buffer into chunks while fewer than
 * `jobs` chunks wait for a slot; once the input has ended, the last
 * record too, terminated or not. The rest waits in the buffer, and no
 * more is read meanwhile: that bounds the chunks, and their files.
 */
static int
chunk_input(struct par *p)
{
	char *s, *nl;
	size_t n;

	while (p->nready < (unsigned)p->jobs && !p->stopping) {
		s = p->inbuf.p + p->inpos;
		n = p->inbuf.len - p->inpos;
		if (n > 0 && (nl = memchr(s, p->delim, n)) != NULL) {
			if (add_record(p, s, nl - s) == -1)
				return -1;
			p->inpos += nl - s + 1;
			continue;
		}
		if (!p->ineof)
			break;
		if (n > 0 && add_record(p, s, n) == -1)
			return -1;
		p->inpos = p->inbuf.len;
		return close_building(p);
	}
	return 0;
}

static int
read_input(struct par *p)
{
	ssize_t n;

	if (p->inpos == p->inbuf.len)
		p->inpos = p->inbuf.len = 0;
	else if (p->inpos > 0 && p->inbuf.cap - p->inbuf.len < READSZ) {
		memmove(p->inbuf.p, p->inbuf.p + p->inpos,
		    p->inbuf.len - p->inpos);
		p->inbuf.len -= p->inpos;
		p->inpos = 0;
	}
	buf_grow(&p->inbuf, READSZ);
	n = read(p->in, p->inbuf.p + p->inbuf.len, p->inbuf.cap - p->inbuf.len);
	if (n == -1)
		return errno == EINTR || errno == EAGAIN ? 0 :
		    fail(p, 1, "cannot read 'stdin'");
	if (n == 0)
		p->ineof = 1;
	p->inbuf.len += n;
	p->st.bytes_in += n;
	return 0;
}

static int
write_failed(struct par *p, const char *s, size_t n)
{
	if (fdio_write_all(p->failfd, s, n) == -1)
		return fail(p, 1, "cannot write '%s'", p->failname);
	return 0;
}

/*
 * After a stop, once no instance runs (so that no failed chunk can come
 * in between): what was read but not chunked, then the rest of the
 * input, go to failfd as they are. Nothing is lost.
 */
static int
drain_input(struct par *p)
{
	size_t n = p->inbuf.len - p->inpos;

	if (p->failfd != -1 && n > 0 &&
	    write_failed(p, p->inbuf.p + p->inpos, n) == -1)
		return -1;
	p->inpos = p->inbuf.len;
	return 0;
}

static int
save_failed(struct par *p, struct par_chunk *c)
{
	if (p->failfd != -1 && fdio_copy(c->fd, c->size, p->failfd) == -1)
		return fail(p, 1, "cannot write '%s'", p->failname);
	return 0;
}

static int
start(struct par *p, struct par_slot *s, struct par_chunk *c, int host)
{
	char *extra[] = { p->envchunk, p->envattempt, NULL };
	struct child_cmd cmd = { NULL, p->env, { c->fd, -1, -1 }, 0 };
	int e;

	c->attempt++;
	snprintf(p->envchunk, sizeof(p->envchunk), "MR_CHUNK=%llu", c->no);
	snprintf(p->envattempt, sizeof(p->envattempt), "MR_ATTEMPT=%d",
	    c->attempt);
	s->c = c;
	s->host = host;
	s->busy = 1;
	s->start = clock_mono();
	s->startwall = clock_wall();
	if (s->outfd == -1 && (s->outfd = spill_fd(p->tmpdir)) == -1)
		return fail(p, 1, "cannot create temporary file in '%s'",
		    p->tmpdir);
	/* The instance shares these offsets: both start at 0. */
	if (lseek(c->fd, 0, SEEK_SET) == -1 || ftruncate(s->outfd, 0) == -1 ||
	    lseek(s->outfd, 0, SEEK_SET) == -1)
		return fail(p, 1, "cannot reset temporary files in '%s'",
		    p->tmpdir);
	cmd.fd[1] = s->outfd;
	cmd.argv = hosts_argv(p->hosts, host, p->argv, extra);
	if ((e = child_start(&s->ch, &cmd)) != 0) {
		errno = e;
		return fail(p, e == ENOENT ? 127 : 126, "cannot run '%s'",
		    cmd.argv[0]);
	}
	p->st.running++;
	return 0;
}

static struct par_slot *
free_slot(struct par *p)
{
	int i;

	for (i = 0; i < p->nslots; i++)
		if (!p->slots[i].busy && !p->slots[i].waiting)
			return &p->slots[i];
	return NULL;
}

/* Each ready chunk, in order, that a host has a free slot for. */
static int
start_ready(struct par *p)
{
	struct par_chunk **pp, *c;
	struct par_slot *s;
	double now = clock_mono();
	int h;

	pp = &p->ready;
	while ((c = *pp) != NULL && !p->stopping && (s = free_slot(p)) != NULL) {
		if ((h = hosts_pick(p->hosts, c->lasthost, now)) == -1) {
			pp = &c->next;
			continue;
		}
		if ((*pp = c->next) == NULL)
			p->readytail = pp;
		c->next = NULL;
		p->nready--;
		if (start(p, s, c, h) == -1)
			return -1;
	}
	return 0;
}

/* Records in an output, for progress only: it costs a read. */
static unsigned long long
count_records(struct par *p, struct par_slot *s)
{
	unsigned long long n = 0, off = 0;
	ssize_t r;
	char *q;

	if (p->tmp == NULL)
		p->tmp = xmalloc(COUNTSZ);
	while (off < s->outlen &&
	    (r = pread(s->outfd, p->tmp, COUNTSZ, off)) > 0) {
		for (q = p->tmp; (q = memchr(q, p->delim, p->tmp + r - q));
		    q++)
			n++;
		off += r;
	}
	return n;
}

static int
emit(struct par *p, struct par_slot *s)
{
	if (fdio_copy(s->outfd, s->outlen, p->out) == -1)
		return fail(p, 1, "write error");
	p->st.bytes_out += s->outlen;
	if (p->countout)
		p->st.records_out += count_records(p, s);
	return 0;
}

static int
release(struct par *p, struct par_slot *s)
{
	struct par_chunk *c = s->c;

	s->c = NULL;
	s->busy = s->waiting = s->failed = 0;
	return free_chunk(p, c);
}

/* With keeporder: the waiting outputs that are next in input order. */
static int
emit_in_order(struct par *p)
{
	struct par_slot *s;
	int i, found;

	do {
		found = 0;
		for (i = 0; i < p->nslots; i++) {
			s = &p->slots[i];
			if (!s->waiting || s->c->no != p->nemitted)
				continue;
			if (!s->failed && emit(p, s) == -1)
				return -1;
			p->nemitted++;
			if (release(p, s) == -1)
				return -1;
			found = 1;
		}
	} while (found);
	return 0;
}

/*
 * After a stop, chunks that never ran leave gaps in the order: emit what
 * still waits, lowest chunk first.
 */
static int
emit_rest(struct par *p)
{
	struct par_slot *min;
	int i;

	do {
		min = NULL;
		for (i = 0; i < p->nslots; i++)
			if (p->slots[i].waiting && (min == NULL ||
			    p->slots[i].c->no < min->c->no))
				min = &p->slots[i];
		if (min != NULL) {
			p->nemitted = min->c->no;
			if (emit_in_order(p) == -1)
				return -1;
		}
	} while (min != NULL);
	return 0;
}

/* A failure for good without keepgoing: nothing more starts. */
static int
stop(struct par *p)
{
	struct par_chunk *c;

	p->stopping = 1;
	while (p->ready != NULL) {
		c = pop_ready(p);
		if (save_failed(p, c) == -1 || free_chunk(p, c) == -1)
			return -1;
	}
	if (p->building != NULL) {
		c = p->building;
		if (flush_building(p) == -1 || save_failed(p, c) == -1)
			return -1;
		p->building = NULL;
		if (free_chunk(p, c) == -1)
			return -1;
	}
	if (p->failfd == -1)
		p->ineof = 1;
	return 0;
}

/* The output is whole: a last record without terminator gets one. */
static int
terminate_output(struct par *p, struct par_slot *s)
{
	char last;

	if (s->outlen == 0)
		return 0;
	if (pread(s->outfd, &last, 1, s->outlen - 1) == 1 && last == p->delim)
		return 0;
	if (fdio_write_all(s->outfd, &p->delim, 1) == -1)
		return fail(p, 1, "cannot write temporary file in '%s'",
		    p->tmpdir);
	s->outlen++;
	return 0;
}

static int
finish(struct par *p, struct par_slot *s)
{
	struct par_chunk *c = s->c;
	struct par_attempt a;
	struct par_giveup g;
	int st = s->ch.status;
	struct stat sb;

	if (fstat(s->outfd, &sb) == -1)
		return fail(p, 1, "cannot read temporary file in '%s'",
		    p->tmpdir);
	s->outlen = sb.st_size;
	s->busy = 0;
	p->st.running--;
	hosts_ended(p->hosts, s->host, st, clock_mono());
	c->lasthost = s->host;
	if (p->on_attempt != NULL) {
		a = (struct par_attempt){ c->no, c->attempt, s->startwall,
		    clock_mono() - s->start, c->size, s->outlen, st,
		    hosts_name(p->hosts, s->host) };
		p->on_attempt(p->arg, &a);
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		p->st.done++;
		if (terminate_output(p, s) == -1)
			return -1;
		if (!p->keeporder)
			return emit(p, s) == -1 ? -1 : release(p, s);
		s->waiting = 1;
		return emit_in_order(p);
	}
	if (c->attempt <= p->retries && !p->stopping) {
		s->c = NULL;
		push_ready(p, c, 1);
		return 0;
	}
	g = (struct par_giveup){ c->no, c->rec0, c->rec0 + c->nrec - 1,
	    c->attempt, st };
	if (p->on_giveup != NULL)
		p->on_giveup(p->arg, &g);
	p->failed = 1;
	if (save_failed(p, c) == -1)
		return -1;
	if (!p->keepgoing && !p->stopping && stop(p) == -1)
		return -1;
	if (!p->keeporder)
		return release(p, s);
	s->waiting = s->failed = 1;
	return emit_in_order(p);
}


/* 1 when a signal other than SIGCHLD came: p->signo. */
static int
on_signal(struct par *p, int sigfd)
{
	struct signalfd_siginfo si;

	while (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo != SIGCHLD) {
			p->signo = si.ssi_signo;
			return 1;
		}
		/* The loop finishes ended instances, in slot order. */
		child_reap(NULL, NULL);
	}
	return 0;
}

static int
want_input(struct par *p)
{
	if (p->ineof)
		return 0;
	if (p->stopping)
		return p->st.running == 0;
	return p->nready < (unsigned)p->jobs;
}

/* Until the next tick, or until a host put aside is back. */
static int
timeout(struct par *p)
{
	double w = p->ready != NULL && !p->stopping ?
	    hosts_wait(p->hosts, clock_mono()) : -1;
	int ms = w < 0 ? -1 : (int)(w * 1000) + 1;

	if (p->tick > 0 && (ms == -1 || p->tick < ms))
		ms = p->tick;
	return ms;
}

static void
setup(struct par *p)
{
	int i;

	p->readytail = &p->ready;
	p->jobs = p->hosts->slots;
	buf_grow(&p->inbuf, READSZ);
	p->nslots = p->keeporder ? 2 * p->jobs : p->jobs;
	p->slots = xcalloc(p->nslots, sizeof(*p->slots));
	for (i = 0; i < p->nslots; i++)
		p->slots[i].outfd = -1;
	strcpy(p->envchunk, "MR_CHUNK=");
	strcpy(p->envattempt, "MR_ATTEMPT=");
	p->env = child_env((char *[]){ p->envchunk, p->envattempt, NULL });
}

int
par_run(struct par *p, int sigfd)
{
	struct pollfd pfd[2];
	double last;
	int n, i;

	setup(p);
	last = clock_mono();
	for (;;) {
		if (chunk_input(p) == -1 || start_ready(p) == -1)
			return -1;
		if (p->stopping && p->st.running == 0 && drain_input(p) == -1)
			return -1;
		if (p->ineof && p->ready == NULL && p->building == NULL &&
		    p->st.running == 0)
			break;
		n = 0;
		pfd[n].fd = sigfd;
		pfd[n++].events = POLLIN;
		if (want_input(p)) {
			pfd[n].fd = p->in;
			pfd[n++].events = POLLIN;
		}
		if (poll(pfd, n, timeout(p)) == -1 && errno != EINTR)
			return fail(p, 1, "poll");
		if (pfd[0].revents && on_signal(p, sigfd))
			return -1;
		if (n > 1 && pfd[1].revents && read_input(p) == -1)
			return -1;
		for (i = 0; i < p->nslots; i++)
			if (p->slots[i].busy && !p->slots[i].ch.running &&
			    finish(p, &p->slots[i]) == -1)
				return -1;
		if (p->tick > 0 && (clock_mono() - last) * 1000 >= p->tick) {
			if (p->on_tick != NULL)
				p->on_tick(p->arg, &p->st);
			last = clock_mono();
		}
	}
	if (emit_rest(p) == -1)
		return -1;
	return p->failed;
}

static void
free_chunks(struct par_chunk *c)
{
	struct par_chunk *next;

	for (; c != NULL; c = next) {
		next = c->next;
		close(c->fd);
		free(c);
	}
}

void
par_free(struct par *p)
{
	int i;

	for (i = 0; i < p->nslots; i++) {
		if (p->slots[i].outfd != -1)
			close(p->slots[i].outfd);
		if (p->slots[i].c != NULL)
			free_chunks(p->slots[i].c);
	}
	if (p->building != NULL)
		free_chunks(p->building);
	free_chunks(p->ready);
	free_chunks(p->spare);
	buf_free(&p->inbuf);
	buf_free(&p->lastkey);
	buf_free(&p->wbuf);
	free(p->tmp);
	free(p->env);
	free(p->slots);
	p->slots = NULL;
	p->nslots = 0;
}

/* Connections of mr-netd: buffers, streaming, sendfile, closing. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "conn.h"
#include "fdio.h"
#include "proto.h"
#include "xmalloc.h"

#define READSZ		(64 * 1024)
#define LINGER_SECS	2

static char	conn_tmp[READSZ];

static void
close_fd(int *fd)
{
	if (*fd != -1)
		close(*fd);
	*fd = -1;
}

struct conn *
conn_new(int fd, const struct conn_ops *ops)
{
	struct conn *c = xcalloc(1, sizeof(*c));

	c->fd = fd;
	c->ops = ops;
	c->sendfd = c->datafd = -1;
	c->last = clock_mono();
	return c;
}

void
conn_free(struct conn *c)
{
	close_fd(&c->datafd);
	close_fd(&c->sendfd);
	close(c->fd);
	buf_free(&c->in);
	buf_free(&c->out);
	free(c->spec);
	free(c->name);
	free(c);
}

void
conn_reply(struct conn *c, const void *p, size_t n)
{
	buf_add(&c->out, p, n);
}

void
conn_reply32(struct conn *c, uint32_t v)
{
	unsigned char b[4];

	proto_put32(b, v);
	conn_reply(c, b, 4);
}

void
conn_reply64(struct conn *c, uint64_t v)
{
	unsigned char b[8];

	proto_put64(b, v);
	conn_reply(c, b, 8);
}

void
conn_reply8(struct conn *c, int v)
{
	unsigned char b = v;

	conn_reply(c, &b, 1);
}

void
conn_sendfile(struct conn *c, int fd, off_t size)
{
	close_fd(&c->sendfd);
	c->sendfd = fd;
	c->sendoff = 0;
	c->sendend = size;
}

void
conn_consume(struct conn *c, size_t n)
{
	memmove(c->in.p, c->in.p + n, c->in.len - n);
	c->in.len -= n;
}

/* Bytes of streamed data: to the file, or dropped for a rejected request. */
static void
stream_data(struct conn *c, const char *p, size_t n)
{
	if (c->datafd != -1 && fdio_write_all(c->datafd, p, n) == -1) {
		snprintf(c->reject, sizeof(c->reject),
		    "cannot store the data: %s", strerror(errno));
		close_fd(&c->datafd);
	}
	c->dataleft -= n;
}

static void
end_stream(struct conn *c)
{
	c->streaming = 0;
	c->ops->stream_end(c, c->ops->arg);
}

void
conn_stream(struct conn *c, int op, int fd, uint64_t len)
{
	size_t n;

	c->op = op;
	c->streaming = 1;
	c->dataleft = c->datalen = len;
	c->datafd = fd;
	n = c->in.len < c->dataleft ? c->in.len : c->dataleft;
	stream_data(c, c->in.p, n);
	conn_consume(c, n);
	if (c->dataleft == 0)
		end_stream(c);
}

/* Handle what can be; a WAIT or a reply being sent holds the rest. */
void
conn_serve(struct conn *c)
{
	int r;

	while (!c->closing && !c->streaming && c->waitid == 0 &&
	    c->sendfd == -1 && c->out.len == c->outpos) {
		if ((r = c->ops->request(c, c->ops->arg)) == 0)
			break;
		if (r == -1)
			c->closing = CONN_CLOSE_AFTER;
	}
}

int
conn_events(struct conn *c, size_t maxin)
{
	int ev = 0;

	if (c->closing == CONN_LINGER || (!c->closing && (c->streaming ||
	    (c->waitid == 0 && c->in.len < maxin))))
		ev |= POLLIN;
	if (c->outpos < c->out.len || c->sendfd != -1)
		ev |= POLLOUT;
	return ev;
}

void
conn_read(struct conn *c)
{
	ssize_t r;
	size_t n;

	if (c->closing == CONN_LINGER) {
		r = read(c->fd, conn_tmp, sizeof(conn_tmp));
		if (r == 0 || (r == -1 && errno != EAGAIN && errno != EINTR))
			c->closing = CONN_CLOSE_NOW;
		return;
	}
	if (c->streaming) {
		r = read(c->fd, conn_tmp, sizeof(conn_tmp));
		if (r > 0) {
			n = (uint64_t)r < c->dataleft ? (size_t)r : c->dataleft;
			stream_data(c, conn_tmp, n);
			buf_add(&c->in, conn_tmp + n, r - n);
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
		c->closing = CONN_CLOSE_AFTER;
		c->streaming = 0;
		c->waitid = 0;
		return;
	}
	c->last = clock_mono();
	conn_serve(c);
}

void
conn_write(struct conn *c)
{
	ssize_t w;

	if (c->outpos < c->out.len) {
		w = write(c->fd, c->out.p + c->outpos, c->out.len - c->outpos);
		if (w == -1) {
			if (errno != EAGAIN && errno != EINTR)
				c->closing = CONN_CLOSE_NOW;
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
			c->closing = CONN_CLOSE_NOW;
			return;
		}
		if (w == 0 || c->sendoff >= c->sendend)
			close_fd(&c->sendfd);
	}
	conn_serve(c);
}

int
conn_tick(struct conn *c, double t, double timeout)
{
	if (c->waitid != 0 && t >= c->waituntil)
		return 1;
	if (c->waitid != 0 || c->sendfd != -1 || c->outpos < c->out.len)
		return 0;
	if (c->closing == CONN_LINGER ? t - c->last > LINGER_SECS :
	    (c->streaming || c->in.len > 0) ? t - c->last > timeout :
	    t - c->last > 6 * timeout)
		c->closing = CONN_CLOSE_NOW;
	return 0;
}

int
conn_done(struct conn *c)
{
	if (c->closing == CONN_CLOSE_AFTER && c->outpos == c->out.len &&
	    c->sendfd == -1) {
		shutdown(c->fd, SHUT_WR);
		c->closing = CONN_LINGER;
		c->last = clock_mono();
	}
	return c->closing == CONN_CLOSE_NOW;
}

void
conn_flush(struct conn *c, double until)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLOUT };
	double left;

	while (c->closing != CONN_CLOSE_NOW && (c->outpos < c->out.len ||
	    c->sendfd != -1)) {
		if ((left = until - clock_mono()) <= 0 ||
		    poll(&pfd, 1, (int)(left * 1000) + 1) == 0)
			return;
		conn_write(c);
	}
}

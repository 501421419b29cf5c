/*
 * A client connection of mr-netd: non-blocking reads into an input
 * buffer, one request handled at a time, replies queued in an output
 * buffer and then, for a result, a file sent with sendfile; the data of
 * a SUBMIT or PUT streamed into a file as it arrives; and the way out:
 * close after the reply, linger (read and drop input so that closing does
 * not reset the connection and lose the reply), close now. The requests
 * themselves are the caller's, through struct conn_ops.
 *
 * 1. conn_new for an accepted socket, with the caller's operations.
 * 2. Each poll round: conn_events says what to poll for; conn_read and
 *    conn_write when the socket is ready. They call ops->request while
 *    a request can be handled, which replies with conn_reply* (and
 *    conn_sendfile), drops what it used with conn_consume, and may start
 *    streaming data with conn_stream, or hold the connection with a WAIT
 *    (waitid). When the data has all arrived, ops->stream_end.
 * 3. conn_tick: stalled connections are to close; a WAIT whose time is
 *    up returns 1, for the caller to answer it and conn_serve.
 * 4. conn_done: 1 once the connection is to be freed with conn_free.
 *    conn_flush, when the program stops, sends what is owed, waiting
 *    for the socket up to a deadline.
 */
#ifndef MR_CONN_H
#define MR_CONN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"

/* conn->closing: after the reply is sent; now; reading the rest first. */
enum { CONN_CLOSE_AFTER = 1, CONN_CLOSE_NOW, CONN_LINGER };

struct conn;

struct conn_ops {
	/* A request in c->in: 1 handled, 0 more bytes needed, -1 close. */
	int	(*request)(struct conn *, void *);
	/* The data has all arrived: take datafd, spec and name. */
	void	(*stream_end)(struct conn *, void *);
	void	 *arg;
};

struct conn {
	int			 fd;
	const struct conn_ops	*ops;
	struct buf		 in;	/* bytes of the request so far */
	struct buf		 out;	/* reply bytes not sent yet */
	size_t			 outpos;
	int			 sendfd;	/* a result sent after out */
	off_t			 sendoff, sendend;
	int			 authed, closing;
	double			 last;	/* clock_mono of the last byte read */
	/* A SUBMIT or PUT whose data goes straight to a file. */
	int			 streaming, datafd, op;
	uint64_t		 dataleft, datalen;
	char			*spec, *name;
	char			 reject[256];	/* data is read and dropped */
	/* A WAIT or PROGRESS (waitop) held for a job. */
	uint32_t		 waitid;
	int			 waitop;
	double			 waituntil;
};

struct conn	*conn_new(int fd, const struct conn_ops *);
void		 conn_free(struct conn *);
void		 conn_reply(struct conn *, const void *, size_t);
void		 conn_reply8(struct conn *, int);
void		 conn_reply32(struct conn *, uint32_t);
void		 conn_reply64(struct conn *, uint64_t);
/* Send size bytes of fd after the reply; the connection takes fd. */
void		 conn_sendfile(struct conn *, int fd, off_t size);
void		 conn_consume(struct conn *, size_t);
/* The next len bytes go to fd (dropped if reject is set or fd is -1). */
void		 conn_stream(struct conn *, int op, int fd, uint64_t len);
/* POLLIN and POLLOUT as needed; maxin: most buffered request bytes. */
int		 conn_events(struct conn *, size_t maxin);
void		 conn_read(struct conn *);
void		 conn_write(struct conn *);
void		 conn_serve(struct conn *);
int		 conn_tick(struct conn *, double now, double timeout);
int		 conn_done(struct conn *);
/* Blocking until the clock_mono until at most. */
void		 conn_flush(struct conn *, double until);

#endif

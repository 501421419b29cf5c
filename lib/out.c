/* Buffered writes with one error policy for every program. */
#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdio.h"
#include "out.h"
#include "xmalloc.h"

#define OUT_BUFSZ	(256 * 1024)

struct out out_std;
void (*out_dying)(void);

void
out_init(struct out *o, int fd, size_t cap, const char *what)
{
	o->fd = fd;
	o->cap = cap;
	o->len = 0;
	o->buf = xmalloc(cap);
	o->what = what;
}

void
out_stdout(void)
{
	out_init(&out_std, 1, OUT_BUFSZ, "write error");
}

static void
write_all(struct out *o, const char *p, size_t n)
{
	if (fdio_write_all(o->fd, p, n) == 0)
		return;
	if (errno == EPIPE && o->fd == 1) {
		if (out_dying != NULL)
			out_dying();
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
	}
	err(1, "%s", o->what);
}

void
out_flush(struct out *o)
{
	write_all(o, o->buf, o->len);
	o->len = 0;
}

/* Slow path of out_add: flush, and write large blocks directly. */
void
out_bigadd(struct out *o, const void *p, size_t n)
{
	if (o->len + n <= o->cap) {
		memcpy(o->buf + o->len, p, n);
		o->len += n;
		return;
	}
	out_flush(o);
	if (n >= o->cap / 2) {
		write_all(o, p, n);
		return;
	}
	memcpy(o->buf, p, n);
	o->len = n;
}

void
out_u64(struct out *o, uint64_t v)
{
	char tmp[24], *p = tmp + sizeof(tmp);

	do {
		*--p = '0' + v % 10;
		v /= 10;
	} while (v);
	out_add(o, p, tmp + sizeof(tmp) - p);
}

void
out_close(struct out *o)
{
	out_flush(o);
	if (o->fd == 1 && close(1) == -1 && errno != EINTR)
		err(1, "%s", o->what);
	free(o->buf);
	o->buf = NULL;
}

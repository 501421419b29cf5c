/* Memory-then-disk byte store. */
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "spill.h"
#include "store.h"

#define STORE_WBUF	(64 * 1024)

void
store_init(struct store *s, size_t limit, const char *tmpdir)
{
	struct buf empty = BUF_INIT;

	s->mem = empty;
	s->ondisk = 0;
	s->len = 0;
	s->limit = limit;
	s->tmpdir = tmpdir;
}

void
store_add(struct store *s, const void *p, size_t n)
{
	if (!s->ondisk && s->mem.len + n > s->limit) {
		spill_open(&s->w, s->tmpdir, STORE_WBUF);
		out_add(&s->w, s->mem.p, s->mem.len);
		buf_clear(&s->mem);
		s->ondisk = 1;
	}
	if (s->ondisk)
		out_add(&s->w, p, n);
	else
		buf_add(&s->mem, p, n);
	s->len += n;
}

size_t
store_get(struct store *s, unsigned long long off, const char **p,
    char *scratch, size_t n)
{
	ssize_t r;

	if (off >= s->len)
		return 0;
	if (s->len - off < n)
		n = s->len - off;
	if (!s->ondisk) {
		*p = s->mem.p + off;
		return n;
	}
	if (s->w.len > 0)
		out_flush(&s->w);
	while ((r = pread(s->w.fd, scratch, n, off)) == -1 && errno == EINTR)
		;
	if (r <= 0)
		err(1, "cannot read temporary file in '%s'", s->tmpdir);
	*p = scratch;
	return r;
}

void
store_reset(struct store *s)
{
	if (s->ondisk) {
		close(s->w.fd);
		free(s->w.buf);
		free((char *)s->w.what);
		s->ondisk = 0;
	}
	buf_clear(&s->mem);
	s->len = 0;
}

void
store_free(struct store *s)
{
	store_reset(s);
	buf_free(&s->mem);
}

/*
 * Record reader over a list of operands, with one large buffer that lines
 * point into, so reading a record costs a memchr and no allocation.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "out.h"
#include "rdr.h"
#include "xmalloc.h"

#define RDR_BUFSZ	(256 * 1024)

static char *stdin_only[] = { "-", NULL };
static char *no_files[] = { NULL };

void
rdr_init(struct rdr *r, char **files, int nfiles, char delim)
{
	memset(r, 0, sizeof(*r));
	r->files = nfiles > 0 ? files : stdin_only;
	r->fileno = -1;
	r->fd = -1;
	r->delim = delim;
	r->cap = RDR_BUFSZ;
	r->buf = xmalloc(r->cap);
}

void
rdr_init_fd(struct rdr *r, int fd, const char *name, char delim, size_t bufsz)
{
	memset(r, 0, sizeof(*r));
	r->files = no_files;
	r->fileno = -1;
	r->fd = fd;
	r->name = name;
	r->delim = delim;
	r->cap = bufsz;
	r->buf = xmalloc(r->cap);
}

void
rdr_free(struct rdr *r)
{
	if (r->fd > 0)
		close(r->fd);
	free(r->buf);
	r->buf = NULL;
}

static int
open_next(struct rdr *r)
{
	const char *f;

	if (r->files[r->fileno + 1] == NULL)
		return 0;
	f = r->files[++r->fileno];
	r->lineno = 0;
	if (strcmp(f, "-") == 0) {
		r->name = "stdin";
		r->fd = 0;
	} else {
		r->name = f;
		if ((r->fd = open(f, O_RDONLY | O_CLOEXEC)) == -1) {
			/* What the files before it gave is written first. */
			if (out_std.buf != NULL && out_std.fd == 1)
				out_flush(&out_std);
			err(1, "cannot open '%s'", f);
		}
	}
	return 1;
}

static void
close_cur(struct rdr *r)
{
	if (r->fd > 0)
		close(r->fd);
	r->fd = -1;
}

int
rdr_next(struct rdr *r, char **line, size_t *len)
{
	char *nl;
	ssize_t n;

	for (;;) {
		if (r->scan < r->end) {
			nl = memchr(r->buf + r->scan, r->delim, r->end - r->scan);
			if (nl != NULL) {
				*line = r->buf + r->pos;
				*len = nl - *line;
				r->pos = r->scan = nl - r->buf + 1;
				r->lineno++;
				return 1;
			}
			r->scan = r->end;
		}
		if (r->fd == -1) {
			if (!open_next(r))
				return 0;
			continue;
		}
		if (r->pos > 0) {
			memmove(r->buf, r->buf + r->pos, r->end - r->pos);
			r->end -= r->pos;
			r->scan -= r->pos;
			r->pos = 0;
		}
		if (r->end == r->cap) {
			r->buf = xreallocarray(r->buf, r->cap, 2);
			r->cap *= 2;
		}
		n = read(r->fd, r->buf + r->end, r->cap - r->end);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			err(1, "cannot read '%s'", r->name);
		}
		if (n > 0) {
			r->end += n;
			continue;
		}
		close_cur(r);
		if (r->end > r->pos) {
			/* The file's last line had no terminator. */
			*line = r->buf + r->pos;
			*len = r->end - r->pos;
			r->pos = r->scan = r->end;
			r->lineno++;
			return 1;
		}
	}
}

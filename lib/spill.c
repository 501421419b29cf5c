/* Unlinked temporary files, written through a struct out. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "spill.h"
#include "xmalloc.h"

const char *
spill_dir(const char *opt)
{
	const char *d;

	if (opt != NULL)
		return opt;
	if ((d = getenv("TMPDIR")) != NULL && *d != '\0')
		return d;
	return "/tmp";
}

int
spill_fd(const char *dir)
{
	char *path;
	int fd, e;

	if (asprintf(&path, "%s/mr-spill.XXXXXX", dir) == -1)
		return -1;
	if ((fd = mkostemp(path, O_CLOEXEC)) != -1 && unlink(path) == -1) {
		e = errno;
		close(fd);
		fd = -1;
		errno = e;
	}
	free(path);
	return fd;
}

int
spill_open(struct out *o, const char *dir, size_t bufsz)
{
	char *what;
	int fd;

	if ((fd = spill_fd(dir)) == -1)
		return -1;
	if (asprintf(&what, "cannot write temporary file in '%s'", dir) == -1) {
		close(fd);
		return -1;
	}
	out_init(o, fd, bufsz, what);
	return 0;
}

/* Flush the writer, free its buffer and return the file read from 0. */
int
spill_rewind(struct out *o)
{
	int fd = o->fd;

	out_flush(o);
	if (lseek(fd, 0, SEEK_SET) == -1)
		err(1, "%s", o->what);
	free(o->buf);
	free((char *)o->what);
	o->buf = NULL;
	return fd;
}

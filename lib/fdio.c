/* Whole reads, writes and copies on descriptors. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include "fdio.h"

#define COPYSZ	(128 * 1024)

int
fdio_write_all(int fd, const void *p, size_t n)
{
	const char *s = p;
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, s, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= w;
	}
	return 0;
}

int
fdio_read_full(int fd, void *p, size_t n)
{
	char *s = p;
	ssize_t r;

	while (n > 0) {
		if ((r = read(fd, s, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0) {
			errno = ECONNRESET;
			return -1;
		}
		s += r;
		n -= r;
	}
	return 0;
}

int
fdio_read_all(int fd, struct buf *b)
{
	ssize_t r;

	for (;;) {
		buf_grow(b, 64 * 1024);
		if ((r = read(fd, b->p + b->len, b->cap - b->len)) == 0)
			return 0;
		if (r == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		b->len += r;
	}
}

int
fdio_read_file(const char *path, struct buf *b)
{
	int fd = 0, r, e;

	if (path != NULL && strcmp(path, "-") != 0 &&
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	r = fdio_read_all(fd, b);
	e = errno;
	if (fd != 0)
		close(fd);
	errno = e;
	return r;
}

int
fdio_copy(int from, off_t n, int to)
{
	char tmp[COPYSZ];
	off_t off = 0;
	ssize_t w, r;

	while (off < n) {
		w = sendfile(to, from, &off, n - off);
		if (w > 0 || (w == -1 && errno == EINTR))
			continue;
		if (w == -1 && (errno == EINVAL || errno == ENOSYS))
			break;
		if (w == 0)
			errno = EIO;	/* the file is shorter than said */
		return -1;
	}
	/* sendfile cannot write to this descriptor (O_APPEND, say). */
	while (off < n) {
		r = pread(from, tmp, n - off < COPYSZ ? n - off : COPYSZ, off);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			return -1;
		}
		if (fdio_write_all(to, tmp, r) == -1)
			return -1;
		off += r;
	}
	return 0;
}

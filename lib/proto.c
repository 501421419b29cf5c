/* Wire protocol helpers shared by mr-netd and mr-netc. */
#include <err.h>
#include <bsd/string.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "fdio.h"
#include "proto.h"
#include "xmalloc.h"

const char *const proto_states[] = {
	"done", "queued", "running", "failed", "unknown", "cancelled"
};

int
proto_write32(int fd, uint32_t v)
{
	unsigned char b[4];

	proto_put32(b, v);
	return fdio_write_all(fd, b, 4);
}

int
proto_read32(int fd, uint32_t *v)
{
	unsigned char b[4];

	if (fdio_read_full(fd, b, 4) == -1)
		return -1;
	*v = proto_get32(b);
	return 0;
}

char *
proto_read_token(const char *path)
{
	char line[PROTO_MAXTOKEN + 2];
	FILE *f;

	if ((f = fopen(path, "re")) == NULL)
		err(1, "cannot open '%s'", path);
	if (fgets(line, sizeof(line), f) == NULL)
		errx(1, "'%s': no token in it", path);
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	if (line[0] == '\0')
		errx(1, "'%s': empty token", path);
	return xstrdup(line);
}

int
proto_valid_name(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > PROTO_MAXNAME || s[0] == '.')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    strchr("._-", s[i]) != NULL) || s[i] == '\0')
			return 0;
	return 1;
}

/* Compare without a data-dependent early exit, so timing tells nothing. */
int
proto_secret_equal(const void *a, size_t alen, const void *b, size_t blen)
{
	const unsigned char *x = a, *y = b;
	unsigned char d = alen != blen;
	size_t i;

	for (i = 0; i < alen; i++)
		d |= x[i] ^ y[i % (blen ? blen : 1)];
	return d == 0;
}

int
proto_connect(const char *host, const char *port, const char *unixpath,
    char *err, size_t errlen)
{
	struct addrinfo hints = { 0 }, *ai, *a;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = -1, e;

	if (unixpath != NULL) {
		if (strlcpy(sun.sun_path, unixpath, sizeof(sun.sun_path)) >=
		    sizeof(sun.sun_path)) {
			snprintf(err, errlen, "socket path too long: '%s'",
			    unixpath);
			return -2;
		}
		if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
		    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
			snprintf(err, errlen, "cannot connect to '%s': %s",
			    unixpath, strerror(errno));
			if (fd != -1)
				close(fd);
			return -1;
		}
		return fd;
	}
	hints.ai_socktype = SOCK_STREAM;
	if ((e = getaddrinfo(host, port, &hints, &ai)) != 0) {
		snprintf(err, errlen, "cannot resolve '%s': %s", host,
		    gai_strerror(e));
		return -1;
	}
	for (a = ai, e = 0; a != NULL; a = a->ai_next) {
		if ((fd = socket(a->ai_family, SOCK_STREAM | SOCK_CLOEXEC,
		    0)) == -1) {
			e = errno;
			continue;
		}
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
			break;
		e = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	if (fd == -1)
		snprintf(err, errlen, "cannot connect to %s:%s: %s", host, port,
		    strerror(e));
	return fd;
}

int
proto_progress(int fd, uint32_t id, uint32_t ms, struct proto_progress *p)
{
	unsigned char b[PROTO_PROGRESS_LEN];

	/* One write: a daemon that closes on it fails the read, not this. */
	b[0] = PROTO_OP_PROGRESS;
	proto_put32(b + 1, id);
	proto_put32(b + 5, ms);
	(void)fdio_write_all(fd, b, 9);
	if (fdio_read_full(fd, b, sizeof(b)) == -1)
		return -1;
	p->state = b[0];
	p->consumed = proto_get64(b + 1);
	p->total = proto_get64(b + 9);
	p->ms = proto_get32(b + 17);
	return 0;
}

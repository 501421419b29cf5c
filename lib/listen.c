/* TCP and Unix listeners, the loopback check, accept. */
#include <arpa/inet.h>
#include <bsd/string.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "listen.h"

void
listen_init(struct listen *l)
{
	l->spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static int
is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr)
		    >> 24) == 127;
	if (sa->sa_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(
		    &((const struct sockaddr_in6 *)sa)->sin6_addr);
	return 0;
}

/* -1 with "WHAT: strerror" in err, closing fd. */
static int
fail(int fd, char *err, size_t errlen, const char *what)
{
	int e = errno;

	snprintf(err, errlen, "%s: %s", what, strerror(e));
	if (fd != -1)
		close(fd);
	errno = e;
	return -1;
}

int
listen_tcp(const char *addr, const char *port, int loopback_only, char *err,
    size_t errlen)
{
	struct addrinfo hints = { 0 }, *ai;
	char what[256];
	int fd, e, one = 1;

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
	if ((e = getaddrinfo(addr, port, &hints, &ai)) != 0) {
		snprintf(err, errlen, "invalid address '%s' port '%s': %s",
		    addr, port, gai_strerror(e));
		return LISTEN_EBADADDR;
	}
	if (loopback_only && !is_loopback(ai->ai_addr)) {
		freeaddrinfo(ai);
		snprintf(err, errlen, "listening on '%s' needs --token-file",
		    addr);
		return LISTEN_EBADADDR;
	}
	if ((fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1) {
		freeaddrinfo(ai);
		return fail(-1, err, errlen, "socket");
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	e = bind(fd, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	if (e == -1) {
		snprintf(what, sizeof(what), "cannot listen on '%s' port %s",
		    addr, port);
		return fail(fd, err, errlen, what);
	}
	if (listen(fd, 512) == -1)
		return fail(fd, err, errlen, "listen");
	return fd;
}

void
listen_name(int fd, char *buf, size_t n)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char host[NI_MAXHOST], serv[NI_MAXSERV];

	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == -1 ||
	    getnameinfo((struct sockaddr *)&ss, sl, host, sizeof(host), serv,
	    sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		snprintf(buf, n, "?");
	else
		snprintf(buf, n, "%s:%s", host, serv);
}

int
listen_unix(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char what[PATH_MAX + 32];
	int fd;

	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		snprintf(err, errlen, "socket path too long: '%s'", path);
		return LISTEN_EBADADDR;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return fail(-1, err, errlen, "socket");
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		snprintf(what, sizeof(what), "cannot listen on '%s'", path);
		return fail(fd, err, errlen, what);
	}
	if (listen(fd, 512) == -1)
		return fail(fd, err, errlen, "listen");
	return fd;
}

int
listen_accept(struct listen *l, int lfd)
{
	int fd, e;

	for (;;) {
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd != -1)
			return fd;
		if (errno != EINTR)
			break;
	}
	if (errno != EMFILE && errno != ENFILE)
		return -1;
	/*
	 * Out of descriptors: turn one client away with the spare, and say
	 * so; the caller stops accepting for a while. Trying again at once
	 * would spin, the listener readable and no descriptor to take.
	 */
	e = errno;
	if (l->spare != -1) {
		close(l->spare);
		if ((fd = accept(lfd, NULL, NULL)) != -1)
			close(fd);
		l->spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
	l->shed++;
	errno = e;
	return -1;
}

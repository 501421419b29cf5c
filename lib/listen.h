/*
 * Listening sockets of a daemon: TCP on a numeric address, a Unix socket
 * on a path, and an accept that survives running out of descriptors.
 * Sockets are non-blocking and close-on-exec; nothing here exits.
 *
 * 1. listen_init a struct listen: it keeps one spare descriptor.
 * 2. listen_tcp and listen_unix: a listening descriptor, or -1 with a
 *    message in err (LISTEN_EBADADDR when the address itself is refused:
 *    not numeric, or not loopback when loopback_only is set).
 *    listen_name says where a TCP socket listens (for -p 0).
 * 3. When poll says a listener is readable, listen_accept until it
 *    returns -1: each call gives a connected non-blocking socket. Out of
 *    descriptors, it frees the spare, turns one client away, takes the
 *    spare again and returns -1 with errno EMFILE or ENFILE: the caller
 *    is to leave the listeners out of its poll for a while (the pending
 *    clients wait in the backlog) rather than call again at once.
 */
#ifndef MR_LISTEN_H
#define MR_LISTEN_H

#include <stddef.h>

#define LISTEN_EBADADDR	(-2)

struct listen {
	int	spare;		/* /dev/null, given up when out of fds */
	long	shed;		/* clients turned away so */
};

void	listen_init(struct listen *);
int	listen_tcp(const char *addr, const char *port, int loopback_only,
	    char *err, size_t errlen);
int	listen_unix(const char *path, char *err, size_t errlen);
/* "HOST:PORT" of a TCP listener. */
void	listen_name(int fd, char *buf, size_t n);
int	listen_accept(struct listen *, int fd);

#endif

/*
 * Buffered writer on a file descriptor. Set up with out_init (fd, buffer
 * size, and the words an error message starts with), add bytes with
 * out_add/out_addc, finish with out_close. Any write error ends the program
 * with "PROG: WHAT: why"; a closed pipe on stdout ends it quietly by
 * SIGPIPE, as if the signal had not been ignored.
 *
 * `out_std` is the program's stdout, set up by out_stdout();
 * out_close(&out_std) must be the last thing main does.
 */
#ifndef MR_OUT_H
#define MR_OUT_H

#include <stddef.h>
#include <stdint.h>

struct out {
	int		 fd;
	char		*buf;
	size_t		 len, cap;
	const char	*what;
};

extern struct out out_std;
/* Called, if set, before a closed stdout ends the program by SIGPIPE. */
extern void (*out_dying)(void);

void	out_init(struct out *, int fd, size_t cap, const char *what);
void	out_stdout(void);
void	out_flush(struct out *);
void	out_close(struct out *);
void	out_bigadd(struct out *, const void *, size_t);
void	out_u64(struct out *, uint64_t);

static inline void
out_add(struct out *o, const void *p, size_t n)
{
	if (o->cap - o->len < n) {
		out_bigadd(o, p, n);
		return;
	}
	__builtin_memcpy(o->buf + o->len, p, n);
	o->len += n;
}

static inline void
out_addc(struct out *o, char c)
{
	if (o->len == o->cap)
		out_flush(o);
	o->buf[o->len++] = c;
}

#endif

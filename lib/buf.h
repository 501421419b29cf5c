/*
 * Growable byte buffer. Start from BUF_INIT (or zeroed memory), append with
 * buf_add/buf_addc, read p[0..len), reset with buf_clear (keeps the memory),
 * release with buf_free. The contents are not NUL-terminated.
 */
#ifndef MR_BUF_H
#define MR_BUF_H

#include <stddef.h>

struct buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

#define BUF_INIT { NULL, 0, 0 }

void	buf_grow(struct buf *, size_t);
void	buf_add(struct buf *, const void *, size_t);
void	buf_free(struct buf *);
/* The words of argv joined by single spaces, as a message shows them. */
void	buf_addargv(struct buf *, char *const argv[]);

static inline void
buf_addc(struct buf *b, char c)
{
	if (b->len == b->cap)
		buf_grow(b, 1);
	b->p[b->len++] = c;
}

static inline void
buf_clear(struct buf *b)
{
	b->len = 0;
}

#endif

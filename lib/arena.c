/* Bump allocator over a list of large blocks. */
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "xmalloc.h"

#define ARENA_BLK	(1024 * 1024)

struct arena_blk {
	struct arena_blk	*next;
	size_t			 size;
	alignas(max_align_t) char data[];
};

void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_blk *b;
	size_t size;

	n = (n + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
	if (a->blk == NULL || a->blk->size - a->used < n) {
		size = n > ARENA_BLK ? n : ARENA_BLK;
		b = xmalloc(sizeof(*b) + size);
		b->size = size;
		b->next = a->blk;
		a->blk = b;
		a->used = 0;
		a->total += sizeof(*b) + size;
	}
	a->used += n;
	return a->blk->data + a->used - n;
}

void *
arena_dup(struct arena *a, const void *p, size_t n)
{
	void *q = arena_alloc(a, n);

	if (n)
		memcpy(q, p, n);
	return q;
}

void
arena_free(struct arena *a)
{
	struct arena_blk *b, *next;

	for (b = a->blk; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	memset(a, 0, sizeof(*a));
}

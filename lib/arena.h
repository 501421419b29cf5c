/*
 * Bump allocator for many small objects that live until the end: memory
 * comes from large blocks, there is no per-object free. Zero-initialise a
 * struct arena, take memory with arena_alloc/arena_dup, release all at
 * once with arena_free.
 */
#ifndef MR_ARENA_H
#define MR_ARENA_H

#include <stddef.h>

struct arena {
	struct arena_blk	*blk;
	size_t			 used;
	size_t			 total;	/* bytes taken from malloc */
};

void	*arena_alloc(struct arena *, size_t);
void	*arena_dup(struct arena *, const void *, size_t);
void	 arena_free(struct arena *);

#endif

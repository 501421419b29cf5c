/*
 * Hash table from byte-string keys to dense ids 0, 1, 2, ... in order of
 * first appearance, so callers keep their per-key data in plain arrays
 * indexed by id. Open addressing with linear probing, xxHash (XXH3) as
 * the hash; keys are copied into an arena.
 *
 * Zero-initialise a struct htab, call htab_intern per record, read keys
 * back with htab->keys[id] (or every id in key order from htab_sorted),
 * release with htab_free.
 */
#ifndef MR_HTAB_H
#define MR_HTAB_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

struct htab_key {
	const char	*p;
	size_t		 len;
};

struct htab {
	uint64_t	*slots;		/* hash high bits << 32 | (id + 1) */
	size_t		 mask;
	size_t		 n;		/* number of keys */
	struct htab_key	*keys;		/* by id */
	size_t		 kcap;
	struct arena	 mem;
};

/* The key's id; *isnew says whether this call added it. */
uint32_t	htab_intern(struct htab *, const char *, size_t, int *isnew);
/* The key's id, or -1 when it is not in the table (which is unchanged). */
int64_t		htab_find(const struct htab *, const char *, size_t);
/*
 * The ids 0 .. n-1 in bytewise key order (rec_keycmp's), in an array of
 * htab->n ids that the caller frees.
 */
uint32_t	*htab_sorted(struct htab *);
void		htab_free(struct htab *);

#endif

/* Open-addressing hash table of byte-string keys, giving dense ids. */
#include <err.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "htab.h"
#include "rec.h"
#include "xmalloc.h"

static void
grow(struct htab *h)
{
	uint64_t *old = h->slots;
	size_t i, j, oldsize = old ? h->mask + 1 : 0;
	size_t size = oldsize ? oldsize * 2 : 1024;

	h->slots = xcalloc(size, sizeof(*h->slots));
	h->mask = size - 1;
	for (i = 0; i < oldsize; i++) {
		if (old[i] == 0)
			continue;
		j = (old[i] >> 32) & h->mask;
		while (h->slots[j] != 0)
			j = (j + 1) & h->mask;
		h->slots[j] = old[i];
	}
	free(old);
}

/* The slot of key: its own, or the empty one where it would go. */
static size_t
probe(const struct htab *h, const char *key, size_t len, uint64_t tag)
{
	size_t i;
	uint64_t s;
	uint32_t id;

	for (i = tag & h->mask; (s = h->slots[i]) != 0; i = (i + 1) & h->mask) {
		if (s >> 32 != tag)
			continue;
		id = (uint32_t)s - 1;
		if (h->keys[id].len == len && memcmp(h->keys[id].p, key, len) == 0)
			break;
	}
	return i;
}

int64_t
htab_find(const struct htab *h, const char *key, size_t len)
{
	uint64_t tag = XXH3_64bits(key, len) >> 32;

	if (h->slots == NULL)
		return -1;
	return (int64_t)(h->slots[probe(h, key, len, tag)] & 0xffffffff) - 1;
}

uint32_t
htab_intern(struct htab *h, const char *key, size_t len, int *isnew)
{
	uint64_t tag = XXH3_64bits(key, len) >> 32;
	size_t i;
	uint32_t id;

	if (h->slots == NULL || (h->n + 1) * 2 > h->mask + 1)
		grow(h);
	i = probe(h, key, len, tag);
	if (h->slots[i] != 0) {
		*isnew = 0;
		return (uint32_t)h->slots[i] - 1;
	}
	if (h->n >= UINT32_MAX - 1)
		errx(1, "too many distinct keys");
	if (h->n == h->kcap) {
		h->kcap = h->kcap ? h->kcap * 2 : 1024;
		h->keys = xreallocarray(h->keys, h->kcap, sizeof(*h->keys));
	}
	id = h->n++;
	h->keys[id].p = arena_dup(&h->mem, key, len);
	h->keys[id].len = len;
	h->slots[i] = tag << 32 | (id + 1);
	*isnew = 1;
	return id;
}

static int
cmp_id(const void *a, const void *b, void *arg)
{
	const struct htab_key *k = arg;
	const struct htab_key *x = &k[*(const uint32_t *)a];
	const struct htab_key *y = &k[*(const uint32_t *)b];

	return rec_keycmp(x->p, x->len, y->p, y->len);
}

uint32_t *
htab_sorted(struct htab *h)
{
	uint32_t *ids = xreallocarray(NULL, h->n, sizeof(*ids));
	size_t i;

	for (i = 0; i < h->n; i++)
		ids[i] = i;
	qsort_r(ids, h->n, sizeof(*ids), cmp_id, h->keys);
	return ids;
}

void
htab_free(struct htab *h)
{
	free(h->slots);
	free(h->keys);
	arena_free(&h->mem);
	memset(h, 0, sizeof(*h));
}

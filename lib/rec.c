/* Splitting a line into key and value, and comparing keys. */
#include <string.h>

#include "rec.h"

void
rec_split(char *line, size_t len, struct rec *rec)
{
	char *tab;

	rec->key = line;
	if ((tab = memchr(line, '\t', len)) == NULL) {
		rec->klen = len;
		rec->val = line + len;
		rec->vlen = 0;
	} else {
		rec->klen = tab - line;
		rec->val = tab + 1;
		rec->vlen = len - rec->klen - 1;
	}
}

int
rec_field(const char *val, size_t vlen, int n, const char **f, size_t *flen)
{
	const char *p = val, *end = val + vlen, *tab;

	for (; n > 1; n--) {
		if ((tab = memchr(p, '\t', end - p)) == NULL)
			return 0;
		p = tab + 1;
	}
	tab = memchr(p, '\t', end - p);
	*f = p;
	*flen = (tab ? tab : end) - p;
	return 1;
}

int
rec_keycmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	return c ? c : (alen > blen) - (alen < blen);
}

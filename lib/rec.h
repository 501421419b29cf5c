/*
 * Records: a line read by the record reader (rdr.h) is a key before its
 * first TAB and a value after it. Keys are compared bytewise, values are
 * TAB-separated fields counted from 1.
 *
 * Use: rec_split a line into a struct rec, whose key and value point into
 * the line; compare keys with rec_keycmp; pick a value field with
 * rec_field. Nothing here allocates or fails.
 */
#ifndef MR_REC_H
#define MR_REC_H

#include <stddef.h>

/* A record: key before the first TAB, value after it (may be empty). */
struct rec {
	char	*key;
	size_t	 klen;
	char	*val;
	size_t	 vlen;
};

void	rec_split(char *line, size_t len, struct rec *);

/* Bytewise order of keys, a prefix first: LC_ALL=C sort's order. */
int	rec_keycmp(const char *, size_t, const char *, size_t);

/* Value field n (1-based) of a record; returns 0 when it has fewer fields. */
int	rec_field(const char *val, size_t vlen, int n, const char **f,
	    size_t *flen);

#endif

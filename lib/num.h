/*
 * Parsing numbers in record fields. A decimal integer that fits in int64
 * is kept exact; anything else strtold accepts in whole (leading blanks
 * allowed, nothing after) is a long double. num_parse returns 1 for a
 * number, 0 for a field that is not a number and -1 for one outside the
 * range of a long double (strtold's ERANGE: an overflow, or an underflow
 * to a subnormal or zero). num_isna says whether a field is a missing
 * value as GNU datamash's --narm sees it.
 */
#ifndef MR_NUM_H
#define MR_NUM_H

#include <stddef.h>
#include <stdint.h>

struct num {
	int		isint;
	int64_t		i;
	long double	d;	/* the value, also for integers */
};

int	num_parse(const char *, size_t, struct num *);
/* NA, N/A or NaN in any case, and nothing else. */
int	num_isna(const char *, size_t);

#endif

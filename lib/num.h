/*
 * Parsing numbers in record fields. A decimal integer that fits in int64
 * is kept exact; anything else strtold accepts in whole (leading blanks
 * allowed, nothing after) is a long double. num_parse returns 0 for a
 * field that is not a number.
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

#endif

/* Field values to numbers: an exact int64 fast path, strtold otherwise. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "num.h"

static int
parse_int(const char *p, size_t n, int64_t *v)
{
	uint64_t acc = 0, lim;
	int neg = 0;
	size_t i = 0;

	if (n > 0 && (p[0] == '-' || p[0] == '+')) {
		neg = p[0] == '-';
		i = 1;
	}
	if (i == n || n - i > 19)
		return 0;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < n; i++) {
		unsigned d = (unsigned char)p[i] - '0';
		if (d > 9)
			return 0;
		if (acc > (lim - d) / 10)
			return 0;
		acc = acc * 10 + d;
	}
	*v = neg ? (acc == 0 ? 0 : -(int64_t)(acc - 1) - 1) : (int64_t)acc;
	return 1;
}

/*
 * [-+]DIGITS.DIGITS with at most 19 digits: the digits as an integer over
 * a power of ten. Both are exact in a long double, so the quotient is
 * rounded once, to the value strtold gives, at a tenth of its cost.
 */
static int
parse_decimal(const char *p, size_t n, long double *d)
{
	static const long double pow10[] = { 1e0L, 1e1L, 1e2L, 1e3L, 1e4L,
	    1e5L, 1e6L, 1e7L, 1e8L, 1e9L, 1e10L, 1e11L, 1e12L, 1e13L, 1e14L,
	    1e15L, 1e16L, 1e17L, 1e18L, 1e19L };
	uint64_t m = 0;
	size_t i = 0, digits = 0, frac = 0;
	int neg = 0, dot = 0;

	if (n > 0 && (p[0] == '-' || p[0] == '+')) {
		neg = p[0] == '-';
		i = 1;
	}
	for (; i < n; i++) {
		unsigned c = (unsigned char)p[i] - '0';
		if (c <= 9) {
			if (++digits > 19)
				return 0;
			m = m * 10 + c;
			frac += dot;
		} else if (p[i] == '.' && !dot)
			dot = 1;
		else
			return 0;
	}
	if (digits == 0)
		return 0;
	*d = (long double)m / pow10[frac];
	if (neg)
		*d = -*d;
	return 1;
}

int
num_parse(const char *p, size_t n, struct num *x)
{
	char tmp[128], *s, *end;
	int range;

	if (parse_int(p, n, &x->i)) {
		x->isint = 1;
		x->d = x->i;
		return 1;
	}
	if (parse_decimal(p, n, &x->d)) {
		x->isint = 0;
		return 1;
	}
	if (n == 0 || memchr(p, '\0', n) != NULL)
		return 0;
	s = n < sizeof(tmp) ? tmp : malloc(n + 1);
	if (s == NULL)
		return 0;
	memcpy(s, p, n);
	s[n] = '\0';
	errno = 0;
	x->d = strtold(s, &end);
	x->isint = 0;
	range = errno == ERANGE;
	n = end == s ? 1 : *end != '\0';
	if (s != tmp)
		free(s);
	if (n != 0)
		return 0;
	return range ? -1 : 1;
}

int
num_isna(const char *p, size_t n)
{
	return (n == 2 && strncasecmp(p, "na", 2) == 0) ||
	    (n == 3 && (strncasecmp(p, "n/a", 3) == 0 ||
	    strncasecmp(p, "nan", 3) == 0));
}

/* Field values to numbers: an exact int64 fast path, strtold otherwise. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

int
num_parse(const char *p, size_t n, struct num *x)
{
	char tmp[128], *s, *end;

	if (parse_int(p, n, &x->i)) {
		x->isint = 1;
		x->d = x->i;
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
	n = end == s ? 1 : *end != '\0';
	if (s != tmp)
		free(s);
	return n == 0;
}

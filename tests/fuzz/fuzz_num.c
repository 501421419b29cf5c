/*
 * num_parse (lib/num.h) against strtoll and strtold on the same bytes.
 * Properties: a field is accepted exactly when strtold takes all of it
 * (leading blanks allowed, nothing after, no NUL byte, not empty) without
 * ERANGE, and refused as out of range (-1) when strtold says ERANGE; the
 * value is strtold's, bit for bit (num.c rounds plain decimals once, as
 * strtold does); isint only for [-+]DIGITS that strtoll takes without
 * overflow, with strtoll's value, and every such field of at most 19
 * digits is an exact integer. An integer's d equals i (as a value: "-0"
 * is the integer 0, where strtold gives -0.0).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "num.h"

/* The 80 bits of an x87 long double that hold its value. */
static int
same_bits(long double a, long double b)
{
	return memcmp(&a, &b, 10) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct num x;
	char *s, *end;
	long double ref;
	long long ll;
	size_t i, digits = 0;
	int ok, refok, plainint, lerr;

	if (size > 4096)
		return 0;
	memset(&x, 0, sizeof(x));
	ok = num_parse((const char *)data, size, &x);
	if (size == 0 || memchr(data, '\0', size) != NULL) {
		CHECK(!ok);
		return 0;
	}
	s = malloc(size + 1);
	CHECK(s != NULL);
	memcpy(s, data, size);
	s[size] = '\0';
	errno = 0;
	ref = strtold(s, &end);
	refok = end != s && *end == '\0';
	if (refok && errno == ERANGE)
		refok = -1;
	CHECK(ok == refok);

	i = s[0] == '-' || s[0] == '+';
	plainint = i < size;
	for (; i < size; i++)
		if (s[i] < '0' || s[i] > '9')
			plainint = 0;
		else
			digits++;
	errno = 0;
	ll = strtoll(s, &end, 10);
	lerr = errno;
	if (ok != 1) {
		free(s);
		return 0;
	}
	if (x.isint) {
		CHECK(plainint && lerr == 0 && *end == '\0');
		CHECK(x.i == ll);
		CHECK(x.d == (long double)x.i);
		CHECK(x.d == ref);
	} else {
		CHECK(!(plainint && digits <= 19 && lerr == 0));
		CHECK(same_bits(x.d, ref) || (isnan(x.d) && isnan(ref) &&
		    signbit(x.d) == signbit(ref)));
	}
	free(s);
	return 0;
}

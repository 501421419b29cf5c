/*
 * The reduce operations (lib/ops.h), differential. Input: byte 0 the
 * percentile of perc (mod 101); the rest, fields separated by blanks or
 * LF, each parsed by num_parse as mr-reduce does (the others skipped).
 * Results are printed by acc_print with "%La" (exact) and read back.
 *
 * Holistic ops (median q1 q3 iqr perc mad mode antimode): the
 * quickselect path, and the sort path (forced by setting acc.nan, which
 * a NaN among the values sets), both equal a plain reference: sort, then
 * R type 7 quantiles with no interpolation at an exact rank, as datamash
 * does; mode/antimode the value of the longest (shortest) run, the least
 * on ties. With a NaN among the values the module must sort, and the
 * reference sorts a copy in the same order with the same comparator
 * (glibc's qsort is deterministic), so NaN's place is the same. mad is
 * not compared when a deviation is NaN (an infinite median).
 *
 * Streaming ops: count exact; sum exact for integers (and -1 outside
 * int64), else within 2n*eps*sum|x| of the plain sum; mean likewise;
 * min max absmin absmax range exact without NaN; pvar svar pstdev sstdev
 * within 64n*eps*sum(x^2) (on the sum of squared deviations) of the
 * two-pass value when every value is finite and below 1e2400 in size,
 * and NaN when one is infinite or NaN. A target prints nothing.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "ops.h"

#define MAXV	2048

static long double vals[MAXV], sorted[MAXV], dev[MAXV];
static int isint[MAXV];
static int64_t ivals[MAXV];

static int
cmp_num(const void *a, const void *b)
{
	long double x = *(const long double *)a, y = *(const long double *)b;

	return (x > y) - (x < y);
}

/* The numbers in order, then the NaNs, as lib/ops.c sorts. */
static void
sort_nan_last(long double *v, size_t n)
{
	size_t i, k = 0;
	long double t;

	for (i = 0; i < n; i++)
		if (!isnan(v[i])) {
			t = v[k];
			v[k++] = v[i];
			v[i] = t;
		}
	qsort(v, k, sizeof(*v), cmp_num);
}

static int
same(long double a, long double b)
{
	return (isnan(a) && isnan(b)) || a == b;
}

static long double
refq(const long double *v, size_t n, long double p)
{
	long double h = (n - 1) * p, lo = floorl(h);
	size_t i = lo;

	if (i + 1 >= n || h == lo)
		return v[i < n ? i : n - 1];
	return v[i] + (h - lo) * (v[i + 1] - v[i]);
}

/* The median as datamash takes it: the mean of the middle two. */
static long double
refmedian(const long double *v, size_t n)
{
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * Most (or least) frequent value, the smallest on ties: counted by brute
 * force, each value against all, not by runs as ops.c does.
 */
static long double
refmode(const long double *v, size_t n, int anti)
{
	long double best = v[0];
	size_t bestc = 0, c, i, j;

	for (i = 0; i < n; i++) {
		for (c = 0, j = 0; j < n; j++)
			c += j == i || v[j] == v[i];	/* a NaN equals only itself */
		if (i == 0 || (anti ? c < bestc : c > bestc) ||
		    (c == bestc && v[i] < best)) {
			best = v[i];
			bestc = c;
		}
	}
	return best;
}

/* Feed n values to a fresh accumulator, print, read the result back. */
static int
run(const struct op *op, size_t n, int forcesort, long double *r)
{
	struct acc a;
	struct out o;
	struct num x;
	size_t i;
	int rc;

	memset(&a, 0, sizeof(a));
	for (i = 0; i < n; i++) {
		x.isint = isint[i];
		x.i = ivals[i];
		x.d = vals[i];
		acc_add(&a, op, "", 0, &x, NULL);
	}
	if (forcesort)
		a.nan = 1;
	out_init(&o, -1, 4096, "fuzz");
	rc = acc_print(&a, op, &o, "%La");
	CHECK(o.len < 4096);
	o.buf[o.len] = '\0';
	if (rc == 0) {
		char *end;
		*r = strtold(o.buf, &end);
		CHECK(end != o.buf && *end == '\0');
	}
	free(o.buf);
	acc_free(&a);
	return rc;
}

static void
holistic(size_t n, int perc, int hasnan)
{
	static const enum op_type types[] = { OP_MEDIAN, OP_Q1, OP_Q3,
	    OP_IQR, OP_PERC, OP_MAD, OP_MADRAW, OP_MODE, OP_ANTIMODE };
	struct op op = { .field = 1, .perc = perc, .numeric = 1 };
	long double ref = 0, r, med;
	size_t t, i;
	int devnan;

	memcpy(sorted, vals, n * sizeof(*vals));
	sort_nan_last(sorted, n);
	med = refmedian(sorted, n);
	for (i = 0, devnan = 0; i < n; i++)
		if (isnan(dev[i] = fabsl(sorted[i] - med)))
			devnan = 1;
	sort_nan_last(dev, n);
	for (t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
		op.type = types[t];
		switch (op.type) {
		case OP_MEDIAN: ref = med; break;
		case OP_Q1: ref = refq(sorted, n, 0.25L); break;
		case OP_Q3: ref = refq(sorted, n, 0.75L); break;
		case OP_IQR:
			ref = refq(sorted, n, 0.75L) - refq(sorted, n, 0.25L);
			break;
		case OP_PERC: ref = refq(sorted, n, perc / 100.0L); break;
		case OP_MAD: ref = 1.4826L * refmedian(dev, n); break;
		case OP_MADRAW: ref = refmedian(dev, n); break;
		case OP_MODE: ref = refmode(sorted, n, 0); break;
		default: ref = refmode(sorted, n, 1); break;
		}
		if ((op.type == OP_MAD || op.type == OP_MADRAW) && devnan)
			continue;
		CHECK(run(&op, n, 0, &r) == 0);
		CHECK(same(r, ref));
		if (!hasnan) {
			CHECK(run(&op, n, 1, &r) == 0);
			CHECK(same(r, ref));
		}
	}
}

static void
streaming(size_t n)
{
	struct op op = { .field = 1, .perc = 95, .numeric = 1 };
	__int128 isum = 0;
	long double sum = 0, asum = 0, sq = 0, mean, m2 = 0, tol, r;
	long double mn = vals[0], mx = vals[0], amn = vals[0], amx = vals[0];
	size_t i;
	int allint = 1, finite = 1, nan = 0, moderate = 1;

	for (i = 0; i < n; i++) {
		long double d = vals[i];
		if (isint[i])
			isum += ivals[i];
		else
			allint = 0;
		sum += d;
		asum += fabsl(d);
		sq += d * d;
		nan |= isnan(d);
		finite &= isfinite(d) != 0;
		moderate &= fabsl(d) < 1e2400L;
		if (d < mn)
			mn = d;
		if (d > mx)
			mx = d;
		if (fabsl(d) < fabsl(amn))
			amn = d;
		if (fabsl(d) > fabsl(amx))
			amx = d;
	}
	op.type = OP_COUNT;
	CHECK(run(&op, n, 0, &r) == 0 && r == n);
	op.type = OP_SUM;
	if (allint) {
		if (isum > INT64_MAX || isum < INT64_MIN)
			CHECK(run(&op, n, 0, &r) == -1);
		else
			CHECK(run(&op, n, 0, &r) == 0 && r == (long double)isum);
	} else if (finite && isfinite(asum)) {
		tol = 2 * n * LDBL_EPSILON * asum;
		CHECK(run(&op, n, 0, &r) == 0 && fabsl(r - sum) <= tol);
		op.type = OP_MEAN;
		CHECK(run(&op, n, 0, &r) == 0 &&
		    fabsl(r - sum / n) <= tol / n + LDBL_EPSILON * fabsl(r));
	}
	if (!nan) {
		op.type = OP_MIN;
		CHECK(run(&op, n, 0, &r) == 0 && same(r, mn));
		op.type = OP_MAX;
		CHECK(run(&op, n, 0, &r) == 0 && same(r, mx));
		op.type = OP_RANGE;
		CHECK(run(&op, n, 0, &r) == 0 && same(r, mx - mn));
		op.type = OP_ABSMIN;
		CHECK(run(&op, n, 0, &r) == 0 && same(r, amn));
		op.type = OP_ABSMAX;
		CHECK(run(&op, n, 0, &r) == 0 && same(r, amx));
	}
	if (!finite) {
		op.type = OP_PVAR;
		CHECK(run(&op, n, 0, &r) == 0 && isnan(r));
		op.type = OP_SSTDEV;
		CHECK(run(&op, n, 0, &r) == 0 && isnan(r));
		return;
	}
	if (!moderate)
		return;
	mean = sum / n;
	for (i = 0; i < n; i++)
		m2 += (vals[i] - mean) * (vals[i] - mean);
	tol = 64 * n * LDBL_EPSILON * sq + LDBL_MIN;
	op.type = OP_PVAR;
	CHECK(run(&op, n, 0, &r) == 0 && fabsl(r - m2 / n) <= tol / n);
	op.type = OP_PSTDEV;
	CHECK(run(&op, n, 0, &r) == 0 &&
	    fabsl(r * r - m2 / n) <= tol / n + 4 * LDBL_EPSILON * m2 / n);
	op.type = OP_SVAR;
	CHECK(run(&op, n, 0, &r) == 0);
	CHECK(n == 1 ? isnan(r) : fabsl(r - m2 / (n - 1)) <= tol / (n - 1));
	op.type = OP_SSTDEV;
	CHECK(run(&op, n, 0, &r) == 0);
	CHECK(n == 1 ? isnan(r) : fabsl(r * r - m2 / (n - 1)) <=
	    tol / (n - 1) + 4 * LDBL_EPSILON * m2 / (n - 1));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p, *end, *f;
	struct num x;
	size_t n = 0;
	int hasnan = 0, perc;

	if (size < 1)
		return 0;
	perc = data[0] % 101;
	p = (const char *)data + 1;
	end = (const char *)data + size;
	while (p < end && n < MAXV) {
		while (p < end && (*p == ' ' || *p == '\n'))
			p++;
		for (f = p; p < end && *p != ' ' && *p != '\n'; p++)
			;
		if (p > f && num_parse(f, p - f, &x)) {
			vals[n] = x.d;
			isint[n] = x.isint;
			ivals[n] = x.i;
			hasnan |= isnan(x.d) != 0;
			n++;
		}
	}
	if (n == 0)
		return 0;
	holistic(n, perc, hasnan);
	streaming(n);
	return 0;
}

/*
 * Reduce operations. O(1)-state ops keep running sums, extremes and
 * Welford moments; holistic ops (quantiles, mode, mad) keep the key's
 * values and sort them once at the end; string ops keep the bytes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "xmalloc.h"

static const struct {
	const char	*name;
	enum op_type	 type;
	int		 numeric;
} optab[] = {
	{ "absmax",	OP_ABSMAX,	1 },
	{ "absmin",	OP_ABSMIN,	1 },
	{ "antimode",	OP_ANTIMODE,	1 },
	{ "collapse",	OP_COLLAPSE,	0 },
	{ "count",	OP_COUNT,	0 },
	{ "countunique", OP_COUNTUNIQUE, 0 },
	{ "first",	OP_FIRST,	0 },
	{ "iqr",	OP_IQR,		1 },
	{ "last",	OP_LAST,	0 },
	{ "mad",	OP_MAD,		1 },
	{ "max",	OP_MAX,		1 },
	{ "mean",	OP_MEAN,	1 },
	{ "median",	OP_MEDIAN,	1 },
	{ "min",	OP_MIN,		1 },
	{ "mode",	OP_MODE,	1 },
	{ "perc",	OP_PERC,	1 },
	{ "pstdev",	OP_PSTDEV,	1 },
	{ "pvar",	OP_PVAR,	1 },
	{ "q1",		OP_Q1,		1 },
	{ "q3",		OP_Q3,		1 },
	{ "range",	OP_RANGE,	1 },
	{ "sstdev",	OP_SSTDEV,	1 },
	{ "sum",	OP_SUM,		1 },
	{ "svar",	OP_SVAR,	1 },
	{ "unique",	OP_UNIQUE,	0 },
};

static int
small_num(const char *s, int min, int max, int *v)
{
	char *end;
	long n;

	if (*s < '0' || *s > '9')
		return 0;
	n = strtol(s, &end, 10);
	if (*end != '\0' || n < min || n > max)
		return 0;
	*v = n;
	return 1;
}

int
op_parse(const char *word, struct op *op)
{
	char name[32], *args[3] = { NULL }, *p;
	size_t i, nargs = 0;

	if (strlen(word) >= sizeof(name))
		return strchr(word, ':') ? -2 : -1;
	strcpy(name, word);
	for (p = name; nargs < 3 && (p = strchr(p, ':')) != NULL; )
		*p++ = '\0', args[nargs++] = p;
	for (i = 0; i < sizeof(optab) / sizeof(optab[0]); i++)
		if (strcmp(name, optab[i].name) == 0)
			break;
	if (i == sizeof(optab) / sizeof(optab[0]))
		return -1;
	op->type = optab[i].type;
	op->numeric = optab[i].numeric;
	op->field = 1;
	op->perc = 95;
	if (op->type == OP_PERC && nargs > 0) {
		if (!small_num(args[0], 0, 100, &op->perc))
			return -2;
		args[0] = args[1];
		nargs--;
	}
	if (nargs > 1 || (nargs == 1 && !small_num(args[0], 1, 1000000,
	    &op->field)))
		return -2;
	return 0;
}

static void
keep_value(struct acc *a, long double d)
{
	if (isnan(d))
		a->nan = 1;
	if (a->nv == a->cv) {
		a->cv = a->cv ? a->cv * 2 : 64;
		a->v = xreallocarray(a->v, a->cv, sizeof(*a->v));
	}
	a->v[a->nv++] = d;
}

static void
keep_string(struct acc *a, const char *f, size_t len)
{
	if (a->noffs == a->coffs) {
		a->coffs = a->coffs ? a->coffs * 2 : 64;
		a->offs = xreallocarray(a->offs, a->coffs, sizeof(*a->offs));
	}
	a->offs[a->noffs++] = a->s.len;
	buf_add(&a->s, f, len);
}

/* The ops that keep every value of a key, to sort or select at the end. */
static int
holistic(enum op_type t)
{
	switch (t) {
	case OP_MEDIAN:
	case OP_Q1:
	case OP_Q3:
	case OP_IQR:
	case OP_PERC:
	case OP_MODE:
	case OP_ANTIMODE:
	case OP_MAD:
		return 1;
	default:
		return 0;
	}
}

void
acc_add(struct acc *a, const struct op *op, const char *f, size_t len,
    const struct num *x)
{
	long double d = x ? x->d : 0, delta;

	if (holistic(op->type))
		keep_value(a, d);
	switch (op->type) {
	case OP_COUNT:
		break;
	case OP_SUM:
	case OP_MEAN:
		if (x->isint)
			a->isum += x->i;
		else {
			a->fsum += x->d;
			a->nonint = 1;
		}
		break;
	case OP_MIN:
	case OP_MAX:
	case OP_RANGE:
	case OP_ABSMIN:
	case OP_ABSMAX:
		if (a->n == 0 || d < a->min)
			a->min = d;
		if (a->n == 0 || d > a->max)
			a->max = d;
		/* datamash keeps the sign: the value of least |x|. */
		if (a->n == 0 || fabsl(d) < fabsl(a->amin))
			a->amin = d;
		if (a->n == 0 || fabsl(d) > fabsl(a->amax))
			a->amax = d;
		break;
	case OP_PSTDEV:
	case OP_SSTDEV:
	case OP_PVAR:
	case OP_SVAR:
		delta = d - a->mean;
		a->mean += delta / (a->n + 1);
		a->m2 += delta * (d - a->mean);
		break;
	case OP_FIRST:
		if (a->n == 0)
			buf_add(&a->s, f, len);
		break;
	case OP_LAST:
		buf_clear(&a->s);
		buf_add(&a->s, f, len);
		break;
	case OP_COLLAPSE:
		if (a->n > 0)
			buf_addc(&a->s, ',');
		buf_add(&a->s, f, len);
		break;
	case OP_UNIQUE:
	case OP_COUNTUNIQUE:
		keep_string(a, f, len);
		break;
	default:	/* holistic, above */
		break;
	}
	a->n++;
}

/* A total order for qsort: NaNs after every number. */
static int
cmp_ld(const void *a, const void *b)
{
	long double x = *(const long double *)a, y = *(const long double *)b;

	if (isnan(x) || isnan(y))
		return !!isnan(x) - !!isnan(y);
	return (x > y) - (x < y);
}

/* Quantile p (0..1) of sorted v, R type 7 as datamash computes it. */
static long double
quantile(long double *v, size_t n, long double p)
{
	long double h = (n - 1) * p, lo = floorl(h);
	size_t i = lo;

	if (i + 1 >= n)
		return v[n - 1];
	/* An exact rank, as quantile_select: no 0 * inf next to an inf. */
	if (h == lo)
		return v[i];
	return v[i] + (h - lo) * (v[i + 1] - v[i]);
}

/* The k-th smallest of v (0-based), moving it to v[k]: quickselect. */
static long double
select_k(long double *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1, i, j;
	long double pivot, t;

	while (lo < hi) {
		pivot = v[lo + (hi - lo) / 2];
		for (i = lo, j = hi; i <= j; ) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				t = v[i];
				v[i] = v[j];
				v[j] = t;
				i++;
				if (j-- == 0)
					break;
			}
		}
		if (k <= j && j != (size_t)-1)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break;
	}
	return v[k];
}

/*
 * The same quantile in linear time, reordering v: the floor rank by
 * selection, the next one as the least of what selection left above it.
 */
static long double
quantile_select(long double *v, size_t n, long double p)
{
	long double h = (n - 1) * p, lo = floorl(h), a, b;
	size_t i = lo, j;

	a = select_k(v, n, i);
	if (i + 1 >= n || h == lo)
		return a;
	for (b = v[i + 1], j = i + 2; j < n; j++)
		if (v[j] < b)
			b = v[j];
	return a + (h - lo) * (b - a);
}

/*
 * The median as datamash takes it: the middle value, or the mean of the
 * two middle ones, (a + b) / 2, which is inf for two infinities where
 * a + (b - a) / 2 would be NaN. Of sorted v, or by selection.
 */
static long double
median(long double *v, size_t n)
{
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static long double
median_select(long double *v, size_t n)
{
	long double a, b;
	size_t j;

	a = select_k(v, n, n % 2 ? n / 2 : n / 2 - 1);
	if (n % 2)
		return a;
	for (b = v[n / 2], j = n / 2 + 1; j < n; j++)
		if (v[j] < b)
			b = v[j];
	return (a + b) / 2;
}

/* Most (or least) frequent value of sorted v, the smallest on ties. */
static long double
mode(const long double *v, size_t n, int anti)
{
	size_t i, j, best = 0, bestn = anti ? SIZE_MAX : 0;

	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && v[j] == v[i]; j++)
			;
		if (anti ? j - i < bestn : j - i > bestn) {
			best = i;
			bestn = j - i;
		}
	}
	return v[best];
}

static int
cmp_str(const void *a, const void *b, void *arg)
{
	const struct acc *acc = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	size_t ei = i + 1 < acc->noffs ? acc->offs[i + 1] : acc->s.len;
	size_t ej = j + 1 < acc->noffs ? acc->offs[j + 1] : acc->s.len;
	size_t li = ei - acc->offs[i], lj = ej - acc->offs[j];
	int c = memcmp(acc->s.p + acc->offs[i], acc->s.p + acc->offs[j],
	    li < lj ? li : lj);

	return c ? c : (li > lj) - (li < lj);
}

/* unique and countunique: sort the strings, print or count distinct. */
static void
print_unique(struct acc *a, struct out *o, int count)
{
	size_t *idx, i, k = 0, s, e, ps = 0, pl = 0, distinct = 0;

	idx = xreallocarray(NULL, a->noffs, sizeof(*idx));
	for (i = 0; i < a->noffs; i++)
		idx[i] = i;
	qsort_r(idx, a->noffs, sizeof(*idx), cmp_str, a);
	for (i = 0; i < a->noffs; i++) {
		k = idx[i];
		s = a->offs[k];
		e = k + 1 < a->noffs ? a->offs[k + 1] : a->s.len;
		if (distinct > 0 && e - s == pl && memcmp(a->s.p + s,
		    a->s.p + ps, pl) == 0)
			continue;
		if (!count) {
			if (distinct > 0)
				out_addc(o, ',');
			out_add(o, a->s.p + s, e - s);
		}
		distinct++;
		ps = s;
		pl = e - s;
	}
	if (count)
		out_u64(o, distinct);
	free(idx);
}

/*
 * The result of a holistic op: quantiles and mad by selection, without a
 * sort, unless a NaN is among the values or the op is a mode.
 */
static long double
holistic_value(struct acc *a, const struct op *op)
{
	long double (*q)(long double *, size_t, long double) = quantile_select;
	long double (*m)(long double *, size_t) = median_select;
	int sorted = a->nan || op->type == OP_MODE || op->type == OP_ANTIMODE;
	long double med;
	size_t i;

	if (sorted) {
		qsort(a->v, a->nv, sizeof(*a->v), cmp_ld);
		q = quantile;
		m = median;
	}
	switch (op->type) {
	case OP_MEDIAN:
		return m(a->v, a->nv);
	case OP_Q1:
		return q(a->v, a->nv, 0.25L);
	case OP_Q3:
		return q(a->v, a->nv, 0.75L);
	case OP_IQR:
		med = q(a->v, a->nv, 0.75L);
		return med - q(a->v, a->nv, 0.25L);
	case OP_PERC:
		return q(a->v, a->nv, op->perc / 100.0L);
	case OP_MODE:
	case OP_ANTIMODE:
		return mode(a->v, a->nv, op->type == OP_ANTIMODE);
	default:	/* OP_MAD */
		med = m(a->v, a->nv);
		for (i = 0; i < a->nv; i++)
			a->v[i] = fabsl(a->v[i] - med);
		if (sorted)
			qsort(a->v, a->nv, sizeof(*a->v), cmp_ld);
		return 1.4826L * m(a->v, a->nv);
	}
}

void
op_print_num(struct out *o, long double v, const char *fmt)
{
	char tmp[128];
	int n;

	if (isnan(v)) {
		out_add(o, "nan", 3);
		return;
	}
	if (v == truncl(v) && fabsl(v) < 9223372036854775808.0L) {
		int64_t i = v;
		if (i < 0) {
			out_addc(o, '-');
			out_u64(o, -(uint64_t)i);
		} else
			out_u64(o, i);
		return;
	}
	n = snprintf(tmp, sizeof(tmp), fmt, v);
	if (n < 0)
		n = 0;
	out_add(o, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

int
acc_print(struct acc *a, const struct op *op, struct out *o, const char *fmt)
{
	long double r = 0;

	switch (op->type) {
	case OP_COUNT:
		out_u64(o, a->n);
		return 0;
	case OP_SUM:
		if (a->nonint) {
			r = (long double)a->isum + a->fsum;
			break;
		}
		if (a->isum > INT64_MAX || a->isum < INT64_MIN)
			return -1;
		if (a->isum < 0) {
			out_addc(o, '-');
			out_u64(o, -(uint64_t)(int64_t)a->isum);
		} else
			out_u64(o, (uint64_t)a->isum);
		return 0;
	case OP_MEAN:
		r = ((long double)a->isum + a->fsum) / a->n;
		break;
	case OP_MIN:
		r = a->min;
		break;
	case OP_MAX:
		r = a->max;
		break;
	case OP_ABSMIN:
		r = a->amin;
		break;
	case OP_ABSMAX:
		r = a->amax;
		break;
	case OP_RANGE:
		r = a->max - a->min;
		break;
	case OP_PVAR:
		r = a->m2 / a->n;
		break;
	case OP_SVAR:
		r = a->n > 1 ? a->m2 / (a->n - 1) : NAN;
		break;
	case OP_PSTDEV:
		r = sqrtl(a->m2 / a->n);
		break;
	case OP_SSTDEV:
		r = a->n > 1 ? sqrtl(a->m2 / (a->n - 1)) : NAN;
		break;
	case OP_FIRST:
	case OP_LAST:
	case OP_COLLAPSE:
		out_add(o, a->s.p, a->s.len);
		return 0;
	case OP_UNIQUE:
	case OP_COUNTUNIQUE:
		print_unique(a, o, op->type == OP_COUNTUNIQUE);
		return 0;
	default:	/* holistic */
		r = holistic_value(a, op);
		break;
	}
	op_print_num(o, r, fmt);
	return 0;
}

void
acc_reset(struct acc *a)
{
	struct buf s = a->s;
	size_t *offs = a->offs, coffs = a->coffs, cv = a->cv;
	long double *v = a->v;

	memset(a, 0, sizeof(*a));
	a->s = s;
	buf_clear(&a->s);
	a->offs = offs;
	a->coffs = coffs;
	a->v = v;
	a->cv = cv;
}

void
acc_free(struct acc *a)
{
	buf_free(&a->s);
	free(a->offs);
	free(a->v);
	memset(a, 0, sizeof(*a));
}

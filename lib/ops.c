/*
 * Reduce operations. O(1)-state ops keep running sums, extremes and
 * Welford-style moments (up to the fourth, and co-moments of pairs);
 * holistic ops (quantiles, mode, mad, madraw, trimmean) keep the key's
 * values and select or sort them once at the end; string ops keep the
 * bytes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "xmalloc.h"

/* What an op takes before (or as) its fields. */
enum op_args { ARGS_FIELDS, ARGS_PERC, ARGS_TRIM, ARGS_PAIR };

static const struct {
	const char	*name;
	enum op_type	 type;
	int		 numeric;
	enum op_args	 args;
} optab[] = {
	{ "absmax",	OP_ABSMAX,	1, ARGS_FIELDS },
	{ "absmin",	OP_ABSMIN,	1, ARGS_FIELDS },
	{ "antimode",	OP_ANTIMODE,	1, ARGS_FIELDS },
	{ "collapse",	OP_COLLAPSE,	0, ARGS_FIELDS },
	{ "count",	OP_COUNT,	0, ARGS_FIELDS },
	{ "countunique", OP_COUNTUNIQUE, 0, ARGS_FIELDS },
	{ "dotprod",	OP_DOTPROD,	1, ARGS_PAIR },
	{ "dpo",	OP_DPO,		1, ARGS_FIELDS },
	{ "first",	OP_FIRST,	0, ARGS_FIELDS },
	{ "geomean",	OP_GEOMEAN,	1, ARGS_FIELDS },
	{ "harmmean",	OP_HARMMEAN,	1, ARGS_FIELDS },
	{ "iqr",	OP_IQR,		1, ARGS_FIELDS },
	{ "jarque",	OP_JARQUE,	1, ARGS_FIELDS },
	{ "last",	OP_LAST,	0, ARGS_FIELDS },
	{ "mad",	OP_MAD,		1, ARGS_FIELDS },
	{ "madraw",	OP_MADRAW,	1, ARGS_FIELDS },
	{ "max",	OP_MAX,		1, ARGS_FIELDS },
	{ "mean",	OP_MEAN,	1, ARGS_FIELDS },
	{ "median",	OP_MEDIAN,	1, ARGS_FIELDS },
	{ "min",	OP_MIN,		1, ARGS_FIELDS },
	{ "mode",	OP_MODE,	1, ARGS_FIELDS },
	{ "ms",		OP_MS,		1, ARGS_FIELDS },
	{ "pcov",	OP_PCOV,	1, ARGS_PAIR },
	{ "perc",	OP_PERC,	1, ARGS_PERC },
	{ "pkurt",	OP_PKURT,	1, ARGS_FIELDS },
	{ "ppearson",	OP_PPEARSON,	1, ARGS_PAIR },
	{ "pskew",	OP_PSKEW,	1, ARGS_FIELDS },
	{ "pstdev",	OP_PSTDEV,	1, ARGS_FIELDS },
	{ "pvar",	OP_PVAR,	1, ARGS_FIELDS },
	{ "q1",		OP_Q1,		1, ARGS_FIELDS },
	{ "q3",		OP_Q3,		1, ARGS_FIELDS },
	{ "range",	OP_RANGE,	1, ARGS_FIELDS },
	{ "rms",	OP_RMS,		1, ARGS_FIELDS },
	{ "scov",	OP_SCOV,	1, ARGS_PAIR },
	{ "skurt",	OP_SKURT,	1, ARGS_FIELDS },
	{ "spearson",	OP_SPEARSON,	1, ARGS_PAIR },
	{ "sskew",	OP_SSKEW,	1, ARGS_FIELDS },
	{ "sstdev",	OP_SSTDEV,	1, ARGS_FIELDS },
	{ "sum",	OP_SUM,		1, ARGS_FIELDS },
	{ "svar",	OP_SVAR,	1, ARGS_FIELDS },
	{ "trimmean",	OP_TRIMMEAN,	1, ARGS_TRIM },
	{ "unique",	OP_UNIQUE,	0, ARGS_FIELDS },
};

#define MAXFIELD	1000000

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

/* A fraction from 0 to 0.5 as strtold reads it, nothing after it. */
static int
trim_num(const char *s, long double *v)
{
	char *end;

	if ((*s < '0' || *s > '9') && *s != '.')
		return 0;
	*v = strtold(s, &end);
	return *end == '\0' && end != s && *v >= 0 && *v <= 0.5L;
}

/* One field of a list: 1..MAXFIELD, digits only, up to end. */
static int
list_field(const char *s, const char *end, int *v, char *err, size_t errlen)
{
	long n = 0;
	const char *p;

	for (p = s; p < end && *p >= '0' && *p <= '9'; p++)
		if (n <= MAXFIELD)
			n = n * 10 + (*p - '0');
	if (p != end || p == s)
		return 0;
	if (n < 1 || n > MAXFIELD) {
		snprintf(err, errlen, "field %.*s is not from 1 to %d",
		    (int)(end - s), s, MAXFIELD);
		return -1;
	}
	*v = n;
	return 1;
}

/*
 * A field list, "F", "F1,F2", "F1-F2" or any mix such as "1-2,5": one op
 * per field, copies of *tmpl, in the order given.
 */
static int
parse_fields(const char *list, const struct op *tmpl, struct op *ops,
    size_t max, size_t *n, char *err, size_t errlen)
{
	const char *item = list, *comma, *dash;
	int a, b, r;

	*n = 0;
	for (;;) {
		comma = strchr(item, ',');
		if (comma == NULL)
			comma = item + strlen(item);
		if (comma == item) {
			snprintf(err, errlen, "empty field in the list");
			return -2;
		}
		dash = memchr(item, '-', comma - item);
		if (dash == NULL)
			dash = comma;
		r = list_field(item, dash, &a, err, errlen);
		if (r == 1 && dash != comma)
			r = list_field(dash + 1, comma, &b, err, errlen);
		else
			b = a;
		if (r == 0)
			snprintf(err, errlen, "'%.*s' is not a field or a "
			    "range of fields", (int)(comma - item), item);
		if (r != 1)
			return -2;
		if (a > b) {
			snprintf(err, errlen, "the range '%.*s' goes down",
			    (int)(comma - item), item);
			return -2;
		}
		if ((size_t)(b - a) >= max - *n)
			return -3;
		for (; a <= b; a++) {
			ops[*n] = *tmpl;
			ops[(*n)++].field = a;
		}
		if (*comma == '\0')
			return 0;
		item = comma + 1;
	}
}

int
op_parse(const char *word, struct op *ops, size_t max, size_t *n,
    char *err, size_t errlen)
{
	char *name, *args[3] = { NULL }, *p;
	size_t i, nargs = 0;
	struct op op;
	int r = -2;

	*n = 0;
	*err = '\0';
	if (max == 0)
		return -3;
	name = xstrdup(word);
	for (p = name; nargs < 3 && (p = strchr(p, ':')) != NULL; )
		*p++ = '\0', args[nargs++] = p;
	for (i = 0; i < sizeof(optab) / sizeof(optab[0]); i++)
		if (strcmp(name, optab[i].name) == 0)
			break;
	if (i == sizeof(optab) / sizeof(optab[0])) {
		r = -1;
		goto out;
	}
	memset(&op, 0, sizeof(op));
	op.type = optab[i].type;
	op.numeric = optab[i].numeric;
	op.field = 1;
	op.perc = 95;
	if (optab[i].args == ARGS_PERC && nargs > 0) {
		if (!small_num(args[0], 0, 100, &op.perc))
			goto out;
		args[0] = args[1];
		args[1] = args[2];
		nargs--;
	}
	if (optab[i].args == ARGS_TRIM && nargs > 0) {
		if (!trim_num(args[0], &op.trim)) {
			snprintf(err, errlen, "the trim fraction '%s' is not "
			    "from 0 to 0.5", args[0]);
			goto out;
		}
		args[0] = args[1];
		args[1] = args[2];
		nargs--;
	}
	if (nargs > 1)
		goto out;
	if (optab[i].args == ARGS_PAIR) {
		p = nargs == 1 ? strchr(args[0], ',') : NULL;
		if (p == NULL || (*p = '\0', !small_num(args[0], 1, MAXFIELD,
		    &op.field)) || !small_num(p + 1, 1, MAXFIELD, &op.field2)) {
			snprintf(err, errlen, "%s takes two fields, as "
			    "%s:F1,F2", name, name);
			goto out;
		}
		ops[0] = op;
		*n = 1;
		r = 0;
		goto out;
	}
	if (nargs == 0) {
		ops[0] = op;
		*n = 1;
		r = 0;
	} else if (strpbrk(args[0], ",-") == NULL) {
		/* A single field: no reason needed beyond the word. */
		if (small_num(args[0], 1, MAXFIELD, &op.field)) {
			ops[0] = op;
			*n = 1;
			r = 0;
		}
	} else
		r = parse_fields(args[0], &op, ops, max, n, err, errlen);
out:
	free(name);
	return r;
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

/*
 * Central moments up to the fourth in one pass, the updates of Terriberry
 * (extending Welford's): m2, m3, m4 are sums of powers of deviations from
 * the running mean, so no large sums of x^k cancel at the end.
 */
static void
moments_add(struct acc *a, long double x)
{
	long double n1 = a->n, n = n1 + 1, d = x - a->mean, dn = d / n;
	long double dn2 = dn * dn, t = d * dn * n1;

	a->mean += dn;
	a->m4 += t * dn2 * (n * n - 3 * n + 3) + 6 * dn2 * a->m2 -
	    4 * dn * a->m3;
	a->m3 += t * dn * (n - 2) - 3 * dn * a->m2;
	a->m2 += t;
}

/* Both means, both second moments and the co-moment, Welford-style. */
static void
pair_add(struct acc *a, long double x, long double y)
{
	long double n = a->n + 1, dx = x - a->mean, dy = y - a->meany;

	a->mean += dx / n;
	a->meany += dy / n;
	a->m2 += dx * (x - a->mean);
	a->m2y += dy * (y - a->meany);
	a->cxy += dx * (y - a->meany);
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
	case OP_MADRAW:
	case OP_TRIMMEAN:
		return 1;
	default:
		return 0;
	}
}

void
acc_add(struct acc *a, const struct op *op, const char *f, size_t len,
    const struct num *x, const struct num *y)
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
	/*
	 * Plain sums, as datamash: the terms of ms and rms are all >= 0, so
	 * nothing cancels; those of geomean are logarithms, bounded in size.
	 */
	case OP_GEOMEAN:
		a->fsum += logl(d);
		break;
	case OP_HARMMEAN:
		a->fsum += 1 / d;
		break;
	case OP_MS:
	case OP_RMS:
		a->fsum += d * d;
		break;
	case OP_SSKEW:
	case OP_PSKEW:
	case OP_SKURT:
	case OP_PKURT:
	case OP_JARQUE:
	case OP_DPO:
		moments_add(a, d);
		break;
	case OP_PCOV:
	case OP_SCOV:
	case OP_PPEARSON:
	case OP_SPEARSON:
		pair_add(a, d, y->d);
		break;
	case OP_DOTPROD:
		a->fsum += d * y->d;
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

/* mad is scaled to estimate a normal distribution's sigma, madraw not. */
static long double
mad_scale(const struct op *op)
{
	return op->type == OP_MAD ? 1.4826L : 1;
}

/*
 * The mean of sorted v without the floor(trim * n) smallest and largest
 * values, summed in order as datamash does; trim 0.5 is the median.
 */
static long double
trimmean(long double *v, size_t n, long double trim)
{
	long double sum = 0;
	size_t c, i;

	if (trim >= 0.5L)
		return median(v, n);
	c = floorl(trim * n);
	for (i = c; i < n - c; i++)
		sum += v[i];
	return sum / (n - 2 * c);
}

/*
 * Skewness and excess kurtosis from the running moments, datamash's
 * population formulas and their sample adjustments. m2 * sqrt(m2) and
 * not sqrt(m2^3), which overflows sooner.
 */
static long double
skewness(const struct acc *a, int sample)
{
	long double n = a->n, m2 = a->m2 / n, m3 = a->m3 / n, s;

	if (a->n <= 1 || (sample && a->n <= 2))
		return NAN;
	s = m3 / (m2 * sqrtl(m2));
	if (sample)
		s *= sqrtl(n * (n - 1)) / (n - 2);
	return s;
}

static long double
kurtosis(const struct acc *a, int sample)
{
	long double n = a->n, m2 = a->m2 / n, m4 = a->m4 / n, k;

	if (a->n <= 1 || (sample && a->n <= 3))
		return NAN;
	k = m4 / (m2 * m2) - 3;
	if (sample)
		k = (n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * k + 6);
	return k;
}

/*
 * The p-values of the Jarque-Bera test and of datamash's D'Agostino-
 * Pearson omnibus test (sample skewness and kurtosis over their standard
 * errors). Both statistics follow a chi-square law with 2 degrees of
 * freedom, whose upper tail at x is exp(-x/2); datamash computes it as
 * 1 - (1 - exp(-x/2)), which is 0 below about 1e-19.
 */
static long double
jarque(const struct acc *a)
{
	long double s = skewness(a, 0), k = kurtosis(a, 0);

	if (isnan(s) || isnan(k))
		return NAN;
	return expl(-(a->n * (s * s + k * k / 4) / 6) / 2);
}

static long double
dpo(const struct acc *a)
{
	long double n = a->n, ses, sek, zs, zk;

	if (a->n <= 3)
		return NAN;
	ses = sqrtl(6 * n * (n - 1) / ((n - 2) * (n + 1) * (n + 3)));
	sek = 2 * ses * sqrtl((n * n - 1) / ((n - 3) * (n + 5)));
	zs = skewness(a, 1) / ses;
	zk = kurtosis(a, 1) / sek;
	if (isnan(zs) || isnan(zk))
		return NAN;
	return expl(-(zs * zs + zk * zk) / 2);
}

/* What datamash --narm prints for a key without values, as R would. */
static void
print_empty(const struct op *op, struct out *o, const char *fmt)
{
	switch (op->type) {
	case OP_COUNT:
	case OP_SUM:
	case OP_COUNTUNIQUE:
		out_addc(o, '0');
		break;
	case OP_MIN:
	case OP_ABSMIN:
		op_print_num(o, -INFINITY, fmt);
		break;
	case OP_MAX:
	case OP_ABSMAX:
		op_print_num(o, INFINITY, fmt);
		break;
	case OP_FIRST:
	case OP_LAST:
		out_add(o, "N/A", 3);
		break;
	case OP_UNIQUE:
	case OP_COLLAPSE:
		break;
	default:
		op_print_num(o, NAN, fmt);
		break;
	}
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
	default:	/* OP_MAD, OP_MADRAW */
		med = m(a->v, a->nv);
		for (i = 0; i < a->nv; i++)
			a->v[i] = fabsl(a->v[i] - med);
		if (sorted)
			qsort(a->v, a->nv, sizeof(*a->v), cmp_ld);
		return mad_scale(op) * m(a->v, a->nv);
	}
}

void
op_print_num(struct out *o, long double v, const char *fmt)
{
	char tmp[128], *p;
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
	/* %f of 1e300 is 309 bytes, of 1e4000 more than 4000. */
	n = snprintf(tmp, sizeof(tmp), fmt, v);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(tmp)) {
		out_add(o, tmp, n);
		return;
	}
	p = xmalloc((size_t)n + 1);
	snprintf(p, (size_t)n + 1, fmt, v);
	out_add(o, p, n);
	free(p);
}

int
acc_print(struct acc *a, const struct op *op, struct out *o, const char *fmt)
{
	long double r = 0;

	if (a->n == 0) {
		print_empty(op, o, fmt);
		return 0;
	}
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
	case OP_GEOMEAN:
		r = expl(a->fsum / a->n);
		break;
	case OP_HARMMEAN:
		r = a->n / a->fsum;
		break;
	case OP_MS:
		r = a->fsum / a->n;
		break;
	case OP_RMS:
		r = sqrtl(a->fsum / a->n);
		break;
	case OP_SSKEW:
	case OP_PSKEW:
		r = skewness(a, op->type == OP_SSKEW);
		break;
	case OP_SKURT:
	case OP_PKURT:
		r = kurtosis(a, op->type == OP_SKURT);
		break;
	case OP_JARQUE:
		r = jarque(a);
		break;
	case OP_DPO:
		r = dpo(a);
		break;
	case OP_PCOV:
		r = a->cxy / a->n;
		break;
	case OP_SCOV:
		r = a->n > 1 ? a->cxy / (a->n - 1) : NAN;
		break;
	case OP_PPEARSON:
	case OP_SPEARSON:
		r = op->type == OP_SPEARSON && a->n == 1 ? NAN :
		    a->cxy / (sqrtl(a->m2) * sqrtl(a->m2y));
		break;
	case OP_DOTPROD:
		r = a->fsum;
		break;
	case OP_TRIMMEAN:
		qsort(a->v, a->nv, sizeof(*a->v), cmp_ld);
		r = trimmean(a->v, a->nv, op->trim);
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

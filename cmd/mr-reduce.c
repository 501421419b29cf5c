/*
 * mr-reduce: fold each run of equal keys with datamash-style operations,
 * streaming over sorted input, or with -H over unsorted input in a hash
 * table (the combiner).
 */
#include <bsd/stdlib.h>
#include <err.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "htab.h"
#include "num.h"
#include "ops.h"
#include "out.h"
#include "rdr.h"
#include "rec.h"
#include "xmalloc.h"

static const char synopsis[] =
    "mr-reduce [-Hz] [--narm] [--skip-bad] [--format FMT] OP[:ARG]... "
    "[-- FILE...]";
static const char head[] =
    "operations, OP or OP:FIELDS; FIELDS is a value field counted from 1\n"
    "after the key (default 1) or a list such as 1,3 or 2-4 or 1-2,5, one\n"
    "result column per field:\n"
    "  count sum min max absmin absmax range\n"
    "  mean geomean harmmean ms rms\n"
    "  median q1 q3 iqr mode antimode\n"
    "  perc[:P[:FIELDS]]      P-th percentile, P an integer 0..100 (95)\n"
    "  trimmean[:T[:FIELDS]]  mean without the T*n least and greatest\n"
    "                         values, T a fraction 0..0.5 (0)\n"
    "  pstdev sstdev pvar svar mad madraw\n"
    "  pskew sskew pkurt skurt jarque dpo\n"
    "  first last unique countunique collapse\n"
    "pair operations, OP:F1,F2 (two value fields):\n"
    "  pcov scov ppearson spearson dotprod\n"
    "options:\n";

#define MAXOPS	64

static struct op ops[MAXOPS];
static int nops, skipbad, narm;
static char delim = '\n', fmt[64] = "%.14Lg";
static unsigned long long nskipped;

/* Where a key's last record was, for the sum overflow message. */
struct where {
	const char		*name;
	unsigned long long	 line;
};

/* Accept one printf conversion of a floating type, and add the L. */
static void
set_format(const char *arg)
{
	const char *p = arg;
	size_t n;

	if (*p++ != '%')
		goto bad;
	p += strspn(p, "-+ #0");
	p += strspn(p, "0123456789");
	if (*p == '.')
		p += 1 + strspn(p + 1, "0123456789");
	if (*p == '\0' || strchr("eEfFgGaA", *p) == NULL || p[1] != '\0')
		goto bad;
	n = p - arg;
	if (n + 3 > sizeof(fmt))
		goto bad;
	memcpy(fmt, arg, n);
	fmt[n] = 'L';
	fmt[n + 1] = *p;
	fmt[n + 2] = '\0';
	return;
bad:
	errx(2, "invalid format '%s'", arg);
}

/* One op's view of a record: its field, and a pair op's second one. */
struct val {
	const char	*f, *g;
	size_t		 flen, glen;
	struct num	 x, y;
	int		 na;	/* --narm: an NA among them, skip it */
};

static void __attribute__((noreturn))
bad_number(struct rdr *r, const char *f, size_t len, const char *why)
{
	if (len > 64)
		errx(1, "%s:%llu: '%.64s...' %s", r->name, r->lineno, f, why);
	errx(1, "%s:%llu: '%.*s' %s", r->name, r->lineno, (int)len, f, why);
}

/*
 * Field number field of a record, parsed if numeric; with --narm an NA
 * sets *na and is not parsed. 0 when --skip-bad skips the record.
 */
static int
take_field(struct rdr *r, struct rec *rec, int field, int numeric,
    const char **f, size_t *flen, struct num *x, int *na)
{
	int e;

	if (!rec_field(rec->val, rec->vlen, field, f, flen)) {
		if (skipbad)
			return 0;
		errx(1, "%s:%llu: no field %d", r->name, r->lineno, field);
	}
	if (narm && num_isna(*f, *flen)) {
		*na = 1;
		return 1;
	}
	if (!numeric || (e = num_parse(*f, *flen, x)) == 1)
		return 1;
	if (skipbad)
		return 0;
	bad_number(r, *f, *flen, e == -1 ? "is out of range" :
	    "is not a number");
}

/*
 * Find and parse every op's field of a record. A bad record ends the
 * program, or with --skip-bad is counted and 0 returned.
 */
static int
parse_rec(struct rdr *r, struct rec *rec, struct val *v)
{
	int i;

	for (i = 0; i < nops; i++) {
		v[i].na = 0;
		if (!take_field(r, rec, ops[i].field, ops[i].numeric, &v[i].f,
		    &v[i].flen, &v[i].x, &v[i].na))
			goto skip;
		if (ops[i].field2 && !take_field(r, rec, ops[i].field2,
		    ops[i].numeric, &v[i].g, &v[i].glen, &v[i].y, &v[i].na))
			goto skip;
	}
	return 1;
skip:
	nskipped++;
	return 0;
}

static void
emit(const char *key, size_t klen, struct acc *accs, struct where *w)
{
	int i;

	out_add(&out_std, key, klen);
	for (i = 0; i < nops; i++) {
		out_addc(&out_std, '\t');
		if (acc_print(&accs[i], &ops[i], &out_std, fmt) == -1)
			errx(1, "%s:%llu: sum of key '%.*s' is out of the "
			    "64-bit integer range", w->name, w->line,
			    (int)klen, key);
	}
	out_addc(&out_std, delim);
}

static void
add_rec(struct acc *accs, struct val *v)
{
	int i;

	for (i = 0; i < nops; i++)
		if (!v[i].na)
			acc_add(&accs[i], &ops[i], v[i].f, v[i].flen, &v[i].x,
			    &v[i].y);
}

static void
reduce_sorted(struct rdr *r)
{
	struct acc accs[MAXOPS] = { 0 };
	struct buf prev = BUF_INIT;
	struct where w = { NULL, 0 };
	struct rec rec;
	struct val v[MAXOPS];
	size_t len;
	int have = 0, valid = 0, c, i;
	char *line;

	while (rdr_next(r, &line, &len)) {
		rec_split(line, len, &rec);
		if (have) {
			c = rec_keycmp(rec.key, rec.klen, prev.p, prev.len);
			if (c < 0)
				errx(1, "%s:%llu: input is not sorted by key "
				    "(pipe it through mr-shuffle, or use -H)",
				    r->name, r->lineno);
			if (c > 0) {
				if (valid)
					emit(prev.p, prev.len, accs, &w);
				for (i = 0; i < nops; i++)
					acc_reset(&accs[i]);
				valid = 0;
				buf_clear(&prev);
				buf_add(&prev, rec.key, rec.klen);
			}
		} else {
			buf_add(&prev, rec.key, rec.klen);
			have = 1;
		}
		if (!parse_rec(r, &rec, v))
			continue;
		add_rec(accs, v);
		valid = 1;
		w.name = r->name;
		w.line = r->lineno;
	}
	if (valid)
		emit(prev.p, prev.len, accs, &w);
	for (i = 0; i < nops; i++)
		acc_free(&accs[i]);
	buf_free(&prev);
}

static void
reduce_hash(struct rdr *r)
{
	struct htab h = { 0 };
	struct acc *accs = NULL;
	struct where *where = NULL;
	struct rec rec;
	struct val v[MAXOPS];
	size_t len, cap = 0, k;
	uint32_t id, *ids;
	int isnew;
	char *line;

	while (rdr_next(r, &line, &len)) {
		rec_split(line, len, &rec);
		if (!parse_rec(r, &rec, v))
			continue;
		id = htab_intern(&h, rec.key, rec.klen, &isnew);
		if (id == cap) {
			cap = cap ? cap * 2 : 1024;
			accs = xreallocarray(accs, cap * nops, sizeof(*accs));
			memset(accs + id * nops, 0,
			    (cap - id) * nops * sizeof(*accs));
			where = xreallocarray(where, cap, sizeof(*where));
		}
		add_rec(accs + (size_t)id * nops, v);
		where[id].name = r->name;
		where[id].line = r->lineno;
	}
	ids = htab_sorted(&h);
	for (k = 0; k < h.n; k++) {
		id = ids[k];
		emit(h.keys[id].p, h.keys[id].len, accs + (size_t)id * nops,
		    &where[id]);
	}
	for (k = 0; k < h.n * nops; k++)
		acc_free(&accs[k]);
	free(accs);
	free(where);
	free(ids);
	htab_free(&h);
}

int
main(int argc, char *argv[])
{
	struct rdr r;
	char why[128];
	size_t n;
	int hflag = 0, zflag = 0, e;
	const struct cli_opt opts[] = {
		OPT_FN(0, "format", set_format, "FMT",
		    "printf format of non-integer results (%.14g)"),
		OPT_FLAG('H', "hash", &hflag,
		    "accept unsorted input: aggregate in memory"),
		OPT_FLAG(0, "narm", &narm,
		    "skip NA, N/A and NaN values (any case) per op"),
		OPT_FLAG(0, "skip-bad", &skipbad,
		    "skip records with bad numbers or missing fields"),
		OPT_FLAG('z', "null", &zflag,
		    "records end with NUL, not newline"),
		OPT_END
	};

	cli_init(synopsis, head, 21);
	cli_parse(argc, argv, opts, CLI_STOP_AT_OPERAND);
	argc -= optind;
	argv += optind;
	if (zflag)
		delim = '\0';
	for (; argc > 0 && strcmp(argv[0], "--") != 0; argc--, argv++) {
		e = op_parse(argv[0], ops + nops, MAXOPS - nops, &n, why,
		    sizeof(why));
		if (e == -3)
			cli_misuse("too many operations: at most %d, each "
			    "field of a list counting as one", MAXOPS);
		/* A hint for what looks like a path; the file system is not
		 * asked, so that a job spec cannot probe it. */
		if (e == -1 && strpbrk(argv[0], "./") != NULL)
			errx(2, "unknown operation '%s' (files go after '--')",
			    argv[0]);
		if (e == -1)
			errx(2, "unknown operation '%s'", argv[0]);
		if (e == -2 && *why != '\0')
			errx(2, "invalid operation '%s': %s", argv[0], why);
		if (e == -2)
			errx(2, "invalid operation '%s'", argv[0]);
		nops += n;
	}
	if (argc > 0) {
		argc--;
		argv++;
	}
	if (nops == 0)
		cli_misuse("no operation given");

	out_stdout();
	rdr_init(&r, argv, argc, delim);
	if (hflag)
		reduce_hash(&r);
	else
		reduce_sorted(&r);
	rdr_free(&r);
	out_close(&out_std);
	if (nskipped == 1)
		warnx("skipped 1 record with a bad or missing field");
	else if (nskipped > 1)
		warnx("skipped %llu records with bad or missing fields",
		    nskipped);
	return 0;
}

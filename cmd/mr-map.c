/*
 * mr-map: apply a built-in mapper (words, fields, grep, identity, lines) to
 * the value of every record, optionally keeping only the records whose key
 * is listed in a file (-F).
 */
#include <bsd/stdlib.h>
#include <err.h>
#include <regex.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "htab.h"
#include "out.h"
#include "rdr.h"
#include "rec.h"
#include "words.h"
#include "xmalloc.h"

static const char synopsis[] =
    "mr-map NAME [OPTIONS] [ARG] [FILE...]";
static const char head[] =
    "mappers:\n"
    "  words [-clp] [-m N]       WORD<TAB>1 for each whitespace-separated word\n"
    "  fields [-W | -d C] [-k N | -K KEY] [-f LIST]\n"
    "                            KEY<TAB>VALUES picked from the fields\n"
    "  grep [-iv] REGEX          records whose value matches REGEX (ERE)\n"
    "  identity                  records unchanged\n"
    "  lines                     VALUE<TAB>1 for each record\n"
    "any mapper with -F FILE     only the records whose key is a line of FILE\n"
    "options:\n";

#define MAXFIELDS	64

enum mapper { WORDS, FIELDS, GREP, IDENTITY, LINES };

static const struct {
	const char	*name;
	const char	*opts;	/* the mapper's own option letters */
} mappers[] = {
	[WORDS] =	{ "words",	"clmp" },
	[FIELDS] =	{ "fields",	"dfKkW" },
	[GREP] =	{ "grep",	"iv" },
	[IDENTITY] =	{ "identity",	"" },
	[LINES] =	{ "lines",	"" },
};

/* Mapper settings; argument parsing fills them, the mappers read them. */
static struct words words;
static char delim = '\n';
static int rflag, fsep = '\t', wflag, keyfield = 1, iflag, vflag;
static const char *constkey;
static int vfields[MAXFIELDS] = { 2 }, nvfields = 1, maxfield = 2;
static const char **fld;		/* field starts, 1..maxfield */
static size_t *fldlen;
static regex_t re;
static int cflag;
static struct htab counts;
static uint64_t *count;
static size_t ncount;
static const char *keyfile;
static struct htab keyset;	/* -F: FILE's keys */

/* -F FILE: its lines, but empty ones, are the keys to keep. */
static void
load_keys(void)
{
	struct rdr r;
	char *files[] = { (char *)keyfile, NULL }, *line;
	size_t len;
	int isnew;

	rdr_init(&r, files, 1, delim);
	while (rdr_next(&r, &line, &len))
		if (len > 0)
			htab_intern(&keyset, line, len, &isnew);
	rdr_free(&r);
}

/*
 * Whether a record whose key starts at k (and ends at the first TAB, if
 * any, before k + len) is to be emitted: one hash lookup.
 */
static int
wanted(const char *k, size_t len)
{
	const char *tab;

	if (keyfile == NULL)
		return 1;
	if ((tab = memchr(k, '\t', len)) != NULL)
		len = tab - k;
	return htab_find(&keyset, k, len) >= 0;
}

static void
parse_fields(const char *arg)
{
	char *list = xstrdup(arg), *p = list, *f;

	nvfields = 0;
	while ((f = strsep(&p, ",")) != NULL) {
		if (nvfields == MAXFIELDS)
			errx(2, "invalid field list '%s': too many fields", arg);
		vfields[nvfields++] = cli_num(f, 1, 1000000, "field list");
	}
	free(list);
}

static void
set_delimiter(const char *arg)
{
	if (strlen(arg) != 1)
		cli_misuse("the delimiter must be one byte: '%s'", arg);
	fsep = (unsigned char)arg[0];
}

/* Split val into fields f[1..maxfield]; returns how many were found. */
static int
split_fields(const char *val, size_t vlen, const char **f, size_t *flen)
{
	const char *p = val, *end = val + vlen, *q;
	int n = 0;

	if (wflag) {
		for (;;) {
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			if (p == end || n == maxfield)
				return n;
			for (q = p; q < end && *q != ' ' && *q != '\t'; q++)
				;
			f[++n] = p;
			flen[n] = q - p;
			p = q;
		}
	}
	while (n < maxfield) {
		q = memchr(p, fsep, end - p);
		f[++n] = p;
		flen[n] = (q ? q : end) - p;
		if (q == NULL)
			break;
		p = q + 1;
	}
	return n;
}

static void
map_fields(struct rdr *r, struct rec *rec)
{
	const char **f = fld;
	size_t *flen = fldlen;
	int i, n;

	n = split_fields(rec->val, rec->vlen, f, flen);
	if (n < maxfield) {
		int want = maxfield;
		if (!constkey && keyfield > n && keyfield < want)
			want = keyfield;
		for (i = 0; i < nvfields; i++)
			if (vfields[i] > n && vfields[i] < want)
				want = vfields[i];
		errx(1, "%s:%llu: no field %d", r->name, r->lineno, want);
	}
	if (constkey) {
		if (!wanted(constkey, strlen(constkey)))
			return;
		out_add(&out_std, constkey, strlen(constkey));
	} else {
		if (!wanted(f[keyfield], flen[keyfield]))
			return;
		out_add(&out_std, f[keyfield], flen[keyfield]);
	}
	for (i = 0; i < nvfields; i++) {
		out_addc(&out_std, '\t');
		out_add(&out_std, f[vfields[i]], flen[vfields[i]]);
	}
	out_addc(&out_std, delim);
}

/* -c: the combiner inside the mapper, one hash lookup per word. */
static void
count_word(const char *tok, size_t len)
{
	uint32_t id;
	int isnew;

	id = htab_intern(&counts, tok, len, &isnew);
	if (id == ncount) {
		ncount = ncount ? ncount * 2 : 4096;
		count = xreallocarray(count, ncount, sizeof(*count));
	}
	if (isnew)
		count[id] = 0;
	count[id]++;
}

/* The counts, in key order: what mr-shuffle | mr-reduce sum would give. */
static void
print_counts(void)
{
	uint32_t *ids = htab_sorted(&counts);
	size_t i;

	for (i = 0; i < counts.n; i++) {
		out_add(&out_std, counts.keys[ids[i]].p, counts.keys[ids[i]].len);
		out_addc(&out_std, '\t');
		out_u64(&out_std, count[ids[i]]);
		out_addc(&out_std, delim);
	}
	free(ids);
	free(count);
	htab_free(&counts);
}

static void
map_words(struct rec *rec)
{
	const char *tok;
	size_t len;
	const char tail[3] = { '\t', '1', delim };

	words_start(&words, rec->val, rec->vlen);
	if (cflag) {
		while (words_next(&words, &tok, &len))
			if (wanted(tok, len))
				count_word(tok, len);
		return;
	}
	while (words_next(&words, &tok, &len)) {
		if (!wanted(tok, len))
			continue;
		out_add(&out_std, tok, len);
		out_add(&out_std, tail, 3);
	}
}

/*
 * REG_STARTEND bounds the match, so NUL bytes in a record are data; the
 * copy is NUL-terminated all the same, for sanitizers whose regexec
 * interceptor reads the string with strlen.
 */
static int
matches(struct rec *rec)
{
	static struct buf copy;
	regmatch_t m;

	buf_clear(&copy);
	buf_add(&copy, rec->val, rec->vlen);
	buf_addc(&copy, '\0');
	m.rm_so = 0;
	m.rm_eo = rec->vlen;
	return regexec(&re, copy.p, 1, &m, REG_STARTEND) == 0;
}

static void
compile(const char *pattern)
{
	char msg[256];
	int e;

	e = regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB |
	    (iflag ? REG_ICASE : 0));
	if (e != 0) {
		regerror(e, &re, msg, sizeof(msg));
		errx(2, "bad regex '%s': %s", pattern, msg);
	}
}

static int
find_mapper(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(mappers) / sizeof(mappers[0]); i++)
		if (strcmp(name, mappers[i].name) == 0)
			return i;
	warnx("unknown mapper '%s'", name);
	errx(2, "mappers: fields grep identity lines words");
}

int
main(int argc, char *argv[])
{
	struct rdr r;
	struct rec rec;
	char *line;
	size_t len;
	int ch, m, i, zflag = 0;
	const struct cli_opt opts[] = {
		OPT_FLAG('c', "combine", &cflag,
		    "words: count in memory, print WORD<TAB>N at the end"),
		OPT_FN('d', "delimiter", set_delimiter, "C",
		    "fields: split on byte C (default TAB)"),
		OPT_FN('f', "fields", parse_fields, "LIST",
		    "fields: value fields, e.g. 2 or 3,2 (default 2)"),
		OPT_STR('F', "key-file", &keyfile, "FILE",
		    "keep only records whose key is a line of FILE"),
		OPT_FLAG('i', "ignore-case", &iflag, "grep: ignore ASCII case"),
		OPT_STR('K', "const-key", &constkey, "KEY",
		    "fields: the key is the constant KEY"),
		OPT_NUM('k', "key", &keyfield, 1, 1000000, "key field", "N",
		    "fields: the key is field N (default 1)"),
		OPT_FLAG('l', "lower", &words.lower,
		    "words: lower-case (Unicode)"),
		OPT_NUM('m', "min-length", &words.minlen, 1, 1000000, "length",
		    "N", "words: drop words of fewer than N characters"),
		OPT_FLAG('p', "punct", &words.punct,
		    "words: strip punctuation from both ends"),
		OPT_FLAG('R', "raw", &rflag,
		    "every line is all value, even with a TAB"),
		OPT_FLAG('v', "invert", &vflag,
		    "grep: keep records that do not match"),
		OPT_FLAG('W', "whitespace", &wflag,
		    "fields: split on runs of blanks"),
		OPT_FLAG('z', "null", &zflag,
		    "records end with NUL, not newline"),
		OPT_END
	};

	cli_init(synopsis, head, 28);
	cli_parse(argc, argv, opts, 0);
	argc -= optind;
	argv += optind;
	if (zflag)
		delim = '\0';
	if (argc < 1)
		cli_misuse("no mapper named");
	m = find_mapper(argv[0]);
	argc--;
	argv++;
	for (ch = 'A'; ch <= 'z'; ch++)
		if (cli_given(ch) && strchr("cdfiKklmpvW", ch) &&
		    !strchr(mappers[m].opts, ch))
			cli_misuse("option '-%c' does not apply to mapper '%s'",
			    ch, mappers[m].name);
	if (cli_given('k') && constkey)
		cli_misuse("-k and -K are mutually exclusive");
	if (cli_given('d') && wflag)
		cli_misuse("-d and -W are mutually exclusive");
	if (m == GREP) {
		if (argc < 1)
			cli_misuse("grep needs a REGEX");
		compile(argv[0]);
		argc--;
		argv++;
	}
	maxfield = constkey ? 0 : keyfield;
	for (i = 0; i < nvfields; i++)
		if (vfields[i] > maxfield)
			maxfield = vfields[i];
	/* Room for every field up to the highest asked for, once. */
	fld = xreallocarray(NULL, maxfield + 1, sizeof(*fld));
	fldlen = xreallocarray(NULL, maxfield + 1, sizeof(*fldlen));
	if (keyfile)
		load_keys();

	out_stdout();
	rdr_init(&r, argv, argc, delim);
	while (rdr_next(&r, &line, &len)) {
		if (rflag || memchr(line, '\t', len) == NULL) {
			rec.key = line;
			rec.klen = 0;
			rec.val = line;
			rec.vlen = len;
		} else
			rec_split(line, len, &rec);
		switch (m) {
		case WORDS:
			map_words(&rec);
			break;
		case FIELDS:
			map_fields(&r, &rec);
			break;
		case GREP:
			if (matches(&rec) == vflag)
				break;
			/* FALLTHROUGH */
		case IDENTITY:
			if (!wanted(line, len))
				break;
			out_add(&out_std, line, len);
			out_addc(&out_std, delim);
			break;
		case LINES:
			if (!wanted(rec.val, rec.vlen))
				break;
			out_add(&out_std, rec.val, rec.vlen);
			out_add(&out_std, "\t1", 2);
			out_addc(&out_std, delim);
			break;
		}
	}
	rdr_free(&r);
	if (cflag)
		print_counts();
	words_free(&words);
	if (m == GREP)
		regfree(&re);
	free(fld);
	free(fldlen);
	htab_free(&keyset);
	out_close(&out_std);
	return 0;
}

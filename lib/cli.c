/* Usage, help, version and option parsing for every program. */
#include <bsd/stdlib.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "xmalloc.h"

/* getopt_long's value of a long-only option: LONGVAL + its row. */
#define LONGVAL		256

static const char *synopsis = "";
static const char *head = "";
static int col;
static const struct cli_opt *table;
static unsigned char given[UCHAR_MAX + 1];

void
cli_init(const char *syn, const char *hd, int column)
{
	synopsis = syn;
	head = hd;
	col = column;
}

static void
store(const struct cli_opt *o, const char *arg)
{
	long long v = 0;

	switch (o->kind) {
	case CLI_END:
		return;
	case CLI_FLAG:
		*(int *)o->p = 1;
		return;
	case CLI_STR:
		*(const char **)o->p = arg;
		return;
	case CLI_NUMSTR:
		cli_num(arg, o->min, o->max, o->what);
		*(const char **)o->p = arg;
		return;
	case CLI_FN:
		o->fn(arg);
		return;
	case CLI_NUM:
		v = cli_num(arg, o->min, o->max, o->what);
		break;
	case CLI_SIZE:
		v = cli_size(arg, o->min, o->max, o->what);
		break;
	}
	switch (o->type) {
	case CLI_T_INT:
		*(int *)o->p = v;
		break;
	case CLI_T_LLONG:
		*(long long *)o->p = v;
		break;
	case CLI_T_ULLONG:
		*(unsigned long long *)o->p = v;
		break;
	case CLI_T_SIZE:
		*(size_t *)o->p = v;
		break;
	}
}

static int
byname(const void *a, const void *b)
{
	const struct option *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/*
 * getopt_long over the table: the long options sorted by name, with
 * --help and --version last, as getopt lists them when one is ambiguous.
 */
int
cli_parse(int argc, char *argv[], const struct cli_opt *opts, int flags)
{
	struct option *lo;
	char *shortopts, *s;
	size_t n, nl = 0, i;
	int ch;

	table = opts;
	for (n = 0; opts[n].kind != CLI_END; n++)
		;
	lo = xcalloc(n + 3, sizeof(*lo));
	s = shortopts = xmalloc(2 * n + 3);
	if (flags & CLI_STOP_AT_OPERAND)
		*s++ = '+';
	*s++ = 'h';
	for (i = 0; i < n; i++) {
		if (opts[i].sc != 0) {
			*s++ = opts[i].sc;
			if (opts[i].kind != CLI_FLAG)
				*s++ = ':';
		}
		if (opts[i].name != NULL) {
			lo[nl].name = opts[i].name;
			lo[nl].has_arg = opts[i].kind == CLI_FLAG ?
			    no_argument : required_argument;
			lo[nl++].val = opts[i].sc != 0 ? opts[i].sc :
			    LONGVAL + (int)i;
		}
	}
	*s = '\0';
	qsort(lo, nl, sizeof(*lo), byname);
	lo[nl++] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[nl++] = (struct option){ "version", no_argument, NULL,
	    LONGVAL + (int)n };

	while ((ch = getopt_long(argc, argv, shortopts, lo, NULL)) != -1) {
		if (ch == 'h')
			cli_usage(0);
		if (ch == LONGVAL + (int)n)
			cli_version();
		if (ch >= LONGVAL) {
			store(&opts[ch - LONGVAL], optarg);
			continue;
		}
		for (i = 0; i < n && opts[i].sc != ch; i++)
			;
		if (i == n)	/* '?' or ':' */
			cli_usage(2);
		given[ch] = 1;
		store(&opts[i], optarg);
	}
	free(lo);
	free(shortopts);
	return optind;
}

/* Whether the option with short letter sc was given. */
int
cli_given(int sc)
{
	return sc > 0 && sc <= UCHAR_MAX && given[sc];
}

/* One entry of the help: left, then text from the column on. */
static void
help_line(const char *left, const char *text)
{
	int n = strlen(left);

	printf("%s%*s", left, n + 2 > col ? 2 : col - n, "");
	for (; *text != '\0'; text++) {
		putchar(*text);
		if (*text == '\n')
			printf("%*s", col, "");
	}
	putchar('\n');
}

static void
help(void)
{
	const struct cli_opt *o;
	char left[128];

	printf("usage: %s\n%s", synopsis, head);
	for (o = table; o != NULL && o->kind != CLI_END; o++) {
		if (o->help == NULL)
			continue;
		if (o->name == NULL)
			snprintf(left, sizeof(left), "  -%c%s%s", o->sc,
			    o->arg ? " " : "", o->arg ? o->arg : "");
		else
			snprintf(left, sizeof(left), "  %c%c%c --%s%s%s",
			    o->sc ? '-' : ' ', o->sc ? o->sc : ' ',
			    o->sc ? ',' : ' ', o->name, o->arg ? "=" : "",
			    o->arg ? o->arg : "");
		help_line(left, o->help);
	}
	help_line("  -h, --help", "show this help");
	help_line("      --version", "show the version");
}

void
cli_usage(int status)
{
	if (status == 0) {
		help();
		exit(fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1);
	}
	fprintf(stderr, "usage: %s\n", synopsis);
	exit(status);
}

void
cli_version(void)
{
	printf("%s %s\n", getprogname(), MR_VERSION);
	exit(fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1);
}

void
cli_misuse(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	cli_usage(2);
}

long long
cli_num(const char *arg, long long min, long long max, const char *what)
{
	const char *errstr;
	long long n;

	n = strtonum(arg, min, max, &errstr);
	if (errstr != NULL)
		errx(2, "invalid %s '%s': %s", what, arg, errstr);
	return n;
}

/* A number with an optional K, M, G or T suffix (powers of 1024). */
long long
cli_size(const char *arg, long long min, long long max, const char *what)
{
	static const char units[] = "kmgt";
	const char *errstr, *u;
	char num[32];
	size_t len = strlen(arg);
	long long n, mul = 1;
	int shift;

	if (len == 0 || len >= sizeof(num))
		errx(2, "invalid %s '%s': invalid", what, arg);
	memcpy(num, arg, len + 1);
	if ((u = strchr(units, num[len - 1] | 0x20)) != NULL &&
	    (num[len - 1] < '0' || num[len - 1] > '9')) {
		num[--len] = '\0';
		for (shift = 10 * (int)(u - units + 1); shift > 0; shift--)
			mul *= 2;
	}
	n = strtonum(num, 0, LLONG_MAX / mul, &errstr);
	if (errstr != NULL)
		errx(2, "invalid %s '%s': %s", what, arg, errstr);
	n *= mul;
	if (n < min)
		errx(2, "invalid %s '%s': too small", what, arg);
	if (n > max)
		errx(2, "invalid %s '%s': too large", what, arg);
	return n;
}

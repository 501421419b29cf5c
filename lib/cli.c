/* Usage, help, version and option-argument parsing for every program. */
#include <bsd/stdlib.h>
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *synopsis = "";
static const char *options = "";

void
cli_init(const char *syn, const char *opts)
{
	synopsis = syn;
	options = opts;
}

/* getopt_long, with -h, --help, --version and errors handled here. */
int
cli_getopt(int argc, char *const argv[], const char *optstring,
    const struct option *longopts)
{
	int ch = getopt_long(argc, argv, optstring, longopts, NULL);

	switch (ch) {
	case 'h':
		cli_usage(0);
	case 'V':
		cli_version();
	case '?':
	case ':':
		cli_usage(2);
	}
	return ch;
}

void
cli_usage(int status)
{
	if (status == 0) {
		printf("usage: %s\n%s", synopsis, options);
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

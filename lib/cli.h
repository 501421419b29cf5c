/*
 * Command-line conventions shared by every program: usage and help text,
 * --version, and strict parsing of numbers and sizes in options.
 *
 * Call cli_init first with the synopsis line(s) and the option list; then
 * read the options with cli_getopt, which handles -h, --help and --version
 * itself and gives a usage error (exit 2) for an unknown option, so the
 * caller's switch has only its own options; end the long option table
 * with CLI_LONGOPTS_END. cli_misuse(...) and cli_usage(2) on misuse.
 * Option arguments go through cli_num/cli_size, which exit 2 with
 * "PROG: invalid WHAT 'ARG': REASON" when the argument is not acceptable.
 */
#ifndef MR_CLI_H
#define MR_CLI_H

#include <getopt.h>

#define MR_VERSION	"0.1.0"

/* The last entries of every long option table. */
#define CLI_LONGOPTS_END \
	{ "help",	no_argument,		NULL, 'h' }, \
	{ "version",	no_argument,		NULL, 'V' }, \
	{ NULL,		0,			NULL, 0 }

void		cli_init(const char *synopsis, const char *options);
int		cli_getopt(int argc, char *const argv[], const char *optstring,
		    const struct option *longopts);
void		cli_usage(int status) __attribute__((noreturn));
void		cli_version(void) __attribute__((noreturn));
void		cli_misuse(const char *fmt, ...)
		    __attribute__((noreturn, format(printf, 1, 2)));
long long	cli_num(const char *arg, long long min, long long max,
		    const char *what);
long long	cli_size(const char *arg, long long min, long long max,
		    const char *what);

#endif

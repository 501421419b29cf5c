/*
 * Command-line conventions shared by every program: usage and help text,
 * --version, and strict parsing of numbers and sizes in options.
 *
 * Call cli_init first with the synopsis line(s) and the option list; then
 * cli_usage(2) on misuse, cli_usage(0) for -h, cli_version() for --version.
 * Option arguments go through cli_num/cli_size, which exit 2 with
 * "PROG: invalid WHAT 'ARG': REASON" when the argument is not acceptable.
 */
#ifndef MR_CLI_H
#define MR_CLI_H

#define MR_VERSION	"0.1.0"

void		cli_init(const char *synopsis, const char *options);
void		cli_usage(int status) __attribute__((noreturn));
void		cli_version(void) __attribute__((noreturn));
void		cli_misuse(const char *fmt, ...)
		    __attribute__((noreturn, format(printf, 1, 2)));
long long	cli_num(const char *arg, long long min, long long max,
		    const char *what);
long long	cli_size(const char *arg, long long min, long long max,
		    const char *what);

#endif

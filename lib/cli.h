/*
 * Command-line conventions shared by every program: one table of options
 * from which the getopt string, the long options and the help text are
 * built, usage and --version, and strict parsing of numbers and sizes.
 *
 * Call cli_init first with the synopsis line(s), the help text that comes
 * before the options ("" for none) and the column where each option's
 * help starts. Then cli_parse with the table, one OPT_ row an option in
 * the order of the help and OPT_END last: it stores every value itself,
 * handles -h, --help and --version, gives a usage error (exit 2) for an
 * unknown option and exits 2 with "PROG: invalid WHAT 'ARG': REASON" for
 * an argument out of range. It returns optind; the caller checks the
 * combinations of options (cli_given says whether an option letter was
 * used), and calls cli_misuse(...) or cli_usage(2) on misuse.
 */
#ifndef MR_CLI_H
#define MR_CLI_H

#include <stddef.h>

#define MR_VERSION	"0.1.0"

enum cli_kind {
	CLI_END,	/* the end of the table */
	CLI_FLAG,	/* int: set to 1 */
	CLI_STR,	/* const char *: the argument */
	CLI_NUM,	/* an integer, min to max, by strtonum */
	CLI_SIZE,	/* the same with a K, M, G or T suffix */
	CLI_NUMSTR,	/* const char *: the argument, checked as CLI_NUM */
	CLI_FN		/* fn(argument), for the rest */
};

/* The type that a CLI_NUM or CLI_SIZE value is stored as. */
enum cli_type { CLI_T_INT, CLI_T_LLONG, CLI_T_ULLONG, CLI_T_SIZE };

struct cli_opt {
	int		 sc;		/* short letter, or 0 */
	const char	*name;		/* long name, or NULL */
	enum cli_kind	 kind;
	enum cli_type	 type;
	void		*p;		/* where the value goes */
	void		(*fn)(const char *);
	long long	 min, max;
	const char	*what;		/* "job count", for messages */
	const char	*arg;		/* "N" in the help's --jobs=N */
	const char	*help;		/* lines apart by '\n'; NULL: not shown */
};

/* cli_parse flags: options end at the first operand (getopt's '+'). */
#define CLI_STOP_AT_OPERAND	0x1

/*
 * The rows, letter 0 for a long-only option, name NULL for a short-only:
 * OPT_FLAG(letter, name, &int, help)
 * OPT_STR(letter, name, &str, ARG, help)
 * OPT_NUM(letter, name, &var, min, max, what, ARG, help), var an int,
 *     long long, unsigned long long or size_t; OPT_SIZE the same
 * OPT_NUMSTR(letter, name, &str, min, max, what, ARG, help)
 * OPT_FN(letter, name, fn, ARG, help)
 */

/* A compile error unless p has type T. */
#define CLI_CHECK(T, p)		_Generic((p), T: (p))
#define CLI_TYPE(p)		_Generic((p), int *: CLI_T_INT, \
	long long *: CLI_T_LLONG, unsigned long long *: CLI_T_ULLONG, \
	size_t *: CLI_T_SIZE)

#define OPT_FLAG(s, l, var, h) { .sc = (s), .name = (l), .kind = CLI_FLAG, \
	.p = CLI_CHECK(int *, var), .help = (h) }
#define OPT_STR(s, l, var, a, h) { .sc = (s), .name = (l), .kind = CLI_STR, \
	.p = CLI_CHECK(const char **, var), .arg = (a), .help = (h) }
#define CLI_RANGED(k, s, l, var, lo, hi, w, a, h) { .sc = (s), .name = (l), \
	.kind = (k), .type = CLI_TYPE(var), .p = (var), .min = (lo), \
	.max = (hi), .what = (w), .arg = (a), .help = (h) }
#define OPT_NUM(...)	CLI_RANGED(CLI_NUM, __VA_ARGS__)
#define OPT_SIZE(...)	CLI_RANGED(CLI_SIZE, __VA_ARGS__)
#define OPT_NUMSTR(s, l, var, lo, hi, w, a, h) { .sc = (s), .name = (l), \
	.kind = CLI_NUMSTR, .p = CLI_CHECK(const char **, var), .min = (lo), \
	.max = (hi), .what = (w), .arg = (a), .help = (h) }
#define OPT_FN(s, l, f, a, h) { .sc = (s), .name = (l), .kind = CLI_FN, \
	.fn = (f), .arg = (a), .help = (h) }
#define OPT_END	{ .kind = CLI_END }

void		cli_init(const char *synopsis, const char *head, int col);
int		cli_parse(int argc, char *argv[], const struct cli_opt *opts,
		    int flags);
int		cli_given(int sc);
void		cli_usage(int status) __attribute__((noreturn));
void		cli_version(void) __attribute__((noreturn));
void		cli_misuse(const char *fmt, ...)
		    __attribute__((noreturn, format(printf, 1, 2)));
long long	cli_num(const char *arg, long long min, long long max,
		    const char *what);
long long	cli_size(const char *arg, long long min, long long max,
		    const char *what);

#endif

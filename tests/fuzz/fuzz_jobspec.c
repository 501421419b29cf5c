/*
 * jobspec_parse (lib/jobspec.h) on arbitrary bytes. When it accepts:
 * - every stage runs mr-split, mr-map, mr-shuffle, mr-reduce or mr-par,
 *   and mr-par's COMMAND one of the first four;
 * - the program's own getopt_long, with the option lists compiled in from
 *   cmd/PROG.c (progopts.h, made by progopts.sh), takes every option
 *   without error and sees none of the options that name a file, a
 *   directory, a host or a command (the table below says which, from the
 *   man pages), and no file operand: mr-map gets a mapper and, for grep,
 *   a REGEX; mr-split and mr-shuffle none; mr-par's COMMAND starts where
 *   jobspec says;
 * - the spec holds no NUL byte (the lexer's own rule);
 * - quoting the words again and parsing that gives the same stages.
 */
#include <getopt.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "fuzz.h"
#include "jobspec.h"
#include "progopts.h"

struct realprog {
	const char		*name;
	const char		*shortopts;
	const struct option	*longopts;
	const char		*unsafe_short;	/* name a file, host, command */
	const char		*unsafe_long;	/* " name name " */
	int			 maxoperands;	/* -1: any (not files) */
};

static const struct realprog realprogs[] = {
	{ "mr-split", mr_split_short, mr_split_long, "", "", 0 },
	{ "mr-map", mr_map_short, mr_map_long, "", "", 2 },
	{ "mr-shuffle", mr_shuffle_short, mr_shuffle_long, "oT",
	    " output-dir temporary-directory ", 0 },
	{ "mr-reduce", mr_reduce_short, mr_reduce_long, "", "", -1 },
	{ "mr-par", mr_par_short, mr_par_long, "ST",
	    " failed joblog launcher ssh sshlogin temporary-directory ", -1 },
};

static const struct realprog *
find(const char *name)
{
	const struct realprog *p = realprogs;

	while (p < realprogs + sizeof(realprogs) / sizeof(*p) &&
	    strcmp(name, p->name) != 0)
		p++;
	return p < realprogs + sizeof(realprogs) / sizeof(*p) ? p : NULL;
}

/* Run the program's getopt over argv[0..argc) as it would. */
static void
check_real(char **argv, int argc, int nested, int cmd)
{
	const struct realprog *p = find(argv[0]);
	char *copy[260], key[80];
	int c, li, nops;

	CHECK(p != NULL);
	CHECK(!nested || strcmp(p->name, "mr-par") != 0);
	CHECK(argc < 260);
	memcpy(copy, argv, (argc + 1) * sizeof(*argv));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, copy, p->shortopts, p->longopts,
	    &li)) != -1) {
		CHECK(c != '?' && c != ':');
		CHECK(c != 'h' && c < 1000);	/* help, version */
		if (c >= 256) {
			snprintf(key, sizeof(key), " %s ", p->longopts[li].name);
			CHECK(strstr(p->unsafe_long, key) == NULL);
		} else
			CHECK(strchr(p->unsafe_short, c) == NULL);
	}
	nops = argc - optind;
	if (strcmp(p->name, "mr-par") == 0) {
		CHECK(nops > 0 && optind == cmd);
		check_real(argv + optind, nops, 1, 0);
		return;
	}
	CHECK(p->maxoperands == -1 || nops <= p->maxoperands);
	if (strcmp(p->name, "mr-map") == 0 && nops == 2)
		CHECK(strcmp(copy[optind], "grep") == 0);
}

/* A word as '...' pieces, with a single quote as "'". */
static void
quote(struct buf *b, const char *w)
{
	buf_addc(b, '\'');
	for (; *w != '\0'; w++)
		if (*w == '\'')
			buf_add(b, "'\"'\"'", 5);
		else
			buf_addc(b, *w);
	buf_addc(b, '\'');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jobspec js, again;
	struct buf b = BUF_INIT;
	char err[256];
	int i, j, argc;

	if (size > 65536)
		return 0;
	if (jobspec_parse((const char *)data, size, &js, err,
	    sizeof(err)) == -1) {
		CHECK(err[0] != '\0');
		return 0;
	}
	CHECK(memchr(data, '\0', size) == NULL);
	CHECK(js.nstages >= 1 && js.nstages <= JOBSPEC_MAXSTAGES);
	for (i = 0; i < js.nstages; i++) {
		for (argc = 0; js.argv[i][argc] != NULL; argc++)
			;
		check_real(js.argv[i], argc, 0, js.cmd[i]);
		if (i > 0)
			buf_add(&b, " | ", 3);
		for (j = 0; j < argc; j++) {
			if (j > 0)
				buf_addc(&b, ' ');
			quote(&b, js.argv[i][j]);
		}
	}
	CHECK(jobspec_parse(b.p, b.len, &again, err, sizeof(err)) == 0);
	CHECK(again.nstages == js.nstages);
	for (i = 0; i < js.nstages; i++) {
		CHECK(again.cmd[i] == js.cmd[i]);
		for (j = 0; js.argv[i][j] != NULL; j++)
			CHECK(again.argv[i][j] != NULL &&
			    strcmp(again.argv[i][j], js.argv[i][j]) == 0);
		CHECK(again.argv[i][j] == NULL);
	}
	jobspec_free(&again);
	jobspec_free(&js);
	buf_free(&b);
	return 0;
}

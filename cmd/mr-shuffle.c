/*
 * mr-shuffle: bring equal keys together. Sorts records by key, bytewise
 * and stable, in bounded memory, spilling sorted runs to disk; or merges
 * inputs sorted already (-m); or writes N partitions, each sorted (-P).
 */
#include <bsd/stdlib.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "out.h"
#include "rdr.h"
#include "sort.h"
#include "spill.h"

static const char synopsis[] =
    "mr-shuffle [-z] [-S SIZE] [-T DIR] [FILE...]\n"
    "       mr-shuffle -m [-z] [-S SIZE] [-T DIR] [FILE...]\n"
    "       mr-shuffle -P N -o DIR [-z] [-S SIZE] [-T DIR] [FILE...]";
static const char options[] =
    "  -m, --merge                     merge inputs that are sorted already\n"
    "  -o, --output-dir=DIR            with -P: write DIR/part-00000...\n"
    "  -P, --partitions=N              N outputs by hash of the key, each sorted\n"
    "  -S, --buffer-size=SIZE          memory for records (default 256M)\n"
    "  -T, --temporary-directory=DIR   spill files go to DIR (default $TMPDIR or /tmp)\n"
    "  -z, --null                      records end with NUL, not newline\n"
    "  -h, --help                      show this help\n"
    "      --version                   show the version\n";

static const struct option longopts[] = {
	{ "buffer-size", required_argument,	NULL, 'S' },
	{ "merge",	no_argument,		NULL, 'm' },
	{ "null",	no_argument,		NULL, 'z' },
	{ "output-dir",	required_argument,	NULL, 'o' },
	{ "partitions",	required_argument,	NULL, 'P' },
	{ "temporary-directory", required_argument, NULL, 'T' },
	CLI_LONGOPTS_END
};

/* No partition file is left half-written, whichever way mr-shuffle ends. */
static void
on_signal(int sig)
{
	sort_unlink_parts();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
parts_at_exit(void)
{
	sort_unlink_parts();
}

int
main(int argc, char *argv[])
{
	struct sorter s;
	struct rdr r;
	long long size = 256LL * 1024 * 1024, nparts = 0;
	const char *tmpdir = NULL, *outdir = NULL;
	char delim = '\n', *line;
	int ch, mflag = 0;
	size_t len;

	cli_init(synopsis, options);
	while ((ch = cli_getopt(argc, argv, "hmo:P:S:T:z", longopts)) != -1) {
		switch (ch) {
		case 'm':
			mflag = 1;
			break;
		case 'o':
			outdir = optarg;
			break;
		case 'P':
			nparts = cli_num(optarg, 1, SORT_MAXPARTS,
			    "partition count");
			break;
		case 'S':
			size = cli_size(optarg, 64 * 1024, 1LL << 40,
			    "buffer size");
			break;
		case 'T':
			tmpdir = optarg;
			break;
		case 'z':
			delim = '\0';
			break;
		default:
			cli_usage(2);
		}
	}
	argc -= optind;
	argv += optind;
	if (mflag && nparts > 0)
		cli_misuse("-m and -P are mutually exclusive");
	if ((nparts > 0) != (outdir != NULL))
		cli_misuse("-P and -o go together");

	out_stdout();
	sorter_init(&s, size, spill_dir(tmpdir), delim);
	if (mflag) {
		sorter_merge(&s, argv, argc, &out_std);
		out_close(&out_std);
		return 0;
	}
	if (nparts > 0) {
		atexit(parts_at_exit);
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		signal(SIGHUP, on_signal);
		sorter_parts(&s, nparts, outdir);
	}
	rdr_init(&r, argv, argc, delim);
	while (rdr_next(&r, &line, &len))
		sorter_add(&s, line, len);
	rdr_free(&r);
	sorter_finish(&s, nparts > 0 ? NULL : &out_std);
	out_close(&out_std);
	return 0;
}

/*
 * mr-shuffle: bring equal keys together. Sorts records by key, bytewise
 * and stable, in bounded memory, spilling sorted runs to disk.
 */
#include <bsd/stdlib.h>
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "out.h"
#include "rdr.h"
#include "sort.h"
#include "spill.h"

static const char synopsis[] =
    "mr-shuffle [-z] [-S SIZE] [-T DIR] [FILE...]";
static const char options[] =
    "  -S, --buffer-size=SIZE          memory for records (default 256M)\n"
    "  -T, --temporary-directory=DIR   spill files go to DIR (default $TMPDIR or /tmp)\n"
    "  -z, --null                      records end with NUL, not newline\n"
    "  -h, --help                      show this help\n"
    "      --version                   show the version\n";

static const struct option longopts[] = {
	{ "buffer-size", required_argument,	NULL, 'S' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "null",	no_argument,		NULL, 'z' },
	{ "temporary-directory", required_argument, NULL, 'T' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL,		0,			NULL, 0 }
};

int
main(int argc, char *argv[])
{
	struct sorter s;
	struct rdr r;
	long long size = 256LL * 1024 * 1024;
	const char *tmpdir = NULL;
	char delim = '\n', *line;
	size_t len;
	int ch;

	cli_init(synopsis, options);
	while ((ch = getopt_long(argc, argv, "hS:T:z", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			cli_usage(0);
		case 'S':
			size = cli_size(optarg, 64 * 1024, 1LL << 40,
			    "buffer size");
			break;
		case 'T':
			tmpdir = optarg;
			break;
		case 'V':
			cli_version();
		case 'z':
			delim = '\0';
			break;
		default:
			cli_usage(2);
		}
	}
	argc -= optind;
	argv += optind;

	out_stdout();
	sorter_init(&s, size, spill_dir(tmpdir), delim);
	rdr_init(&r, argv, argc, delim);
	while (rdr_next(&r, &line, &len))
		sorter_add(&s, line, len);
	rdr_free(&r);
	sorter_finish(&s, &out_std);
	out_close(&out_std);
	return 0;
}

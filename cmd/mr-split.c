/*
 * mr-split: turn raw text into records CHUNK<TAB>LINE, a new chunk every
 * LINES lines or every SIZE bytes, so that mr-par can hand whole chunks to
 * parallel instances.
 */
#include <bsd/stdlib.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "out.h"
#include "rdr.h"

static const char synopsis[] =
    "mr-split [-Fz] [-n LINES | -b SIZE] [FILE...]";
static const char options[] =
    "  -b, --bytes=SIZE   a new chunk once a chunk holds SIZE bytes (default 1M)\n"
    "  -F, --filename     key is FILE:CHUNK; chunks never span two files\n"
    "  -n, --lines=LINES  a new chunk every LINES lines\n"
    "  -z, --null         records end with NUL, not newline\n"
    "  -h, --help         show this help\n"
    "      --version      show the version\n";

static const struct option longopts[] = {
	{ "bytes",	required_argument,	NULL, 'b' },
	{ "filename",	no_argument,		NULL, 'F' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "lines",	required_argument,	NULL, 'n' },
	{ "null",	no_argument,		NULL, 'z' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL,		0,			NULL, 0 }
};

int
main(int argc, char *argv[])
{
	struct rdr r;
	unsigned long long chunk = 0, lines = 0, bytes = 0;
	long long maxlines = 0, maxbytes = 0;
	int ch, fflag = 0, curfile = -1;
	char delim = '\n', *line;
	size_t len;

	cli_init(synopsis, options);
	while ((ch = getopt_long(argc, argv, "b:Fhn:z", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			maxbytes = cli_size(optarg, 1, LLONG_MAX, "chunk size");
			break;
		case 'F':
			fflag = 1;
			break;
		case 'h':
			cli_usage(0);
		case 'n':
			maxlines = cli_num(optarg, 1, LLONG_MAX, "line count");
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
	if (maxlines && maxbytes)
		cli_misuse("-n and -b are mutually exclusive");
	if (!maxlines && !maxbytes)
		maxbytes = 1024 * 1024;

	out_stdout();
	rdr_init(&r, argv, argc, delim);
	while (rdr_next(&r, &line, &len)) {
		if (fflag && r.fileno != curfile) {
			if (curfile != -1 && lines > 0)
				chunk++;
			curfile = r.fileno;
			lines = bytes = 0;
		} else if ((maxlines && lines >= (unsigned long long)maxlines) ||
		    (maxbytes && bytes >= (unsigned long long)maxbytes)) {
			chunk++;
			lines = bytes = 0;
		}
		lines++;
		bytes += len + 1;
		if (fflag) {
			out_add(&out_std, r.files[r.fileno], strlen(r.files[r.fileno]));
			out_addc(&out_std, ':');
		}
		out_u64(&out_std, chunk);
		out_addc(&out_std, '\t');
		out_add(&out_std, line, len);
		out_addc(&out_std, delim);
	}
	rdr_free(&r);
	out_close(&out_std);
	return 0;
}

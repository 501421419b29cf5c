/*
 * mr-shuffle: bring equal keys together. Sorts records by key, bytewise
 * and stable, in bounded memory, spilling sorted runs to disk; or merges
 * inputs sorted already (-m); or writes N partitions, each sorted (-P).
 */
#include <bsd/stdlib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "out.h"
#include "rdr.h"
#include "sort.h"
#include "spill.h"

static const char synopsis[] =
    "mr-shuffle [-z] [-S SIZE] [-T DIR] [FILE...]\n"
    "       mr-shuffle -m [-z] [-S SIZE] [-T DIR] [FILE...]\n"
    "       mr-shuffle -P N -o DIR [-z] [-S SIZE] [-T DIR] [FILE...]";
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
	char delim, *line;
	int mflag = 0, zflag = 0;
	size_t len;
	const struct cli_opt opts[] = {
		OPT_FLAG('m', "merge", &mflag,
		    "merge inputs that are sorted already"),
		OPT_STR('o', "output-dir", &outdir, "DIR",
		    "with -P: write DIR/part-00000..."),
		OPT_NUM('P', "partitions", &nparts, 1, SORT_MAXPARTS,
		    "partition count", "N",
		    "N outputs by hash of the key, each sorted"),
		OPT_SIZE('S', "buffer-size", &size, 64 * 1024, 1LL << 40,
		    "buffer size", "SIZE", "memory for records (default 256M)"),
		OPT_STR('T', "temporary-directory", &tmpdir, "DIR",
		    "spill files go to DIR (default $TMPDIR or /tmp)"),
		OPT_FLAG('z', "null", &zflag,
		    "records end with NUL, not newline"),
		OPT_END
	};

	cli_init(synopsis, "", 34);
	cli_parse(argc, argv, opts, 0);
	argc -= optind;
	argv += optind;
	delim = zflag ? '\0' : '\n';
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

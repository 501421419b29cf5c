/*
 * mr-split: turn raw text into records CHUNK<TAB>LINE, a new chunk every
 * LINES lines or every SIZE bytes, so that mr-par can hand whole chunks to
 * parallel instances. With -s K/N, only the lines that start in the K-th
 * of N byte ranges of the input, as a map task of a cluster reads it.
 */
#include <sys/stat.h>

#include <bsd/stdlib.h>
#include <err.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "out.h"
#include "rdr.h"
#include "xmalloc.h"

static const char synopsis[] =
    "mr-split [-Fz] [-n LINES | -b SIZE] [-s K/N] [FILE...]";
#define RANGE_BUFSZ	(256 * 1024)

static unsigned long long chunk, lines, bytes, maxlines, maxbytes;
static int		 fflag, curfile = -1;
static char		 delim = '\n';
static char		 prefix[32];	/* "K:" under -s */
static unsigned long	 rangek, rangen;	/* -s K/N */

/*
 * A chunk number as a key whose bytewise order is the numeric order: six
 * digits, widened as GNU split widens its numeric suffixes, 000000 ...
 * 899999, then 9 and seven digits, 90000000 ... 98999999, then 99 and
 * eight, and so on.
 */
static void
put_chunk(struct out *o, unsigned long long n)
{
	unsigned long long span = 900000;
	char digits[20];
	int w = 6, i;

	while (n >= span && w < 19) {
		out_addc(o, '9');
		n -= span;
		span *= 10;
		w++;
	}
	for (i = w; i-- > 0; n /= 10)
		digits[i] = '0' + n % 10;
	out_add(o, digits, w);
}

/* One line of operand fileno: a new chunk when it is time, the record. */
static void
emit(const char *file, int fileno, const char *line, size_t len)
{
	if (fflag && fileno != curfile) {
		if (curfile != -1 && lines > 0)
			chunk++;
		curfile = fileno;
		lines = bytes = 0;
	} else if ((maxlines && lines >= maxlines) ||
	    (maxbytes && bytes >= maxbytes)) {
		chunk++;
		lines = bytes = 0;
	}
	lines++;
	bytes += len + 1;
	if (fflag) {
		out_add(&out_std, file, strlen(file));
		out_addc(&out_std, ':');
	}
	out_add(&out_std, prefix, strlen(prefix));
	put_chunk(&out_std, chunk);
	out_addc(&out_std, '\t');
	out_add(&out_std, line, len);
	out_addc(&out_std, delim);
}

static void
parse_range(const char *arg)
{
	const char *slash = strchr(arg, '/');
	char num[32];

	if (slash == NULL || slash - arg >= (long)sizeof(num))
		cli_misuse("invalid range '%s': not K/N", arg);
	memcpy(num, arg, slash - arg);
	num[slash - arg] = '\0';
	rangen = cli_num(slash + 1, 1, 1000000, "range count");
	rangek = cli_num(num, 1, rangen, "range number");
}

/*
 * The lines that start in bytes [start, end) of the operands taken
 * together, each file read with pread and lseek from where its share
 * begins: a line that starts before it belongs to the range before.
 */
static void
split_range(char **files, int nfiles, unsigned long k, unsigned long n)
{
	unsigned long long base = 0, total = 0, start, end, lo, hi, pos;
	static char *stdin_only[] = { "-", NULL };
	struct stat *sb;
	struct rdr r;
	char c, *line;
	int i, fd, skip;
	size_t len;

	if (nfiles == 0) {
		files = stdin_only;
		nfiles = 1;
	}
	sb = xcalloc(nfiles, sizeof(*sb));
	for (i = 0; i < nfiles; i++) {
		if (strcmp(files[i], "-") == 0 ? fstat(0, &sb[i]) == -1 :
		    stat(files[i], &sb[i]) == -1)
			err(1, "cannot open '%s'", files[i]);
		if (!S_ISREG(sb[i].st_mode))
			errx(1, "'%s': -s needs regular files", files[i]);
		total += sb[i].st_size;
	}
	start = (unsigned __int128)total * (k - 1) / n;
	end = (unsigned __int128)total * k / n;
	for (i = 0; i < nfiles && base < end; base += sb[i++].st_size) {
		if (base + sb[i].st_size <= start)
			continue;
		lo = start > base ? start - base : 0;
		hi = end - base < (unsigned long long)sb[i].st_size ?
		    end - base : (unsigned long long)sb[i].st_size;
		if (strcmp(files[i], "-") == 0)
			fd = dup(0);
		else
			fd = open(files[i], O_RDONLY | O_CLOEXEC);
		if (fd == -1)
			err(1, "cannot open '%s'", files[i]);
		skip = 0;
		if (lo > 0) {
			if (pread(fd, &c, 1, lo - 1) != 1)
				err(1, "cannot read '%s'", files[i]);
			skip = c != delim;
		}
		if (lseek(fd, lo, SEEK_SET) == -1)
			err(1, "cannot read '%s'", files[i]);
		rdr_init_fd(&r, fd, files[i], delim, RANGE_BUFSZ);
		for (pos = lo; pos < hi && rdr_next(&r, &line, &len);
		    pos += len + 1) {
			if (skip)
				skip = 0;
			else
				emit(files[i], i, line, len);
		}
		rdr_free(&r);
	}
	free(sb);
}

int
main(int argc, char *argv[])
{
	int zflag = 0;
	const struct cli_opt opts[] = {
		OPT_SIZE('b', "bytes", &maxbytes, 1, LLONG_MAX, "chunk size",
		    "SIZE", "a new chunk once a chunk holds SIZE bytes "
		    "(default 1M)"),
		OPT_FLAG('F', "filename", &fflag,
		    "key is FILE:CHUNK; chunks never span two files"),
		OPT_NUM('n', "lines", &maxlines, 1, LLONG_MAX, "line count",
		    "LINES", "a new chunk every LINES lines"),
		OPT_FN('s', "split", parse_range, "K/N",
		    "only the lines starting in the K-th of N byte ranges"),
		OPT_FLAG('z', "null", &zflag,
		    "records end with NUL, not newline"),
		OPT_END
	};
	struct rdr r;
	char *line;
	size_t len;

	cli_init(synopsis, "", 21);
	cli_parse(argc, argv, opts, 0);
	argc -= optind;
	argv += optind;
	if (zflag)
		delim = '\0';
	if (maxlines && maxbytes)
		cli_misuse("-n and -b are mutually exclusive");
	if (!maxlines && !maxbytes)
		maxbytes = 1024 * 1024;

	out_stdout();
	if (rangen > 0) {
		/* K as wide as N: the ranges of a job sort in order too. */
		snprintf(prefix, sizeof(prefix), "%0*lu:",
		    snprintf(NULL, 0, "%lu", rangen), rangek);
		split_range(argv, argc, rangek, rangen);
	} else {
		rdr_init(&r, argv, argc, delim);
		while (rdr_next(&r, &line, &len))
			emit(r.files[r.fileno], r.fileno, line, len);
		rdr_free(&r);
	}
	out_close(&out_std);
	return 0;
}

/*
 * External merge sort of records by key. In memory: a descriptor per
 * record holding the first 8 key bytes as a big-endian integer, sorted by
 * LSD radix on that integer, then by comparison within runs of equal
 * prefixes; the scratch space is the free space of the block itself.
 * On disk: runs in unlinked spill files, merged with a binary heap, at
 * most FANIN at a time. The same merge serves -m, over the operands, and
 * -P sorts by partition, then key, and writes each partition to a file.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rdr.h"
#include "rec.h"
#include "sort.h"
#include "spill.h"
#include "xmalloc.h"

#define FANIN		64
#define SPILL_BUFSZ	(1024 * 1024)
#define MIN_RDBUF	(64 * 1024)
#define MAX_RDBUF	(4 * 1024 * 1024)
#define INSERTION	24

struct srec {
	uint64_t	pfx;	/* first 8 key bytes, big-endian, 0-padded */
	uint64_t	off;	/* of the record in the block */
	uint32_t	klen;
	uint32_t	len;
};

/* One sorted input of a merge; an operand of -m is checked. */
struct src {
	struct rdr	 r;
	char		*line;
	size_t		 len, klen;
	int		 check;
	struct buf	 prev;		/* its last key, when checked */
};

/* Temporary names of the partitions: signal handlers read them. */
static char	**partnames;
static unsigned	  npartnames;
static mode_t	  partmode;

void
sorter_init(struct sorter *s, size_t limit, const char *tmpdir, char delim)
{
	memset(s, 0, sizeof(*s));
	s->limit = limit & ~(size_t)7;
	s->cap = s->limit;
	s->tmpdir = tmpdir;
	s->delim = delim;
	s->runs = xreallocarray(NULL, FANIN, sizeof(*s->runs));
}

/* A total order: key, then position, which keeps equal keys stable. */
static inline int
srec_cmp(const char *blk, const struct srec *a, const struct srec *b)
{
	int c;

	if (a->pfx != b->pfx)
		return a->pfx < b->pfx ? -1 : 1;
	if (a->klen > 8 && b->klen > 8) {
		c = rec_keycmp(blk + a->off + 8, a->klen - 8, blk + b->off + 8,
		    b->klen - 8);
		if (c)
			return c;
	} else if (a->klen != b->klen)
		return a->klen < b->klen ? -1 : 1;
	return a->off < b->off ? -1 : 1;
}

static void
insertion_sort(const char *blk, struct srec *a, size_t n)
{
	struct srec t;
	size_t i, j;

	for (i = 1; i < n; i++) {
		t = a[i];
		for (j = i; j > 0 && srec_cmp(blk, &t, &a[j - 1]) < 0; j--)
			a[j] = a[j - 1];
		a[j] = t;
	}
}

static void
merge_sort(const char *blk, struct srec *a, struct srec *tmp, size_t n)
{
	struct srec *src = a, *dst = tmp, *t;
	size_t w, i, j, k, mid, end;

	for (i = 0; i < n; i += INSERTION)
		insertion_sort(blk, a + i, n - i < INSERTION ? n - i :
		    INSERTION);
	for (w = INSERTION; w < n; w *= 2) {
		for (i = 0; i < n; i += 2 * w) {
			mid = i + w < n ? i + w : n;
			end = i + 2 * w < n ? i + 2 * w : n;
			j = i;
			k = mid;
			t = dst + i;
			while (j < mid && k < end)
				*t++ = srec_cmp(blk, &src[k], &src[j]) < 0 ?
				    src[k++] : src[j++];
			memcpy(t, src + j, (mid - j) * sizeof(*t));
			t += mid - j;
			memcpy(t, src + k, (end - k) * sizeof(*t));
		}
		t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof(*a));
}

/*
 * LSD radix sort on the 8-byte prefixes, stable; a byte position where all
 * prefixes agree (the tail of short keys) costs one counting pass only.
 * Then runs of equal prefixes whose keys may differ beyond it, or in
 * length, are put in order by the comparison sort. Returns the array that
 * holds the result: a or tmp.
 */
static struct srec *
radix_sort(const char *blk, struct srec *a, struct srec *tmp, size_t n)
{
	static size_t count[8][256];
	struct srec *src = a, *dst = tmp, *t;
	size_t i, j, k, sum, c;
	int b, need;

	memset(count, 0, sizeof(count));
	for (i = 0; i < n; i++)
		for (b = 0; b < 8; b++)
			count[b][(src[i].pfx >> (8 * b)) & 0xff]++;
	for (b = 0; b < 8; b++) {
		for (k = 0; k < 256 && count[b][k] != n; k++)
			;
		if (k < 256)
			continue;	/* one value: nothing to do */
		for (k = 0, sum = 0; k < 256; k++) {
			c = count[b][k];
			count[b][k] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[count[b][(src[i].pfx >> (8 * b)) & 0xff]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	for (i = 0; i < n; i = j) {
		/* Equal keys are already in input order: sort only if some
		 * key of the run differs from its first. */
		need = 0;
		for (j = i + 1; j < n && src[j].pfx == src[i].pfx; j++)
			if (!need && (src[j].klen != src[i].klen ||
			    (src[j].klen > 8 && memcmp(blk + src[j].off + 8,
			    blk + src[i].off + 8, src[j].klen - 8) != 0)))
				need = 1;
		if (need)
			merge_sort(blk, src + i, dst + i, j - i);
	}
	return src;
}

static struct srec *
srecs(struct sorter *s)
{
	return (struct srec *)(s->blk + s->cap) - s->n;
}

unsigned
sort_partition(const char *key, size_t klen, unsigned n)
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < klen; i++) {
		h ^= (unsigned char)key[i];
		h *= 1099511628211ULL;
	}
	return h % n;
}

/* The directory, and its parents, like mkdir -p. */
static void
make_dir(const char *dir)
{
	char *p = xstrdup(dir), *q;

	for (q = p + 1; (q = strchr(q, '/')) != NULL; q++) {
		*q = '\0';
		if (mkdir(p, 0777) == -1 && errno != EEXIST)
			err(1, "cannot create '%s'", p);
		*q = '/';
	}
	if (mkdir(p, 0777) == -1 && errno != EEXIST)
		err(1, "cannot create '%s'", p);
	free(p);
}

void
sorter_parts(struct sorter *s, unsigned n, const char *dir)
{
	s->nparts = n;
	s->partdir = dir;
	s->curpart = n;
	partmode = umask(0);
	umask(partmode);
	partmode = 0666 & ~partmode;
	make_dir(dir);
	partnames = xcalloc(n, sizeof(*partnames));
	npartnames = n;
}

/* Partition i's temporary file, created empty, as the writer s->part. */
static void
open_part(struct sorter *s, unsigned i)
{
	int fd;

	if (asprintf(&partnames[i], "%s/.part-%05u.XXXXXX", s->partdir, i) == -1)
		err(1, "asprintf");
	if ((fd = mkostemp(partnames[i], O_CLOEXEC)) == -1) {
		free(partnames[i]);
		partnames[i] = NULL;
		err(1, "cannot create a file in '%s'", s->partdir);
	}
	if (fchmod(fd, partmode) == -1)
		err(1, "cannot write '%s'", partnames[i]);
	out_init(&s->part, fd, SPILL_BUFSZ, partnames[i]);
	s->curpart = i;
}

static void
close_part(struct sorter *s)
{
	out_flush(&s->part);
	if (close(s->part.fd) == -1)
		err(1, "cannot write '%s'", partnames[s->curpart]);
	free(s->part.buf);
	s->part.buf = NULL;
}

/* A record and its terminator: to o, or after its prefix to its part. */
static void
put(struct sorter *s, struct out *o, const char *rec, size_t len)
{
	unsigned i;

	if (o != NULL) {
		out_add(o, rec, len);
		out_addc(o, s->delim);
		return;
	}
	i = (rec[0] - '0') * 10000 + (rec[1] - '0') * 1000 +
	    (rec[2] - '0') * 100 + (rec[3] - '0') * 10 + (rec[4] - '0');
	if (i != s->curpart) {
		if (s->curpart < s->nparts)
			close_part(s);
		open_part(s, i);
	}
	out_add(&s->part, rec + 5, len - 5);
	out_addc(&s->part, s->delim);
}

/* Every partition exists, empty or not; then all get their names. */
static void
finish_parts(struct sorter *s)
{
	char path[4096];
	unsigned i;

	if (s->curpart < s->nparts)
		close_part(s);
	for (i = 0; i < s->nparts; i++)
		if (partnames[i] == NULL) {
			open_part(s, i);
			close_part(s);
		}
	for (i = 0; i < s->nparts; i++) {
		snprintf(path, sizeof(path), "%s/part-%05u", s->partdir, i);
		if (rename(partnames[i], path) == -1)
			err(1, "cannot rename '%s' to '%s'", partnames[i], path);
		free(partnames[i]);
		partnames[i] = NULL;
	}
	free(partnames);
	partnames = NULL;
	npartnames = 0;
}

/* Sort the block and write its records to o (NULL: the partitions). */
static void
write_block(struct sorter *s, struct out *o)
{
	struct srec *r = srecs(s), t;
	size_t i;

	/* Descriptors grow downwards: reversed, they are in input order. */
	for (i = 0; i < s->n / 2; i++) {
		t = r[i];
		r[i] = r[s->n - 1 - i];
		r[s->n - 1 - i] = t;
	}
	r = radix_sort(s->blk, r, r - s->n, s->n);
	for (i = 0; i < s->n; i++)
		put(s, o, s->blk + r[i].off, r[i].len);
	s->n = s->dlen = 0;
}

static int
src_next(struct src *x)
{
	char *tab;

	if (!rdr_next(&x->r, &x->line, &x->len))
		return 0;
	tab = memchr(x->line, '\t', x->len);
	x->klen = tab ? (size_t)(tab - x->line) : x->len;
	if (x->check) {
		if (x->r.lineno > 1 && rec_keycmp(x->line, x->klen, x->prev.p,
		    x->prev.len) < 0)
			errx(1, "%s:%llu: input is not sorted by key", x->r.name,
			    x->r.lineno);
		buf_clear(&x->prev);
		buf_add(&x->prev, x->line, x->klen);
	}
	return 1;
}

static int
src_less(struct src *v, size_t a, size_t b)
{
	int c = rec_keycmp(v[a].line, v[a].klen, v[b].line, v[b].klen);

	return c < 0 || (c == 0 && a < b);
}

static void
sift_down(struct src *v, size_t *heap, size_t n, size_t i)
{
	size_t c, t;

	while ((c = 2 * i + 1) < n) {
		if (c + 1 < n && src_less(v, heap[c + 1], heap[c]))
			c++;
		if (!src_less(v, heap[c], heap[i]))
			break;
		t = heap[c];
		heap[c] = heap[i];
		heap[i] = t;
		i = c;
	}
}

/* Merge the inputs (the first of equal keys wins) into o (NULL: parts). */
static void
merge_srcs(struct sorter *s, struct src *v, size_t nv, struct out *o)
{
	size_t *heap = xcalloc(nv, sizeof(*heap)), n = 0, i;
	struct src *x;

	for (i = 0; i < nv; i++)
		if (src_next(&v[i]))
			heap[n++] = i;
	for (i = n / 2; i-- > 0; )
		sift_down(v, heap, n, i);
	while (n > 0) {
		x = &v[heap[0]];
		put(s, o, x->line, x->len);
		if (!src_next(x))
			heap[0] = heap[--n];
		sift_down(v, heap, n, 0);
	}
	for (i = 0; i < nv; i++) {
		rdr_free(&v[i].r);
		buf_free(&v[i].prev);
	}
	free(heap);
}

/* Merge the runs in fds (oldest first, which breaks ties) into o. */
static void
merge(struct sorter *s, int *fds, size_t nfds, size_t bufsz, struct out *o)
{
	struct src *v = xcalloc(nfds, sizeof(*v));
	size_t i;

	for (i = 0; i < nfds; i++)
		rdr_init_fd(&v[i].r, fds[i], "temporary file", s->delim, bufsz);
	merge_srcs(s, v, nfds, o);
	free(v);
}

static size_t
rdbuf_size(size_t limit, size_t nruns)
{
	size_t b = limit / (nruns + 1);

	return b < MIN_RDBUF ? MIN_RDBUF : b > MAX_RDBUF ? MAX_RDBUF : b;
}

/* A sorted run to merge at the end; at FANIN runs, they become one. */
static void
push_run(struct sorter *s, int fd)
{
	struct out o;

	s->runs[s->nruns++] = fd;
	if (s->nruns < FANIN)
		return;
	if (spill_open(&o, s->tmpdir, SPILL_BUFSZ) == -1)
		err(1, "cannot create temporary file in '%s'", s->tmpdir);
	merge(s, s->runs, s->nruns, rdbuf_size(s->limit, s->nruns), &o);
	s->runs[0] = spill_rewind(&o);
	s->nruns = 1;
}

/* Write the block as a run. */
static void
spill(struct sorter *s)
{
	struct out o;

	if (spill_open(&o, s->tmpdir, SPILL_BUFSZ) == -1)
		err(1, "cannot create temporary file in '%s'", s->tmpdir);
	write_block(s, &o);
	/* An oversized block, or one that a merge follows, is given back:
	 * it comes back on demand. */
	if (s->cap != s->limit || s->nruns + 1 == FANIN) {
		free(s->blk);
		s->blk = NULL;
		s->cap = s->limit;
	}
	push_run(s, spill_rewind(&o));
}

static void add(struct sorter *, const char *, size_t);

/* A partitioned record is stored after its partition in 5 digits. */
void
sorter_add(struct sorter *s, const char *line, size_t len)
{
	const char *tab;
	char num[16];

	if (s->nparts == 0) {
		add(s, line, len);
		return;
	}
	tab = memchr(line, '\t', len);
	snprintf(num, sizeof(num), "%05u", sort_partition(line,
	    tab ? (size_t)(tab - line) : len, s->nparts));
	buf_clear(&s->pbuf);
	buf_add(&s->pbuf, num, 5);
	buf_add(&s->pbuf, line, len);
	add(s, s->pbuf.p, s->pbuf.len);
}

static void
add(struct sorter *s, const char *line, size_t len)
{
	size_t need = len + 1 + 2 * sizeof(struct srec);
	struct srec *r;
	unsigned char p[8] = { 0 };
	const char *tab;

	if (len > UINT32_MAX)
		errx(1, "a record of %zu bytes is longer than 4 GiB", len);
	if (s->dlen + s->n * 2 * sizeof(struct srec) + need > s->cap) {
		if (s->n > 0)
			spill(s);
		if (need > s->cap) {
			/* One record larger than the limit is held whole. */
			free(s->blk);
			s->blk = NULL;
			s->cap = (need + 7) & ~(size_t)7;
		}
	}
	if (s->blk == NULL)
		s->blk = xmalloc(s->cap);
	/* Stored with its terminator: offsets are distinct, writes whole. */
	memcpy(s->blk + s->dlen, line, len);
	s->blk[s->dlen + len] = s->delim;
	tab = memchr(line, '\t', len);
	r = srecs(s) - 1;
	r->klen = tab ? (size_t)(tab - line) : len;
	memcpy(p, line, r->klen < 8 ? r->klen : 8);
	r->pfx = (uint64_t)p[0] << 56 | (uint64_t)p[1] << 48 |
	    (uint64_t)p[2] << 40 | (uint64_t)p[3] << 32 | (uint64_t)p[4] << 24 |
	    (uint64_t)p[5] << 16 | (uint64_t)p[6] << 8 | p[7];
	r->off = s->dlen;
	r->len = len;
	s->dlen += len + 1;
	s->n++;
}

void
sorter_finish(struct sorter *s, struct out *o)
{
	if (s->nruns == 0) {
		if (s->n > 0)
			write_block(s, o);
	} else {
		if (s->n > 0)
			spill(s);
		free(s->blk);
		s->blk = NULL;
		merge(s, s->runs, s->nruns, rdbuf_size(s->limit, s->nruns), o);
	}
	if (s->nparts > 0)
		finish_parts(s);
	free(s->blk);
	free(s->runs);
	buf_free(&s->pbuf);
	memset(s, 0, sizeof(*s));
}

/* Safe in a signal handler: unlink(2) only. */
void
sort_unlink_parts(void)
{
	unsigned i;

	for (i = 0; i < npartnames; i++)
		if (partnames[i] != NULL)
			unlink(partnames[i]);
}

/*
 * Operands in groups of FANIN: each group merged, to o when it is the
 * only one, else to a run; the runs, in operand order, merged at the end.
 */
void
sorter_merge(struct sorter *s, char **files, int nfiles, struct out *o)
{
	static char *stdin_only[] = { "-", NULL };
	size_t bufsz, n, i;
	struct out run;
	struct src *v;
	int g, fd;

	if (nfiles == 0) {
		files = stdin_only;
		nfiles = 1;
	}
	v = xcalloc(FANIN, sizeof(*v));
	for (g = 0; g < nfiles; g += FANIN) {
		n = nfiles - g < FANIN ? nfiles - g : FANIN;
		bufsz = rdbuf_size(s->limit, n);
		for (i = 0; i < n; i++) {
			const char *f = files[g + i];
			if (strcmp(f, "-") == 0)
				fd = dup(0);
			else
				fd = open(f, O_RDONLY | O_CLOEXEC);
			if (fd == -1)
				err(1, "cannot open '%s'", f);
			memset(&v[i], 0, sizeof(v[i]));
			rdr_init_fd(&v[i].r, fd, strcmp(f, "-") ? f : "stdin",
			    s->delim, bufsz);
			v[i].check = 1;
			buf_grow(&v[i].prev, 64);	/* never NULL for memcmp */
		}
		if (nfiles <= FANIN) {
			merge_srcs(s, v, n, o);
			break;
		}
		if (spill_open(&run, s->tmpdir, SPILL_BUFSZ) == -1)
			err(1, "cannot create temporary file in '%s'", s->tmpdir);
		merge_srcs(s, v, n, &run);
		push_run(s, spill_rewind(&run));
	}
	free(v);
	if (nfiles > FANIN)
		merge(s, s->runs, s->nruns, rdbuf_size(s->limit, s->nruns), o);
	free(s->runs);
	memset(s, 0, sizeof(*s));
}

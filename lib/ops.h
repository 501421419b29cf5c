/*
 * The reduce operations of mr-reduce, with GNU datamash's meaning: parsing
 * an OP[:ARG...] word, accumulating one key's values, printing the result.
 *
 * Parse each command-line word with op_parse, which gives one struct op per
 * field of the word's field list. Per key and op keep a struct acc, zeroed
 * before first use; feed it every record's field with acc_add (numeric ops
 * need the field parsed by num_parse first, pair ops their second field
 * too), print with acc_print, then acc_reset to reuse it for the next key
 * (it keeps its memory, so a stream of keys does not allocate) or
 * acc_free. A key may end with no value added (all were skipped as NA):
 * acc_print then prints what datamash --narm prints for no values.
 */
#ifndef MR_OPS_H
#define MR_OPS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "num.h"
#include "out.h"

enum op_type {
	OP_COUNT, OP_SUM, OP_MIN, OP_MAX, OP_ABSMIN, OP_ABSMAX, OP_RANGE,
	OP_MEAN, OP_MEDIAN, OP_Q1, OP_Q3, OP_IQR, OP_PERC, OP_MODE,
	OP_ANTIMODE, OP_PSTDEV, OP_SSTDEV, OP_PVAR, OP_SVAR, OP_MAD,
	OP_FIRST, OP_LAST, OP_UNIQUE, OP_COUNTUNIQUE, OP_COLLAPSE,
	OP_GEOMEAN, OP_HARMMEAN, OP_MS, OP_RMS, OP_MADRAW, OP_SSKEW,
	OP_PSKEW, OP_SKURT, OP_PKURT, OP_JARQUE, OP_DPO, OP_TRIMMEAN,
	OP_PCOV, OP_SCOV, OP_PPEARSON, OP_SPEARSON, OP_DOTPROD
};

struct op {
	enum op_type	type;
	int		field;		/* 1-based value field */
	int		field2;		/* pair ops: the second field, else 0 */
	int		perc;		/* OP_PERC: 0..100 */
	long double	trim;		/* OP_TRIMMEAN: 0..0.5 */
	int		numeric;	/* its field(s) must be numbers */
};

/*
 * Parse one word into *n ops, one per field of its list, at most max of
 * them. 0 on success, -1 for an unknown name, -2 for a bad argument (err
 * then holds the reason, or "" when the word is merely invalid), -3 when
 * the list has more than max fields.
 */
int	op_parse(const char *word, struct op *ops, size_t max, size_t *n,
	    char *err, size_t errlen);

struct acc {
	uint64_t	 n;
	__int128	 isum;		/* integers, exact */
	long double	 fsum;		/* non-integers */
	int		 nonint;	/* a non-integer was seen */
	long double	 min, max, amin, amax;
	long double	 mean, m2;	/* Welford's running moments */
	long double	 m3, m4;	/* higher central moments, times n */
	long double	 meany, m2y, cxy; /* pair ops: y's moments, co-moment */
	struct buf	 s;		/* first, last, collapse, unique */
	size_t		*offs, noffs, coffs;	/* unique: where each starts */
	long double	*v;		/* values of holistic ops */
	int		 nan;		/* a NaN among them: sort, not select */
	size_t		 nv, cv;
};

/* The field's bytes and number; y is the second field of a pair op. */
void	acc_add(struct acc *, const struct op *, const char *, size_t,
	    const struct num *x, const struct num *y);
/* 0 on success, -1 when an integer sum is outside the int64 range. */
int	acc_print(struct acc *, const struct op *, struct out *,
	    const char *fmt);
void	acc_reset(struct acc *);
void	acc_free(struct acc *);

/* A result as mr-reduce prints it: integers exactly, others with fmt. */
void	op_print_num(struct out *, long double, const char *fmt);

#endif

/*
 * The reduce operations of mr-reduce, with GNU datamash's meaning: parsing
 * an OP[:ARG...] word, accumulating one key's values, printing the result.
 *
 * Parse each command-line word with op_parse. Per key and op keep a
 * struct acc, zeroed before first use; feed it every record's field with
 * acc_add (numeric ops need the field parsed by num_parse first), print with
 * acc_print, then acc_reset to reuse it for the next key (it keeps its
 * memory, so a stream of keys does not allocate) or acc_free.
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
	OP_FIRST, OP_LAST, OP_UNIQUE, OP_COUNTUNIQUE, OP_COLLAPSE
};

struct op {
	enum op_type	type;
	int		field;		/* 1-based value field */
	int		perc;		/* OP_PERC: 0..100 */
	int		numeric;	/* its field must be a number */
};

/* 0 on success, -1 for an unknown name, -2 for a bad argument. */
int	op_parse(const char *, struct op *);

struct acc {
	uint64_t	 n;
	__int128	 isum;		/* integers, exact */
	long double	 fsum;		/* non-integers */
	int		 nonint;	/* a non-integer was seen */
	long double	 min, max, amin, amax;
	long double	 mean, m2;	/* Welford's running moments */
	struct buf	 s;		/* first, last, collapse, unique */
	size_t		*offs, noffs, coffs;	/* unique: where each starts */
	long double	*v;		/* values of holistic ops */
	int		 nan;		/* a NaN among them: sort, not select */
	size_t		 nv, cv;
};

void	acc_add(struct acc *, const struct op *, const char *, size_t,
	    const struct num *);
/* 0 on success, -1 when an integer sum is outside the int64 range. */
int	acc_print(struct acc *, const struct op *, struct out *,
	    const char *fmt);
void	acc_reset(struct acc *);
void	acc_free(struct acc *);

/* A result as mr-reduce prints it: integers exactly, others with fmt. */
void	op_print_num(struct out *, long double, const char *fmt);

#endif

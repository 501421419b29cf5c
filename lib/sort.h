/*
 * External sort of records by key: bytewise, stable. Records are kept in
 * one block of at most `limit` bytes (data from the bottom, descriptors
 * from the top); when it is full, the block is sorted and written to a
 * spill file as a run, and at the end the runs are merged with a heap.
 *
 * sorter_init, sorter_add for each record (without its terminator), then
 * sorter_finish writes every record, in order, each followed by the
 * terminator, to the given writer and frees everything.
 */
#ifndef MR_SORT_H
#define MR_SORT_H

#include <stddef.h>

#include "out.h"

struct srec;

struct sorter {
	size_t		 limit;
	const char	*tmpdir;
	char		 delim;
	char		*blk;		/* records at the bottom, srecs on top */
	size_t		 cap, dlen, n;
	int		*runs;		/* spill files, oldest first */
	size_t		 nruns;
};

void	sorter_init(struct sorter *, size_t limit, const char *tmpdir,
	    char delim);
void	sorter_add(struct sorter *, const char *, size_t);
void	sorter_finish(struct sorter *, struct out *);

#endif

/*
 * External sort of records by key: bytewise, stable. Records are kept in
 * one block of at most `limit` bytes (data from the bottom, descriptors
 * from the top); when it is full, the block is sorted and written to a
 * spill file as a run, and at the end the runs are merged with a heap.
 *
 * sorter_init, sorter_add for each record (without its terminator), then
 * sorter_finish writes every record, in order, each followed by the
 * terminator, to the given writer and frees everything.
 *
 * Partitioned (-P): after sorter_init, sorter_parts(n, dir); every record
 * then goes to partition sort_partition(key) of n, and sorter_finish(s,
 * NULL) writes the files DIR/part-00000 ... each sorted, under temporary
 * names renamed only once all are written; sort_unlink_parts removes the
 * temporary ones left (for an exit on error or a signal).
 *
 * Merging (-m): sorter_merge reads files that are each sorted already and
 * writes them merged, stable (equal keys in operand order), an operand out
 * of order being an error that names its file and line.
 */
#ifndef MR_SORT_H
#define MR_SORT_H

#include <stddef.h>

#include "buf.h"
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
	unsigned	 nparts;	/* partitions, or 0 */
	const char	*partdir;
	struct out	 part;		/* the partition being written */
	unsigned	 curpart;	/* its number, or nparts: none yet */
	struct buf	 pbuf;		/* a record after its partition */
};

#define SORT_MAXPARTS	99999

void	sorter_init(struct sorter *, size_t limit, const char *tmpdir,
	    char delim);
void	sorter_add(struct sorter *, const char *, size_t);
void	sorter_finish(struct sorter *, struct out *);
void	sorter_parts(struct sorter *, unsigned n, const char *dir);
void	sorter_merge(struct sorter *, char **files, int nfiles,
	    struct out *);
/* FNV-1a, 64 bits, of the key's bytes, modulo n. */
unsigned sort_partition(const char *key, size_t klen, unsigned n);
void	sort_unlink_parts(void);

#endif

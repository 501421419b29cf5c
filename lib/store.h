/*
 * A byte store that stays in memory up to a limit and moves to an
 * unlinked spill file past it: chunks of input kept for retries and
 * outputs held back until their instance has succeeded.
 *
 * store_init with the memory limit and the spill directory; store_add to
 * append; store_get to read back any range in pieces (it fills `scratch`
 * when the data is on disk); store_reset to empty it for reuse (the memory
 * is kept, the file closed); store_free at the end.
 */
#ifndef MR_STORE_H
#define MR_STORE_H

#include <stddef.h>

#include "buf.h"
#include "out.h"

struct store {
	struct buf		 mem;
	int			 ondisk;
	struct out		 w;	/* the spill file, when ondisk */
	unsigned long long	 len;
	size_t			 limit;
	const char		*tmpdir;
};

void	store_init(struct store *, size_t limit, const char *tmpdir);
void	store_add(struct store *, const void *, size_t);
/* Up to n bytes from offset off: sets *p, returns their count (0 at end). */
size_t	store_get(struct store *, unsigned long long off, const char **p,
	    char *scratch, size_t n);
void	store_reset(struct store *);
void	store_free(struct store *);

#endif

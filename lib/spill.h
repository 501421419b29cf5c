/*
 * Temporary files for data that does not fit in memory. A spill file is
 * unlinked as soon as it is created, so it lives only as long as its
 * descriptor: nothing is left behind on exit, error, signal or SIGKILL.
 *
 * spill_dir picks the directory (the option, else $TMPDIR, else /tmp);
 * spill_open creates a file there and sets up a writer whose errors say
 * "cannot write temporary file in 'DIR'"; spill_rewind flushes it and
 * seeks back to the start for reading.
 */
#ifndef MR_SPILL_H
#define MR_SPILL_H

#include "out.h"

const char	*spill_dir(const char *opt);
/* An unlinked file, or -1 with errno: the caller says what failed. */
int		 spill_fd(const char *dir);
int		 spill_open(struct out *, const char *dir, size_t bufsz);
int		 spill_rewind(struct out *);

#endif

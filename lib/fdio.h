/*
 * Whole transfers on file descriptors, retrying EINTR and short counts:
 * write all of a buffer, read exactly n bytes, read to end of file into a
 * struct buf, copy n bytes of one file to another descriptor (sendfile
 * where the kernel can, read and write where it cannot). Each returns 0,
 * or -1 with errno set; reading exactly n bytes reports an early end of
 * file as ECONNRESET. Nothing here exits: the caller decides.
 */
#ifndef MR_FDIO_H
#define MR_FDIO_H

#include <stddef.h>
#include <sys/types.h>

#include "buf.h"

int	fdio_write_all(int fd, const void *, size_t);
int	fdio_read_full(int fd, void *, size_t);
int	fdio_read_all(int fd, struct buf *);
/* The whole file at path ("-" or NULL: standard input) into a buf. */
int	fdio_read_file(const char *path, struct buf *);
/* n bytes of file `from`, starting at offset 0, appended to `to`. */
int	fdio_copy(int from, off_t n, int to);

#endif

/*
 * Allocation that cannot fail: each wrapper exits with a message when the
 * system is out of memory or a size computation would overflow, so callers
 * never check for NULL.
 */
#ifndef MR_XMALLOC_H
#define MR_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
void	*xmemdup(const void *, size_t);

#endif

/*
 * Shell words without a shell: shword_split cuts a string into words the
 * way sh does (blanks separate; '...' keeps everything; "..." keeps all
 * but \" \\ \$ \` which lose the backslash; a backslash outside quotes
 * keeps the next character), with no expansion of any kind.
 * shword_quote appends a word to a buffer quoted so that a POSIX shell
 * reads it back as that one word, for a command line run through ssh.
 *
 * shword_split returns a NULL-terminated argv to free with shword_free,
 * or NULL with a message in err (an unterminated quote, no word at all).
 */
#ifndef MR_SHWORD_H
#define MR_SHWORD_H

#include <stddef.h>

#include "buf.h"

char	**shword_split(const char *, char *err, size_t errlen);
void	  shword_free(char **);
void	  shword_quote(struct buf *, const char *);

#endif

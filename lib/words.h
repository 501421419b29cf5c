/*
 * Tokenizer of mr-map words: splits text on ASCII whitespace and, on
 * request, strips punctuation and symbols from both ends of a token,
 * lower-cases it and drops it when shorter than a minimum, with Unicode
 * rules (libunistring) for UTF-8 and a table-driven fast path for ASCII.
 *
 * Fill a struct words with the options, then for each text call
 * words_start and words_next until it returns 0. A token returned points
 * into the text or into the tokenizer's scratch buffer and is valid until
 * the next call. words_free releases the scratch buffer.
 */
#ifndef MR_WORDS_H
#define MR_WORDS_H

#include <stddef.h>

#include "buf.h"

struct words {
	int		 lower;		/* -l */
	int		 punct;		/* -p */
	size_t		 minlen;	/* -m, in characters */
	const char	*p, *end;	/* text not scanned yet */
	struct buf	 scratch;
};

void	words_start(struct words *, const char *, size_t);
int	words_next(struct words *, const char **, size_t *);
void	words_free(struct words *);

#endif

/*
 * Word tokenizer. ASCII tokens never touch libunistring; a token with a byte
 * of 0x80 or more goes through it only for the options asked for.
 */
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <unistr.h>

#include "words.h"

/* The ASCII whitespace of wc -w and awk: space, \t \n \v \f \r. */
static const unsigned char isspace_tab[256] = {
	[' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1,
};

static int
is_punct(ucs4_t uc)
{
	return uc_is_general_category(uc, UC_CATEGORY_P) ||
	    uc_is_general_category(uc, UC_CATEGORY_S);
}

static int
ascii_punct(unsigned char c)
{
	return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') ||
	    (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
}

/* Strip punctuation and symbols from both ends; invalid UTF-8 stops it. */
static void
strip(const char **tok, size_t *len, int ascii)
{
	const uint8_t *s = (const uint8_t *)*tok, *e = s + *len, *q;
	ucs4_t uc;
	int n;

	if (ascii) {
		while (s < e && ascii_punct(*s))
			s++;
		while (e > s && ascii_punct(e[-1]))
			e--;
	} else {
		/* u8_mbtoucr fails on invalid UTF-8, not so U+FFFD itself. */
		while (s < e && (n = u8_mbtoucr(&uc, s, e - s)) > 0 &&
		    is_punct(uc))
			s += n;
		while (e > s && (q = u8_prev(&uc, e, s)) != NULL && is_punct(uc))
			e = q;
	}
	*tok = (const char *)s;
	*len = e - s;
}

static void
lower(struct words *w, const char **tok, size_t *len, int ascii)
{
	const uint8_t *s = (const uint8_t *)*tok;
	uint8_t *r;
	size_t i, n;

	buf_clear(&w->scratch);
	if (!ascii && u8_check(s, *len) == NULL) {
		n = w->scratch.cap;
		r = u8_tolower(s, *len, NULL, NULL, (uint8_t *)w->scratch.p, &n);
		if (r == NULL)
			goto ascii;
		if (r != (uint8_t *)w->scratch.p) {
			buf_add(&w->scratch, r, n);
			free(r);
		} else
			w->scratch.len = n;
		*tok = w->scratch.p;
		*len = w->scratch.len;
		return;
	}
ascii:
	buf_grow(&w->scratch, *len);
	for (i = 0; i < *len; i++) {
		unsigned char c = s[i];
		w->scratch.p[i] = c >= 'A' && c <= 'Z' ? c + 32 : c;
	}
	w->scratch.len = *len;
	*tok = w->scratch.p;
}

void
words_start(struct words *w, const char *p, size_t len)
{
	w->p = p;
	w->end = p + len;
}

int
words_next(struct words *w, const char **tok, size_t *len)
{
	const unsigned char *p = (const unsigned char *)w->p;
	const unsigned char *end = (const unsigned char *)w->end, *t;
	unsigned char hi;
	size_t chars;

	for (;;) {
		while (p < end && isspace_tab[*p])
			p++;
		if (p == end) {
			w->p = w->end;
			return 0;
		}
		t = p;
		hi = 0;
		if (!w->punct && !w->lower && w->minlen <= 1) {
			while (p < end && !isspace_tab[*p])
				p++;
		} else {
			while (p < end && !isspace_tab[*p])
				hi |= *p++;
		}
		w->p = (const char *)p;
		*tok = (const char *)t;
		*len = p - t;
		if (w->punct) {
			strip(tok, len, hi < 0x80);
			if (*len == 0)
				continue;
		}
		if (w->minlen > 1) {
			/* Not valid UTF-8: counted in bytes, as documented. */
			chars = hi < 0x80 ||
			    u8_check((const uint8_t *)*tok, *len) != NULL ?
			    *len : u8_mbsnlen((const uint8_t *)*tok, *len);
			if (chars < w->minlen)
				continue;
		}
		if (w->lower)
			lower(w, tok, len, hi < 0x80);
		return 1;
	}
}

void
words_free(struct words *w)
{
	buf_free(&w->scratch);
}

/*
 * The tokenizer of mr-map words (lib/words.h) against a reference written
 * from man/mr-map.1. Input: byte 0 the options (bit 0 -l, bit 1 -p, bits
 * 2-4 -m N with N 0..7), the rest the text. Properties, token by token in
 * order:
 * - the raw tokens are the maximal runs of bytes other than ASCII space,
 *   TAB, LF, VT, FF and CR; without -l and -p a token is such a run, in
 *   place in the text;
 * - -p strips from both ends the characters of Unicode category P or S
 *   (ispunct in ASCII); a character that is not valid UTF-8 stops the
 *   stripping; a token left empty is dropped;
 * - -m N drops exactly the tokens of fewer than N characters after -p,
 *   counted in code points, or in bytes for a token not valid UTF-8;
 * - -l lower-cases: u8_tolower for valid UTF-8, ASCII letters otherwise;
 * - no token is empty, and there are no others.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <unistr.h>

#include "fuzz.h"
#include "words.h"

static int
space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	    c == '\r';
}

static int
punct(ucs4_t uc)
{
	if (uc < 0x80)
		return ispunct(uc);
	return uc_is_general_category(uc, UC_CATEGORY_P) ||
	    uc_is_general_category(uc, UC_CATEGORY_S);
}

/* The valid character that ends at e, if any: its first byte, or NULL. */
static const uint8_t *
last_char(const uint8_t *s, const uint8_t *e, ucs4_t *uc)
{
	const uint8_t *q;
	int k;

	for (k = 1; k <= 4 && e - k >= s; k++) {
		q = e - k;
		if (u8_mbtoucr(uc, q, k) == k)
			return q;
	}
	return NULL;
}

/* The next expected token of raw run [s, e), or 0 if it is dropped. */
static int
expect(const struct words *w, const uint8_t *s, const uint8_t *e,
    uint8_t *out, size_t *outlen, size_t cap)
{
	const uint8_t *q;
	uint8_t *r;
	ucs4_t uc;
	size_t n, chars, i;
	int k;

	if (w->punct) {
		while (s < e && (k = u8_mbtoucr(&uc, s, e - s)) > 0 &&
		    punct(uc))
			s += k;
		while (e > s && (q = last_char(s, e, &uc)) != NULL &&
		    punct(uc))
			e = q;
		if (s == e)
			return 0;
	}
	n = e - s;
	chars = u8_check(s, n) == NULL ? u8_mbsnlen(s, n) : n;
	if (chars < w->minlen)
		return 0;
	if (w->lower && u8_check(s, n) == NULL) {
		r = u8_tolower(s, n, NULL, NULL, out, &cap);
		CHECK(r != NULL);
		if (r != out) {
			CHECK(0 && "lower-cased token over the scratch size");
		}
		*outlen = cap;
		return 1;
	}
	CHECK(n <= cap);
	for (i = 0; i < n; i++)
		out[i] = w->lower && s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 :
		    s[i];
	*outlen = n;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t want[4 * 4096];
	struct words w;
	const uint8_t *text, *end, *p, *t;
	const char *tok;
	size_t len, wantlen, n;

	if (size < 1 || size > 4097)
		return 0;
	memset(&w, 0, sizeof(w));
	w.lower = data[0] & 1;
	w.punct = (data[0] >> 1) & 1;
	w.minlen = (data[0] >> 2) & 7;
	text = data + 1;
	n = size - 1;
	end = text + n;
	words_start(&w, (const char *)text, n);
	for (p = text;;) {
		while (p < end && space(*p))
			p++;
		if (p == end)
			break;
		for (t = p; p < end && !space(*p); p++)
			;
		if (!expect(&w, t, p, want, &wantlen, sizeof(want)))
			continue;
		CHECK(words_next(&w, &tok, &len) == 1);
		CHECK(len > 0);
		CHECK(len == wantlen && memcmp(tok, want, len) == 0);
		if (!w.lower && !w.punct)
			CHECK((const uint8_t *)tok == t && len == (size_t)(p - t));
	}
	CHECK(words_next(&w, &tok, &len) == 0);
	words_free(&w);
	return 0;
}

/*
 * The incremental request decoder of mr-netd (lib/protosrv.h). Input:
 * bytes 0-1 the data limit (maxdata), byte 2 a count k of cuts (mod 17),
 * then k 2-byte cut positions, then the byte stream. The stream is
 * decoded as the daemon does it (decode, drop req.used bytes, skip a
 * SUBMIT's or PUT's data, stop at BAD), once with all of it at hand and
 * once with it arriving in pieces cut at those positions ("need more"
 * gets the next piece). Properties: both give the same sequence of
 * requests (opcode, used, id, ms, token, spec, name, datalen) and end
 * the same way (BAD with the same refusal, or waiting for more); a
 * request never uses more than it was given and its token lies in it;
 * and the decoder never reads past what it was given: each call gets an
 * exact-size heap copy, so ASan catches any overread.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "proto.h"
#include "protosrv.h"

#define MAXEV	512

struct ev {
	int		 kind;		/* PROTOSRV_OK, _BAD, _MORE (end) */
	int		 op;
	size_t		 used;
	uint32_t	 id, ms, datalen;
	size_t		 toff, tlen;	/* the token, as an offset */
	char		*spec, *name;
	char		 err[128];
};

static void
decode(const uint8_t *s, size_t total, const size_t *cuts, size_t ncuts,
    uint64_t maxdata, struct ev *ev, size_t *nev)
{
	struct protosrv_req r;
	size_t pos = 0, avail = ncuts > 0 ? cuts[0] : total, next = 1, n;
	unsigned char *copy;
	int rc;

	*nev = 0;
	for (;;) {
		n = avail - pos;
		copy = malloc(n ? n : 1);
		CHECK(copy != NULL);
		memcpy(copy, s + pos, n);
		rc = protosrv_decode(copy, n, maxdata, &r);
		if (rc == PROTOSRV_MORE) {
			free(copy);
			if (avail == total) {
				memset(&ev[*nev], 0, sizeof(ev[*nev]));
				ev[(*nev)++].kind = PROTOSRV_MORE;
				return;
			}
			avail = next < ncuts ? cuts[next++] : total;
			if (avail < pos)
				avail = pos;
			continue;
		}
		CHECK(*nev < MAXEV);
		memset(&ev[*nev], 0, sizeof(ev[*nev]));
		ev[*nev].kind = rc;
		ev[*nev].op = r.op;
		if (rc == PROTOSRV_BAD) {
			memcpy(ev[*nev].err, r.err, sizeof(r.err));
			CHECK(r.spec == NULL && r.name == NULL);
			(*nev)++;
			free(copy);
			return;
		}
		CHECK(rc == PROTOSRV_OK);
		CHECK(r.used > 0 && r.used <= n);
		if (r.token != NULL) {
			CHECK(r.token >= copy && r.tokenlen <= n &&
			    r.token + r.tokenlen <= copy + n);
			ev[*nev].toff = pos + (r.token - copy);
			ev[*nev].tlen = r.tokenlen;
		}
		ev[*nev].used = r.used;
		ev[*nev].id = r.id;
		ev[*nev].ms = r.ms;
		ev[*nev].datalen = r.datalen;
		ev[*nev].spec = r.spec;
		ev[*nev].name = r.name;
		(*nev)++;
		free(copy);
		pos += r.used;
		/* The request's data is streamed by the caller: skip it. */
		if (r.op == PROTO_OP_SUBMIT || r.op == PROTO_OP_PUT)
			pos += r.datalen < total - pos ? r.datalen : total - pos;
		while (avail < pos)
			avail = next < ncuts ? cuts[next++] : total;
		if (*nev == MAXEV - 1) {
			memset(&ev[*nev], 0, sizeof(ev[*nev]));
			ev[(*nev)++].kind = PROTOSRV_MORE;
			return;
		}
	}
}

static int
cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (x > y) - (x < y);
}

static int
same_str(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ev whole[MAXEV], piece[MAXEV];
	size_t cuts[16], ncuts, nw, np, i, total;
	const uint8_t *s;
	uint64_t maxdata;

	if (size < 3)
		return 0;
	maxdata = data[0] | data[1] << 8;
	ncuts = data[2] % 17;
	if (size < 3 + 2 * ncuts)
		return 0;
	s = data + 3 + 2 * ncuts;
	total = size - 3 - 2 * ncuts;
	for (i = 0; i < ncuts; i++)
		cuts[i] = (data[3 + 2 * i] | data[4 + 2 * i] << 8) %
		    (total + 1);
	qsort(cuts, ncuts, sizeof(*cuts), cmp_size);
	decode(s, total, NULL, 0, maxdata, whole, &nw);
	decode(s, total, cuts, ncuts, maxdata, piece, &np);
	CHECK(nw == np);
	for (i = 0; i < nw; i++) {
		CHECK(whole[i].kind == piece[i].kind);
		CHECK(whole[i].op == piece[i].op);
		CHECK(whole[i].used == piece[i].used);
		CHECK(whole[i].id == piece[i].id && whole[i].ms == piece[i].ms);
		CHECK(whole[i].datalen == piece[i].datalen);
		CHECK(whole[i].toff == piece[i].toff &&
		    whole[i].tlen == piece[i].tlen);
		CHECK(same_str(whole[i].spec, piece[i].spec));
		CHECK(same_str(whole[i].name, piece[i].name));
		CHECK(strcmp(whole[i].err, piece[i].err) == 0);
		free(whole[i].spec);
		free(whole[i].name);
		free(piece[i].spec);
		free(piece[i].name);
	}
	return 0;
}

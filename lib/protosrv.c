/* The incremental request decoder of mr-netd. */
#include <stdio.h>
#include <string.h>

#include "proto.h"
#include "protosrv.h"
#include "xmalloc.h"

/* A NUL-terminated copy of a field, or NULL if it holds a NUL byte. */
static char *
field(const unsigned char *p, size_t n)
{
	char *s;

	if (memchr(p, '\0', n) != NULL)
		return NULL;
	s = xmalloc(n + 1);
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

void
protosrv_size(char *buf, size_t n, unsigned long long v)
{
	static const char unit[] = "KMGT";
	int u = -1;

	while (u < 3 && v >= 1024 && v % 1024 == 0) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, n, "%llu", v);
	else
		snprintf(buf, n, "%llu%c", v, unit[u]);
}

int
protosrv_opcode(const void *buf, size_t n)
{
	const unsigned char *p = buf;

	if (n < 1)
		return -1;
	return p[0] < PROTO_NOPS ? p[0] : PROTO_NOPS;
}

int
protosrv_decode(const void *buf, size_t n, uint64_t maxdata,
    struct protosrv_req *r)
{
	const unsigned char *p = buf;
	char num[32];
	uint32_t a, b;

	memset(r, 0, sizeof(*r));
	if ((r->op = protosrv_opcode(p, n)) == -1)
		return PROTOSRV_MORE;
	switch (r->op) {
	case PROTO_NOPS:
		return PROTOSRV_BAD;
	case PROTO_OP_FETCH:
	case PROTO_OP_STATUS:
	case PROTO_OP_CANCEL:
	case PROTO_OP_WAIT:
	case PROTO_OP_PROGRESS:
		/* A job id, and for WAIT and PROGRESS the most ms to wait. */
		a = r->op == PROTO_OP_WAIT || r->op == PROTO_OP_PROGRESS ? 9 : 5;
		if (n < a)
			return PROTOSRV_MORE;
		r->id = proto_get32(p + 1);
		if (a == 9)
			r->ms = proto_get32(p + 5);
		r->used = a;
		return PROTOSRV_OK;
	case PROTO_OP_AUTH:
		if (n < 5)
			return PROTOSRV_MORE;
		if ((a = proto_get32(p + 1)) > PROTO_MAXTOKEN)
			return PROTOSRV_BAD;
		if (n < 5 + (size_t)a)
			return PROTOSRV_MORE;
		r->token = p + 5;
		r->tokenlen = a;
		r->used = 5 + a;
		return PROTOSRV_OK;
	}
	/* SUBMIT, PUT, SUBMIT-ON: two length-prefixed fields. */
	if (n < 5)
		return PROTOSRV_MORE;
	a = proto_get32(p + 1);
	if (a > (r->op == PROTO_OP_PUT ? PROTO_MAXNAME : PROTO_MAXSPEC)) {
		snprintf(r->err, sizeof(r->err), "%s of %u bytes is too long",
		    r->op == PROTO_OP_PUT ? "name" : "spec", a);
		return PROTOSRV_BAD;
	}
	if (n < 9 + (size_t)a)
		return PROTOSRV_MORE;
	b = proto_get32(p + 5 + a);
	if (r->op == PROTO_OP_SUBMIT_ON && b > PROTO_MAXNAME) {
		snprintf(r->err, sizeof(r->err),
		    "name of %u bytes is too long", b);
		return PROTOSRV_BAD;
	}
	if (r->op != PROTO_OP_SUBMIT_ON && b > maxdata) {
		protosrv_size(num, sizeof(num), maxdata);
		snprintf(r->err, sizeof(r->err), "data of %u bytes is over "
		    "the input limit of %s (--max-input)", b, num);
		return PROTOSRV_BAD;
	}
	if (memchr(p + 5, '\0', a) != NULL) {
		snprintf(r->err, sizeof(r->err), "a NUL byte is not accepted");
		return PROTOSRV_BAD;
	}
	if (r->op != PROTO_OP_SUBMIT_ON) {
		if (r->op == PROTO_OP_PUT)
			r->name = field(p + 5, a);
		else
			r->spec = field(p + 5, a);
		r->datalen = b;
		r->used = 9 + a;
		return PROTOSRV_OK;
	}
	if (n < 9 + (size_t)a + b)
		return PROTOSRV_MORE;
	r->spec = field(p + 5, a);
	r->name = field(p + 9 + a, b);
	r->used = 9 + a + b;
	return PROTOSRV_OK;
}

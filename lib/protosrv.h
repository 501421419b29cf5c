/*
 * The server side of the mr-netd protocol (see proto.h): an incremental
 * decoder of requests. It does no I/O and keeps no state: bytes in, a
 * decoded request, "need more" or "bad" out, so that a daemon can feed it
 * whatever has arrived on a non-blocking socket and a fuzzer can feed it
 * anything.
 *
 * 1. protosrv_opcode on the bytes received so far: the opcode of the
 *    next request, to check (say, authentication) before decoding it.
 * 2. protosrv_decode: PROTOSRV_MORE when the request is not complete yet
 *    (call again with more bytes); PROTOSRV_BAD when the connection is to
 *    be closed, after the refusal in req->err if it is not empty;
 *    PROTOSRV_OK with the request in *req.
 * 3. Drop req->used bytes from the input. For SUBMIT and PUT, the next
 *    req->datalen bytes are the request's data, which the caller streams.
 * 4. The caller owns req->spec and req->name: free them.
 */
#ifndef MR_PROTOSRV_H
#define MR_PROTOSRV_H

#include <stddef.h>
#include <stdint.h>

enum { PROTOSRV_MORE, PROTOSRV_OK, PROTOSRV_BAD };

struct protosrv_req {
	int		 op;		/* PROTO_OP_* */
	size_t		 used;		/* bytes of input the request took */
	uint32_t	 id;		/* FETCH, WAIT, STATUS, CANCEL, PROGRESS */
	uint32_t	 ms;		/* WAIT, PROGRESS */
	const unsigned char *token;	/* AUTH: points into the input */
	size_t		 tokenlen;
	char		*spec;		/* SUBMIT, SUBMIT-ON */
	char		*name;		/* PUT; SUBMIT-ON, NULL if it has NUL */
	uint32_t	 datalen;	/* SUBMIT, PUT: data length */
	char		 err[128];	/* PROTOSRV_BAD: the refusal, or "" */
};

/* The next request's opcode, -1 with no bytes, PROTO_NOPS if invalid. */
int	protosrv_opcode(const void *, size_t);
/* maxdata: the largest data of a SUBMIT or PUT accepted. */
int	protosrv_decode(const void *, size_t, uint64_t maxdata,
	    struct protosrv_req *);

/* A limit as the options take it: 64M, 1K, 1000. */
void	protosrv_size(char *, size_t, unsigned long long);

#endif

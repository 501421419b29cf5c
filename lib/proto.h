/*
 * The mr-netd wire protocol: opcodes, job states, little-endian u32
 * encoding, and blocking frame I/O for clients. The daemon's side of the
 * protocol, the incremental request decoder, is lib/protosrv.h; mr-netd(1)
 * documents every frame.
 */
#ifndef MR_PROTO_H
#define MR_PROTO_H

#include <stddef.h>
#include <stdint.h>

enum {
	PROTO_OP_SUBMIT, PROTO_OP_FETCH, PROTO_OP_WAIT, PROTO_OP_STATUS,
	PROTO_OP_CANCEL, PROTO_OP_PUT, PROTO_OP_SUBMIT_ON, PROTO_OP_AUTH,
	PROTO_OP_PROGRESS, PROTO_NOPS
};

enum {
	PROTO_ST_DONE, PROTO_ST_QUEUED, PROTO_ST_RUNNING, PROTO_ST_FAILED,
	PROTO_ST_UNKNOWN, PROTO_ST_CANCELLED
};

#define PROTO_PORT		1936
#define PROTO_MAXSPEC		(64 * 1024)
#define PROTO_MAXNAME		64
#define PROTO_MAXTOKEN		4096
/* The reply of PROGRESS: u8 state, u64 consumed, u64 total, u32 ms. */
#define PROTO_PROGRESS_LEN	21

extern const char *const proto_states[];

static inline void
proto_put32(unsigned char *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static inline uint32_t
proto_get32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void
proto_put64(unsigned char *p, uint64_t v)
{
	proto_put32(p, (uint32_t)v);
	proto_put32(p + 4, (uint32_t)(v >> 32));
}

static inline uint64_t
proto_get64(const unsigned char *p)
{
	return proto_get32(p) | (uint64_t)proto_get32(p + 4) << 32;
}

/* Blocking helpers for clients: 0 on success, -1 on error or EOF. */
int	proto_write32(int fd, uint32_t);
int	proto_read32(int fd, uint32_t *);

/* The reply of PROGRESS. */
struct proto_progress {
	int		 state;
	uint64_t	 consumed, total;
	uint32_t	 ms;
};

/* PROGRESS for job id, held up to ms: 0, or -1 if the connection ended. */
int	proto_progress(int fd, uint32_t id, uint32_t ms,
	    struct proto_progress *);

/*
 * A connected socket to the daemon: the Unix socket unixpath, or TCP to
 * host and port. -1 with a message in err, or -2 when unixpath is too
 * long for a socket address (a usage error).
 */
int	proto_connect(const char *host, const char *port, const char *unixpath,
	    char *err, size_t errlen);

/* The token: the first line of a file. Exits with a message on error. */
char	*proto_read_token(const char *path);

/* Constant-time equality of a token (time depends on alen only). */
int	proto_secret_equal(const void *, size_t, const void *, size_t);

/* A name of a data set: 1..64 bytes of [A-Za-z0-9._-], not starting with '.'. */
int	proto_valid_name(const char *, size_t);

#endif

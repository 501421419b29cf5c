/*
 * The record reader (lib/rdr.h) over a pipe or a temporary file holding
 * the input, with LF or NUL as delimiter and a buffer of any size from 1
 * byte up. Property: the lines handed out, each followed by its
 * terminator except a last line that had none, are the input byte for
 * byte; no line holds the delimiter; lineno counts them.
 *
 * Input: byte 0 bit 0 NUL (-z) or LF, bit 1 pipe or file; bytes 1-2 the
 * buffer size less one (little-endian, so 1..65536); the rest is the data.
 */
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "rdr.h"

#define PIPE_MAX	65536	/* a pipe's default capacity on Linux */

static void
write_all(int fd, const uint8_t *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		CHECK(w > 0);
		p += w;
		n -= w;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rdr r;
	char delim, *line;
	size_t bufsz, len, got = 0, n;
	unsigned long long lines = 0, want = 0;
	const uint8_t *in;
	int fd, p[2], usepipe;

	if (size < 3)
		return 0;
	delim = data[0] & 1 ? '\0' : '\n';
	usepipe = data[0] & 2;
	bufsz = 1 + (data[1] | (size_t)data[2] << 8);
	in = data + 3;
	n = size - 3;
	if (usepipe && n <= PIPE_MAX) {
		CHECK(pipe(p) == 0);
		write_all(p[1], in, n);
		close(p[1]);
		fd = p[0];
	} else {
		CHECK((fd = memfd_create("fuzz_rdr", MFD_CLOEXEC)) >= 0);
		write_all(fd, in, n);
		CHECK(lseek(fd, 0, SEEK_SET) == 0);
	}
	rdr_init_fd(&r, fd, "fuzz", delim, bufsz);
	while (rdr_next(&r, &line, &len)) {
		lines++;
		CHECK(r.lineno == lines);
		CHECK(len <= n - got);
		CHECK(memchr(line, delim, len) == NULL);
		CHECK(memcmp(line, in + got, len) == 0);
		got += len;
		/* The terminator, unless this was an unterminated last line. */
		if (got < n) {
			CHECK(in[got] == (uint8_t)delim);
			got++;
		}
	}
	CHECK(got == n);
	/* One line per terminator, and one for unterminated last bytes. */
	for (len = 0; len < n; len++)
		want += in[len] == (uint8_t)delim;
	want += n > 0 && in[n - 1] != (uint8_t)delim;
	CHECK(lines == want);
	rdr_free(&r);
	return 0;
}

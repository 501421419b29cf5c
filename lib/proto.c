/* Wire protocol helpers shared by mr-netd and mr-netc. */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fdio.h"
#include "proto.h"
#include "xmalloc.h"

const char *const proto_states[] = {
	"done", "queued", "running", "failed", "unknown", "cancelled"
};

int
proto_write32(int fd, uint32_t v)
{
	unsigned char b[4];

	proto_put32(b, v);
	return fdio_write_all(fd, b, 4);
}

int
proto_read32(int fd, uint32_t *v)
{
	unsigned char b[4];

	if (fdio_read_full(fd, b, 4) == -1)
		return -1;
	*v = proto_get32(b);
	return 0;
}

char *
proto_read_token(const char *path)
{
	char line[PROTO_MAXTOKEN + 2];
	FILE *f;

	if ((f = fopen(path, "re")) == NULL)
		err(1, "cannot open '%s'", path);
	if (fgets(line, sizeof(line), f) == NULL)
		errx(1, "'%s': no token in it", path);
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	if (line[0] == '\0')
		errx(1, "'%s': empty token", path);
	return xstrdup(line);
}

int
proto_valid_name(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > PROTO_MAXNAME || s[0] == '.')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    strchr("._-", s[i]) != NULL) || s[i] == '\0')
			return 0;
	return 1;
}

/* Compare without a data-dependent early exit, so timing tells nothing. */
int
proto_secret_equal(const void *a, size_t alen, const void *b, size_t blen)
{
	const unsigned char *x = a, *y = b;
	unsigned char d = alen != blen;
	size_t i;

	for (i = 0; i < alen; i++)
		d |= x[i] ^ y[i % (blen ? blen : 1)];
	return d == 0;
}

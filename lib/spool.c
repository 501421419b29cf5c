/* The spool layout of mr-netd: durable writes, next-id, recovery. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "fdio.h"
#include "proto.h"
#include "spool.h"
#include "xmalloc.h"

void
spool_path(const char *dir, char *buf, size_t n, uint32_t id,
    const char *ext)
{
	snprintf(buf, n, "%s/jobs/%u.%s", dir, id, ext);
}

void
spool_sync(const char *dir, const char *sub)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s%s%s", dir, *sub ? "/" : "", sub);
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		fsync(fd);
		close(fd);
	}
}

int
spool_write_durable(const char *path, const void *p, size_t n)
{
	char tmp[PATH_MAX];
	int fd, e;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1)
		return -1;
	if (fdio_write_all(fd, p, n) == -1 || fsync(fd) == -1) {
		e = errno;
		close(fd);
		unlink(tmp);
		errno = e;
		return -1;
	}
	close(fd);
	return rename(tmp, path);
}

int
spool_open(const char *dir, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
}

int
spool_save_nextid(const char *dir, uint32_t id)
{
	char path[PATH_MAX], num[16];

	snprintf(path, sizeof(path), "%s/next-id", dir);
	snprintf(num, sizeof(num), "%u\n", id);
	if (spool_write_durable(path, num, strlen(num)) == -1)
		return -1;
	spool_sync(dir, "");
	return 0;
}

int
spool_save_output(const char *dir, uint32_t id, int outfd)
{
	char path[PATH_MAX], tmp[PATH_MAX];

	spool_path(dir, tmp, sizeof(tmp), id, "out.tmp");
	spool_path(dir, path, sizeof(path), id, "out");
	if (fsync(outfd) == -1 || rename(tmp, path) == -1)
		return -1;
	return 0;
}

int
spool_save_result(const char *dir, uint32_t id, int state, const char *why)
{
	char path[PATH_MAX], *res;
	int n, r;

	if ((n = asprintf(&res, "%d\n%s", state, why ? why : "")) == -1)
		return -1;
	spool_path(dir, path, sizeof(path), id, "res");
	r = spool_write_durable(path, res, n);
	free(res);
	spool_sync(dir, "jobs");
	return r;
}

void
spool_delete_job(const char *dir, uint32_t id)
{
	static const char *const ext[] = { "spec", "in", "out", "out.tmp",
	    "res" };
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		spool_path(dir, path, sizeof(path), id, ext[i]);
		unlink(path);
	}
}

int
spool_create(const char *dir, char *path, size_t n)
{
	static const char *const sub[] = { "", "/jobs", "/data", "/tmp" };
	struct dirent *de;
	size_t i;
	DIR *d;

	for (i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		snprintf(path, n, "%s%s", dir, sub[i]);
		if (mkdir(path, 0700) == -1 && errno != EEXIST)
			return -1;
	}
	/* Half-received data of connections before a crash. */
	if ((d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL)
			if (de->d_name[0] != '.')
				unlinkat(dirfd(d), de->d_name, 0);
		closedir(d);
	}
	return 0;
}

/* The whole file as a NUL-terminated string, or NULL. */
static char *
slurp(const char *path)
{
	struct buf b = BUF_INIT;
	int fd, r;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	r = fdio_read_all(fd, &b);
	close(fd);
	if (r == -1) {
		buf_free(&b);
		return NULL;
	}
	buf_addc(&b, '\0');
	return b.p;
}

int
spool_recover(const char *dir, uint32_t *nextid,
    void (*found)(struct spool_job *, void *), void *arg)
{
	char path[PATH_MAX], *s, *nl, *dot;
	struct spool_job sj;
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/next-id", dir);
	if ((s = slurp(path)) != NULL) {
		*nextid = strtoul(s, NULL, 10);
		free(s);
	}
	if (*nextid == 0)
		*nextid = 1;
	snprintf(path, sizeof(path), "%s/jobs", dir);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if ((dot = strchr(de->d_name, '.')) == NULL ||
		    strcmp(dot, ".spec") != 0)
			continue;
		memset(&sj, 0, sizeof(sj));
		sj.id = strtoul(de->d_name, NULL, 10);
		if (sj.id >= *nextid)
			*nextid = sj.id + 1;
		spool_path(dir, path, sizeof(path), sj.id, "spec");
		if ((sj.spec = slurp(path)) == NULL)
			continue;
		spool_path(dir, path, sizeof(path), sj.id, "in");
		sj.in = open(path, O_RDONLY | O_CLOEXEC);
		spool_path(dir, path, sizeof(path), sj.id, "res");
		if ((s = slurp(path)) != NULL) {
			sj.finished = 1;
			sj.state = atoi(s);
			if ((nl = strchr(s, '\n')) != NULL && nl[1] != '\0')
				sj.why = xstrdup(nl + 1);
			free(s);
		}
		found(&sj, arg);
	}
	closedir(d);
	return 0;
}

int
spool_datasets(const char *dir, void (*found)(const char *, void *),
    void *arg)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/data", dir);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (proto_valid_name(de->d_name, strlen(de->d_name)))
			found(de->d_name, arg);
	closedir(d);
	return 0;
}

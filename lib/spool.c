/* The spool layout of mr-netd: durable writes, next-id, recovery. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
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
	if ((outfd != -1 && fsync(outfd) == -1) || rename(tmp, path) == -1)
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
	size_t i;

	for (i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		snprintf(path, n, "%s%s", dir, sub[i]);
		if (mkdir(path, 0700) == -1 && errno != EEXIST)
			return -1;
	}
	return 0;
}

/* Unlink every file of DIR/SUB but dot files; rmdir it too if rmsub. */
static void
empty_dir(const char *dir, const char *sub, int rmsub)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	if ((d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL)
			if (de->d_name[0] != '.')
				unlinkat(dirfd(d), de->d_name, 0);
		closedir(d);
	}
	if (rmsub)
		rmdir(path);
}

void
spool_clear_tmp(const char *dir)
{
	empty_dir(dir, "tmp", 0);
}

int
spool_lock(const char *dir, long *owner)
{
	char path[PATH_MAX], num[32];
	ssize_t r;
	int fd, e;

	*owner = 0;
	snprintf(path, sizeof(path), "%s/lock", dir);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		e = errno;
		if ((r = pread(fd, num, sizeof(num) - 1, 0)) > 0) {
			num[r] = '\0';
			*owner = strtol(num, NULL, 10);
		}
		close(fd);
		errno = e;
		return -1;
	}
	if (spool_lock_update(fd) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int
spool_lock_update(int fd)
{
	char num[32];
	int n;

	n = snprintf(num, sizeof(num), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 || pwrite(fd, num, n, 0) != n)
		return -1;
	return 0;
}

void
spool_remove(const char *dir)
{
	char path[PATH_MAX];

	empty_dir(dir, "jobs", 1);
	empty_dir(dir, "data", 1);
	empty_dir(dir, "tmp", 1);
	snprintf(path, sizeof(path), "%s/lock", dir);
	unlink(path);
	rmdir(dir);
}

/*
 * Directories TMPDIR/mr-netd.* of ours that no daemon holds: what a
 * daemon killed with SIGKILL left behind.
 */
static void
remove_stale(const char *tmpdir)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	long owner;
	DIR *d;
	int fd;

	if ((d = opendir(tmpdir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "mr-netd.", 8) != 0 ||
		    strlen(de->d_name) != 14)
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, de->d_name);
		if (lstat(path, &st) == -1 || !S_ISDIR(st.st_mode) ||
		    st.st_uid != geteuid())
			continue;
		snprintf(path, sizeof(path), "%s/%s/lock", tmpdir, de->d_name);
		if (lstat(path, &st) == -1 || !S_ISREG(st.st_mode))
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, de->d_name);
		if ((fd = spool_lock(path, &owner)) == -1)
			continue;
		spool_remove(path);
		close(fd);
	}
	closedir(d);
}

int
spool_private(const char *tmpdir, char *dir, size_t n, int *lockfd)
{
	char path[PATH_MAX];
	long owner;
	int e;

	remove_stale(tmpdir);
	if ((size_t)snprintf(dir, n, "%s/mr-netd.XXXXXX", tmpdir) >= n) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (mkdtemp(dir) == NULL)
		return -1;
	if (spool_create(dir, path, sizeof(path)) == -1 ||
	    (*lockfd = spool_lock(dir, &owner)) == -1) {
		e = errno;
		spool_remove(dir);
		errno = e;
		return -1;
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

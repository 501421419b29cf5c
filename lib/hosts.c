/* The hosts of mr-par: the -S list, the choice of a host, ssh lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "buf.h"
#include "hosts.h"
#include "shword.h"
#include "xmalloc.h"

void
hosts_init(struct hosts *hs, char **ssh, char **launcher)
{
	memset(hs, 0, sizeof(*hs));
	hs->ssh = ssh;
	hs->launcher = launcher;
}

static int
fail(char *err, size_t n, const char *what, const char *s, size_t len)
{
	snprintf(err, n, "%s '%.*s'", what, (int)len, s);
	return -1;
}

static void
add(struct hosts *hs, const char *name, size_t len, int slots)
{
	struct host *h;

	hs->h = xreallocarray(hs->h, hs->n + 1, sizeof(*hs->h));
	h = &hs->h[hs->n++];
	memset(h, 0, sizeof(*h));
	h->name = name != NULL ? strndup(name, len) : NULL;
	if (name != NULL && h->name == NULL)
		abort();
	h->slots = slots;
	hs->slots += slots;
}

static int
known(const struct hosts *hs, const char *name, size_t len)
{
	int i;

	for (i = 0; i < hs->n; i++)
		if (name == NULL ? hs->h[i].name == NULL :
		    hs->h[i].name != NULL && strlen(hs->h[i].name) == len &&
		    memcmp(hs->h[i].name, name, len) == 0)
			return 1;
	return 0;
}

int
hosts_add(struct hosts *hs, const char *list, int slots, char *err,
    size_t errlen)
{
	const char *s = list, *e, *slash, *name;
	size_t len, i;
	long k;
	char *end;

	for (;;) {
		e = s + strcspn(s, ",");
		len = e - s;
		slash = memchr(s, '/', len);
		k = slots;
		name = s;
		if (slash != NULL) {
			k = strtol(s, &end, 10);
			if (s[0] < '0' || s[0] > '9' || end != slash || k < 1 ||
			    k > 1024)
				return fail(err, errlen, "invalid slot count in",
				    s, len);
			name = slash + 1;
		}
		len = e - name;
		if (len == 0)
			return fail(err, errlen, "empty host in", list,
			    strlen(list));
		if (name[0] == '-')
			return fail(err, errlen, "invalid host", name, len);
		for (i = 0; i < len; i++)
			if (name[i] == ' ' || name[i] == '\t' || name[i] == '/')
				return fail(err, errlen, "invalid host", name,
				    len);
		if (len == 1 && name[0] == ':')
			name = NULL;
		if (known(hs, name, len))
			return fail(err, errlen, "host given twice:",
			    name ? name : ":", name ? len : 1);
		add(hs, name, len, k);
		if (*e == '\0')
			return 0;
		s = e + 1;
	}
}

void
hosts_add_local(struct hosts *hs, int slots)
{
	add(hs, NULL, 0, slots);
}

static int
up(const struct host *h, double now)
{
	return h->back <= now;
}

/*
 * The least loaded host with a free slot that is up. The host to avoid
 * (where a chunk last failed) is taken only when no other host is up.
 */
int
hosts_pick(struct hosts *hs, int avoid, double now)
{
	int i, best = -1, others = 0;
	struct host *h;

	for (i = 0; i < hs->n; i++) {
		h = &hs->h[i];
		if (!up(h, now))
			continue;
		if (i != avoid)
			others = 1;
		if (h->running >= h->slots || (i == avoid && hs->n > 1))
			continue;
		if (best == -1 || (double)h->running / h->slots <
		    (double)hs->h[best].running / hs->h[best].slots)
			best = i;
	}
	if (best == -1 && avoid >= 0 && !others && up(&hs->h[avoid], now) &&
	    hs->h[avoid].running < hs->h[avoid].slots)
		best = avoid;
	if (best != -1)
		hs->h[best].running++;
	return best;
}

static void
push(struct hosts *hs, size_t *n, char *word)
{
	if (*n + 2 > hs->argvcap) {
		hs->argvcap = hs->argvcap ? hs->argvcap * 2 : 16;
		hs->argv = xreallocarray(hs->argv, hs->argvcap,
		    sizeof(*hs->argv));
	}
	hs->argv[(*n)++] = word;
	hs->argv[*n] = NULL;
}

/*
 * On this machine: [LAUNCHER...] COMMAND ARG..., the environment given.
 * On a host: SSH... HOST 'NAME=VALUE'... [LAUNCHER...] COMMAND ARG...,
 * every word quoted for the remote shell, which runs it and exits with
 * its status, 255 made 254: 255 is ssh's own, for a failed connection.
 */
char **
hosts_argv(struct hosts *hs, int host, char *const argv[], char *const env[])
{
	static const char tail[] = "; s=$?; [ $s -ne 255 ] || s=254; exit $s";
	size_t n = 0, i, eq;

	if (hs->h[host].name == NULL) {
		for (i = 0; hs->launcher != NULL && hs->launcher[i]; i++)
			push(hs, &n, hs->launcher[i]);
		for (i = 0; argv[i] != NULL; i++)
			push(hs, &n, argv[i]);
		return hs->argv;
	}
	buf_clear(&hs->line);
	/* An assignment's name stays unquoted: NAME='VALUE'. */
	for (i = 0; env[i] != NULL; i++) {
		eq = strcspn(env[i], "=");
		buf_add(&hs->line, env[i], eq + 1);
		shword_quote(&hs->line, env[i] + eq + 1);
		buf_addc(&hs->line, ' ');
	}
	for (i = 0; hs->launcher != NULL && hs->launcher[i]; i++) {
		shword_quote(&hs->line, hs->launcher[i]);
		buf_addc(&hs->line, ' ');
	}
	for (i = 0; argv[i] != NULL; i++) {
		shword_quote(&hs->line, argv[i]);
		buf_addc(&hs->line, ' ');
	}
	buf_add(&hs->line, tail, sizeof(tail));
	for (i = 0; hs->ssh[i] != NULL; i++)
		push(hs, &n, hs->ssh[i]);
	push(hs, &n, hs->h[host].name);
	push(hs, &n, hs->line.p);
	return hs->argv;
}

void
hosts_ended(struct hosts *hs, int host, int status, double now)
{
	struct host *h = &hs->h[host];
	double t;

	h->running--;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		h->done++;
		h->strikes = 0;
		return;
	}
	h->failed++;
	if (h->name == NULL || !WIFEXITED(status) || WEXITSTATUS(status) != 255)
		return;
	t = HOSTS_ASIDE * (double)(1 << (h->strikes < 5 ? h->strikes : 5));
	h->back = now + (t < HOSTS_ASIDE_MAX ? t : HOSTS_ASIDE_MAX);
	h->strikes++;
}

double
hosts_wait(const struct hosts *hs, double now)
{
	double soon = -1;
	int i;

	for (i = 0; i < hs->n; i++) {
		if (up(&hs->h[i], now) && hs->h[i].running < hs->h[i].slots)
			return -1;
		if (!up(&hs->h[i], now) && (soon < 0 || hs->h[i].back - now <
		    soon))
			soon = hs->h[i].back - now;
	}
	return soon;
}

int
hosts_remote(const struct hosts *hs)
{
	int i;

	for (i = 0; i < hs->n; i++)
		if (hs->h[i].name != NULL)
			return 1;
	return 0;
}

const char *
hosts_name(const struct hosts *hs, int host)
{
	return hs->h[host].name != NULL ? hs->h[host].name : ":";
}

void
hosts_free(struct hosts *hs)
{
	int i;

	for (i = 0; i < hs->n; i++)
		free(hs->h[i].name);
	free(hs->h);
	free(hs->argv);
	buf_free(&hs->line);
	memset(hs, 0, sizeof(*hs));
}

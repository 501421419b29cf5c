/*
 * Job spec parsing and validation. The option tables below list what each
 * program may be given from the network: everything that reads or writes
 * a file of the server's choosing is left out, so it is refused.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jobspec.h"
#include "xmalloc.h"

#define MAXWORDS	256

struct prog {
	const char	*name;
	const char	*shortopts;	/* getopt style, ':' after an arg */
	const char	*longopts;	/* " name name= " ('=': takes an arg) */
	int		 operands;	/* -1: any, else the most allowed */
};

static const struct prog progs[] = {
	{ "mr-split", "b:Fn:z", " bytes= filename lines= null ", 0 },
	{ "mr-map", "d:f:iK:k:lm:pRvWz", " const-key= delimiter= fields= "
	    "ignore-case invert key= lower min-length= null punct raw "
	    "whitespace ", 2 },
	{ "mr-shuffle", "S:z", " buffer-size= null ", 0 },
	{ "mr-reduce", "Hz", " format= hash narm null skip-bad ", -1 },
	{ "mr-par", "b:j:kz", " block= jobs= keep-going keep-order null "
	    "progress retries= ", -1 },
};

static int
fail(char *err, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, n, fmt, ap);
	va_end(ap);
	return -1;
}

static const struct prog *
find_prog(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++)
		if (strcmp(name, progs[i].name) == 0)
			return &progs[i];
	return NULL;
}

/*
 * Check one stage's words. For mr-par, *cmd is set to the index of its
 * COMMAND, which is checked as a stage of its own.
 */
static int
check_stage(char **argv, int nested, int *cmd, char *err, size_t n)
{
	const struct prog *p = find_prog(argv[0]);
	const char *o, *mapper = NULL;
	char key[64];
	int i, j, operands = 0, opts = 1, sub;
	size_t len;

	if (nested && (p == NULL || strcmp(p->name, "mr-par") == 0))
		return fail(err, n, "mr-par may only run mr-split, mr-map, "
		    "mr-shuffle or mr-reduce");
	if (p == NULL)
		return fail(err, n, "program '%s' is not allowed", argv[0]);
	for (i = 1; argv[i] != NULL; i++) {
		char *a = argv[i];
		if (strcmp(a, "--") == 0)
			return fail(err, n, "'--' is not allowed in a job spec");
		if (opts && a[0] == '-' && a[1] == '-') {
			len = strcspn(a + 2, "=");
			if (len + 4 > sizeof(key))
				len = sizeof(key) - 4;
			/* A blank would let a name match across two entries. */
			if (memchr(a + 2, ' ', len) != NULL)
				return fail(err, n, "'--%.*s' is not allowed "
				    "in a job spec", (int)len, a + 2);
			snprintf(key, sizeof(key), " %.*s ", (int)len, a + 2);
			if (strstr(p->longopts, key) != NULL && a[2 + len] == '\0')
				continue;
			snprintf(key, sizeof(key), " %.*s= ", (int)len, a + 2);
			if (strstr(p->longopts, key) == NULL)
				return fail(err, n, "'--%.*s' is not allowed "
				    "in a job spec", (int)len, a + 2);
			if (a[2 + len] == '\0' && argv[++i] == NULL)
				return fail(err, n, "'%s' needs an argument", a);
			continue;
		}
		if (opts && a[0] == '-' && a[1] != '\0') {
			for (j = 1; a[j] != '\0'; j++) {
				if (a[j] == ':' ||
				    (o = strchr(p->shortopts, a[j])) == NULL)
					return fail(err, n, "'-%c' is not "
					    "allowed in a job spec", a[j]);
				if (o[1] != ':')
					continue;
				if (a[j + 1] == '\0' && argv[++i] == NULL)
					return fail(err, n, "'-%c' needs an "
					    "argument", a[j]);
				break;
			}
			continue;
		}
		/* An operand. */
		if (strcmp(p->name, "mr-par") == 0) {
			*cmd = i;
			return check_stage(argv + i, 1, &sub, err, n);
		}
		if (strcmp(p->name, "mr-reduce") == 0) {
			/* Operations only; getopt stops at the first. */
			opts = 0;
			continue;
		}
		operands++;
		if (strcmp(p->name, "mr-map") == 0) {
			if (operands == 1) {
				mapper = a;
				continue;
			}
			if (operands == 2 && strcmp(mapper, "grep") == 0)
				continue;
		}
		return fail(err, n, "file operands are not allowed in a job "
		    "spec");
	}
	if (strcmp(p->name, "mr-par") == 0)
		return fail(err, n, "mr-par needs a command");
	return 0;
}

/* Split the spec into words; '|' ends a stage. */
static int
lex(const char *s, size_t len, struct jobspec *js, char *err, size_t n)
{
	struct buf w = BUF_INIT;
	char *words[MAXWORDS + 1];
	const char *end = s + len;
	int nw = 0, inword = 0, q, k;

	js->nstages = 0;
	for (;;) {
		int c = s < end ? (unsigned char)*s : -1;
		if (c == -1 || c == ' ' || c == '\t' || c == '\n' || c == '|') {
			if (inword) {
				if (nw == MAXWORDS)
					goto toolong;
				buf_addc(&w, '\0');
				words[nw++] = xmemdup(w.p, w.len);
				buf_clear(&w);
				inword = 0;
			}
			if (c == -1 || c == '|') {
				if (nw == 0) {
					buf_free(&w);
					return fail(err, n, "empty stage in job "
					    "spec");
				}
				if (js->nstages == JOBSPEC_MAXSTAGES)
					goto toolong;
				words[nw] = NULL;
				js->argv[js->nstages] = xreallocarray(NULL,
				    nw + 1, sizeof(char *));
				memcpy(js->argv[js->nstages++], words,
				    (nw + 1) * sizeof(char *));
				nw = 0;
			}
			if (c == -1)
				break;
			s++;
			continue;
		}
		inword = 1;
		if (c == '\'' || c == '"') {
			for (q = c, s++; s < end && *s != q; s++) {
				if (*s == '\0')
					goto reject;
				if (q == '"' && (*s == '$' || *s == '`'))
					goto reject;
				if (q == '"' && *s == '\\' && s + 1 < end &&
				    (s[1] == '"' || s[1] == '\\'))
					s++;
				buf_addc(&w, *s);
			}
			if (s == end) {
				buf_free(&w);
				for (k = 0; k < nw; k++)
					free(words[k]);
				return fail(err, n, "unterminated quote in job "
				    "spec");
			}
			s++;
			continue;
		}
		if (c == 0 || strchr("<>;&$`()\\*?[]{}~#!", c) != NULL)
			goto reject;
		buf_addc(&w, c);
		s++;
	}
	buf_free(&w);
	return 0;
reject:
	buf_free(&w);
	for (k = 0; k < nw; k++)
		free(words[k]);
	if (*s == 0)
		return fail(err, n, "a NUL byte is not accepted in a job spec");
	return fail(err, n, "'%c' is not accepted in a job spec", *s);
toolong:
	buf_free(&w);
	for (k = 0; k < nw; k++)
		free(words[k]);
	return fail(err, n, "job spec too long");
}

int
jobspec_parse(const char *s, size_t len, struct jobspec *js, char *err,
    size_t n)
{
	int i;

	memset(js, 0, sizeof(*js));
	if (lex(s, len, js, err, n) == -1) {
		jobspec_free(js);
		return -1;
	}
	for (i = 0; i < js->nstages; i++)
		if (check_stage(js->argv[i], 0, &js->cmd[i], err, n) == -1) {
			jobspec_free(js);
			return -1;
		}
	return 0;
}

static void
resolve(char **word, const char *dir)
{
	char *path;

	if (asprintf(&path, "%s/%s", dir, *word) == -1)
		abort();
	free(*word);
	*word = path;
}

void
jobspec_resolve(struct jobspec *js, const char *dir)
{
	int i;

	for (i = 0; i < js->nstages; i++) {
		resolve(&js->argv[i][0], dir);
		if (js->cmd[i] > 0)
			resolve(&js->argv[i][js->cmd[i]], dir);
	}
}

void
jobspec_free(struct jobspec *js)
{
	int i, j;

	for (i = 0; i < js->nstages; i++) {
		for (j = 0; js->argv[i][j] != NULL; j++)
			free(js->argv[i][j]);
		free(js->argv[i]);
	}
	js->nstages = 0;
}

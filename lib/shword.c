/* Splitting and quoting shell words. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "shword.h"
#include "xmalloc.h"

static void
add_word(char ***argv, size_t *n, struct buf *w)
{
	*argv = xreallocarray(*argv, *n + 2, sizeof(**argv));
	buf_addc(w, '\0');
	(*argv)[(*n)++] = xmemdup(w->p, w->len);
	(*argv)[*n] = NULL;
	buf_clear(w);
}

char **
shword_split(const char *s, char *err, size_t errlen)
{
	struct buf w = BUF_INIT;
	char **argv = NULL, q = 0;
	int inword = 0;
	size_t n = 0;

	for (; *s != '\0'; s++) {
		if (q == '\'') {
			if (*s == '\'')
				q = 0;
			else
				buf_addc(&w, *s);
		} else if (q == '"') {
			if (*s == '"')
				q = 0;
			else if (*s == '\\' && s[1] != '\0' &&
			    strchr("\"\\$`", s[1]) != NULL)
				buf_addc(&w, *++s);
			else
				buf_addc(&w, *s);
		} else if (*s == ' ' || *s == '\t' || *s == '\n') {
			if (inword)
				add_word(&argv, &n, &w);
			inword = 0;
		} else {
			inword = 1;
			if (*s == '\'' || *s == '"')
				q = *s;
			else if (*s == '\\' && s[1] != '\0')
				buf_addc(&w, *++s);
			else
				buf_addc(&w, *s);
		}
	}
	if (q != 0 || (!inword && n == 0)) {
		if (q != 0)
			snprintf(err, errlen, "unterminated %c quote", q);
		else
			snprintf(err, errlen, "no word in it");
		buf_free(&w);
		shword_free(argv);
		return NULL;
	}
	if (inword)
		add_word(&argv, &n, &w);
	buf_free(&w);
	return argv;
}

void
shword_free(char **argv)
{
	size_t i;

	if (argv == NULL)
		return;
	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

/* In single quotes, where only a quote needs care: ' becomes '\''. */
void
shword_quote(struct buf *b, const char *s)
{
	buf_addc(b, '\'');
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			buf_add(b, "'\\''", 4);
		else
			buf_addc(b, *s);
	}
	buf_addc(b, '\'');
}

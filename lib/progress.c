/* The progress lines of mr-par and mr-netc. */
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "progress.h"

void
progress_init(struct progress *p)
{
	p->tty = isatty(2);
}

int
progress_every(const struct progress *p)
{
	return p->tty ? PROGRESS_TTY_MS : PROGRESS_LOG_MS;
}

void
progress_line(const struct progress *p, int final, const char *fmt, ...)
{
	va_list ap;

	if (p->tty)
		fputc('\r', stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(p->tty ? (final ? "\033[K\n" : "\033[K") : "\n", stderr);
}

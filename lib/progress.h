/*
 * A progress line on standard error, as mr-par and mr-netc draw it:
 * redrawn in place (CR, then the line, then ESC[K) every PROGRESS_TTY_MS
 * on a terminal, a new line every PROGRESS_LOG_MS otherwise, and always a
 * last line, ended with a line feed.
 *
 * progress_init once (it looks at stderr); progress_every gives the
 * interval in ms; progress_line draws one line, final or not.
 */
#ifndef MR_PROGRESS_H
#define MR_PROGRESS_H

#define PROGRESS_TTY_MS	200
#define PROGRESS_LOG_MS	5000

struct progress {
	int	tty;
};

void	progress_init(struct progress *);
int	progress_every(const struct progress *);
void	progress_line(const struct progress *, int final, const char *fmt,
	    ...) __attribute__((format(printf, 3, 4)));

#endif

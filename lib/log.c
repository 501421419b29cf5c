/* Log lines to stderr or syslog. */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include "log.h"

static const char	*log_prog = "mr";
static int		 log_syslog;

void
log_init(const char *prog, int use_syslog)
{
	log_prog = prog;
	log_syslog = use_syslog;
	if (use_syslog)
		openlog(prog, LOG_PID, LOG_DAEMON);
}

void
log_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (log_syslog)
		vsyslog(LOG_INFO, fmt, ap);
	else {
		fprintf(stderr, "%s: ", log_prog);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}

/*
 * Log lines of a daemon: one line per event, to stderr as "PROG: text" or
 * to syslog at LOG_INFO. There is no per-line error: a log line that
 * cannot be written is lost.
 *
 * 1. log_init once, with the program name and whether to use syslog.
 * 2. log_msg for each event, a printf format without a final newline.
 */
#ifndef MR_LOG_H
#define MR_LOG_H

void	log_init(const char *prog, int use_syslog);
void	log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif

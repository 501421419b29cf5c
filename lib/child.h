/*
 * Child processes with pipes on stdin and stdout, each in its own process
 * group so that it can be killed with everything it started.
 *
 * Life cycle: child_start (spawns argv with PATH lookup and the extra
 * environment strings; returns 0, or an errno when it could not be run); the caller feeds c->in and
 * drains c->out (both non-blocking) and closes them with child_close_in /
 * child_close_out; child_reaped records the status that waitpid returned;
 * child_kill signals the whole group.
 * Call child_setup once first: it blocks SIGCHLD, SIGINT, SIGTERM and
 * SIGHUP (returned by signalfd to the caller) and ignores SIGPIPE; children
 * get the original mask and dispositions back.
 */
#ifndef MR_CHILD_H
#define MR_CHILD_H

#include <sys/types.h>

struct child {
	pid_t	pid;
	int	in;		/* our end of its stdin, -1 once closed */
	int	out;		/* our end of its stdout, -1 once closed */
	int	reaped;
	int	status;		/* from waitpid, once reaped */
};

int	child_setup(void);	/* returns the signalfd */
int	child_start(struct child *, char *const argv[], char *const env[]);
void	child_close_in(struct child *);
void	child_close_out(struct child *);
void	child_kill(struct child *, int sig);
/* The 128+N style status of a finished child: exit code or 128+signal. */
int	child_exitcode(int status);

#endif

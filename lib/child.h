/*
 * Child processes for mr-par: spawned with the given descriptors as stdin
 * and stdout, in a process group of their own so that one can be killed
 * with everything it started.
 *
 * Call child_setup once first: it blocks SIGCHLD, SIGINT, SIGTERM and
 * SIGHUP, returns a signalfd that reports them, and ignores SIGPIPE;
 * children get the original mask and dispositions back. Then child_start
 * (0, or an errno when the program could not be run), wait for SIGCHLD and
 * record waitpid's status in c->status with c->reaped set, child_kill to
 * signal the whole group, child_exitcode to report a status.
 */
#ifndef MR_CHILD_H
#define MR_CHILD_H

#include <sys/types.h>

struct child {
	pid_t	pid;
	int	reaped;
	int	status;		/* from waitpid, once reaped */
};

int	child_setup(void);
int	child_start(struct child *, char *const argv[], char *const env[],
	    int in, int out);
void	child_kill(struct child *, int sig);
/* A finished child's status as a shell shows it: exit code or 128+signal. */
int	child_exitcode(int status);

#endif

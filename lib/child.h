/*
 * Child processes: the one place where mr starts a program. A child gets
 * the descriptors it is given as stdin, stdout and stderr and no other,
 * the signal mask and dispositions the program had before child_setup,
 * and a process group: one of its own, or one it joins (the stages of a
 * pipeline share their first stage's), so that killing the group reaches
 * whatever it started. A child is killed (SIGKILL) when the program that
 * started it dies, however it dies.
 *
 * 1. child_setup once, before any child: it blocks SIGCHLD, SIGINT,
 *    SIGTERM and SIGHUP, returns a signalfd that reports them, ignores
 *    SIGPIPE, and opens /dev/null on any of descriptors 0-2 that is closed.
 * 2. Fill a struct child_cmd and child_start a struct child: 0, or the
 *    errno of a program that could not be run (then nothing runs).
 * 3. When the signalfd reports SIGCHLD, child_reap: every child that has
 *    ended gets its wait status and is handed to the callback, which may
 *    free it (with no callback, c->running says it has ended).
 * 4. To stop a child: child_terminate sends SIGTERM and SIGCONT to its
 *    group and, once the grace has passed, child_tick (called from the
 *    caller's loop) sends SIGKILL. child_kill_all, before the program
 *    exits, kills and reaps every child still running.
 * 5. child_describe and child_exitcode say how a child ended.
 */
#ifndef MR_CHILD_H
#define MR_CHILD_H

#include <stddef.h>
#include <sys/types.h>

struct child {
	pid_t		 pid;
	pid_t		 pgid;		/* its process group */
	int		 running;	/* started and not reaped yet */
	int		 status;	/* wait status, once reaped */
	double		 killat;	/* SIGKILL at this clock_mono, or 0 */
	void		*data;		/* the caller's */
	struct child	*next;		/* among the running, for child_reap */
};

struct child_cmd {
	char *const	*argv;		/* argv[0] is looked up in $PATH */
	char *const	*env;		/* the whole environment; NULL: ours */
	int		 fd[3];		/* stdin, stdout, stderr; -1: ours */
	pid_t		 pgid;		/* the group to join; 0: a new one */
};

int	 child_setup(void);
int	 child_start(struct child *, const struct child_cmd *);
void	 child_reap(void (*done)(struct child *, void *), void *arg);
/* SIGTERM and SIGCONT to the child's group now, SIGKILL after grace s. */
void	 child_terminate(struct child *, double grace);
void	 child_tick(void);
void	 child_kill_all(void);
/* Our environment with each NAME=VALUE of extra replacing NAME: free it. */
char	**child_env(char *const extra[]);
/* "exited with status N" or "killed by signal N". */
const char *child_describe(int status, char *buf, size_t n);
/* As a shell reports it: the exit code, or 128 + the signal. */
int	 child_exitcode(int status);

#endif

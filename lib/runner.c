/* The process-group leader of an mr-netd job. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner.h"

static void
fail(const char *what)
{
	dprintf(2, "mr-netd: %s: %s\n", what, strerror(errno));
	_exit(125);
}

/*
 * The root cause of a failed pipeline is the first stage that failed by
 * itself: a stage killed by SIGPIPE only lost its reader.
 */
static void
leader(struct jobspec *js, char *const env[])
{
	struct runner_report rep = { -1, 0 };
	pid_t pids[JOBSPEC_MAXSTAGES];
	int i, prev = 0, p[2], st, pipefail = -1;

	/*
	 * SIGTERM is for the stages, which get it with the whole group: an
	 * mr-par stage then kills its instances. The leader waits for them.
	 */
	signal(SIGTERM, SIG_IGN);
	for (i = 0; i < js->nstages; i++) {
		int last = i == js->nstages - 1;
		if (!last && pipe(p) == -1)
			fail("pipe");
		if ((pids[i] = fork()) == -1)
			fail("fork");
		if (pids[i] == 0) {
			if (prev != 0) {
				dup2(prev, 0);
				close(prev);
			}
			if (!last) {
				dup2(p[1], 1);
				close(p[0]);
				close(p[1]);
			}
			closefrom(4);
			signal(SIGTERM, SIG_DFL);
			execve(js->argv[i][0], js->argv[i], env);
			dprintf(2, "mr-netd: cannot run '%s': %s\n",
			    js->argv[i][0], strerror(errno));
			_exit(errno == ENOENT ? 127 : 126);
		}
		if (prev != 0)
			close(prev);
		if (!last) {
			close(p[1]);
			prev = p[0];
		}
	}
	for (i = 0; i < js->nstages; i++) {
		while (waitpid(pids[i], &st, 0) == -1)
			if (errno != EINTR)
				fail("waitpid");
		if (st == 0)
			continue;
		if (WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE) {
			if (pipefail == -1)
				pipefail = i;
			continue;
		}
		if (rep.stage == -1) {
			rep.stage = i;
			rep.status = st;
		}
	}
	if (rep.stage == -1 && pipefail != -1) {
		rep.stage = pipefail;
		rep.status = SIGPIPE;
	}
	(void)!write(3, &rep, sizeof(rep));
	_exit(0);
}

pid_t
runner_start(struct jobspec *js, int in, int out, int errfd,
    char *const env[], int *reportfd)
{
	sigset_t none;
	int rp[2];
	pid_t pid;

	if (pipe2(rp, O_CLOEXEC) == -1)
		return -1;
	if ((pid = fork()) == -1) {
		close(rp[0]);
		close(rp[1]);
		return -1;
	}
	if (pid == 0) {
		setpgid(0, 0);
		signal(SIGPIPE, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (dup2(in, 0) == -1 || dup2(out, 1) == -1 ||
		    dup2(errfd, 2) == -1 || dup2(rp[1], 3) == -1)
			_exit(125);
		closefrom(4);
		leader(js, env);
	}
	setpgid(pid, pid);
	close(rp[1]);
	*reportfd = rp[0];
	return pid;
}

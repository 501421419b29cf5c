/*
 * Starting, reaping and killing children. The running children are kept
 * in a list so that one waitpid loop can hand each ended one to its
 * owner.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "clock.h"
#include "xmalloc.h"

static sigset_t		 origmask;
static struct child	*running;

int
child_setup(void)
{
	sigset_t set;
	int fd;

	for (fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) == -1 && open("/dev/null", O_RDWR) != fd)
			err(1, "cannot open '/dev/null'");
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, &origmask) == -1)
		err(1, "sigprocmask");
	if ((fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) == -1)
		err(1, "signalfd");
	signal(SIGPIPE, SIG_IGN);
	return fd;
}

char **
child_env(char *const extra[])
{
	extern char **environ;
	char **env, **e;
	size_t n = 0, i, k = 0;

	for (e = environ; *e != NULL; e++)
		n++;
	for (i = 0; extra[i] != NULL; i++)
		n++;
	env = xreallocarray(NULL, n + 1, sizeof(*env));
	for (e = environ; *e != NULL; e++) {
		for (i = 0; extra[i] != NULL; i++)
			if (strncmp(*e, extra[i], strcspn(extra[i], "=") + 1) == 0)
				break;
		if (extra[i] == NULL)
			env[k++] = *e;
	}
	for (i = 0; extra[i] != NULL; i++)
		env[k++] = extra[i];
	env[k] = NULL;
	return env;
}

/*
 * The child's side of vfork, on the parent's stack and memory until it
 * execs: system calls only. It dies with its parent (PR_SET_PDEATHSIG),
 * so that no instance runs on when mr-par is killed, even by SIGKILL.
 */
static void __attribute__((noreturn))
exec_child(const struct child_cmd *cmd, pid_t parent, volatile int *err)
{
	extern char **environ;
	int i;

	if (setpgid(0, cmd->pgid) == -1 ||
	    prctl(PR_SET_PDEATHSIG, SIGKILL) == -1)
		goto fail;
	if (getppid() != parent)
		_exit(127);	/* the parent died before the line above */
	signal(SIGPIPE, SIG_DFL);
	for (i = 0; i < 3; i++)
		if (cmd->fd[i] != -1 && (cmd->fd[i] == i ?
		    fcntl(i, F_SETFD, 0) : dup2(cmd->fd[i], i)) == -1)
			goto fail;
	if (close_range(3, ~0U, 0) == -1)
		goto fail;
	sigprocmask(SIG_SETMASK, &origmask, NULL);
	execvpe(cmd->argv[0], cmd->argv, cmd->env != NULL ? cmd->env : environ);
fail:
	*err = errno;
	_exit(127);
}

/*
 * vfork rather than fork: the parent's pages are neither copied nor made
 * copy-on-write, which costs a large parent dearly, and the child can
 * report a failed exec through the memory it shares until then. Every
 * signal is blocked meanwhile, so that no handler runs in the child.
 */
int
child_start(struct child *c, const struct child_cmd *cmd)
{
	volatile int err = 0;
	sigset_t all, old;
	pid_t pid, self = getpid();

	c->pid = c->pgid = 0;
	c->running = c->status = 0;
	c->killat = 0;
	c->next = NULL;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	if ((pid = vfork()) == 0)
		exec_child(cmd, self, &err);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid == -1)
		return errno;
	if (err != 0) {
		while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
			;
		return err;
	}
	c->pid = pid;
	c->pgid = cmd->pgid != 0 ? cmd->pgid : pid;
	c->running = 1;
	c->next = running;
	running = c;
	return 0;
}

void
child_reap(void (*done)(struct child *, void *), void *arg)
{
	struct child **pp, *c;
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (pp = &running; (c = *pp) != NULL; pp = &c->next)
			if (c->pid == pid)
				break;
		if (c == NULL)
			continue;
		*pp = c->next;
		c->next = NULL;
		c->running = 0;
		c->status = st;
		if (done != NULL)
			done(c, arg);
	}
}

/*
 * The group is signalled only while the child is unreaped: until then
 * its pid, and so the group id, cannot be taken by another process.
 */
void
child_terminate(struct child *c, double grace)
{
	if (!c->running)
		return;
	kill(-c->pgid, SIGTERM);
	kill(-c->pgid, SIGCONT);
	if (c->killat == 0)
		c->killat = clock_mono() + grace;
}

void
child_tick(void)
{
	double t = clock_mono();
	struct child *c;

	for (c = running; c != NULL; c = c->next)
		if (c->killat != 0 && t >= c->killat)
			kill(-c->pgid, SIGKILL);
}

void
child_kill_all(void)
{
	struct child *c;

	for (c = running; c != NULL; c = c->next) {
		kill(-c->pgid, SIGTERM);
		kill(-c->pgid, SIGCONT);
		kill(-c->pgid, SIGKILL);
	}
	while ((c = running) != NULL) {
		while (waitpid(c->pid, &c->status, 0) == -1 && errno == EINTR)
			;
		running = c->next;
		c->next = NULL;
		c->running = 0;
	}
}

const char *
child_describe(int status, char *buf, size_t n)
{
	if (WIFSIGNALED(status))
		snprintf(buf, n, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, n, "exited with status %d", WEXITSTATUS(status));
	return buf;
}

int
child_exitcode(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/*
 * Starting, reaping and killing children. posix_spawn rather than fork:
 * glibc starts the child with CLONE_VFORK, so the parent's pages are
 * neither copied nor made copy-on-write, and a failed exec comes back as
 * the return value. The running children are kept in a list so that one
 * waitpid loop can hand each ended one to its owner.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int
child_start(struct child *c, const struct child_cmd *cmd)
{
	extern char **environ;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t def;
	int e, i;

	c->pid = c->pgid = 0;
	c->running = c->status = 0;
	c->killat = 0;
	c->next = NULL;
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	if ((e = posix_spawn_file_actions_init(&fa)) != 0)
		return e;
	if ((e = posix_spawnattr_init(&attr)) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return e;
	}
	for (i = 0; i < 3 && e == 0; i++)
		if (cmd->fd[i] != -1)
			e = posix_spawn_file_actions_adddup2(&fa, cmd->fd[i], i);
	if (e == 0)
		e = posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	if (e == 0)
		e = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
		    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	if (e == 0)
		e = posix_spawnattr_setpgroup(&attr, cmd->pgid);
	if (e == 0)
		e = posix_spawnattr_setsigmask(&attr, &origmask);
	if (e == 0)
		e = posix_spawnattr_setsigdefault(&attr, &def);
	if (e == 0)
		e = posix_spawnp(&c->pid, cmd->argv[0], &fa, &attr,
		    cmd->argv, cmd->env != NULL ? cmd->env : environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (e != 0) {
		c->pid = 0;
		return e;
	}
	c->pgid = cmd->pgid != 0 ? cmd->pgid : c->pid;
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

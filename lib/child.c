/*
 * Starting children safely: the original signal mask and SIGPIPE's default
 * action restored in the child, every other descriptor closed, its own
 * process group, and exec failure reported to the caller so that it can
 * tell "not found" from an exit status of 127.
 */
#include <err.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "xmalloc.h"

static sigset_t origmask;

int
child_setup(void)
{
	sigset_t set;
	int fd;

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

/* environ with the extra "NAME=VALUE" strings replacing any of that name. */
static char **
make_env(char *const extra[])
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
 * posix_spawn rather than fork: glibc starts the child with CLONE_VFORK,
 * so the parent's pages are neither copied nor made copy-on-write, and a
 * failed exec comes back as the return value.
 */
int
child_start(struct child *c, char *const argv[], char *const extra[],
    int in, int out)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t def;
	char **env;
	int e;

	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	if (posix_spawn_file_actions_init(&fa) != 0 ||
	    posix_spawn_file_actions_adddup2(&fa, in, 0) != 0 ||
	    posix_spawn_file_actions_adddup2(&fa, out, 1) != 0 ||
	    posix_spawn_file_actions_addclosefrom_np(&fa, 3) != 0 ||
	    posix_spawnattr_init(&attr) != 0 ||
	    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) != 0 ||
	    posix_spawnattr_setpgroup(&attr, 0) != 0 ||
	    posix_spawnattr_setsigmask(&attr, &origmask) != 0 ||
	    posix_spawnattr_setsigdefault(&attr, &def) != 0)
		errx(1, "cannot set up posix_spawn");
	env = make_env(extra);
	e = posix_spawnp(&c->pid, argv[0], &fa, &attr, argv, env);
	free(env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	c->reaped = e != 0;
	c->status = 0;
	if (e != 0)
		c->pid = 0;
	return e;
}

void
child_kill(struct child *c, int sig)
{
	if (c->pid > 0) {
		kill(-c->pid, sig);
		if (!c->reaped)
			kill(c->pid, sig);
	}
}

int
child_exitcode(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

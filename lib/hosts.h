/*
 * Where mr-par's instances run: this machine, and with -S, hosts reached
 * over ssh, each with a number of slots. The module parses the host list,
 * picks a host for each attempt (a free slot, the least loaded first, and
 * not the host a chunk last failed on while another host is up), puts
 * aside for a while a host whose ssh could not connect, and builds the
 * command line of an instance on a host.
 *
 * 1. hosts_init with the --ssh and --launcher words (either may be NULL),
 *    then hosts_add for each -S list, or hosts_add_local alone.
 * 2. For each attempt: hosts_pick (a host index, or -1 to wait), then
 *    hosts_argv for the instance's argv, which stays valid until the next
 *    call, then hosts_ended once the instance has ended.
 * 3. hosts_wait says how long until a host put aside is back;
 *    hosts_free releases everything.
 *
 * A host is put aside when its ssh exits 255 (ssh's status when it cannot
 * connect or the connection breaks): for HOSTS_ASIDE seconds, doubled at
 * each failure in a row up to HOSTS_ASIDE_MAX; then it gets the next
 * chunk that is ready, and a success ends its strikes.
 */
#ifndef MR_HOSTS_H
#define MR_HOSTS_H

#include <stddef.h>

#include "buf.h"

#define HOSTS_ASIDE	10
#define HOSTS_ASIDE_MAX	320

struct host {
	char			*name;		/* NULL: this machine (":") */
	int			 slots, running;
	unsigned long long	 done, failed;	/* attempts that ended so */
	int			 strikes;	/* connection failures in a row */
	double			 back;		/* aside until then (clock_mono) */
};

struct hosts {
	struct host	 *h;
	int		  n;
	int		  slots;	/* of all hosts */
	char		**ssh;		/* the ssh command's words */
	char		**launcher;	/* words put before COMMAND, or NULL */
	char		**argv;		/* hosts_argv's result */
	size_t		  argvcap;
	struct buf	  line;		/* the remote command line */
};

void	 hosts_init(struct hosts *, char **ssh, char **launcher);
/* A -S list: [N/]HOST or [N/]: entries, comma-separated; -1 and err. */
int	 hosts_add(struct hosts *, const char *list, int slots, char *err,
	    size_t errlen);
void	 hosts_add_local(struct hosts *, int slots);
int	 hosts_pick(struct hosts *, int avoid, double now);
char	**hosts_argv(struct hosts *, int host, char *const argv[],
	    char *const env[]);
void	 hosts_ended(struct hosts *, int host, int status, double now);
/* Seconds until a host is back when none is free and up, else -1. */
double	 hosts_wait(const struct hosts *, double now);
/* Whether a host other than this machine is among them. */
int	 hosts_remote(const struct hosts *);
/* ":" for this machine. */
const char *hosts_name(const struct hosts *, int host);
void	 hosts_free(struct hosts *);

#endif

/*
 * Running a job spec as a pipeline in a process group of its own, for
 * mr-netd. runner_start forks a leader that makes the group, starts every
 * stage with pipes between them (stdin of the first from `in`, stdout of
 * the last to `out`, every stderr to `errfd`), waits for them all and
 * writes one struct runner_report to the pipe whose read end it returns in
 * *reportfd. The caller reaps the leader (its pid is the group id), reads
 * the report, and kills the whole job with kill(-pid, SIGKILL).
 */
#ifndef MR_RUNNER_H
#define MR_RUNNER_H

#include <sys/types.h>

#include "jobspec.h"

struct runner_report {
	int	stage;		/* first failed stage (0-based), -1 if none */
	int	status;		/* its wait status */
};

pid_t	runner_start(struct jobspec *, int in, int out, int errfd,
	    char *const env[], int *reportfd);

#endif

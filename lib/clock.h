/*
 * Time for the programs: clock_mono for durations, time-outs and rates
 * (CLOCK_MONOTONIC, which never jumps), clock_wall for what a person reads
 * (log lines, the start column of a job log). Both in seconds.
 */
#ifndef MR_CLOCK_H
#define MR_CLOCK_H

double	clock_mono(void);
double	clock_wall(void);

#endif

/* Seconds as doubles from the monotonic and the real-time clock. */
#include <time.h>

#include "clock.h"

static double
seconds(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

double
clock_mono(void)
{
	return seconds(CLOCK_MONOTONIC);
}

double
clock_wall(void)
{
	return seconds(CLOCK_REALTIME);
}

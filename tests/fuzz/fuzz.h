/*
 * Shared by the fuzz targets: CHECK aborts with the failed property, so
 * that libFuzzer saves the input that broke it. A target prints nothing
 * else.
 */
#ifndef MR_FUZZ_H
#define MR_FUZZ_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: property failed: %s\n",	\
		    __FILE__, __LINE__, #c);				\
		abort();						\
	}								\
} while (0)

#endif

#!/bin/sh
# Deterministic numeric TSV for the mr-reduce benchmark: KEY<TAB>INT<TAB>DEC
# with keys drawn log-uniformly from 1..KEYS (a Zipf-like skew: few keys
# hold most records), sorted by key. Usage: numeric.sh LINES KEYS > FILE
set -eu
LC_ALL=C
export LC_ALL
awk -v n="$1" -v k="$2" 'BEGIN {
	srand(1936)
	for (i = 0; i < n; i++) {
		key = int(exp(rand() * log(k)))
		printf "k%06d\t%d\t%.3f\n", key, int(rand() * 2000000) - 1000000, rand() * 1000
	}
}' | sort -t "$(printf '\t')" -k1,1 -s -S 256M

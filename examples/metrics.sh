#!/bin/sh
# A health report of several hosts from metrics.tsv, one sample a line:
# host, CPU %, memory %, disk %. Per host: the number of samples, then the
# mean, the maximum and the 95th percentile of each figure, and a flag
# naming the figures whose 95th percentile is over the threshold (90 %, or
# the first argument), "ok" if none is.
#   sh metrics.sh [THRESHOLD]
set -e
LC_ALL=C
export LC_ALL

dir=$(dirname "$0")
limit=${1:-90}

printf 'host\tn\tmean_cpu\tmean_mem\tmean_disk\tmax_cpu\tmax_mem\tmax_disk'
printf '\tp95_cpu\tp95_mem\tp95_disk\tflag\n'
mr-split "$dir/metrics.tsv" | mr-map fields -k 1 -f 2,3,4 | mr-shuffle |
	mr-reduce --format %.1f count mean:1-3 max:1-3 perc:95:1-3 |
	awk -F '\t' -v OFS='\t' -v limit="$limit" '{
		flag = ""
		if ($9 > limit) flag = flag ",cpu"
		if ($10 > limit) flag = flag ",mem"
		if ($11 > limit) flag = flag ",disk"
		print $0, flag == "" ? "ok" : substr(flag, 2)
	}'

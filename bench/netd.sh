#!/bin/bash
# mr-netd throughput and latency beside task-spooler (tsp) running the same
# pipeline through sh -c with the same parallelism (2 slots), for 1, 16 and
# 64 concurrent clients. Writes bench/out/netd.md.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out
mkdir -p "$out"
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null; wait 2>/dev/null; TS_SOCKET=$dir/tsp tsp -K 2>/dev/null; rm -rf "$dir"' EXIT
bin/mr-netd -j 2 -U "$dir/s" 2>"$dir/log" &
pid=$!
while [ ! -S "$dir/s" ]; do sleep 0.05; done
export TS_SOCKET=$dir/tsp TS_MAXFINISHED=100000 TMPDIR=$dir
tsp -S 2
{
	echo "| server | clients | jobs | jobs/s | p50 ms | p99 ms |"
	echo "|---|---:|---:|---:|---:|---:|"
	for c in 1 16 64; do
		n=$(( c == 1 ? 200 : c == 16 ? 25 : 8 ))
		python3 bench/netd.py mr-netd "$dir/s" "$c" "$n"
		python3 bench/netd.py tsp "$dir/s" "$c" "$(( n / 4 > 0 ? n / 4 : 1 ))"
	done
} | tee "$out/netd.md"

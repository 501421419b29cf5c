#!/bin/bash
# mr-par benchmarks, side by side in one run: -j1 vs -j2 on mr-map words,
# the overhead of mr-par -j1 cat over cat, mr-par vs GNU parallel --pipe on
# the same mapper (outputs checked equal first), and the chunk-size table
# (lines per chunk x workers) on a 1 MiB slice, where one process per line
# is still affordable. Writes bench/out/par.md and bench/out/chunks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C PATH=$PWD/bin:$PATH
size=${BENCH_MIB:-200}
runs=${BENCH_RUNS:-3}
out=bench/out
mkdir -p "$out"
sh bench/corpus.sh bench/corpus 10 "$size" >/dev/null
recs=$out/split-${size}M.tsv
mr-split "bench/corpus/kjv-${size}M.txt" >"$recs"

# The outputs agree before anything is timed.
mr-map words "$recs" | sort >"$out/par.ref"
for c in "mr-par -j1 mr-map words" "mr-par -j2 mr-map words" \
    "parallel --pipe --block 1M -j2 mr-map words"; do
	$c <"$recs" | sort | cmp - "$out/par.ref"
done
mr-par -j1 cat <"$recs" | cmp - "$recs"
echo "outputs agree"

r="<$recs >/dev/null"
hyperfine --runs "$runs" \
	--export-markdown "$out/par.md" --export-json "$out/par.json" \
	-n "mr-map words (no mr-par)" "mr-map words $r" \
	-n "mr-par -j1 mr-map words" "mr-par -j1 mr-map words $r" \
	-n "mr-par -j2 mr-map words" "mr-par -j2 mr-map words $r" \
	-n "parallel --pipe --block 1M -j2 mr-map words" \
	    "parallel --pipe --block 1M -j2 mr-map words $r" \
	-n "mr-par -j1 cat" "mr-par -j1 cat $r" \
	-n "cat" "cat $r"

# Peak RSS of mr-par itself.
/usr/bin/time -f "%M" -o "$out/rss" mr-par -j2 mr-map words <"$recs" >/dev/null
echo >>"$out/par.md"
echo "Peak RSS of mr-par -j2 mr-map words on ${size} MiB: $(cat "$out/rss") KiB" >>"$out/par.md"
cat "$out/par.md"

# Chunk size x workers: mr-split -n LINES makes the chunks, mr-par -b 1
# runs one instance per chunk.
slice=$out/slice-1M.txt
head -c 1048576 bench/corpus/kjv-10M.txt | sed '$d' >"$slice"
{
	echo "Seconds for mr-split -n LINES | mr-par -b 1 -j N mr-map words on 1 MiB ($(wc -l <"$slice") lines), one run each:"
	echo
	echo "| lines per chunk | -j 1 | -j 2 | -j 4 |"
	echo "|---:|---:|---:|---:|"
	for n in 1 10 100 1000 10000; do
		printf '| %s ' "$n"
		for j in 1 2 4; do
			mr-split -n "$n" "$slice" >"$out/chunks.in"
			s=$(date +%s.%N)
			mr-par -b 1 -j "$j" mr-map words <"$out/chunks.in" >"$out/chunks.out"
			e=$(date +%s.%N)
			printf '| %.2f ' "$(echo "$e - $s" | bc)"
		done
		echo "|"
	done
} | tee "$out/chunks.md"
rm -f "$out/chunks.in" "$out/chunks.out" "$recs"

#!/bin/bash
# The workers experiment of the course (part 3 and 4): the run time of a
# word count against the number of workers (mr-par -j 1, 2, 4, 8, 16) and
# against the chunk size (mr-par -b), on text generated here, LINES lines
# (default 200000, about 10 MB). Prints a table on standard output:
#   workers  chunk  seconds  words
# where words is the total of the counts, the same on every row. Then
# draws seconds against workers with gnuplot on standard error, if
# gnuplot is installed (gnuplot-nox will do); else says so there.
#   bash workers.sh [LINES]
set -eo pipefail
export LC_ALL=C

lines=${1:-200000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Deterministic text: words of a Zipf-like vocabulary of 5000.
awk -v n="$lines" 'BEGIN {
	srand(1)
	for (v = 1; v <= 5000; v++) {
		w = ""
		for (j = 0; j < 2 + v % 9; j++) w = w sprintf("%c", 97 + int(rand() * 26))
		vocab[v] = w
	}
	for (l = 0; l < n; l++) {
		line = ""
		for (j = 0; j < 8; j++) line = line " " vocab[1 + int(5000 * rand() ^ 3)]
		print substr(line, 2)
	}
}' >"$tmp/text"

# run J B: one word count with J workers and chunks of B bytes or more.
run() {
	local t0=$EPOCHREALTIME t1
	mr-split -n 100 "$tmp/text" | mr-par -j "$1" -b "$2" mr-map words -c |
		mr-shuffle | mr-reduce sum >"$tmp/out"
	t1=$EPOCHREALTIME
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" \
	    "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" \
	    "$(awk '{ n += $2 } END { print n }' "$tmp/out")"
}

printf 'workers\tchunk\tseconds\twords\n'
for j in 1 2 4 8 16; do
	run "$j" 256K
done | tee "$tmp/workers"
for b in 16K 64K 1M 4M; do
	run 4 "$b"
done

if command -v gnuplot >/dev/null; then
	gnuplot -e 'set terminal dumb 72 20; set logscale x 2;
	    set xlabel "workers"; set ylabel "seconds";
	    plot "'"$tmp/workers"'" using 1:3 with linespoints title "256K chunks"' >&2
else
	echo "workers.sh: gnuplot is not installed: the table only" >&2
fi

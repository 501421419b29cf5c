#!/bin/bash
# mr-reduce sum, mean and median per key on sorted numeric TSV beside
# datamash -g1 on the same file (outputs compared numerically first).
# Writes bench/out/reduce.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C PATH=$PWD/bin:$PATH
out=bench/out
mkdir -p "$out"
f=$out/numeric.tsv
[ -s "$f" ] || sh bench/numeric.sh "${BENCH_LINES:-4000000}" 10000 >"$f"
mr-reduce sum:1 mean:2 median:2 -- "$f" >"$out/reduce.mr"
datamash -g1 sum 2 mean 3 median 3 <"$f" >"$out/reduce.dm"
paste "$out/reduce.mr" "$out/reduce.dm" | awk -F '\t' '
	$1 != $5 { print "key differs: " $1 " " $5; bad = 1 }
	{ for (i = 2; i <= 4; i++) { a = $i; b = $(i + 4); d = a - b; if (d < 0) d = -d
	  m = (a < 0 ? -a : a); if (d > 1e-9 * (m > 1 ? m : 1)) { print "value differs: " $0; bad = 1 } } }
	END { exit bad }'
echo "outputs agree: $(wc -l <"$out/reduce.mr") keys, $(wc -l <"$f") records"
hyperfine --runs "${BENCH_RUNS:-3}" --export-markdown "$out/reduce.md" \
	-n "mr-reduce sum mean median" "mr-reduce sum:1 mean:2 median:2 -- $f >/dev/null" \
	-n "datamash -g1 sum mean median" "datamash -g1 sum 2 mean 3 median 3 <$f >/dev/null" \
	-n "mr-reduce sum" "mr-reduce sum -- $f >/dev/null" \
	-n "datamash -g1 sum" "datamash -g1 sum 2 <$f >/dev/null"

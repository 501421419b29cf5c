#!/bin/bash
# The shuffle path: every word of the corpus through mr-shuffle (no
# combiner) and mr-reduce sum, beside sort | uniq -c; and mr-shuffle alone
# beside LC_ALL=C sort -s -k1,1 at equal memory (64M) on the same records.
# Writes bench/out/shuffle.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C PATH=$PWD/bin:$PATH
size=${BENCH_MIB:-200}
out=bench/out
mkdir -p "$out"
sh bench/corpus.sh bench/corpus "$size" >/dev/null
c=bench/corpus/kjv-${size}M.txt
w=$out/words.tsv
mr-split "$c" | mr-map words >"$w"
tab=$(printf '\t')
mr-shuffle -S 64M "$w" | cmp - <(sort -S 64M -t "$tab" -k1,1 -s "$w")
mr-split "$c" | mr-map words | mr-shuffle -S 64M | mr-reduce sum >"$out/sh.mr"
tr -s ' \t\r' '\n\n\n' <"$c" | grep -v '^$' | sort -S 64M | uniq -c |
	awk '{ print $2 "\t" $1 }' | cmp - "$out/sh.mr"
echo "outputs agree"
hyperfine --runs "${BENCH_RUNS:-3}" --export-markdown "$out/shuffle.md" \
	-n "mr-split | mr-map words | mr-shuffle -S 64M | mr-reduce sum" \
	    "mr-split $c | mr-map words | mr-shuffle -S 64M | mr-reduce sum >/dev/null" \
	-n "tr | sort -S 64M | uniq -c" \
	    "tr -s ' \t\r' '\n\n\n' <$c | grep -v '^\$' | sort -S 64M | uniq -c >/dev/null" \
	-n "mr-shuffle -S 64M (word records)" "mr-shuffle -S 64M $w >/dev/null" \
	-n "sort -S 64M -t TAB -k1,1 -s (word records)" "sort -S 64M -t '$tab' -k1,1 -s $w >/dev/null"
/usr/bin/time -f "%M" -o "$out/rss" mr-shuffle -S 64M "$w" >/dev/null
echo "peak RSS of mr-shuffle -S 64M: $(cat "$out/rss") KiB" >>"$out/shuffle.md"
/usr/bin/time -f "%M" -o "$out/rss" sort -S 64M -t "$tab" -k1,1 -s "$w" >/dev/null
echo "peak RSS of sort -S 64M: $(cat "$out/rss") KiB" >>"$out/shuffle.md"
rm -f "$w"

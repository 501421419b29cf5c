#!/bin/bash
# Word count on the 200 MiB corpus: mr's combiner form and shuffle form
# beside mawk, sort | uniq -c and the floors wc -w and cat, in one
# hyperfine run. Every contender's counts are checked equal first; peak RSS
# is taken per process with /usr/bin/time. Writes bench/out/wordcount.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C PATH=$PWD/bin:$PATH
size=${BENCH_MIB:-200}
c=bench/corpus/kjv-${size}M.txt
out=bench/out
mkdir -p "$out"
sh bench/corpus.sh bench/corpus "$size" >/dev/null

mr_best="mr-split $c | mr-par -j2 mr-map words -c | mr-shuffle | mr-reduce sum"
mr_hash="mr-split $c | mr-map words | mr-reduce -H sum"
mr_shuf="mr-split $c | mr-map words | mr-shuffle -S 64M | mr-reduce sum"
mawk_wc="mawk '{ for (i = 1; i <= NF; i++) n[\$i]++ } END { for (w in n) print w \"\\t\" n[w] }' $c"
sort_wc="tr -s ' \\t\\r' '\\n\\n\\n' < $c | grep -v '^\$' | sort -S 64M | uniq -c"
dm_wc="tr -s ' \\t\\r' '\\n\\n\\n' < $c | grep -v '^\$' | datamash -s -g1 count 1"

# The same counts from every contender, as WORD<TAB>N in byte order.
bash -c "$mr_hash" >"$out/wc.mr"
cmp "$out/wc.mr" <(bash -c "$mr_best")
cmp "$out/wc.mr" <(bash -c "$dm_wc")
cmp "$out/wc.mr" <(bash -c "$mr_shuf")
cmp "$out/wc.mr" <(bash -c "$mawk_wc" | sort)
cmp "$out/wc.mr" <(bash -c "$sort_wc" | awk '{ print $2 "\t" $1 }')
[ "$(awk '{ s += $2 } END { print s }' "$out/wc.mr")" = "$(wc -w <"$c")" ]
echo "outputs agree: $(wc -l <"$out/wc.mr") distinct words, $(wc -w <"$c") words"

hyperfine -N --runs "${BENCH_RUNS:-3}" --export-markdown "$out/wordcount.md" \
	--export-json "$out/wordcount.json" \
	-n "mr (mr-par -j2 mr-map words -c)" "bash -c '$mr_best >/dev/null'" \
	-n "mr (combiner -H)" "bash -c '$mr_hash >/dev/null'" \
	-n "mr (mr-shuffle -S 64M)" "bash -c '$mr_shuf >/dev/null'" \
	-n "mawk" "bash -c \"$mawk_wc >/dev/null\"" \
	-n "tr | sort | uniq -c" "bash -c \"$sort_wc >/dev/null\"" \
	-n "tr | datamash -s -g1 count 1" "bash -c \"$dm_wc >/dev/null\"" \
	-n "wc -w" "wc -w $c" \
	-n "cat" "cat $c"

# Peak RSS of each process of a pipeline: every stage under /usr/bin/time.
rss() {
	local name=$1; shift
	local t="/usr/bin/time -f %M -a -o $out/rss.$$"
	: >"$out/rss.$$"
	bash -c "$(echo "$*" | sed "s#\(^\|| \)\([a-z]\)#\1$t \2#g") >/dev/null"
	echo "| $name | $(sort -n "$out/rss.$$" | tail -n 1) KiB |"
	rm -f "$out/rss.$$"
}
{
	echo
	echo "| pipeline | peak RSS of its largest process |"
	echo "|---|---|"
	rss "mr (mr-par -j2 mr-map words -c)" "$mr_best"
	rss "mr (combiner -H)" "$mr_hash"
	rss "mr (mr-shuffle -S 64M)" "$mr_shuf"
	rss "mawk" "$mawk_wc"
} | tee -a "$out/wordcount.md"
cat "$out/wordcount.md"

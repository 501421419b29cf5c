#!/bin/bash
# make bench: every side-by-side benchmark in one run, then
# bench/results.md (with the machine it ran on) and bench/tables.png.
# BENCH_FULL=1 adds the Python multiprocessing reference (slow).
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C PATH=$PWD/bin:$PATH
# A fresh machine: the peers and the corpus come from Debian's packages.
# shellcheck source=bench/need.sh
. bench/need.sh
need hyperfine mawk parallel bible tsp bc gnuplot
out=bench/out
mkdir -p "$out"
sh bench/corpus.sh bench/corpus 10 200 | tee "$out/corpus.sha256"
bash bench/wordcount.sh
bash bench/shuffle.sh
bash bench/reduce.sh
bash bench/par.sh

# Workers: the recommended word count at -j 1, 2, 4, 8 on 200 MiB.
c=bench/corpus/kjv-200M.txt
: >"$out/workers.dat"
for j in 1 2 4 8; do
	s=$(date +%s.%N)
	mr-split "$c" | mr-par -j "$j" mr-map words -c | mr-shuffle | mr-reduce sum >/dev/null
	e=$(date +%s.%N)
	echo "$j $(echo "$e - $s" | bc)" >>"$out/workers.dat"
done
if [ "${BENCH_FULL:-0}" = 1 ]; then
	mr-split "$c" | mr-map words -c >"$out/wc.ref"
	/usr/bin/time -f "%e %M" -o "$out/mp.time" python3 bench/mp_wordcount.py "$c" 2 |
		cmp - "$out/wc.ref"
	read -r mpsec mprss <"$out/mp.time"
fi

{
	echo "# mr benchmarks"
	echo
	echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores of"
	echo "\`$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')\`,"
	echo "$(free -g | awk '/Mem:/ { print $2 }') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"), in one run."
	echo "Corpus: the King James Bible repeated to 200 MiB (bench/corpus.sh; SHA-256 in bench/SHA256SUMS)."
	echo "Every contender's output was checked equal before it was timed."
	echo
	echo "## Word count"
	echo
	cat "$out/wordcount.md"
	if [ -n "${mpsec:-}" ]; then
		echo
		echo "Python multiprocessing reference (chunks of 10,000 words, 2 workers): ${mpsec} s, ${mprss} KiB."
	fi
	echo
	echo "## Shuffle path (no combiner) and mr-shuffle alone"
	echo
	cat "$out/shuffle.md"
	echo
	echo "## mr-reduce on sorted numeric TSV"
	echo
	cat "$out/reduce.md"
	echo
	echo "## mr-par"
	echo
	cat "$out/par.md"
	echo
	cat "$out/chunks.md"
	echo
	echo "Workers: \`mr-split | mr-par -j N mr-map words -c | mr-shuffle | mr-reduce sum\` on 200 MiB, seconds:"
	echo
	echo "| -j | seconds |"
	echo "|---:|---:|"
	awk '{ printf "| %s | %.2f |\n", $1, $2 }' "$out/workers.dat"
	echo
	echo "![chunk size and workers](tables.png)"
} >bench/results.md

# The chunk-size table as data: lines per chunk, then seconds at -j 1 2 4.
sed -n 's/^| \([0-9][0-9]*\) | \([0-9.]*\) | \([0-9.]*\) | \([0-9.]*\) |$/\1 \2 \3 \4/p' \
	"$out/chunks.md" >"$out/chunks.dat"
gnuplot <<EOT
set terminal pngcairo size 900,380 font ",10"
set output "bench/tables.png"
set multiplot layout 1,2
set title "1 MiB, one process per chunk"
set logscale x
set xlabel "lines per chunk"
set ylabel "seconds"
plot "$out/chunks.dat" using 1:2 with linespoints title "-j 1", \
     "" using 1:3 with linespoints title "-j 2", \
     "" using 1:4 with linespoints title "-j 4"
unset logscale x
set title "200 MiB word count"
set xlabel "workers (-j)"
set xtics (1, 2, 4, 8)
plot "$out/workers.dat" using 1:2 with linespoints title "mr-par -j N mr-map words -c"
unset multiplot
EOT
echo "wrote bench/results.md and bench/tables.png"

#!/bin/sh
# Word frequency: the 20 most frequent words of texto.txt, lower-cased and
# stripped of punctuation, most frequent first (ties in byte order).
set -e
LC_ALL=C
export LC_ALL

dir=$(dirname "$0")

mr-split "$dir/texto.txt" | mr-map words -l -p | mr-shuffle | mr-reduce sum |
	sort -t "$(printf '\t')" -k2,2nr -k1,1 | head -n 20

#!/bin/sh
# Reduce only the keys of interest (course part 3): the counts in
# texto.txt of the words listed in keywords.txt, one a line. mr-map -F
# drops every other word in the mappers, so only those keys travel to
# mr-shuffle and mr-reduce; a listed word that does not occur is absent.
set -e
LC_ALL=C
export LC_ALL

dir=$(dirname "$0")

mr-split -n 10 "$dir/texto.txt" |
	mr-par -j 2 mr-map words -l -p -c -F "$dir/keywords.txt" |
	mr-shuffle | mr-reduce sum

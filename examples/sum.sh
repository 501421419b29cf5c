#!/bin/sh
# Sum of a plain list of numbers, one per line. Every record gets the
# constant key "total"; a line holds no TAB, so value field 1 is the whole
# line. With a single key the input is already sorted: no mr-shuffle.
set -e

dir=$(dirname "$0")

mr-split "$dir/numbers.txt" | mr-map fields -K total -f 1 | mr-reduce sum

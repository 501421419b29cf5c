#!/bin/sh
# Per-group statistics of grades.tsv (group, student, score): number of
# students and the mean, median and mode of the score in each group.
set -e

dir=$(dirname "$0")

mr-split "$dir/grades.tsv" | mr-map fields -k 1 -f 3 | mr-shuffle |
	mr-reduce count mean median mode

#!/bin/sh
# An A/B test: experiment events from three places (ab-eu.tsv, ab-us.tsv,
# ab-asia.tsv), one a line: variant, user, converted (0 or 1), amount spent
# (0 when not converted). Per variant: the number of events, the conversion
# rate (the mean of the 0/1 column), and the mean and sample standard
# deviation of the amount. mr-par maps the chunks of the three files in
# parallel; mr-shuffle brings each variant's records together.
set -e
LC_ALL=C
export LC_ALL

dir=$(dirname "$0")

printf 'variant\tevents\tconversion\tmean_amount\tsd_amount\n'
mr-split -n 50 "$dir"/ab-eu.tsv "$dir"/ab-us.tsv "$dir"/ab-asia.tsv |
	mr-par -j 2 mr-map fields -k 1 -f 3,4 | mr-shuffle |
	mr-reduce --format %.4f count mean:1,2 sstdev:2

#!/usr/bin/env bats
# mr-reduce: every operation against GNU datamash on generated sorted data
# (numbers compared to 1e-9 relative), -H against the sorted mode on
# shuffled data, exact 64-bit integer sums, the output format, and every
# error path with its exact message.

load helper

OPS="count sum min max absmin absmax range mean median q1 q3 iqr perc mode
antimode pstdev sstdev pvar svar mad first last unique countunique collapse
geomean harmmean ms rms madraw sskew pskew skurt pkurt jarque dpo"
# The single-field statistics that datamash 1.7 has, and its pair ops.
STATS="geomean harmmean madraw sskew pskew skurt pkurt jarque dpo"
MOMENTS="sskew pskew skurt pkurt jarque dpo"
PAIRS="pcov scov ppearson spearson"

setup_file() {
	gen_numbers 101 400 >"$BATS_FILE_TMPDIR/nums"
	gen_stats 201 300 >"$BATS_FILE_TMPDIR/stats"
	# datamash 1.7 takes the mean as sum / n, which for equal decimals is
	# not quite the value: the moments of such keys come out as rounding
	# noise (pskew 1 or -1) where the exact answer is nan. Compare those
	# keys with the Python oracle only.
	awk -F'\t' 'substr($1, 2) % 11 != 5' "$BATS_FILE_TMPDIR/stats" >"$BATS_FILE_TMPDIR/stats_ne"
	with_na 202 <"$BATS_FILE_TMPDIR/stats" >"$BATS_FILE_TMPDIR/stats_na"
	with_na 203 <"$BATS_FILE_TMPDIR/stats_ne" >"$BATS_FILE_TMPDIR/stats_ne_na"
}

setup() {
	cd "$BATS_TEST_TMPDIR"
	NUMS=$BATS_FILE_TMPDIR/nums
	STATS_IN=$BATS_FILE_TMPDIR/stats
}

# dm ARGS...: datamash -g1 ARGS on stdin, its NaNs printed as mr-reduce
# prints every NaN ('nan', never '-nan').
dm() {
	datamash -g1 "$@" | sed 's/-nan/nan/g'
}

# vs_datamash_stats OP [IN]: mr-reduce OP:F agrees with datamash -g1 OP F+1
# for the six value fields of the generated statistics (file IN, the
# statistics without their all-equal keys by default).
vs_datamash_stats() {
	local op=$1 in=${2:-$BATS_FILE_TMPDIR/stats_ne} f
	for f in 1 2 3 4 5 6; do
		dm "$op" $((f + 1)) <"$in" >want
		INFILE=$in check_results want mr-reduce "$op:$f"
	done
}

# vs_oracle OP [IN]: mr-reduce OP:F agrees with stats_oracle OP F on the
# six value fields of the generated statistics (all keys by default).
vs_oracle() {
	local op=$1 in=${2:-$STATS_IN} f
	command -v python3 >/dev/null || skip "no python3"
	for f in 1 2 3 4 5 6; do
		stats_oracle "$op" "$f" <"$in" >want
		INFILE=$in check_results want mr-reduce ${NARM:+--narm} "$op:$f"
	done
}

# mode_oracle MODE|ANTI FIELD: per key of the generated numbers, the most
# (MODE) or least (ANTI) frequent value of value field FIELD, the smallest
# on ties. (datamash 1.7's antimode misses the largest value's run: for
# 0 0 3 it says 0, not 3.)
mode_oracle() {
	awk -F'\t' -v anti=$([ "$1" = ANTI ] && echo 1 || echo 0) -v f=$(($2 + 1)) '
	function flush(   v, best, bestc) {
		if (key == "") return
		bestc = -1
		for (v in c)
			if (bestc < 0 || (anti ? c[v] < bestc : c[v] > bestc) || (c[v] == bestc && num[v] < num[best])) {
				best = v; bestc = c[v]
			}
		printf "%s\t%.17g\n", key, num[best]
		split("", c); split("", num)
	}
	$1 != key { flush(); key = $1 }
	{ v = sprintf("%.17g", $f + 0); c[v]++; num[v] = $f + 0 }
	END { flush() }' "$NUMS"
}

# vs_datamash OP: mr-reduce OP:F agrees with datamash -g1 OP F+1 for the
# three value fields of the generated numbers (F=1 also as plain OP).
vs_datamash() {
	local op=$1 f
	datamash -g1 "$op" 2 <"$NUMS" >want
	INFILE=$NUMS check_results want mr-reduce "$op"
	for f in 1 2 3; do
		datamash -g1 "$op" $((f + 1)) <"$NUMS" >want
		if [ "$op" = perc ]; then
			INFILE=$NUMS check_results want mr-reduce "perc:95:$f"
		else
			INFILE=$NUMS check_results want mr-reduce "$op:$f"
		fi
	done
}

@test "same_results (the comparator used here) catches differences" {
	printf 'a\t1\t2.5\tx\n' >a
	printf 'a\t1\t2.5000000001\tx\n' >b
	same_results a b
	printf 'a\t1\t2.6\tx\n' >b
	run ! same_results a b
	printf 'a\t1\t2.5\ty\n' >b
	run ! same_results a b
	printf 'b\t1\t2.5\tx\n' >b
	run ! same_results a b
	printf 'a\t1\t2.5\tx\na\t1\n' >b
	run ! same_results a b
	printf 'a\t1\t2.5\n' >b
	run ! same_results a b
}

@test "the generated data has groups of size 1, 2 and larger, negatives, decimals" {
	cut -f1 "$NUMS" | uniq -c | awk '{ n[$1 > 3 ? 3 : $1]++ } END { exit !(n[1] && n[2] && n[3]) }'
	grep -q $'\t-[0-9]' "$NUMS"
	grep -q $'\t[0-9]*\\.[0-9]' "$NUMS"
}

@test "count matches datamash" { vs_datamash count; }
@test "sum matches datamash" { vs_datamash sum; }
@test "min matches datamash" { vs_datamash min; }
@test "max matches datamash" { vs_datamash max; }
@test "absmin matches datamash" { vs_datamash absmin; }
@test "absmax matches datamash" { vs_datamash absmax; }
@test "range matches datamash" { vs_datamash range; }
@test "mean matches datamash" { vs_datamash mean; }
@test "median matches datamash" { vs_datamash median; }
@test "q1 matches datamash" { vs_datamash q1; }
@test "q3 matches datamash" { vs_datamash q3; }
@test "iqr matches datamash" { vs_datamash iqr; }
@test "perc (95) matches datamash" { vs_datamash perc; }
@test "mode matches datamash" { vs_datamash mode; }
@test "mode matches an awk count too" {
	local f
	for f in 1 2 3; do
		mode_oracle MODE "$f" >want
		INFILE=$NUMS check_results want mr-reduce "mode:$f"
	done
}

@test "antimode matches an awk count (datamash 1.7's antimode is wrong)" {
	local f
	for f in 1 2 3; do
		mode_oracle ANTI "$f" >want
		INFILE=$NUMS check_results want mr-reduce "antimode:$f"
	done
	IN=$'a\t0\na\t0\na\t3\n'
	check 0 $'a\t3\n' mr-reduce antimode
}
@test "pstdev matches datamash" { vs_datamash pstdev; }
@test "sstdev matches datamash" { vs_datamash sstdev; }
@test "pvar matches datamash" { vs_datamash pvar; }
@test "svar matches datamash" { vs_datamash svar; }
@test "mad matches datamash" { vs_datamash mad; }
@test "first matches datamash" { vs_datamash first; }
@test "last matches datamash" { vs_datamash last; }
@test "unique matches datamash" { vs_datamash unique; }
@test "countunique matches datamash" { vs_datamash countunique; }
@test "collapse matches datamash" { vs_datamash collapse; }

@test "perc:P and perc:P:FIELD match datamash perc:P" {
	local p f
	for p in 1 10 25 50 75 90 99 100; do
		datamash -g1 "perc:$p" 2 <"$NUMS" >want
		INFILE=$NUMS check_results want mr-reduce "perc:$p"
		for f in 2 3; do
			datamash -g1 "perc:$p" $((f + 1)) <"$NUMS" >want
			INFILE=$NUMS check_results want mr-reduce "perc:$p:$f"
		done
	done
}

@test "perc:0 is the minimum and perc:100 the maximum" {
	IN=$'a\t3\na\t-1\na\t7\na\t2\n'
	check 0 $'a\t-1\t7\t-1\t7\n' mr-reduce perc:0 perc:100 min max
}

@test "several operations in one call, in command-line order, match datamash" {
	datamash -g1 count 2 sum 3 mean 4 max 2 min 3 perc:10 4 collapse 4 median 2 sstdev 3 countunique 2 <"$NUMS" >want
	INFILE=$NUMS check_results want mr-reduce count sum:2 mean:3 max min:2 perc:10:3 collapse:3 median sstdev:2 countunique:1
}

@test "every operation at once: -H on shuffled input equals sorted mode" {
	shuffle_lines 102 <"$NUMS" >shuffled
	run ! cmp -s shuffled "$NUMS"
	local ops op f
	sort_by_key shuffled >sorted
	for f in 1 2 3; do
		ops=()
		for op in $OPS; do ops+=("$op:$f"); done
		ops+=("perc:10:$f" "perc:50:$f" "trimmean:0.2:$f" "pcov:$f,$((4 - f))" "dotprod:$f,$f")
		mr-reduce "${ops[@]}" <sorted >want
		INFILE=shuffled check_file want mr-reduce -H "${ops[@]}"
	done
	INFILE=shuffled check_file want mr-reduce --hash "${ops[@]}"
}

@test "-H on generated numbers matches datamash on sorted input" {
	shuffle_lines 103 <"$NUMS" >shuffled
	datamash -g1 sum 2 mean 3 median 4 mode 2 <"$NUMS" >want
	INFILE=shuffled check_results want mr-reduce -H sum:1 mean:2 median:3 mode:1
}

@test "-H keeps first, last and collapse in input order per key" {
	IN=$'b\tx\na\t1\nb\ty\na\t2\nb\tz\n'
	check 0 $'a\t1\t2\t1,2\nb\tx\tz\tx,y,z\n' mr-reduce -H first last collapse
}

@test "-H prints keys in bytewise order" {
	printf '\xff\t1\nb\t1\nB\t1\n\t1\na\t1\nab\t1\nb\t1\n\x80\t1\n' >in
	printf '\t1\nB\t1\na\t1\nab\t1\nb\t2\n\x80\t1\n\xff\t1\n' >want
	INFILE=in check_file want mr-reduce -H count
}

@test "combiner property: words | reduce -H sum per part | shuffle | reduce sum == plain pipeline" {
	gen_text 104 30000 >text
	awk '{ print > ("part" (NR % 3)) }' text
	local p
	for p in part0 part1 part2; do
		mr-map words -R "$p" | mr-reduce -H sum >"$p.comb"
	done
	mr-map words -R text | mr-shuffle | mr-reduce sum >want
	awk '{ for (i = 1; i <= NF; i++) c[$i]++ } END { for (w in c) print w "\t" c[w] }' text | sort_by_key >want2
	cmp want want2
	cat part0.comb part1.comb part2.comb >combined
	INFILE=combined check_file want bash -c 'mr-shuffle | mr-reduce sum'
}

# ---- exact results and output format --------------------------------------

@test "count counts records, also of lines without TAB" {
	IN=$'a\tx\na\ty\nb\tz\nc\nc\n'
	check 0 $'a\t2\nb\t1\nc\t2\n' mr-reduce count
}

@test "OP:FIELD picks a value field" {
	IN=$'a\t1\t10\na\t2\t20\nb\t3\t30\n'
	check 0 $'a\t3\t30\t2\nb\t3\t30\t1\n' mr-reduce sum sum:2 count:2
}

@test "hand-computed quantiles, mad, mode and antimode" {
	IN=$'a\t1\na\t2\na\t3\na\t4\n'
	check 0 $'a\t2.5\t1.75\t3.25\t1.5\t3.85\t2.5\n' mr-reduce median q1 q3 iqr perc perc:50
	IN=$'a\t1\na\t2\na\t3\na\t4\na\t100\n'
	check 0 $'a\t1.4826\n' mr-reduce mad
	IN=$'a\t3\na\t2\na\t2\na\t3\na\t1\n'
	check 0 $'a\t2\t1\n' mr-reduce mode antimode
}

@test "string operations work on the bytes as they are" {
	IN=$'a\tb\na\t007\na\tb\na\tB\na\t10\na\t9\n'
	check 0 $'a\tb\t9\t007,10,9,B,b\t5\tb,007,b,B,10,9\n' mr-reduce first last unique countunique collapse
}

@test "absmin and absmax keep the sign" {
	IN=$'a\t-5\na\t3\na\t-4\n'
	check 0 $'a\t3\t-5\t8\n' mr-reduce absmin absmax range
}

@test "integer results print as integers, others with %.14Lg" {
	IN=$'a\t1\na\t2\na\t3\nb\t1\nb\t2\nc\t0.5\nc\t0.5\nd\t1e3\nd\t1\ne\t1e15\nf\t1.5e300\ng\t0.1\ng\t0.2\n'
	check 0 $'a\t6\t2\nb\t3\t1.5\nc\t1\t0.5\nd\t1001\t500.5\ne\t1000000000000000\t1000000000000000\nf\t1.5e+300\t1.5e+300\ng\t0.3\t0.15\n' mr-reduce sum mean
	IN=$'a\t1\na\t2\n'
	check 0 $'a\t0.70710678118655\t0.25\n' mr-reduce sstdev pvar
	IN=$'a\t9.223372036854775808e18\nb\t1e19\nc\t-1e19\n'
	check 0 $'a\t9.2233720368548e+18\nb\t1e+19\nc\t-1e+19\n' mr-reduce sum
}

@test "inf, -inf and nan are numbers and print as such" {
	IN=$'a\tinf\na\t1\nb\t-inf\nb\t5\nc\tnan\n'
	check 0 $'a\tinf\t1\tinf\nb\t-inf\t-inf\t5\nc\tnan\tnan\tnan\n' mr-reduce sum min max
}

@test "a number may have leading blanks" {
	IN=$'a\t 7\na\t  2\n'
	check 0 $'a\t9\n' mr-reduce sum
}

@test "quantiles at an exact rank next to an inf, with a nan among the values (found by fuzz_ops)" {
	# The sort path (taken for a nan) computed 3 + 0 * (inf - 3) = nan;
	# datamash and the selection path give the value at the rank, 3.
	IN=$'k\t1\nk\t2\nk\t3\nk\tinf\nk\tnan\n'
	check 0 $'k\t3\t2\t3\n' mr-reduce median q1 perc:50
}

@test "one value: sstdev and svar are nan, the population ones 0" {
	IN=$'k\t5\n'
	check 0 $'k\tnan\tnan\t0\t0\t0\t0\t5\n' mr-reduce sstdev svar pstdev pvar mad iqr median
}

@test "integer sums are exact over the int64 range" {
	check_inputs mr-reduce sum -- \
	    $'k\t9223372036854775806\nk\t1\n' $'k\t9223372036854775807\n' \
	    $'k\t9223372036854775807\nk\t1\nk\t-1\n' $'k\t9223372036854775807\n' \
	    $'k\t-9223372036854775807\nk\t-1\nk\t1\n' $'k\t-9223372036854775807\n' \
	    $'k\t4611686018427387904\nk\t4611686018427387903\nm\t3\n' \
	    $'k\t9223372036854775807\nm\t3\n' \
	    $'k\t9007199254740993\nk\t0\n' $'k\t9007199254740993\n'
}

@test "integers near the int64 limits print exactly in min, max, first" {
	IN=$'k\t9223372036854775807\nk\t-9223372036854775807\n'
	check 0 $'k\t-9223372036854775807\t9223372036854775807\t9223372036854775807\n' mr-reduce min max first
}

@test "-H sums are exact too" {
	IN=$'k\t9223372036854775807\nj\t1\nk\t1\nk\t-1\n'
	check 0 $'j\t1\nk\t9223372036854775807\n' mr-reduce -H sum
}

@test "an integer sum outside int64 is an error naming the key's last line" {
	IN=$'k\t9223372036854775807\nk\t1\nm\t5\n'
	check_err 1 "mr-reduce: stdin:2: sum of key 'k' is out of the 64-bit integer range" mr-reduce sum
	IN=$'j\t1\nk\t9223372036854775807\nk\t1\n'
	capture mr-reduce sum
	assert_status 1
	assert_err "mr-reduce: stdin:3: sum of key 'k' is out of the 64-bit integer range"
	IN=$'k\t-9223372036854775807\nk\t-2\n'
	check_err 1 "mr-reduce: stdin:2: sum of key 'k' is out of the 64-bit integer range" mr-reduce sum
}

@test "--format applies to non-integer results only" {
	IN=$'a\t1\na\t2\n'
	check 0 $'a\t1.500\t3\n' mr-reduce --format %.3f mean sum
	check 0 $'a\t1.500\t3\n' mr-reduce --format=%.3f mean sum
	check 0 $'a\t1.500000e+00\n' mr-reduce --format %e mean
	check 0 $'a\t1.50E+00\n' mr-reduce --format %.2E mean
	check 0 $'a\t      1.50\n' mr-reduce --format %10.2f mean
	check 0 $'a\t1.5\n' mr-reduce --format %g mean
	check 0 $'a\t+1.5\n' mr-reduce --format %+G mean
	check 0 $'a\t1.500000\n' mr-reduce --format %F mean
}

@test "a bad --format is a usage error" {
	local f
	for f in %d %Lf %f%f abc %s %n '' %% %5 %ld %.3Lg; do
		check_bad_arg mr-reduce "mr-reduce: invalid format '$f'" --format "$f" sum
	done
}

# ---- error paths ----------------------------------------------------------

@test "unsorted input is an error naming the line" {
	IN=$'b\t1\na\t2\n'
	capture mr-reduce sum
	assert_status 1
	assert_err 'mr-reduce: stdin:2: input is not sorted by key (pipe it through mr-shuffle, or use -H)'
	[ ! -s .out ] || assert_out $'b\t1\n'
	IN=$'a\t1\nb\t1\na\t1\n'
	capture mr-reduce count
	assert_status 1
	assert_err 'mr-reduce: stdin:3: input is not sorted by key (pipe it through mr-shuffle, or use -H)'
}

@test "sortedness is bytewise: B before a, a before ab, ASCII before high bytes" {
	printf 'B\na\nab\nb\n\x80\n\xff\n' >in
	printf 'B\t1\na\t1\nab\t1\nb\t1\n\x80\t1\n\xff\t1\n' >want
	INFILE=in check_file want mr-reduce count
	IN=$'ab\na\n'
	capture mr-reduce count
	assert_status 1
	assert_err 'mr-reduce: stdin:2: input is not sorted by key (pipe it through mr-shuffle, or use -H)'
	printf '\xff\na\n' >in
	INFILE=in capture mr-reduce count
	assert_status 1
	assert_err 'mr-reduce: stdin:2: input is not sorted by key (pipe it through mr-shuffle, or use -H)'
}

@test "unsorted generated input: the message names the first line out of order" {
	shuffle_lines 105 <"$NUMS" >shuffled
	local line
	line=$(awk -F'\t' 'NR > 1 && ($1 "") < (prev "") { print NR; exit } { prev = $1 }' shuffled)
	[ -n "$line" ]
	INFILE=shuffled capture mr-reduce sum
	assert_status 1
	assert_err "mr-reduce: stdin:$line: input is not sorted by key (pipe it through mr-shuffle, or use -H)"
}

@test "a value that is not a number names file and line" {
	IN=$'a\t1\na\tabc\n'
	capture mr-reduce sum
	assert_status 1
	assert_err "mr-reduce: stdin:2: 'abc' is not a number"
	local v
	for v in '' 'abc' '5 ' '1/3' '1,5' '--1' '1e' 'x1'; do
		IN="a${TAB}1${TAB}$v"$'\n'
		capture mr-reduce count sum:2
		assert_status 1
		assert_err "mr-reduce: stdin:1: '$v' is not a number"
		assert_out ""
	done
}

@test "a line without TAB has one empty field: not a number" {
	IN=$'a\n'
	check_err 1 "mr-reduce: stdin:1: '' is not a number" mr-reduce sum
}

@test "string operations and count need no number" {
	IN=$'a\tabc\na\t\n'
	check 0 $'a\t2\tabc\t\tabc,\n' mr-reduce count first last collapse
}

@test "a missing field names file and line, for every op including count" {
	IN=$'a\t1\t2\na\t3\n'
	check_err 1 'mr-reduce: stdin:2: no field 2' mr-reduce sum:2
	check_err 1 'mr-reduce: stdin:1: no field 3' mr-reduce count:3
	check_err 1 'mr-reduce: stdin:2: no field 2' mr-reduce first:2
	IN=$'a\n'
	check_err 1 'mr-reduce: stdin:1: no field 2' mr-reduce count:2
}

@test "--skip-bad skips whole records and reports how many" {
	IN=$'a\t1\na\tx\na\t3\nb\ty\nc\t5\n'
	capture mr-reduce --skip-bad sum count
	assert_status 0
	assert_out $'a\t4\t2\nc\t5\t1\n'
	assert_err 'mr-reduce: skipped 2 records with bad or missing fields'
	# a record is skipped when a field used by any op is missing or bad
	IN=$'a\t1\t2\na\t3\na\t4\t5\na\tq\tz\na\tw\t9\n'
	capture mr-reduce --skip-bad count sum:2
	assert_status 0
	assert_out $'a\t3\t16\n'
	assert_err 'mr-reduce: skipped 2 records with bad or missing fields'
	capture mr-reduce --skip-bad -H count sum:2 sum
	assert_status 0
	assert_out $'a\t2\t7\t5\n'
	assert_err 'mr-reduce: skipped 3 records with bad or missing fields'
}

@test "--skip-bad with nothing bad prints no message" {
	IN=$'a\t1\na\t2\n'
	check 0 $'a\t3\n' mr-reduce --skip-bad sum
}

@test "--skip-bad on generated data with bad records equals the clean data's result" {
	awk 'BEGIN { srand(106) } { print } rand() < 0.1 { print $1 "\tbad\t1\t2" } rand() < 0.05 { print $1 }' "$NUMS" >dirty
	local n
	n=$(($(wc -l <dirty) - $(wc -l <"$NUMS")))
	mr-reduce sum mean:2 max:3 collapse <"$NUMS" >want
	INFILE=dirty capture mr-reduce --skip-bad sum mean:2 max:3 collapse
	assert_status 0
	assert_out_file want
	assert_err "mr-reduce: skipped $n records with bad or missing fields"
}

@test "empty input gives no output" {
	IN=''
	check 0 '' mr-reduce sum
	check 0 '' mr-reduce -H sum
	check 0 '' mr-reduce --skip-bad count
}

@test "-z reads and writes NUL-terminated records" {
	printf 'a\t1|a\t2|b\tx\ny|b\t5' | tr '|' '\0' >in
	printf 'a\t2\t1,2|b\t2\tx\ny,5|' | tr '|' '\0' >want
	INFILE=in check_file want mr-reduce -z count collapse
	INFILE=in check_file want mr-reduce --null count collapse
}

@test "an unknown operation is a usage error" {
	check_bad_arg mr-reduce "mr-reduce: unknown operation 'foo'" foo
	check_bad_arg mr-reduce "mr-reduce: unknown operation 'SUM'" SUM
	check_bad_arg mr-reduce "mr-reduce: unknown operation 'geomeans'" sum geomeans
}

@test "a bad field or percentile is a usage error" {
	local op
	for op in sum:x sum:0 sum: count:1x perc:101 perc:-1 perc:x perc:50:0 perc:50:x perc:: sum:1:2 mean:99999999999999999999; do
		check_bad_arg mr-reduce "mr-reduce: invalid operation '$op'" "$op"
	done
}

@test "no operation is a usage error" {
	capture mr-reduce
	assert_usage_err mr-reduce
	capture mr-reduce -H
	assert_usage_err mr-reduce
}

@test "the usage line is man/mr-reduce.1's SYNOPSIS, in a usage error and in -h" {
	check_synopsis mr-reduce
}

@test "median and mad next to infinities agree with datamash, with and without a NaN (sort path)" {
	printf 'a\tinf\na\tinf\nb\t-inf\nb\tinf\nc\tinf\nc\t1\nd\t-inf\nd\t-inf\nd\t5\ne\tinf\ne\tinf\ne\t2\ne\t3\n' >in
	datamash -g1 median 2 mad 2 <in | sed 's/-nan/nan/g' >want
	check_file want mr-reduce median mad -- in
	# a NaN in the group takes the sort path: the same medians
	printf 'a\tinf\na\tinf\na\tnan\n' >withnan
	check 0 $'a\tinf\n' mr-reduce median -- withnan
}

@test "a word that looks like a file gets the '--' hint; the file system is never asked" {
	check_bad_arg mr-reduce "mr-reduce: unknown operation 'data.tsv' (files go after '--')" data.tsv
	check_bad_arg mr-reduce "mr-reduce: unknown operation 'dir/x' (files go after '--')" sum dir/x
	# an existing file whose name looks like an op word: no hint, no probe
	: >sumx
	check_bad_arg mr-reduce "mr-reduce: unknown operation 'sumx'" sumx
	[ -n "$(command -v strace)" ] || skip "no strace"
	strace -f -e trace=access,faccessat,faccessat2,stat,newfstatat,openat -o trace mr-reduce nosuchword </dev/null 2>/dev/null || true
	run ! grep -q nosuchword trace
}

@test "--skip-bad: one record skipped is said in the singular, as the man page shows" {
	IN=$'a\t1\na\tx\n'
	capture mr-reduce --skip-bad sum
	assert_status 0
	assert_out $'a\t1\n'
	assert_err 'mr-reduce: skipped 1 record with a bad or missing field'
	grep -qF 'skipped 1 record with a bad or missing field' "$BATS_TEST_DIRNAME/../man/mr-reduce.1"
}

# ---- datamash's statistics ------------------------------------------------

@test "the generated statistics have every shape of key" {
	local in=$BATS_FILE_TMPDIR/stats
	cut -f1 "$in" | uniq -c | awk '{ n[$1 > 4 ? 5 : $1]++ } END { exit !(n[1] && n[2] && n[3] && n[4] && n[5]) }'
	# keys of several records whose values are all equal
	awk -F'\t' '$1 == "s0060"' "$in" | cut -f2- | sort -u | awk 'END { exit NR != 1 }'
	[ "$(grep -c '^s0060' "$in")" -gt 4 ]
	grep -q $'\t-[0-9.]*e+1[0-9][0-9]\t' "$in"
	grep -q $'\t-\\?[0-9.]*e-1[0-9][0-9]\t' "$in"
	grep -qiE $'\t(na|n/a|nan)(\t|$)' "$BATS_FILE_TMPDIR/stats_na"
}

@test "geomean matches datamash" { vs_datamash_stats geomean; vs_datamash_stats geomean "$STATS_IN"; }
@test "harmmean matches datamash" { vs_datamash_stats harmmean; vs_datamash_stats harmmean "$STATS_IN"; }
@test "madraw matches datamash" { vs_datamash_stats madraw; vs_datamash_stats madraw "$STATS_IN"; }
@test "sskew matches datamash (keys of unequal values)" { vs_datamash_stats sskew; }
@test "pskew matches datamash (keys of unequal values)" { vs_datamash_stats pskew; }
@test "skurt matches datamash (keys of unequal values)" { vs_datamash_stats skurt; }
@test "pkurt matches datamash (keys of unequal values)" { vs_datamash_stats pkurt; }
@test "jarque matches datamash (keys of unequal values)" { vs_datamash_stats jarque; }
@test "dpo matches datamash (keys of unequal values)" { vs_datamash_stats dpo; }

@test "trimmean:T and trimmean:T:FIELD match datamash trimmean:T" {
	local t f in=$STATS_IN
	dm trimmean 2 <"$in" >want
	INFILE=$in check_results want mr-reduce trimmean
	for t in 0 0.1 0.2 0.25 0.3 0.45 0.5; do
		for f in 1 2 3 4 5 6; do
			dm "trimmean:$t" $((f + 1)) <"$in" >want
			INFILE=$in check_results want mr-reduce "trimmean:$t:$f"
		done
	done
}

@test "every statistic matches an exact Python oracle, all-equal keys too" {
	local op
	for op in $STATS ms rms trimmean:0.2 trimmean:0.5; do
		vs_oracle "$op"
	done
}

@test "ms and rms match the Python oracle (datamash 1.8's, not in 1.7)" {
	vs_oracle ms
	vs_oracle rms
	IN=$'a\t3\na\t-4\nb\t2\n'
	check 0 $'a\t12.5\t3.5355339059327\nb\t4\t2\n' mr-reduce ms rms
}

@test "keys of equal values: the moments are nan, the means the value" {
	IN=$'a\t0.1\na\t0.1\na\t0.1\na\t0.1\na\t0.1\n'
	check 0 $'a\tnan\tnan\tnan\tnan\tnan\tnan\t0.1\t0.1\t0.1\t0\n' mr-reduce sskew pskew skurt pkurt jarque dpo geomean harmmean trimmean:0.2 madraw
}

@test "one and two values: the edge cases of datamash" {
	IN=$'a\t5\n'
	check 0 $'a\t5\t5\t25\t5\t0\tnan\tnan\tnan\tnan\tnan\tnan\t5\n' mr-reduce geomean harmmean ms rms madraw sskew pskew skurt pkurt jarque dpo trimmean:0.5
	# two values: pskew 0 exactly, pkurt -2, skurt and dpo need four
	IN=$'a\t1\na\t3\n'
	dm geomean 2 harmmean 2 madraw 2 sskew 2 pskew 2 skurt 2 pkurt 2 jarque 2 dpo 2 < <(printf '%s' "$IN") >want
	check 0 "$(cat want)"$'\n' mr-reduce geomean harmmean madraw sskew pskew skurt pkurt jarque dpo
	check 0 $'a\t1.7320508075689\t1.5\t1\tnan\t0\tnan\t-2\t0.84648172489061\tnan\n' mr-reduce geomean harmmean madraw sskew pskew skurt pkurt jarque dpo
}

@test "geomean and harmmean of values <= 0, as datamash: nan, 0 or the formula" {
	IN=$'a\t-1\na\t4\na\t2\nb\t0\nb\t4\nc\t-2\nc\t0\nd\t-1\nd\t-4\n'
	dm geomean 2 harmmean 2 < <(printf '%s' "$IN") >want
	check 0 "$(cat want)"$'\n' mr-reduce geomean harmmean
	check 0 $'a\tnan\t-12\nb\t0\t0\nc\tnan\t0\nd\tnan\t-1.6\n' mr-reduce geomean harmmean
}

@test "huge and tiny magnitudes: the moments are scale-free" {
	IN=$'a\t1e300\na\t2e300\na\t4e300\na\t8e300\nb\t1e-300\nb\t2e-300\nb\t4e-300\nb\t8e-300\nc\t1\nc\t2\nc\t4\nc\t8\n'
	capture mr-reduce pskew sskew pkurt skurt jarque dpo
	assert_status 0
	[ "$(cut -f2- .out | sort -u | wc -l)" -eq 1 ] || fail_with "the three keys differ"
	dm pskew 2 sskew 2 pkurt 2 skurt 2 jarque 2 dpo 2 < <(printf '%s' "$IN") >want
	same_results .out want
	IN=$'a\t1e4000\na\t3e4000\n'
	check 0 $'a\t2e+4000\t1.7320508075689e+4000\t1.5e+4000\n' mr-reduce mean geomean harmmean
}

# ---- pair operations -------------------------------------------------------

@test "pcov, scov, ppearson and spearson match datamash OP F1:F2" {
	local op p in=$BATS_FILE_TMPDIR/stats_ne
	for op in $PAIRS; do
		for p in 1,2 2,3 4,5 3,6 1,1 6,2; do
			dm "$op" "$((${p%,*} + 1)):$((${p#*,} + 1))" <"$in" >want
			INFILE=$in check_results want mr-reduce "$op:$p"
		done
	done
}

@test "pair operations and dotprod match the Python oracle" {
	command -v python3 >/dev/null || skip "no python3"
	local op p
	for op in $PAIRS dotprod; do
		for p in 1,2 2,3 4,5 3,6 1,1; do
			stats_oracle "$op" "${p%,*}" "${p#*,}" <"$STATS_IN" >want
			INFILE=$STATS_IN check_results want mr-reduce "$op:$p"
		done
	done
}

@test "pair operations by hand: one record, equal values, dotprod" {
	IN=$'a\t1\t2\na\t3\t5\na\t4\t4\nb\t2\t7\nc\t1\t5\nc\t2\t5\n'
	check 0 $'a\t1.2222222222222\t1.8333333333333\t0.78571428571429\t0.78571428571429\t33\nb\t0\tnan\tnan\tnan\t14\nc\t0\t0\tnan\tnan\t15\n' mr-reduce pcov:1,2 scov:1,2 ppearson:1,2 spearson:1,2 dotprod:1,2
}

# ---- field lists ------------------------------------------------------------

@test "field lists and ranges give one column per field, in order, as one field at a time" {
	local op
	for op in sum mean min collapse median sskew trimmean:0.2 perc:90 count; do
		mr-reduce "$op:1" "$op:3" <"$STATS_IN" >want
		INFILE=$STATS_IN check_file want mr-reduce "$op:1,3"
		mr-reduce "$op:2" "$op:3" "$op:4" <"$STATS_IN" >want
		INFILE=$STATS_IN check_file want mr-reduce "$op:2-4"
		mr-reduce "$op:1" "$op:2" "$op:5" "$op:3" "$op:3" <"$STATS_IN" >want
		INFILE=$STATS_IN check_file want mr-reduce "$op:1-2,5,3-3,3"
	done
	dm sum 2,4 mean 3-5 <"$STATS_IN" >want
	INFILE=$STATS_IN check_results want mr-reduce sum:1,3 mean:2-4
	INFILE=$STATS_IN check_results want mr-reduce -H sum:1,3 mean:2-4
}

@test "a bad field list, pair or trim fraction is a usage error that says why" {
	local a
	while IFS='|' read -r a why; do
		check_bad_arg mr-reduce "mr-reduce: invalid operation '$a': $why" "$a"
	done <<'EOF2'
sum:1,,|empty field in the list
sum:,1|empty field in the list
sum:1,|empty field in the list
sum:4-2|the range '4-2' goes down
sum:0-2|field 0 is not from 1 to 1000000
sum:1,0|field 0 is not from 1 to 1000000
sum:1-2000000|field 2000000 is not from 1 to 1000000
sum:1-|'1-' is not a field or a range of fields
sum:-1|'-1' is not a field or a range of fields
sum:1-2-3|'1-2-3' is not a field or a range of fields
sum:x,1|'x' is not a field or a range of fields
perc:50:3-1|the range '3-1' goes down
pcov|pcov takes two fields, as pcov:F1,F2
pcov:1|pcov takes two fields, as pcov:F1,F2
scov:1,2,3|scov takes two fields, as scov:F1,F2
dotprod:1-2|dotprod takes two fields, as dotprod:F1,F2
ppearson:0,1|ppearson takes two fields, as ppearson:F1,F2
trimmean:0.6|the trim fraction '0.6' is not from 0 to 0.5
trimmean:1|the trim fraction '1' is not from 0 to 0.5
trimmean:-0.1|the trim fraction '-0.1' is not from 0 to 0.5
trimmean:x|the trim fraction 'x' is not from 0 to 0.5
trimmean:nan|the trim fraction 'nan' is not from 0 to 0.5
trimmean:|the trim fraction '' is not from 0 to 0.5
EOF2
	for a in trimmean:0.2:0 trimmean:0.2:x trimmean:0.1:1:2 pcov:1,2:3; do
		check_bad_arg mr-reduce "mr-reduce: invalid operation '$a'" "$a"
	done
}

@test "64 results at most, each field of a list counting as one" {
	IN=$'a\t1\n'
	local ops=() i
	for i in $(seq 63); do ops+=(sum); done
	capture mr-reduce "${ops[@]}" count
	assert_status 0
	check_usage mr-reduce "mr-reduce: too many operations: at most 64, each field of a list counting as one" "${ops[@]}" sum:1,1
	check_usage mr-reduce "mr-reduce: too many operations: at most 64, each field of a list counting as one" sum:1-65
	check_usage mr-reduce "mr-reduce: too many operations: at most 64, each field of a list counting as one" sum:1-1000000
	IN=$'a\t1\t2\n'
	check_err 1 'mr-reduce: stdin:1: no field 3' mr-reduce sum:1-64
}

# ---- --narm ------------------------------------------------------------------

@test "--narm: every op matches datamash --narm on data with NA, N/A and NaN" {
	local op f in=$BATS_FILE_TMPDIR/stats_ne_na
	for op in count sum min max absmin absmax range mean median q1 q3 iqr perc:95 mode pstdev sstdev pvar svar mad first last unique countunique collapse $STATS trimmean:0.2; do
		for f in 1 3 5; do
			dm --narm "$op" $((f + 1)) <"$in" >want
			INFILE=$in check_results want mr-reduce --narm "$op:$f"
		done
	done
	dm --narm sum 2-7 median 3 <"$in" >want
	INFILE=$in check_results want mr-reduce --narm sum:1-6 median:2
	INFILE=$in check_results want mr-reduce --narm -H sum:1-6 median:2
}

@test "--narm: the statistics and pair ops match the Python oracle, a pair skipped when either is NA" {
	command -v python3 >/dev/null || skip "no python3"
	local op p in=$BATS_FILE_TMPDIR/stats_na
	for op in $STATS ms rms trimmean:0.2; do
		NARM=1 vs_oracle "$op" "$in"
	done
	for op in $PAIRS dotprod; do
		for p in 1,2 4,5 3,6; do
			NARM=1 stats_oracle "$op" "${p%,*}" "${p#*,}" <"$in" >want
			INFILE=$in check_results want mr-reduce --narm "$op:$p"
		done
	done
}

@test "--narm: a key whose values were all skipped prints what datamash prints" {
	IN=$'a\tNA\na\tn/a\na\tNaN\nb\t2\n'
	local ops="count sum min max absmin absmax range mean median first last unique collapse countunique mode sstdev geomean trimmean madraw sskew jarque"
	dm --narm $(for o in $ops; do printf '%s 2 ' "$o"; done) < <(printf '%s' "$IN") >want
	check 0 "$(cat want)"$'\n' mr-reduce --narm $ops
	check 0 $'a\t0\t0\t-inf\tinf\tnan\tnan\tnan\tnan\nb\t1\t2\t2\t2\t0\t2\t4\t4\n' mr-reduce --narm count sum min max pcov:1,1 rms dotprod:1,1 ms
}

@test "--narm: only NA, N/A and NaN in any case; -nan, NANA and an empty field are not" {
	IN=$'a\tnA\na\tN/a\na\tnAn\na\t2\n'
	check 0 $'a\t2\t1\n' mr-reduce --narm sum count
	IN=$'a\t-nan\n'
	check 0 $'a\tnan\n' mr-reduce --narm sum
	for v in NANA NA. '' ' NA' N/A/; do
		IN="a${TAB}$v"$'\n'
		check_err 1 "mr-reduce: stdin:1: '$v' is not a number" mr-reduce --narm sum
	done
	# without --narm, NaN is a number and NA is not
	IN=$'a\tNaN\n'
	check 0 $'a\tnan\n' mr-reduce sum
	IN=$'a\tNA\n'
	check_err 1 "mr-reduce: stdin:1: 'NA' is not a number" mr-reduce sum
}

@test "--narm skips per op: the other fields of the record still count" {
	IN=$'a\t1\tNA\na\tNA\t5\na\t3\t7\n'
	check 0 $'a\t2\t4\t2\t12\t0\t21\t1,3\t2\t2\n' mr-reduce --narm count sum count:2 sum:2 pcov:1,2 dotprod:1,2 collapse count:1,1
}

# ---- numbers out of range, long --format output --------------------------

@test "numbers out of the long double range are an error naming file and line" {
	local v
	for v in 1e99999 -1e99999 1e-20000 1e-4940 0x1p-16446 1e5000; do
		IN=$'a\t1\n'"a${TAB}$v"$'\n'
		check_err 1 "mr-reduce: stdin:2: '$v' is out of range" mr-reduce sum
		check_err 1 "mr-reduce: stdin:2: '$v' is out of range" mr-reduce -H count mean
	done
	printf 'a\t1e99999\n' >in.tsv
	check_err 1 "mr-reduce: in.tsv:1: '1e99999' is out of range" mr-reduce sum -- in.tsv
	# what datamash says of the same
	printf 'a\t1e99999\n' | datamash -g1 sum 2 2>dmerr && false
	grep -qF "invalid numeric value in line 1 field 2: '1e99999'" dmerr
	# inf, the largest and the smallest normal long double are numbers
	IN=$'a\tinf\nb\t1.18973149535723176502e+4932\nc\t3.36210314311209350626e-4932\nd\t0e-99999\n'
	check 0 $'a\tinf\nb\t1.1897314953572e+4932\nc\t3.3621031431121e-4932\nd\t0\n' mr-reduce sum
	# --skip-bad skips such a record
	IN=$'a\t1\na\t1e99999\na\t2\n'
	capture mr-reduce --skip-bad sum
	assert_status 0
	assert_out $'a\t3\n'
	assert_err 'mr-reduce: skipped 1 record with a bad or missing field'
}

@test "--format output is as long as printf makes it, never cut" {
	IN=$'k\t1e300\n'
	check 0 "k${TAB}$(printf '%f' 1e300)"$'\n' mr-reduce --format %f sum
	IN=$'k\t1.5e4000\n'
	capture mr-reduce --format %.3f sum
	assert_status 0
	[ "$(wc -c <.out)" -eq $((2 + 4001 + 4 + 1)) ] || fail_with "wrong length"
	IN=$'k\t0.5\n'
	check 0 "k${TAB}$(printf '%300.2f' 0.5)"$'\n' mr-reduce --format %300.2f sum
}

# ---- help and man page ------------------------------------------------------

@test "--help and the man page name every operation" {
	local op man=$BATS_TEST_DIRNAME/../man/mr-reduce.1
	capture mr-reduce --help
	assert_status 0
	for op in $OPS trimmean $PAIRS dotprod; do
		grep -qE "(^| )$op( |\[|$)" .out || fail_with "--help lacks $op"
		grep -qE "^\.It Cm (.* )?$op( ,|$)" "$man" || fail_with "man page lacks $op"
	done
	grep -qF 'perc[:P[:FIELDS]]' .out
	grep -qF 'trimmean[:T[:FIELDS]]' .out
	grep -qF 'OP:F1,F2' .out
	grep -qF -- '--narm' .out
}

#!/usr/bin/env bats
# mr-reduce: every operation against GNU datamash on generated sorted data
# (numbers compared to 1e-9 relative), -H against the sorted mode on
# shuffled data, exact 64-bit integer sums, the output format, and every
# error path with its exact message.

load helper

OPS="count sum min max absmin absmax range mean median q1 q3 iqr perc mode
antimode pstdev sstdev pvar svar mad first last unique countunique collapse"

setup_file() {
	gen_numbers 101 400 >"$BATS_FILE_TMPDIR/nums"
}

setup() {
	cd "$BATS_TEST_TMPDIR"
	NUMS=$BATS_FILE_TMPDIR/nums
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
		ops+=("perc:10:$f" "perc:50:$f")
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

@test "one value: sstdev and svar are nan, the population ones 0" {
	IN=$'k\t5\n'
	check 0 $'k\tnan\tnan\t0\t0\t0\t0\t5\n' mr-reduce sstdev svar pstdev pvar mad iqr median
}

@test "integer sums are exact over the int64 range" {
	IN=$'k\t9223372036854775806\nk\t1\n'
	check 0 $'k\t9223372036854775807\n' mr-reduce sum
	IN=$'k\t9223372036854775807\nk\t1\nk\t-1\n'
	check 0 $'k\t9223372036854775807\n' mr-reduce sum
	IN=$'k\t-9223372036854775807\nk\t-1\nk\t1\n'
	check 0 $'k\t-9223372036854775807\n' mr-reduce sum
	IN=$'k\t4611686018427387904\nk\t4611686018427387903\nm\t3\n'
	check 0 $'k\t9223372036854775807\nm\t3\n' mr-reduce sum
	IN=$'k\t9007199254740993\nk\t0\n'
	check 0 $'k\t9007199254740993\n' mr-reduce sum
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

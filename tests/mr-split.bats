#!/usr/bin/env bats
# mr-split: turning raw text into CHUNK<TAB>LINE records. The chunk rules
# (-n, -b, -F) are checked against an awk reimplementation on generated
# text; options and error paths against exact literals from the spec.

load helper

# split_oracle MODE COUNT PERFILE FILE...: the chunking rule in awk. MODE is
# n (a chunk every COUNT lines) or b (a chunk ends with the line that brings
# its bytes, terminator included, to COUNT or more). PERFILE=1 is -F.
split_oracle() {
	local mode=$1 count=$2 perfile=$3
	shift 3
	awk -v mode="$mode" -v count="$count" -v perfile="$perfile" '
	FNR == 1 && perfile && used > 0 { chunk++; used = 0 }
	{
		print (perfile ? FILENAME ":" : "") sprintf("%06d", chunk) "\t" $0
		used += mode == "n" ? 1 : length($0) + 1
		if (used >= count) { chunk++; used = 0 }
	}' "$@"
}

setup() {
	cd "$BATS_TEST_TMPDIR"
}

@test "each line becomes a record of chunk 0 by default" {
	IN=$'one\ntwo words\n\nlast\n'
	check 0 $'000000\tone\n000000\ttwo words\n000000\t\n000000\tlast\n' mr-split
}

@test "empty input gives no output and exit 0" {
	IN=''
	check 0 '' mr-split
	check 0 '' mr-split -n 1
	check 0 '' mr-split -F -b 1
}

@test "an empty line is the record N<TAB>" {
	IN=$'\n\n\n'
	check 0 $'000000\t\n000001\t\n000002\t\n' mr-split -n 1
}

@test "a last line without newline is a terminated record" {
	IN=$'a\nb'
	check 0 $'000000\ta\n000001\tb\n' mr-split -n 1
}

@test "TABs and CR in a line stay in the value" {
	IN=$'k\tv\tw\r\nx\r\n'
	check 0 $'000000\tk\tv\tw\r\n000000\tx\r\n' mr-split
}

@test "-n 2 starts a new chunk every 2 lines" {
	IN=$'a\nb\nc\nd\ne\n'
	check_same 0 $'000000\ta\n000000\tb\n000001\tc\n000001\td\n000002\te\n' mr-split "-n 2" "--lines 2" "--lines=2"
}

@test "-b ends a chunk after the line reaching SIZE bytes, newline included" {
	# "ab\n" is 3 bytes: reaches 3 exactly; "c\n" 2 + "d\n" 2 = 4 >= 3.
	IN=$'ab\nc\nd\ne\n'
	check_same 0 $'000000\tab\n000001\tc\n000001\td\n000002\te\n' mr-split "-b 3" "--bytes 3" "--bytes=3"
}

@test "-b never cuts a line longer than SIZE and never makes an empty chunk" {
	IN=$'0123456789\nx\n0123456789abc\n'
	check 0 $'000000\t0123456789\n000001\tx\n000001\t0123456789abc\n' mr-split -b 4
}

@test "-b 1 puts every line in its own chunk" {
	IN=$'a\n\nb\n'
	check 0 $'000000\ta\n000001\t\n000002\tb\n' mr-split -b 1
}

@test "-n 1 on generated text matches the awk rule" {
	gen_text 11 3000 >text
	split_oracle n 1 0 text >want
	check_file want mr-split -n 1 text
}

@test "-n 7 and -n 1000 on generated text match the awk rule" {
	gen_text 12 20000 >text
	split_oracle n 7 0 text >want
	check_file want mr-split -n 7 text
	split_oracle n 1000 0 text >want
	check_file want mr-split -n 1000 text
}

@test "-b 100, -b 4K, -b 1k on generated text match the awk rule" {
	gen_text 13 20000 >text
	split_oracle b 100 0 text >want
	check_file want mr-split -b 100 text
	split_oracle b 4096 0 text >want
	check_file want mr-split -b 4K text
	split_oracle b 1024 0 text >want
	check_file want mr-split -b 1k text
}

@test "the default chunk size is 1M" {
	gen_text 14 130000 >text
	[ "$(wc -c <text)" -gt 3000000 ]
	split_oracle b 1048576 0 text >want
	check_file want mr-split text
	check_file want mr-split -b 1M text
	check_file want mr-split -b 1m text
	check_file want mr-split -b 1048576 text
}

@test "SIZE suffixes M, G, T are powers of 1024" {
	# Just over/under a multiple of 1024 shows the factor exactly.
	awk 'BEGIN { for (i = 0; i < 2048; i++) printf "%01023d\n", i }' >text # 1024-byte lines
	split_oracle b 1048576 0 text >want
	check_file want mr-split -b 1M text
	check_file want mr-split -b 1024K text
	check_file want mr-split -b 1024k text
	split_oracle b 1048577 0 text >want
	check_file want mr-split -b 1048577 text
	# 1G and 1T: everything in chunk 0
	split_oracle b 1073741824 0 text >want
	check_file want mr-split -b 1G text
	check_file want mr-split -b 1g text
	check_file want mr-split -b 1T text
	check_file want mr-split -b 1t text
}

@test "without -F chunks span files and numbers keep counting (like cat)" {
	printf 'a1\na2\na3\n' >a
	printf 'b1\nb2\n' >b
	IN=$'s1\ns2\ns3\n'
	check 0 $'000000\ta1\n000000\ta2\n000001\ta3\n000001\tb1\n000002\tb2\n000002\ts1\n000003\ts2\n000003\ts3\n' mr-split -n 2 a b -
	check 0 $'000000\ta1\n000000\ta2\n000001\ta3\n000001\ts1\n000002\ts2\n000002\ts3\n000003\tb1\n000003\tb2\n' mr-split -n 2 a - b
}

@test "-F keys are FILE:CHUNK, a chunk never spans files, numbers keep counting" {
	printf 'a1\na2\na3\n' >a
	printf 'b1\nb2\n' >b
	IN=$'s1\ns2\ns3\n'
	check_same 0 $'a:000000\ta1\na:000000\ta2\na:000001\ta3\nb:000002\tb1\nb:000002\tb2\n-:000003\ts1\n-:000003\ts2\n-:000004\ts3\n' mr-split "-F -n 2 a b -" "--filename -n 2 a b -"
}

@test "-F names stdin - when there are no operands" {
	IN=$'x\ny\n'
	check 0 $'-:000000\tx\n-:000000\ty\n' mr-split -F
}

@test "-F uses each file name as given on the command line" {
	mkdir sub
	printf 'x\n' >sub/f
	check 0 $'sub/f:000000\tx\n./sub/f:000001\tx\n' mr-split -F sub/f ./sub/f
}

@test "-F -n and -F -b on several generated files and stdin match the awk rule" {
	gen_text 21 3000 >f1
	gen_text 22 1 >f2
	gen_text 23 5000 >f3
	gen_text 24 2000 >f4
	split_oracle n 100 1 f1 f2 - f3 <f4 >want
	INFILE=f4 check_file want mr-split -F -n 100 f1 f2 - f3
	split_oracle b 2000 1 f1 f2 - f3 <f4 >want
	INFILE=f4 check_file want mr-split -F -b 2000 f1 f2 - f3
	split_oracle b 1 1 f3 f1 - <f4 >want
	INFILE=f4 check_file want mr-split -F -b 1 f3 f1 -
}

@test "without -F several generated files are split as their concatenation" {
	gen_text 31 3000 >f1
	gen_text 32 5000 >f2
	gen_text 33 2000 >f3
	cat f1 f2 f3 >all
	split_oracle b 2000 0 all >want
	INFILE=f2 check_file want mr-split -b 2000 f1 - f3
	split_oracle n 333 0 all >want
	check_file want mr-split -n 333 f1 f2 f3
}

@test "-z reads and writes NUL-terminated records; LF is data" {
	printf 'a|b\nc||d' | tr '|' '\0' >in
	printf '000000\ta|000000\tb\nc|000001\t|000001\td|' | tr '|' '\0' >want
	INFILE=in check_file want mr-split -z -n 2
	INFILE=in check_file want mr-split --null -n 2
}

@test "-z -b counts the NUL terminator" {
	printf 'ab|c|d|' | tr '|' '\0' >in
	printf '000000\tab|000001\tc|000001\td|' | tr '|' '\0' >want
	INFILE=in check_file want mr-split -z -b 3
}

@test "NUL bytes inside a line are data without -z" {
	printf 'a\0b\nc\n' >in
	printf '000000\ta\0b\n000001\tc\n' >want
	INFILE=in check_file want mr-split -n 1
}

@test "high bytes and UTF-8 pass through unchanged" {
	printf '\xff\x80 caf\xc3\xa9\n\xc2\xbfQu\xc3\xa9?\n' >in
	printf '000000\t\xff\x80 caf\xc3\xa9\n000000\t\xc2\xbfQu\xc3\xa9?\n' >want
	INFILE=in check_file want mr-split
}

@test "-n and -b together is a usage error" {
	check_usage mr-split 'mr-split: -n and -b are mutually exclusive' -n 2 -b 10
	check_usage mr-split 'mr-split: -n and -b are mutually exclusive' -b 10 -n 2
}

@test "bad line counts: 0, -1, abc, 1X, too large" {
	check_bad_arg mr-split "mr-split: invalid line count '0': too small" -n 0
	check_bad_arg mr-split "mr-split: invalid line count '-1': too small" -n -1
	check_bad_arg mr-split "mr-split: invalid line count 'abc': invalid" -n abc
	check_bad_arg mr-split "mr-split: invalid line count '1X': invalid" -n 1X
	check_bad_arg mr-split "mr-split: invalid line count '': invalid" -n ''
	check_bad_arg mr-split "mr-split: invalid line count '99999999999999999999': too large" -n 99999999999999999999
}

@test "bad sizes: 0, -1, abc, 1X, too large" {
	local w="[a-z][a-z ]*"
	capture mr-split -b 0
	assert_status 2
	assert_out ""
	assert_err_match "^mr-split: invalid $w '0': too small\$"
	capture mr-split -b -1
	assert_status 2
	assert_err_match "^mr-split: invalid $w '-1': (too small|invalid)\$"
	capture mr-split -b abc
	assert_status 2
	assert_err_match "^mr-split: invalid $w 'abc': invalid\$"
	capture mr-split -b 1X
	assert_status 2
	assert_err_match "^mr-split: invalid $w '1X': invalid\$"
	capture mr-split -b 1KK
	assert_status 2
	assert_err_match "^mr-split: invalid $w '1KK': invalid\$"
	capture mr-split -b K
	assert_status 2
	assert_err_match "^mr-split: invalid $w 'K': invalid\$"
	capture mr-split -b 99999999999999999999
	assert_status 2
	assert_err_match "^mr-split: invalid $w '99999999999999999999': too large\$"
	capture mr-split -b 99999999999T
	assert_status 2
	assert_err_match "^mr-split: invalid $w '99999999999T': too large\$"
}

@test "a missing option argument is a usage error" {
	check_usage mr-split "mr-split: option requires an argument -- 'n'" -n
	check_usage mr-split "mr-split: option requires an argument -- 'b'" -b
	check_usage mr-split "mr-split: option '--lines' requires an argument" --lines
}

@test "a file that cannot be opened stops the program there with exit 1" {
	printf 'a\n' >good
	capture mr-split -n 1 good nosuch good
	assert_status 1
	assert_err "mr-split: cannot open 'nosuch': No such file or directory"
	assert_out $'000000\ta\n'
}

@test "a directory operand is a read error" {
	mkdir somedir
	check_err 1 "mr-split: cannot read 'somedir': Is a directory" mr-split somedir
}

@test "the usage line is man/mr-split.1's SYNOPSIS, in a usage error and in -h" {
	check_synopsis mr-split
}

# ---------------------------------------------------------------------------
# -s K/N: byte ranges

@test "-s K/N for N = 1..8: the ranges hold every line once, in order; a line belongs where it starts" {
	gen_text 5 700 >f1
	printf 'no final newline' >f2
	awk 'BEGIN { for (i = 0; i < 3; i++) { s = ""; for (j = 0; j < 5000; j++) s = s "x"; print s } }' >long
	: >empty
	cat f1 f2 >want
	echo >>want
	cat long >>want
	local n k
	for n in 1 2 3 4 5 6 7 8; do
		for k in $(seq "$n"); do
			mr-split -s "$k/$n" f1 f2 empty long || return 1
		done >got
		cut -f 2- got >lines
		cmp want lines || { echo "N=$n" >&2; return 1; }
		# keys are K:CHUNK, unique across ranges
		[ "$(cut -f 1 got | uniq | sort | uniq -d | wc -l)" -eq 0 ]
	done
	# by hand: 'a\nbb\nccc\n' is 9 bytes; 3 ranges are bytes 0-2, 3-5, 6-8:
	# a (0) and bb (2) start in the first, ccc (5) in the second
	printf 'a\nbb\nccc\n' >abc
	check 0 $'1:000000\ta\n1:000000\tbb\n' mr-split -s 1/3 abc
	check 0 $'2:000000\tccc\n' mr-split -s 2/3 abc
	check 0 '' mr-split -s 3/3 abc
	# more ranges than bytes: some are empty, none repeats a line
	for k in $(seq 20); do mr-split -s "$k/20" abc; done | cut -f 2 >lines
	printf 'a\nbb\nccc\n' | cmp - lines
}

@test "-s with -n, -F, -z, stdin redirected from a file" {
	printf 'l1\nl2\nl3\nl4\nl5\nl6\n' >six
	check 0 $'2:000000\tl4\n2:000000\tl5\n2:000001\tl6\n' mr-split -s 2/2 -n 2 six
	check 0 $'six:2:000000\tl4\nsix:2:000000\tl5\nsix:2:000000\tl6\n' mr-split -F -s 2/2 six
	INFILE=six check 0 $'1:000000\tl1\n1:000000\tl2\n1:000000\tl3\n' mr-split -s 1/2
	printf 'a\0bb\0ccc\0' >z
	printf '2:000000\tccc\0' >wantz
	check_file wantz mr-split -z -s 2/3 z
}

@test "-s: a pipe is refused; bad K/N is a usage error" {
	capture sh -c "printf 'a\\n' | exec mr-split -s 1/2"
	assert_status 1
	assert_err "mr-split: '-': -s needs regular files"
	check_bad_arg mr-split "mr-split: invalid range '3': not K/N" -s 3
	check_bad_arg mr-split "mr-split: invalid range number '3': too large" -s 3/2
	check_bad_arg mr-split "mr-split: invalid range number '0': too small" -s 0/2
	check_bad_arg mr-split "mr-split: invalid range count '0': too small" -s 1/0
	check_bad_arg mr-split "mr-split: invalid range count 'x': invalid" -s 1/x
}

@test "chunk keys sort bytewise in chunk order: six digits, widened past 899999 as GNU split widens" {
	seq 900002 | mr-split -n 1 >keys
	cut -f 1 keys | LC_ALL=C sort -c
	sed -n '1p; 10p; 11p; 899999p; 900000p; 900001p; 900002p' keys >got
	printf '%s\n' "000000${TAB}1" "000009${TAB}10" "000010${TAB}11" "899998${TAB}899999" \
		"899999${TAB}900000" "90000000${TAB}900001" "90000001${TAB}900002" >want
	cmp want got
	# a reducer over chunk keys works past chunk 9: grep per chunk, then count
	seq 100 | mr-split -n 5 | mr-map grep '7' | mr-reduce count >counts
	seq 100 | awk '/7/ { c[int((NR - 1) / 5)]++ } END { for (k in c) printf "%06d\t%d\n", k, c[k] }' |
		LC_ALL=C sort >want
	cmp want counts
}

@test "-s K/N keys: K as wide as N, so the ranges of a job sort in order too" {
	seq 200 >in
	for k in $(seq 12); do mr-split -s "$k/12" in; done >all
	cut -f 1 all | LC_ALL=C sort -c
	[ "$(head -n 1 all | cut -f 1)" = "01:000000" ]
	[ "$(tail -n 1 all | cut -f 1)" = "12:000000" ]
}

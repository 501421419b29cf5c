#!/usr/bin/env bats
# mr-shuffle: a stable bytewise sort by key, checked byte for byte against
# `LC_ALL=C sort -t TAB -k1,1 -s` on generated records with nasty keys, in
# memory and spilling to temporary files; plus the spill error paths, the
# cleanup of temporary files after signals, and -S parsing.

load helper

setup() {
	cd "$BATS_TEST_TMPDIR"
}

teardown() {
	if [ -n "${PID:-}" ]; then
		kill -KILL "$PID" 2>/dev/null || true
		wait "$PID" 2>/dev/null || true
	fi
	if [ -n "${MOUNTED:-}" ]; then
		umount "$MOUNTED"
	fi
}

# spill_fds PID DIR: the open descriptors of PID that point into DIR.
spill_fds() {
	local dir
	dir=$(cd "$2" && pwd -P)
	ls -l "/proc/$1/fd" 2>/dev/null | grep -F -- "-> $dir/" || true
}

# kill_while_spilling SIGNAL: starts mr-shuffle -S 64K -T tmp on a FIFO,
# feeds it enough to spill, checks that it holds spill files that are
# already unlinked, sends SIGNAL, and checks that tmp is left empty.
kill_while_spilling() {
	mkdir tmp
	gen_records 81 300000 >big
	mkfifo fifo
	env --default-signal=INT,TERM mr-shuffle -S 64K -T tmp <fifo >out 2>err 3>&- &
	PID=$!
	exec 7>fifo
	cat big >&7
	local i
	for i in $(seq 100); do
		[ -z "$(spill_fds "$PID" tmp)" ] || break
		sleep 0.1
	done
	[ -n "$(spill_fds "$PID" tmp)" ] || {
		exec 7>&-
		echo "mr-shuffle -S 64K holds no file in the -T directory after reading 3 MB" >&2
		return 1
	}
	[ -z "$(ls -A tmp)" ] || {
		exec 7>&-
		echo "spill files are not unlinked right after creation: $(ls -A tmp)" >&2
		return 1
	}
	local st
	kill_wait "$1"
	exec 7>&-
	[ "$st" -ne 0 ] || { echo "mr-shuffle exited 0 after SIG$1" >&2; return 1; }
	[ -z "$(ls -A tmp)" ] || { echo "files left in -T dir after SIG$1: $(ls -A tmp)" >&2; return 1; }
	[ ! -s out ] || { echo "output written although the input was not complete" >&2; return 1; }
}

@test "records are sorted by key, stable" {
	IN=$'b\t1\na\t2\na\t1\nc\nb\t0\n'
	check 0 $'a\t2\na\t1\nb\t1\nb\t0\nc\n' mr-shuffle
}

@test "keys compare bytewise: a prefix sorts first, the value does not count" {
	IN=$'abc\tz\nab\tx\na\ty\na\na\tb\n'
	check 0 $'a\ty\na\na\tb\nab\tx\nabc\tz\n' mr-shuffle
}

@test "the empty key sorts first; a line without TAB is all key" {
	IN=$'b\n\tv\n\nab\ta\na b\n'
	check 0 $'\tv\n\na b\nab\ta\nb\n' mr-shuffle
}

@test "an empty line and a line starting with TAB both have the empty key: input order kept" {
	IN=$'\n\tA\n'
	check 0 $'\n\tA\n' mr-shuffle
	IN=$'\tA\n\n\tB\n\n\tC\n'
	check 0 $'\tA\n\n\tB\n\n\tC\n' mr-shuffle
}

@test "keys compare as unsigned bytes: high bytes after ASCII" {
	printf '\xff\t1\n\x80\t2\nz\t3\n\xffa\t4\nA\t5\n\xc3\xa9\t6\n' >in
	printf 'A\t5\nz\t3\n\x80\t2\n\xc3\xa9\t6\n\xff\t1\n\xffa\t4\n' >want
	INFILE=in check_file want mr-shuffle
}

@test "keys compare bytewise whatever the locale" {
	printf 'b\t1\nB\t2\na\t3\nA\t4\n' >in
	printf 'A\t4\nB\t2\na\t3\nb\t1\n' >want
	INFILE=in LC_ALL=en_US.UTF-8 check_file want mr-shuffle
	INFILE=in LC_ALL=C.UTF-8 check_file want mr-shuffle
}

@test "NUL bytes inside records are data without -z" {
	printf 'b\0\t1\na\t2\nb\t3\n' >in
	printf 'a\t2\nb\t3\nb\0\t1\n' >want
	INFILE=in check_file want mr-shuffle
	sort_by_key in >want2
	cmp want want2
}

@test "empty input gives no output" {
	IN=''
	check 0 '' mr-shuffle
	check 0 '' mr-shuffle -S 64K
}

@test "a last line without newline is a record, in every file" {
	printf 'c\t1' >f1
	printf 'a\t2\nb\t3' >f2
	check 0 $'a\t2\nb\t3\nc\t1\n' mr-shuffle f1 f2
}

@test "files and stdin are read in order: equal keys keep that order" {
	printf 'k\tf1\nb\tf1\n' >f1
	printf 'k\tf2\na\tf2\n' >f2
	IN=$'k\tin\nb\tin\n'
	check 0 $'a\tf2\nb\tf1\nb\tin\nk\tf1\nk\tin\nk\tf2\n' mr-shuffle f1 - f2
}

@test "generated records are byte-identical to sort -t TAB -k1,1 -s" {
	gen_records 82 100000 >in
	sort_by_key in >want
	check_file want mr-shuffle in
	INFILE=in check_file want mr-shuffle
	INFILE=in check_file want mr-shuffle -
}

@test "several generated files are sorted as their concatenation" {
	gen_records 83 30000 >f1
	gen_records 84 30000 >f2
	gen_records 85 30000 >f3
	cat f1 f2 f3 | sort_by_key >want
	INFILE=f2 check_file want mr-shuffle f1 - f3
}

@test "-z sorts NUL-terminated records; LF is data" {
	gen_records 86 30000 | tr '\n~' '\001\n' | tr '\001' '\0' >in
	grep -q -z $'\n' in # some records hold an LF
	sort_by_key -z in >want
	check_file want mr-shuffle -z in
	check_file want mr-shuffle --null in
}

@test "-S 64K spills and still equals sort; the -T directory is left empty" {
	mkdir tmp
	gen_records 87 300000 >in
	sort_by_key in >want
	check_file want mr-shuffle -S 64K -T tmp in
	[ -z "$(ls -A tmp)" ]
	check_file want mr-shuffle --buffer-size 64K --temporary-directory tmp in
	check_file want mr-shuffle --buffer-size=65536 --temporary-directory=tmp in
	[ -z "$(ls -A tmp)" ]
}

@test "-S 64K -z spills and still equals sort -z" {
	mkdir tmp
	gen_records 88 300000 | tr '\n~' '\001\n' | tr '\001' '\0' >in
	sort_by_key -z in >want
	check_file want mr-shuffle -z -S 64K -T tmp in
	[ -z "$(ls -A tmp)" ]
}

@test "spilling: many equal keys stay in input order across runs" {
	mkdir tmp
	awk 'BEGIN { srand(89); for (i = 0; i < 200000; i++) printf "%s\t%d\n", substr("abc", 1, int(rand() * 4)), i }' >in
	sort_by_key in >want
	check_file want mr-shuffle -S 64K -T tmp in
}

@test "a record larger than -S is held whole" {
	mkdir tmp
	{
		gen_records 90 50000
		printf 'big\t'
		head -c 1048576 /dev/zero | tr '\0' x
		printf '\nbig\tsmall\n'
		gen_records 91 50000
	} >in
	sort_by_key in >want
	check_file want mr-shuffle -S 64K -T tmp in
}

@test "spill files go to \$TMPDIR without -T" {
	mkdir tmpd
	gen_records 92 300000 >in
	sort_by_key in >want
	TMPDIR=$PWD/tmpd check_file want mr-shuffle -S 64K in
	[ -z "$(ls -A tmpd)" ]
	INFILE=in TMPDIR=/nonexistent check_err 1 \
		"mr-shuffle: cannot create temporary file in '/nonexistent': No such file or directory" \
		mr-shuffle -S 64K
}

@test "-T /nonexistent with a spilling input: exit 1, exact message, no output" {
	gen_records 93 300000 >in
	INFILE=in check_err 1 \
		"mr-shuffle: cannot create temporary file in '/nonexistent': No such file or directory" \
		mr-shuffle -S 64K -T /nonexistent
}

@test "-T naming a regular file: exit 1, Not a directory" {
	gen_records 94 300000 >in
	: >afile
	INFILE=in check_err 1 \
		"mr-shuffle: cannot create temporary file in 'afile': Not a directory" \
		mr-shuffle -S 64K -T afile
}

@test "a full temporary directory: exit 1, exact message, no output, nothing left" {
	mkdir small
	mount -t tmpfs -o size=1M tmpfs small 2>/dev/null || skip "cannot mount a tmpfs here"
	MOUNTED=$PWD/small
	gen_records 95 500000 >in
	INFILE=in check_err 1 \
		"mr-shuffle: cannot write temporary file in 'small': No space left on device" \
		mr-shuffle -S 64K -T small
	[ -z "$(ls -A small)" ]
}

@test "SIGTERM while spilling leaves no file in the -T directory" {
	kill_while_spilling TERM
}

@test "SIGINT while spilling leaves no file in the -T directory" {
	kill_while_spilling INT
}

@test "SIGKILL while spilling leaves no file in the -T directory" {
	kill_while_spilling KILL
}

@test "-S below 64K or malformed is a usage error" {
	check_bad_arg mr-shuffle "mr-shuffle: invalid buffer size '1K': too small" -S 1K
	check_bad_arg mr-shuffle "mr-shuffle: invalid buffer size '65535': too small" -S 65535
	check_bad_arg mr-shuffle "mr-shuffle: invalid buffer size '0': too small" -S 0
	check_bad_arg mr-shuffle "mr-shuffle: invalid buffer size 'abc': invalid" -S abc
	check_bad_arg mr-shuffle "mr-shuffle: invalid buffer size '1X': invalid" -S 1X
	check_bad_arg mr-shuffle "mr-shuffle: invalid buffer size '': invalid" -S ''
	check_bad_arg mr-shuffle "mr-shuffle: invalid buffer size '99999999999T': too large" -S 99999999999T
	check_bad_arg mr-shuffle "mr-shuffle: invalid buffer size '99999999999999999999': too large" -S 99999999999999999999
	capture mr-shuffle -S -1
	assert_status 2
	assert_err_match "^mr-shuffle: invalid buffer size '-1': (too small|invalid)\$"
}

@test "-S accepts the minimum 64K in every spelling" {
	IN=$'b\t1\na\t2\n'
	check_same 0 $'a\t2\nb\t1\n' mr-shuffle "-S 64K" "-S 64k" "-S 65536" "-S 1M" "-S 1g"
}

@test "a missing -S or -T argument is a usage error" {
	check_usage mr-shuffle "mr-shuffle: option requires an argument -- 'S'" -S
	check_usage mr-shuffle "mr-shuffle: option requires an argument -- 'T'" -T
}

@test "the usage line is man/mr-shuffle.1's SYNOPSIS, in a usage error and in -h" {
	check_synopsis mr-shuffle
}

# ---------------------------------------------------------------------------
# -m: merge of sorted inputs

@test "-m: merge of sorted inputs byte-identical to sort -m -s, stable in operand order" {
	local i
	for i in 1 2 3; do
		gen_records "5$i" 3000 | sort_by_key >in$i
	done
	sort_by_key -m in1 in2 in3 >want
	check_file want mr-shuffle -m in1 in2 in3
	# equal keys keep operand order, whatever the values
	printf 'a\t3\nb\t1\n' >x
	printf 'a\t1\na\t2\n' >y
	check 0 $'a\t3\na\t1\na\t2\nb\t1\n' mr-shuffle -m x y
	# stdin and "-"
	INFILE=in1 check_file in1 mr-shuffle -m
	sort_by_key -m in2 in1 >want2
	INFILE=in1 check_file want2 mr-shuffle -m in2 -
}

@test "-m: more operands than the merge fan-in (merged in passes), -z, empty files" {
	local i
	for i in $(seq 150); do
		gen_records "$i" 40 | sort_by_key >"p$i"
	done
	: >empty
	sort_by_key -m p* empty >want
	check_file want mr-shuffle -m p* empty
	check_file want mr-shuffle -m -S 64K p* empty
	gen_records 9 500 | tr '\n' '\0' | sort -z -t "$TAB" -k1,1 -s >z1
	gen_records 8 500 | tr '\n' '\0' | sort -z -t "$TAB" -k1,1 -s >z2
	sort -m -z -t "$TAB" -k1,1 -s z1 z2 >wantz
	check_file wantz mr-shuffle -m -z z1 z2
}

@test "-m: an unsorted operand is an error naming FILE:LINE, exit 1" {
	printf 'a\t1\nc\t2\n' >good
	printf 'a\t1\nb\t2\nab\t3\n' >bad
	capture mr-shuffle -m good bad
	assert_status 1
	assert_err "mr-shuffle: bad:3: input is not sorted by key"
	IN=$'b\na\n' check_err 1 "mr-shuffle: stdin:2: input is not sorted by key" mr-shuffle -m
	check_err 1 "mr-shuffle: cannot open 'nosuch': No such file or directory" mr-shuffle -m good nosuch
}

# ---------------------------------------------------------------------------
# -P N -o DIR: partitions

# fnv_parts N FILE DIR: the oracle: FILE's records split by FNV-1a 64 of
# the key modulo N, each partition sorted with sort -s, in DIR/part-NNNNN.
fnv_parts() {
	python3 - "$1" "$2" "$3" <<-'PY'
		import os, sys
		n, src, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
		os.makedirs(out, exist_ok=True)
		parts = [[] for _ in range(n)]
		for line in open(src, "rb").read().split(b"\n")[:-1]:
		    h = 14695981039346656037
		    for c in line.split(b"\t", 1)[0]:
		        h = ((h ^ c) * 1099511628211) % 2**64
		    parts[h % n].append(line)
		for i, p in enumerate(parts):
		    with open("%s/part-%05d" % (out, i), "wb") as f:
		        f.write(b"".join(l + b"\n" for l in p))
	PY
	local f
	for f in "$3"/part-*; do
		sort_by_key "$f" >"$f.s" && mv "$f.s" "$f"
	done
}

@test "-P N -o DIR: N part files, each sorted, every key in its FNV-1a partition (Python oracle)" {
	gen_records 71 20000 >in
	local n
	for n in 1 3 16; do
		fnv_parts "$n" in "want$n"
		check 0 '' mr-shuffle -P "$n" -o "out$n" in
		diff -r "want$n" "out$n"
		[ "$(ls "out$n" | wc -l)" -eq "$n" ]
	done
	# spilling: the same files
	check 0 '' mr-shuffle -P 16 -o spilled -S 64K in
	diff -r want16 spilled
	# the merge of all parts is the full shuffle
	sort_by_key in >full
	check_file full mr-shuffle -m out16/part-*
}

@test "-P: the partition of a key is the same everywhere: FNV-1a test vectors" {
	# FNV-1a 64: '' cbf29ce484222325, 'a' af63dc4c8601ec8c, 'foobar'
	# 85944171f73967e8; modulo 1000: 37, 996, 968
	printf '\tempty\na\tone\nfoobar\tsix\n' >in
	check 0 '' mr-shuffle -P 1000 -o out in
	[ "$(cat out/part-00037)" = "${TAB}empty" ]
	[ "$(cat out/part-00996)" = "a${TAB}one" ]
	[ "$(cat out/part-00968)" = "foobar${TAB}six" ]
	[ "$(cat out/part-* | wc -l)" -eq 3 ]
	[ "$(ls out | wc -l)" -eq 1000 ]
}

@test "-P: empty input makes N empty parts; DIR and its parents are created; old parts replaced" {
	check 0 '' mr-shuffle -P 4 -o a/b/c </dev/null
	[ "$(ls a/b/c)" = "$(printf 'part-%05d\n' 0 1 2 3)" ]
	[ ! -s a/b/c/part-00000 ] && [ ! -s a/b/c/part-00003 ]
	IN=$'k\tv\n' check 0 '' mr-shuffle -P 1 -o a/b/c
	[ "$(cat a/b/c/part-00000)" = "k${TAB}v" ]
	# -z
	printf 'b\t1\0a\t2\0' >z
	check 0 '' mr-shuffle -z -P 1 -o zz z
	printf 'a\t2\0b\t1\0' >wantz
	cmp wantz zz/part-00000
}

@test "-P: killed or failed before the end, no part file and no temporary file is left" {
	gen_records 3 200000 >big
	mkfifo fifo
	mr-shuffle -P 3 -o out <fifo &
	PID=$!
	exec 7>fifo
	cat big >&7
	sleep 0.5
	# input not finished: nothing under a final name yet
	[ -z "$(ls out | grep '^part-')" ]
	kill -TERM "$PID"
	exec 7>&-
	wait "$PID" || true
	PID=
	[ -z "$(ls -A out)" ] || { ls -A out >&2; return 1; }
	# a read error after some input: exit 1, nothing left in the directory
	capture mr-shuffle -P 2 -o out2 big nosuch
	assert_status 1
	assert_err "mr-shuffle: cannot open 'nosuch': No such file or directory"
	[ -z "$(ls -A out2)" ]
}

@test "-P, -o, -m misuse: exit 2 with the reason and the usage" {
	check_usage mr-shuffle "mr-shuffle: -P and -o go together" -P 2
	check_usage mr-shuffle "mr-shuffle: -P and -o go together" -o dir
	check_usage mr-shuffle "mr-shuffle: -m and -P are mutually exclusive" -m -P 2 -o dir
	check_bad_arg mr-shuffle "mr-shuffle: invalid partition count '0': too small" -P 0 -o dir
	check_bad_arg mr-shuffle "mr-shuffle: invalid partition count '100000': too large" -P 100000 -o dir
}

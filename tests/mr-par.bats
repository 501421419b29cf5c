#!/usr/bin/env bats
# mr-par: runs a filter on chunks of records in parallel. Checked against
# the sequential filter (same lines; byte-identical with -k), against an awk
# model of the chunk rule, with filters that fail on purpose (retries, the
# --failed file, the stop and --keep-going policies), filters that would
# deadlock a naive implementation, --joblog and --progress output, signals,
# a closed stdout, memory use, and option errors.

load helper

JOBLOG_HEADER="chunk${TAB}attempt${TAB}start${TAB}runtime${TAB}bytes_in${TAB}bytes_out${TAB}exit${TAB}signal${TAB}host"
MIB='[0-9]+\.[0-9]'
# groups: 1 chunks done, 2 running, 3 read, 4 records in, 5 out, 7 percent
PROGRESS_RE="^mr-par: chunks ([0-9]+) done, ([0-9]+) running, ([0-9]+) read; records ([0-9]+) in, ([0-9]+) out; $MIB MiB in, $MIB MiB out; $MIB MiB/s(; ([0-9]+)% ETA [0-9]+s)?\$"

setup() {
	cd "$BATS_TEST_TMPDIR"
	# `sleep $SLEEP` marks the slow instances of this test: no other
	# process has it in its command line.
	SLEEP=29.$$$BATS_TEST_NUMBER
}

teardown() {
	if [ -n "${PID:-}" ]; then
		kill -KILL "$PID" 2>/dev/null || true
		wait "$PID" 2>/dev/null || true
	fi
	local p
	for p in $(pgrep -f "sleep $SLEEP" || true); do
		kill -KILL "$p" 2>/dev/null || true
	done
}

# survivors: the processes (other than $PID) running `sleep $SLEEP`.
survivors() {
	pgrep -f "sleep $SLEEP" | grep -vx "${PID:-0}" || true
}

# wait_gone: waits up to 3 s for every `sleep $SLEEP` process to end;
# fails listing the ones left.
wait_gone() {
	local i
	for i in $(seq 30); do
		[ -n "$(survivors)" ] || return 0
		sleep 0.1
	done
	echo "instances survive:" >&2
	ps -o pid,pgid,args -p "$(survivors | paste -sd,)" >&2 || true
	return 1
}

# spill_fds PID DIR: the open descriptors of PID that point into DIR.
spill_fds() {
	local dir
	dir=$(cd "$2" && pwd -P)
	ls -l "/proc/$1/fd" 2>/dev/null | grep -F -- "-> $dir/" || true
}

# assert_out_lines FILE: stdout holds the same lines as FILE, in any order.
assert_out_lines() {
	sort "$1" >"$BATS_TEST_TMPDIR/.want_sorted"
	sort "$BATS_TEST_TMPDIR/.out" >"$BATS_TEST_TMPDIR/.out_sorted"
	cmp -s "$BATS_TEST_TMPDIR/.want_sorted" "$BATS_TEST_TMPDIR/.out_sorted" ||
		fail_with "stdout is not the lines of $1 (as a multiset):" \
			"$(diff "$BATS_TEST_TMPDIR/.want_sorted" "$BATS_TEST_TMPDIR/.out_sorted" | head -n 6)"
}

# same_lines A B: files A and B hold the same lines, in any order.
same_lines() {
	diff <(sort "$1") <(sort "$2") >"$BATS_TEST_TMPDIR/.diff" || {
		echo "$1 and $2 differ as multisets of lines:" >&2
		head -n 10 "$BATS_TEST_TMPDIR/.diff" >&2
		return 1
	}
}

# text_records SEED LINES: gen_text lines as records KEY<TAB>LINE, KEY
# counting up like mr-split's chunk numbers; runs alternate between short
# (1-8 lines) and long (100-300 lines), so that -b 1K merges some runs.
text_records() {
	gen_text "$1" "$2" | awk -v seed="$1" 'BEGIN { srand(seed); key = -1 }
	{
		if (left <= 0) {
			key++; short = !short
			left = short ? 1 + int(rand() * 8) : 100 + int(rand() * 200)
		}
		print key "\t" $0; left--
	}'
}

# gen_runs SEED RUNS: RUNS runs of records; a run has 1-4 records (now and
# then up to 40) with the same key, from a small set of keys that come
# back in later runs (empty, prefixes, numbers that awk would call equal,
# a high byte); some records have no TAB (all key) or an empty value.
gen_runs() {
	awk -v seed="$1" -v n="$2" 'BEGIN {
		srand(seed)
		nk = split("|a|ab|b|0|00|1|1.0|\200|k e y", keys, "|")
		split("a b c x y z 0 1 . , - _ \200 \351", ch, " ")
		for (r = 0; r < n; r++) {
			k = keys[1 + int(rand() * nk)]
			if (k == prev) k = k "z"
			prev = k
			len = rand() < 0.1 ? 5 + int(rand() * 36) : 1 + int(rand() * 4)
			for (i = 0; i < len; i++) {
				if (rand() < 0.1) { print k; continue }
				v = ""; vl = int(rand() * 30)
				for (j = 0; j < vl; j++) v = v (rand() < 0.05 ? "\t" : ch[1 + int(rand() * 14)])
				print k "\t" v
			}
		}
	}'
}

# chunk_ref SIZE: the model of the chunk rule: every input record prefixed
# with "CHUNK:", where a chunk ends at the first key change after it holds
# at least SIZE bytes.
chunk_ref() {
	awk -v size="$1" '{
		t = index($0, "\t")
		key = t ? substr($0, 1, t - 1) : substr($0, 1)
		if (NR > 1 && key != prev && bytes >= size) { chunk++; bytes = 0 }
		bytes += length($0) + 1
		prev = key
		print chunk + 0 ":" $0
	}'
}

# flaky: copies tests/par/flaky.sh to ./flaky.sh (the command's name in
# mr-par's messages is then './flaky.sh').
flaky() {
	cp "$BATS_TEST_DIRNAME/par/flaky.sh" flaky.sh
	chmod 755 flaky.sh
}

# is_asan: the mr-par under test is built with AddressSanitizer.
is_asan() {
	grep -q __asan_init "$(command -v mr-par)"
}

# kill_par SIGNAL STATUS: starts mr-par -b 1 -j2 on two 1.5 MB chunks and
# two small ones with instances that sleep, TMPDIR a test directory;
# waits until both instances run and a chunk's input went to an unlinked
# temporary file; sends SIGNAL to mr-par and checks: exit STATUS, no
# instance left, nothing in TMPDIR, no output.
kill_par() {
	mkdir tmp
	awk 'BEGIN {
		for (k = 0; k < 2; k++) for (i = 0; i < 30000; i++) printf "big%d\t%045d\n", k, i
		print "c\t1"; print "d\t1"
	}' >in
	TMPDIR=$PWD/tmp env --default-signal=INT,TERM,HUP \
		mr-par -b 1 -j2 sh -c "sleep $SLEEP; cat" <in >out 2>err 3>&- &
	PID=$!
	local i
	for i in $(seq 100); do
		[ "$(survivors | wc -l)" -lt 4 ] || [ -z "$(spill_fds "$PID" tmp)" ] || break
		sleep 0.1
	done
	[ "$(survivors | wc -l)" -ge 4 ] || {
		echo "two instances (sh and sleep each) do not run after 10 s" >&2
		return 1
	}
	[ -n "$(spill_fds "$PID" tmp)" ] || {
		echo "a 1.5 MB chunk input that waits is not moved to a file in \$TMPDIR" >&2
		return 1
	}
	[ -z "$(ls -A tmp)" ] || {
		echo "temporary files are not unlinked: $(ls -A tmp)" >&2
		return 1
	}
	local st
	kill_wait "$1"
	[ "$st" -eq "$2" ] || { echo "mr-par exited $st after SIG$1, expected $2" >&2; cat err >&2; return 1; }
	wait_gone
	[ -z "$(ls -A tmp)" ] || { echo "files left in TMPDIR after SIG$1: $(ls -A tmp)" >&2; return 1; }
	[ ! -s out ] || { echo "output written although no instance finished" >&2; return 1; }
}

# ---------------------------------------------------------------------------
# Output equals the sequential filter

@test "mr-map words: -k byte-identical, else the same lines, for -j 1 2 8 and -b 1 1K 64K default" {
	text_records 11 3000 >in
	[ "$(chunk_ref 1 <in | tail -n 1 | cut -d: -f1)" -ge 30 ] # -b 1: many chunks
	[ "$(chunk_ref 65536 <in | tail -n 1 | cut -d: -f1)" -ge 1 ] # -b 64K: several
	mr-map words in >want
	local j b opts
	for j in 1 2 8; do
		for b in 1 1K 64K ''; do
			opts=(-j "$j")
			[ -z "$b" ] || opts+=(-b "$b")
			INFILE=in check_file want mr-par -k "${opts[@]}" mr-map words
			INFILE=in capture mr-par "${opts[@]}" mr-map words
			assert_status 0
			assert_err ""
			assert_out_lines want
		done
	done
}

@test "typical pipelines: mr-split -n 100 | mr-par mr-map words | mr-shuffle | mr-reduce sum" {
	gen_text 12 3000 >text
	mr-split -n 100 text | mr-map words | mr-shuffle | mr-reduce sum >want
	mr-split -n 100 text | mr-par -j 8 mr-map words | mr-shuffle | mr-reduce sum >got
	cmp want got
	mr-split -n 100 text | mr-par -j 2 -b 1K mr-map words | mr-shuffle | mr-reduce sum >got
	cmp want got
	mr-split -n 100 text | mr-par -j2 -b 1 sh -c 'mr-map words | mr-reduce -H sum' |
		mr-shuffle | mr-reduce sum >got
	cmp want got
}

@test "reducers after mr-shuffle: runs never split (-b 1K, -j 1 2 8)" {
	gen_text 13 1200 | mr-map words | mr-shuffle >in
	[ "$(chunk_ref 1024 <in | tail -n 1 | cut -d: -f1)" -ge 30 ]
	mr-reduce sum <in >want
	local j
	for j in 1 2 8; do
		INFILE=in check_file want mr-par -k -j "$j" -b 1K mr-reduce sum
		INFILE=in capture mr-par -j "$j" -b 1K mr-reduce sum
		assert_status 0
		assert_err ""
		assert_out_lines want
	done
	# several ops over numeric records with groups of 1 to ~60 records
	gen_numbers 14 40 >nums
	mr-reduce count sum:1 mean:2 median:3 collapse:1 <nums >want
	INFILE=nums check_file want mr-par -k -j 2 -b 1K mr-reduce count sum:1 mean:2 median:3 collapse:1
	INFILE=nums check_file want mr-par -k -j 8 -b 1 mr-reduce count sum:1 mean:2 median:3 collapse:1
}

# ---------------------------------------------------------------------------
# The chunk rule

@test "chunk rule by hand: -b 5 on runs of 4-byte records" {
	IN=$'a\t1\na\t2\nb\t3\nc\t4\nc\t5\nd\t6\n'
	check 0 $'0 2\n1 3\n2 1\n' mr-par -k -b 5 sh -c 'echo "$MR_CHUNK $(wc -l)"'
	check 0 $'0 2\n1 1\n2 2\n3 1\n' mr-par -k -b 1 sh -c 'echo "$MR_CHUNK $(wc -l)"'
	check 0 $'0 2\n1 1\n2 2\n3 1\n' mr-par -k -b 4 sh -c 'echo "$MR_CHUNK $(wc -l)"'
	check 0 $'0 3\n1 3\n' mr-par -k -b 9 sh -c 'echo "$MR_CHUNK $(wc -l)"'
	check 0 $'0 6\n' mr-par -k -b 24 sh -c 'echo "$MR_CHUNK $(wc -l)"'
	check 0 $'0 6\n' mr-par -k sh -c 'echo "$MR_CHUNK $(wc -l)"'
}

@test "chunk rule: a line without TAB is all key; an empty line has the empty key" {
	IN=$'a\na\tx\n\n\tv\nb\nb\t\n'
	check 0 $'0:a\n0:a\tx\n1:\n1:\tv\n2:b\n2:b\t\n' mr-par -k -b 1 sh -c 'sed "s/^/$MR_CHUNK:/"'
}

@test "chunk rule: generated runs, -b 1 2 30 50 100 1K, against the awk model" {
	gen_runs 21 60 >in
	local b size
	for b in 1 2 30 100 1K; do
		size=${b/K/*1024}
		chunk_ref "$((size))" <in >want
		INFILE=in check_file want mr-par -k -j 2 -b "$b" sh -c 'sed "s/^/$MR_CHUNK:/"'
	done
	for b in 1 50; do
		chunk_ref "$b" <in | cut -d: -f1 | uniq -c | awk '{ print $2, $1 }' >want
		INFILE=in check_file want mr-par -k -j 2 -b "$b" sh -c 'echo "$MR_CHUNK $(wc -l)"'
	done
	# -b 50: some chunks hold several runs; some runs hold several records
	[ "$(chunk_ref 50 <in | cut -d: -f1 | uniq | wc -l)" -lt "$(chunk_ref 1 <in | cut -d: -f1 | uniq | wc -l)" ]
	[ "$(chunk_ref 1 <in | cut -d: -f1 | uniq | wc -l)" -lt "$(wc -l <in)" ]
}

@test "a last line without newline is a record; its newline is added when fed" {
	printf 'a\t1\nb\t2' >in
	INFILE=in check 0 $'4\n4\n' mr-par -k -b 1 wc -c
	INFILE=in check 0 $'a\t1\nb\t2\n' mr-par cat
	# an instance's last line without newline gets one
	INFILE=in check 0 $'o0\no1\n' mr-par -k -b 1 sh -c 'cat >/dev/null; printf "o$MR_CHUNK"'
	printf 'a\t1\na\t2' >in
	INFILE=in check 0 $'0 8\n' mr-par -b 1 sh -c 'echo "$MR_CHUNK $(wc -c)"'
}

# ---------------------------------------------------------------------------
# The instances' environment and the output order

@test "MR_CHUNK and MR_ATTEMPT in the environment; stderr passes through" {
	IN=$'a\t1\nb\t2\nb\t3\nc\t4\n'
	check 0 $'0 1\n1 1\n2 1\n' mr-par -k -b 1 sh -c 'cat >/dev/null; echo "$MR_CHUNK $MR_ATTEMPT"'
	check 0 $'0 1\n1 3\n2 1\n' mr-par -k -b 1 sh -c '
		cat >/dev/null
		[ "$MR_CHUNK" = 1 ] && [ "$MR_ATTEMPT" -lt 3 ] && exit 1
		echo "$MR_CHUNK $MR_ATTEMPT"'
	capture mr-par -j1 -k -b 1 sh -c 'echo "note $MR_CHUNK" >&2; cat'
	assert_status 0
	assert_out "$IN"
	assert_err $'note 0\nnote 1\nnote 2'
}

@test "each instance runs in its own process group" {
	IN=$'a\t1\n'
	capture mr-par sh -c 'cat >/dev/null; echo "$$ $(cut -d" " -f5 /proc/$$/stat)"'
	assert_status 0
	assert_err ""
	read -r pid pgid <.out
	[ "$pid" = "$pgid" ] || fail_with "instance $pid is in process group $pgid"
}

@test "without -k chunks are written in the order instances finish; -k keeps input order" {
	IN=$'a\t1\nb\t2\nc\t3\n'
	check 0 $'b\t2\nc\t3\na\t1\n' mr-par -j2 -b 1 sh -c '[ "$MR_CHUNK" != 0 ] || sleep 1; cat'
	check 0 $'a\t1\nb\t2\nc\t3\n' mr-par -k -j2 -b 1 sh -c '[ "$MR_CHUNK" != 0 ] || sleep 1; cat'
}

@test "-k starts at most 2N chunks not yet written" {
	printf 'k%d\tv\n' $(seq 10) >in
	INFILE=in check_file in mr-par -k -j2 -b 1 sh -c '
		echo "$MR_CHUNK" >>started
		if [ "$MR_CHUNK" = 0 ]; then sleep 1.5; wc -l <started >count; fi
		cat'
	n=$(cat count)
	[ "$n" -ge 2 ] && [ "$n" -le 4 ] ||
		fail_with "$n chunks started while chunk 0 ran (-j2 -k: 2 to 4 expected)"
	[ "$(wc -l <started)" -eq 10 ]
}

@test "outputs never interleave: each chunk's lines are contiguous" {
	gen_runs 22 100 >in
	INFILE=in capture mr-par -j 8 -b 1 sh -c 'sed "s/^/$MR_CHUNK:/"'
	assert_status 0
	assert_err ""
	chunk_ref 1 <in >want
	assert_out_lines want
	cut -d: -f1 .out | uniq | sort | uniq -d >dup
	[ ! -s dup ] || fail_with "output of chunk(s) $(head -n 3 dup | paste -sd ' ') split up"
}

# ---------------------------------------------------------------------------
# Failures and retries

@test "instances killed on attempt 1 (then 2) are retried: same word count, no record lost or doubled" {
	flaky
	gen_text 31 600 | mr-split -n 50 >in
	mr-map words in >want
	mr-shuffle want | mr-reduce sum >want_count
	INFILE=in capture mr-par -j2 -b 1 --retries 1 ./flaky.sh 1,2,5,11 1
	assert_status 0
	assert_err ""
	assert_out_lines want
	mr-shuffle .out | mr-reduce sum >got_count
	cmp want_count got_count
	# killed on attempts 1 and 2: the default 2 retries are enough
	INFILE=in capture mr-par -j2 -b 1 --joblog log ./flaky.sh 0,7,8 2
	assert_status 0
	assert_err ""
	assert_out_lines want
	[ "$(wc -l <log)" -eq $((1 + 12 + 3 * 2)) ]
	# with -k the output is byte-identical
	INFILE=in check_file want mr-par -k -j 8 -b 1 ./flaky.sh 3,4,10 2
}

@test "--retries 0 --keep-going: killed chunks reported, their records in --failed, the rest done" {
	flaky
	gen_text 32 200 | mr-split -n 20 >in
	sed -n '61,80p;141,160p' in >want_failed
	sed '61,80d;141,160d' in | mr-map words >want
	INFILE=in capture mr-par -j2 -b 1 --retries 0 --keep-going --failed failed ./flaky.sh 3,7 1
	assert_status 1
	assert_out_lines want
	sort .err >err_sorted
	printf '%s\n' \
		"mr-par: chunk 3 (records 61-80): './flaky.sh 3,7 1' killed by signal 9 after 1 attempt" \
		"mr-par: chunk 7 (records 141-160): './flaky.sh 3,7 1' killed by signal 9 after 1 attempt" >want_err
	cmp want_err err_sorted || fail_with "stderr differs; expected:" "$(cat want_err)"
	same_lines want_failed failed
	# one failed chunk: its records exactly, in order
	INFILE=in capture mr-par -j2 -b 1 --retries 0 --keep-going --failed failed ./flaky.sh 7 1
	assert_status 1
	assert_err "mr-par: chunk 7 (records 141-160): './flaky.sh 7 1' killed by signal 9 after 1 attempt"
	sed -n '141,160p' in >want_failed
	cmp want_failed failed
}

@test "--retries 0 without --keep-going: stops; output + --failed hold every input record" {
	flaky
	gen_text 33 2000 | mr-split -n 20 >in
	local msg="mr-par: chunk 5 (records 101-120): './flaky.sh 5 1 cat' killed by signal 9 after 1 attempt"
	INFILE=in capture mr-par -j2 -b 1 --retries 0 --failed failed ./flaky.sh 5 1 cat
	assert_status 1
	assert_err "$msg"
	cat .out failed >all
	same_lines in all
	sed -n '101,120p' in >chunk5
	grep -qxF -f chunk5 .out && fail_with "records of the failed chunk are in the output"
	[ "$(tail -n 1 failed)" = "$(tail -n 1 in)" ] # chunks not run are in --failed
	# stdin a pipe: the rest of stdin is read into --failed too
	local st
	cat in | mr-par -j2 -b 1 --retries 0 --failed failed ./flaky.sh 5 1 cat >out 2>err &&
		st=("${PIPESTATUS[@]}") || st=("${PIPESTATUS[@]}")
	[ "${st[*]}" = "0 1" ] || { echo "exit statuses of cat | mr-par: ${st[*]}" >&2; return 1; }
	[ "$(cat err)" = "$msg" ]
	cat out failed >all
	same_lines in all
}

@test "a filter that exits 3: 'exited with status 3 after 3 attempts' with the default retries" {
	IN=$'a\t1\na\t2\n'
	check_err 1 "mr-par: chunk 0 (records 1-2): 'sh -c cat >/dev/null; exit 3' exited with status 3 after 3 attempts" \
		mr-par --joblog log sh -c 'cat >/dev/null; exit 3'
	cut -f 1,2,5-8 log >got
	printf '%s\n' "chunk${TAB}attempt${TAB}bytes_in${TAB}bytes_out${TAB}exit${TAB}signal" \
		"0${TAB}1${TAB}8${TAB}0${TAB}3${TAB}0" "0${TAB}2${TAB}8${TAB}0${TAB}3${TAB}0" \
		"0${TAB}3${TAB}8${TAB}0${TAB}3${TAB}0" >want
	cmp want got
	check_err 1 "mr-par: chunk 0 (records 1-2): 'sh -c cat >/dev/null; exit 3' exited with status 3 after 6 attempts" \
		mr-par --retries 5 sh -c 'cat >/dev/null; exit 3'
}

@test "'false' with --retries 0 -j1: stops after chunk 0, every record in --failed" {
	IN=$'a\t1\nb\t2\nb\t3\nc\t4\n'
	check_err 1 "mr-par: chunk 0 (records 1-1): 'false' exited with status 1 after 1 attempt" \
		mr-par -j1 -b 1 --retries 0 --failed failed false
	printf '%s' "$IN" >want
	sort want >want_sorted
	sort failed | cmp want_sorted -
	# --failed is created (empty) and truncated when nothing fails
	echo old >failed
	check 0 "$IN" mr-par -k -b 1 --failed failed cat
	[ -e failed ] && [ ! -s failed ]
}

@test "stop: a running instance finishes and is written; chunks not started go to --failed" {
	IN=$'a\t1\nb\t2\nc\t3\nd\t4\n'
	local cmd='case $MR_CHUNK in
		0) while [ ! -e started ]; do sleep 0.05; done; exit 4 ;;
		1) touch started; sleep 1.5; cat ;;
		*) cat ;;
		esac'
	capture mr-par -j2 -b 1 --retries 0 --failed failed --joblog log sh -c "$cmd"
	assert_status 1
	assert_out $'b\t2\n'
	assert_err "mr-par: chunk 0 (records 1-1): 'sh -c $cmd' exited with status 4 after 1 attempt"
	printf 'a\t1\nc\t3\nd\t4\n' >want
	same_lines want failed
	cut -f 1,2,7 log | sort >got
	printf '0\t1\t4\n1\t1\t0\nchunk\tattempt\texit\n' >want
	cmp want got
}

@test "stop: a running instance that fails after the stop is not retried" {
	IN=$'a\t1\nb\t2\n'
	local cmd='case $MR_CHUNK in 0) exit 4 ;; *) sleep 2; exit 5 ;; esac'
	capture mr-par -j2 -b 1 --failed failed --joblog log sh -c "$cmd"
	assert_status 1
	assert_out ""
	assert_err "mr-par: chunk 0 (records 1-1): 'sh -c $cmd' exited with status 4 after 3 attempts
mr-par: chunk 1 (records 2-2): 'sh -c $cmd' exited with status 5 after 1 attempt"
	printf '%s' "$IN" >want
	same_lines want failed
	cut -f 1,2,7 log | sort >got
	printf '0\t1\t4\n0\t2\t4\n0\t3\t4\n1\t1\t5\nchunk\tattempt\texit\n' >want
	cmp want got
}

# ---------------------------------------------------------------------------
# Filters that would deadlock a naive implementation

@test "more chunks than ulimit -n: a bounded number of files, every record out (-k and not)" {
	seq 3000 | mr-split -n 1 >in
	INFILE=in capture sh -c 'ulimit -n 40; exec mr-par -b 1 -j2 cat'
	assert_status 0
	[ ! -s .err ] || fail_with "stderr:" "$(cat .err)"
	same_lines in .out
	INFILE=in capture sh -c 'ulimit -n 40; exec mr-par -k -b 1 -j2 cat'
	assert_status 0
	cmp in .out
	# the same through a pipe, where the whole input arrives at once
	cat in | (ulimit -n 40; exec mr-par -k -b 1 -j1 cat) >out
	cmp in out
}

@test "an instance holds stdin, stdout and stderr only" {
	IN=$'a\t1\n'
	check 0 $'0\n1\n2\n' mr-par sh -c 'cat >/dev/null; ls /proc/$$/fd | sort -n'
}

@test "a filter that writes 1 MB before reading its 2 MB input completes" {
	awk 'BEGIN { for (i = 0; i < 40000; i++) printf "k%d\t%040d\n", i, i }' >in
	{ yes x | head -n 500000; cat in; } >want
	INFILE=in check_file want timeout 60 mr-par sh -c 'yes x | head -n 500000; cat'
}

@test "a filter whose output is 10 times its input completes" {
	awk 'BEGIN { for (i = 0; i < 10000; i++) printf "k%d\t%040d\n", i, i }' >in
	awk '{ for (i = 0; i < 10; i++) print }' in >want
	INFILE=in check_file want timeout 60 mr-par -k -j 2 -b 64K awk '{ for (i = 0; i < 10; i++) print }'
	INFILE=in check_file want timeout 60 mr-par awk '{ for (i = 0; i < 10; i++) print }'
}

@test "a filter that does not read its input: its output is taken, exit 0" {
	awk 'BEGIN { for (i = 0; i < 40000; i++) printf "k%d\t%040d\n", i, i }' >in
	INFILE=in check 0 $'done\n' timeout 60 mr-par sh -c 'echo done'
	INFILE=in check 0 $'0\n1\n' timeout 60 mr-par -k -b 1M sh -c 'echo "$MR_CHUNK"'
}

# ---------------------------------------------------------------------------
# Commands that cannot run; empty input

@test "COMMAND not found: exit 127; not executable: exit 126" {
	IN=$'a\t1\n'
	check_err 127 "mr-par: cannot run 'nosuch-mr-command': No such file or directory" mr-par nosuch-mr-command
	check_err 127 "mr-par: cannot run './nosuch': No such file or directory" mr-par ./nosuch
	printf '#!/bin/sh\ncat\n' >noexec
	chmod 644 noexec
	check_err 126 "mr-par: cannot run './noexec': Permission denied" mr-par ./noexec
	check_err 126 "mr-par: cannot run '$PWD/noexec': Permission denied" mr-par -j 3 "$PWD/noexec" arg
}

@test "empty input: nothing runs, no output, exit 0" {
	IN=''
	check 0 '' mr-par sh -c 'echo ran; touch ran'
	[ ! -e ran ]
	check 0 '' mr-par nosuch-mr-command
	check 0 '' mr-par ./nonexec
	check 0 '' mr-par -b 1 --joblog log --failed failed cat
	[ "$(cat log)" = "$JOBLOG_HEADER" ]
	[ -e failed ] && [ ! -s failed ]
}

# ---------------------------------------------------------------------------
# --joblog and --progress

@test "--joblog: header, one line per attempt, exact values, times with 3 decimals" {
	IN=$'a\t1\nb\t2\nb\t3\nc\t4\n'
	local before after
	before=$(date +%s)
	check 0 $'a\t1\na\t1\nb\t2\nb\t2\nb\t3\nb\t3\nc\t4\nc\t4\n' \
		mr-par -k -j1 -b 1 --joblog log sh -c '
			sed p
			case $MR_CHUNK$MR_ATTEMPT in
			11) kill -KILL $$ ;;
			21) exit 5 ;;
			esac'
	after=$(date +%s)
	[ "$(head -n 1 log)" = "$JOBLOG_HEADER" ]
	[ "$(wc -l <log)" -eq 6 ]
	local re='^[0-9]+	[0-9]+	[0-9]+\.[0-9]{3}	[0-9]+\.[0-9]{3}	[0-9]+	[0-9]+	[0-9]+	[0-9]+	:$'
	local line
	while IFS= read -r line; do
		[[ $line =~ $re ]] || { echo "bad joblog line: $line" >&2; return 1; }
	done < <(tail -n +2 log)
	tail -n +2 log | cut -f 1,2,5-8 | sort >got
	printf '%s\n' \
		"0${TAB}1${TAB}4${TAB}8${TAB}0${TAB}0" \
		"1${TAB}1${TAB}8${TAB}16${TAB}137${TAB}9" \
		"1${TAB}2${TAB}8${TAB}16${TAB}0${TAB}0" \
		"2${TAB}1${TAB}4${TAB}8${TAB}5${TAB}0" \
		"2${TAB}2${TAB}4${TAB}8${TAB}0${TAB}0" >want
	cmp want got || { diff want got >&2; return 1; }
	# start times are now; run times short
	tail -n +2 log | awk -F'\t' -v b="$before" -v a="$after" '
		$3 < b - 1 || $3 > a + 1 || $4 > a - b + 1 { print "bad times: " $0; bad = 1 }
		END { exit bad }' >&2
}

@test "--progress on a non-terminal: one final line with exact counts; percent for a regular file" {
	printf 'a\t1\nb\t2\nb\t3\nc\t4\nc\t5\n' >in
	INFILE=in capture mr-par --progress -k -b 1 sed p
	assert_status 0
	assert_out $'a\t1\na\t1\nb\t2\nb\t2\nb\t3\nb\t3\nc\t4\nc\t4\nc\t5\nc\t5\n'
	[ "$(wc -l <.err)" -eq 1 ] || fail_with "expected one progress line"
	[[ $(cat .err) =~ $PROGRESS_RE ]] || fail_with "progress line does not match the format"
	[ "${BASH_REMATCH[*]:1:5}" = "3 0 3 5 10" ] || fail_with "counts ${BASH_REMATCH[*]:1:5}, expected 3 0 3 5 10"
	[ "${BASH_REMATCH[7]}" = 100 ] || fail_with "expected 100% at the end for a regular file"
	# stdin a pipe: no percent
	cat in | mr-par --progress -k -b 1 sed p >out 2>err
	[ "$(wc -l <err)" -eq 1 ] && [[ $(cat err) =~ $PROGRESS_RE ]] && [ -z "${BASH_REMATCH[6]}" ] || {
		echo "progress with stdin a pipe: $(cat err)" >&2
		return 1
	}
	[ "${BASH_REMATCH[*]:1:5}" = "3 0 3 5 10" ]
}

@test "--progress over 6 s: a line every 5 s, then the final line; --joblog run time" {
	printf 'a\t1\na\t2\n' >in
	cat in | mr-par --progress --joblog log sh -c 'sleep 6; cat' >out 2>err
	cmp in out
	[ "$(wc -l <err)" -ge 2 ] || { echo "progress lines: $(cat err)" >&2; return 1; }
	local line
	while IFS= read -r line; do
		[[ $line =~ $PROGRESS_RE ]] && [ -z "${BASH_REMATCH[6]}" ] ||
			{ echo "bad progress line: $line" >&2; return 1; }
	done <err
	[[ $(head -n 1 err) =~ $PROGRESS_RE ]]
	[ "${BASH_REMATCH[*]:1:5}" = "0 1 1 2 0" ] || { echo "first line: $(head -n 1 err)" >&2; return 1; }
	[[ $(tail -n 1 err) =~ $PROGRESS_RE ]]
	[ "${BASH_REMATCH[*]:1:5}" = "1 0 1 2 2" ] || { echo "last line: $(tail -n 1 err)" >&2; return 1; }
	tail -n 1 log | awk -F'\t' '$4 < 5.9 || $4 > 30 { print "run time " $4 " for sleep 6"; exit 1 }' >&2
}

# ---------------------------------------------------------------------------
# Signals, closed stdout, temporary files, memory

@test "SIGINT: instances killed, no file left in TMPDIR, exit 130" {
	kill_par INT 130
}

@test "SIGTERM: instances killed, no file left in TMPDIR, exit 143" {
	kill_par TERM 143
}

@test "SIGHUP: instances killed, no file left in TMPDIR, exit 129" {
	kill_par HUP 129
}

@test "SIGKILL of mr-par: its instances die with it" {
	printf 'a\t1\nb\t2\n' >in
	mr-par -b 1 -j2 sleep "$SLEEP" <in >out 2>err 3>&- &
	PID=$!
	local i
	for i in $(seq 100); do
		[ "$(survivors | wc -l)" -lt 2 ] || break
		sleep 0.1
	done
	[ "$(survivors | wc -l)" -eq 2 ] || { echo "two instances do not run after 10 s" >&2; return 1; }
	kill -KILL "$PID"
	wait "$PID" || true
	PID=
	wait_gone
}

@test "| head -n1: mr-par ends quietly by SIGPIPE, no instance left" {
	printf 'a\t1\nb\t2\nc\t3\n' >in
	local st
	timeout 20 env --default-signal=PIPE mr-par -j2 -b 1 sh -c "
		if [ \"\$MR_CHUNK\" = 0 ]; then
			while [ ! -e started ]; do sleep 0.05; done
			yes line | head -n 200000
		else
			touch started; sleep $SLEEP
		fi
		cat >/dev/null" <in 2>err | head -n 1 >out && st=${PIPESTATUS[0]} || st=${PIPESTATUS[0]}
	[ "$st" -eq 141 ] || { echo "mr-par exit status $st, expected 141 (SIGPIPE)" >&2; return 1; }
	[ ! -s err ] || { echo "stderr: $(cat err)" >&2; return 1; }
	[ "$(cat out)" = line ]
	wait_gone
}

@test "-T DIR: a chunk over 1M goes to an unlinked file in DIR; nothing left" {
	mkdir tmp
	awk 'BEGIN { for (i = 0; i < 60000; i++) printf "k\t%045d\n", i }' >in
	mr-par -T tmp -b 1 sh -c "sleep 2; cat" <in >out 2>err 3>&- &
	PID=$!
	local i
	for i in $(seq 50); do
		[ -z "$(spill_fds "$PID" tmp)" ] || break
		sleep 0.1
	done
	[ -n "$(spill_fds "$PID" tmp)" ] || { echo "no file in the -T directory while a 3 MB chunk waits" >&2; return 1; }
	[ -z "$(ls -A tmp)" ] || { echo "temporary files not unlinked: $(ls -A tmp)" >&2; return 1; }
	local st=0
	wait "$PID" || st=$?
	PID=
	[ "$st" -eq 0 ]
	[ ! -s err ]
	cmp in out
	[ -z "$(ls -A tmp)" ]
}

@test "memory: peak RSS of mr-par -j2 over 50 MB stays under 64 MB, output right" {
	local bound=65536
	if is_asan; then
		bound=$((3 * 65536)) # shadow memory and quarantine
	fi
	mkdir tmp
	awk 'BEGIN { for (i = 0; i < 1000000; i++) printf "k%07d\tvalue %d %030d\n", i / 3, i, i }' >in
	[ "$(wc -c <in)" -gt 50000000 ]
	TMPDIR=$PWD/tmp /usr/bin/time -f %M -o rss mr-par -k -j2 cat <in >out
	cmp in out
	[ "$(tail -n 1 rss)" -lt "$bound" ] || { echo "peak RSS $(tail -n 1 rss) KB with -k -j2" >&2; return 1; }
	# one run of 50 MB: a single chunk, its input and output spill to files
	awk 'BEGIN { for (i = 0; i < 1000000; i++) printf "k\tvalue %d %030d\n", i, i }' >in
	TMPDIR=$PWD/tmp /usr/bin/time -f %M -o rss mr-par -b 1 -j2 cat <in >out
	cmp in out
	[ "$(tail -n 1 rss)" -lt "$bound" ] || { echo "peak RSS $(tail -n 1 rss) KB for a 50 MB chunk" >&2; return 1; }
	[ -z "$(ls -A tmp)" ]
}

# ---------------------------------------------------------------------------
# -z

@test "-z: NUL-terminated records, LF is data, the last NUL is added" {
	printf 'a\tx\ny\0a\t2\0b\nc\t3\0b\nc\0d' >in
	printf '0:a\tx\ny\0000:a\t2\0001:b\nc\t3\0001:b\nc\0002:d\0' >want
	INFILE=in check_file want mr-par -z -k -b 1 sh -c 'sed -z "s/^/$MR_CHUNK:/"'
	INFILE=in check_file want mr-par --null -k -b 1 sh -c 'sed -z "s/^/$MR_CHUNK:/"'
	printf '0 2\0001 2\0002 1\000' >want
	INFILE=in check_file want mr-par -z -k -b 8 sh -c 'printf "%s %s\0" "$MR_CHUNK" "$(tr -cd "\0" | wc -c)"'
	# an instance's last record without terminator gets one
	printf 'x0\0x1\0x2\0' >want
	INFILE=in check_file want mr-par -z -k -b 8 sh -c 'cat >/dev/null; printf "x$MR_CHUNK"'
}

@test "-z: mr-map -z words over generated text, -k byte-identical" {
	gen_text 41 1500 | tr '\n' '\0' | mr-split -z -n 100 >in
	mr-map -z words in >want
	INFILE=in check_file want mr-par -z -k -j 2 -b 1K mr-map -z words
	INFILE=in capture mr-par -z -j 8 -b 1 mr-map -z words
	assert_status 0
	assert_err ""
	sort -z want | cmp - <(sort -z .out)
}

# ---------------------------------------------------------------------------
# Options

@test "bad numbers in options: exit 2 with the strtonum reason" {
	IN=$'a\t1\n'
	check_bad_arg mr-par "mr-par: invalid job count '0': too small" -j 0 cat
	check_bad_arg mr-par "mr-par: invalid job count 'abc': invalid" -j abc cat
	check_bad_arg mr-par "mr-par: invalid job count '1025': too large" -j 1025 cat
	check_bad_arg mr-par "mr-par: invalid job count '-1': too small" --jobs=-1 cat
	check_bad_arg mr-par "mr-par: invalid block size '0': too small" -b 0 cat
	check_bad_arg mr-par "mr-par: invalid block size 'abc': invalid" -b abc cat
	check_bad_arg mr-par "mr-par: invalid block size '1X': invalid" --block 1X cat
	check_bad_arg mr-par "mr-par: invalid retry count '-1': too small" --retries -1 cat
	check_bad_arg mr-par "mr-par: invalid retry count '1001': too large" --retries 1001 cat
	check_bad_arg mr-par "mr-par: invalid retry count 'x': invalid" --retries=x cat
}

@test "limits accepted: -j 1024, --retries 1000, -b 1 and sizes with suffixes" {
	IN=$'a\t1\nb\t2\n'
	check 0 "$IN" mr-par -k -j 1024 cat
	check 0 "$IN" mr-par -k --retries 1000 cat
	check 0 "$IN" mr-par -k --retries 0 -b 1 cat
	check 0 "$IN" mr-par --keep-order --jobs=2 --block=4k --retries=1 --keep-going cat
	check 0 "$IN" mr-par -k -b 1G cat
}

@test "no COMMAND, unknown option, missing argument: usage, exit 2" {
	check_usage mr-par "mr-par: no command given"
	check_usage mr-par "mr-par: no command given" -k -j 2
	check_usage mr-par "mr-par: invalid option -- 'x'" -x cat
	check_usage mr-par "mr-par: unrecognized option '--foo'" --foo cat
	check_usage mr-par "mr-par: option requires an argument -- 'j'" -j
	check_usage mr-par "mr-par: option requires an argument -- 'b'" -b
}

@test "options after COMMAND belong to COMMAND; no shell in between" {
	IN=$'a\t1\n'
	check 0 $'-j 5 -k\n' mr-par echo -j 5 -k
	# no shell: words reach COMMAND as they are
	check 0 $'$HOME * a  b\n' mr-par echo '$HOME' '*' 'a  b'
	IN=$'x\tHello World\n'
	check 0 $'hello\t1\nworld\t1\n' mr-par -k mr-map words -l
}

@test "unwritable --joblog or --failed: exit 1, exact message, no output" {
	IN=$'a\t1\n'
	check_err 1 "mr-par: cannot open '/nonexistent/x': No such file or directory" mr-par --joblog /nonexistent/x cat
	check_err 1 "mr-par: cannot open '/nonexistent/x': No such file or directory" mr-par --failed /nonexistent/x cat
	mkdir dir
	check_err 1 "mr-par: cannot open 'dir': Is a directory" mr-par --joblog dir cat
}

@test "-h prints the usage and options on stdout; --version" {
	capture mr-par -h
	assert_status 0
	assert_err ""
	check_synopsis mr-par
	grep -q -- '--keep-going' .out
	cp .out help
	capture mr-par --help
	assert_status 0
	assert_out_file help
	check 0 $'mr-par 0.1.0\n' mr-par --version
}

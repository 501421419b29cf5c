#!/usr/bin/env bats
# mr-netd and mr-netc: every opcode and job state through raw frames
# (tests/netd/raw.py), the job spec parser through SUBMIT rejections, the
# input, output and time limits, many concurrent clients, hostile and
# stalled connections, the spool across kill -9 and SIGTERM, tokens, and
# mr-netc's commands, messages and exit statuses.
#
# Each test starts its own daemon(s) on a Unix socket in its temp dir (and
# a free loopback port with -p 0 where TCP matters), with TMPDIR set to a
# directory of the test: the job processes inherit it, so they can be found
# in /proc (job_procs) and none is left behind. teardown kills them all.

load helper

RAW=$BATS_TEST_DIRNAME/netd/raw.py
FLOOD=$BATS_TEST_DIRNAME/netd/flood.py
CLIENT_PY=$BATS_TEST_DIRNAME/../examples/client.py

# A job that takes minutes and uses little data: one mr-map per line.
SLOW_SPEC='mr-split -n 1 | mr-par -b 1 -j1 mr-map words'
# A job of a second or two (MID_N lines "w", in $MID: see setup_file) whose
# result is "w<TAB>$MID_N".
MID_SPEC='mr-split -n 1 | mr-par -b 1 -j1 mr-map words | mr-shuffle | mr-reduce sum'
# A job of one process that takes a minute on the line $AAA (200,000 'a's):
# glibc's regexec is quadratic on this. In mr-par: its instance is in a
# process group of its own.
GREP_SPEC="mr-par -b 64M mr-map grep '(a|aa)*(a|aa)*c'"
WC_SPEC='mr-split | mr-map words | mr-shuffle | mr-reduce sum'
# A job of one process that reads GROW (1.3 MB) over about 2 s.
GROW_SPEC="mr-map grep '(a|aa)*(a|aa)*c'"
GROW_SIZE=1301300

setup_file() {
	# ~58 MB of word records (under the 64M default of --max-input):
	# mr-shuffle takes seconds to sort them.
	local d=$BATS_FILE_TMPDIR t0 t1 i per
	PATH="${MR_BIN:-$BATS_TEST_DIRNAME/../bin}:$PATH"
	gen_text 7 200000 | mr-map words >"$d/w.tsv"
	for i in 1 2 3 4 5 6 7 8 9 10; do cat "$d/w.tsv"; done >"$d/big.tsv"
	rm "$d/w.tsv"
	seq 100000 >"$d/slow.in"
	{ head -c 200000 /dev/zero | tr '\0' a; echo; } >"$d/aaa.in"
	# For PROGRESS: 1300 lines of 1000 'a's; GROW_SPEC takes 0.4 s for each
	# 256 KiB its reader takes at a time: the offset grows in steps for 2 s.
	yes "$(head -c 1000 /dev/zero | tr '\0' a)" | head -n 1300 >"$d/grow.in"
	# MID_N: lines for MID_SPEC to take about 1.5 s, from the time this
	# build takes to start mr-map (sanitizers make that 10 times slower).
	t0=$EPOCHREALTIME
	for i in 1 2 3 4 5 6 7 8 9 10; do mr-map words </dev/null; done
	t1=$EPOCHREALTIME
	per=$(((${t1/./} - ${t0/./}) / 10))
	MID_N=$((1500000 / (per > 0 ? per : 1)))
	# At least 200 processes: never done in a fraction of a second.
	[ "$MID_N" -ge 200 ] || MID_N=200
	[ "$MID_N" -le 400 ] || MID_N=400
	export MID_N
	for ((i = 0; i < MID_N; i++)); do echo w; done >"$d/mid.in"
	# The interpreter itself, not a wrapper script (pyenv's takes 0.5 s).
	PY=$(python3 -c 'import sys; print(sys.executable)')
	export PY
}

setup() {
	cd "$BATS_TEST_TMPDIR"
	JT=$BATS_TEST_TMPDIR/jobtmp
	mkdir -p "$JT"
	SOCK=$BATS_TEST_TMPDIR/s
	BIG=$BATS_FILE_TMPDIR/big.tsv
	SLOW=$BATS_FILE_TMPDIR/slow.in
	MID=$BATS_FILE_TMPDIR/mid.in
	AAA=$BATS_FILE_TMPDIR/aaa.in
	GROW=$BATS_FILE_TMPDIR/grow.in
	DPIDS=
	BGPIDS=
	NLOG=0
}

teardown() {
	local p
	for p in $BGPIDS; do
		kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	for p in $DPIDS; do
		kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	for p in $(job_procs); do
		kill -KILL "$p" 2>/dev/null || true
	done
}

# start_daemon OPTION...: mr-netd -U $SOCK OPTION... in the background
# (pid $DPID, stderr in $LOG); returns once it listens. With -p 0, $PORT
# is the port it took.
start_daemon() {
	LOG=$BATS_TEST_TMPDIR/log.$((NLOG += 1))
	TMPDIR=$JT mr-netd -U "$SOCK" "$@" 2>"$LOG" 3>&- &
	DPID=$!
	DPIDS="$DPIDS $DPID"
	wait_log "listening on $SOCK"
	PORT=$(sed -n 's/^mr-netd: listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$LOG")
}

# wait_log TEXT: waits up to 20 s for a line of $LOG to hold TEXT.
wait_log() {
	local i
	for i in $(seq 400); do
		grep -qF -- "$1" "$LOG" && return 0
		if ! kill -0 "$DPID" 2>/dev/null; then
			grep -qF -- "$1" "$LOG" && return 0
			break
		fi
		sleep 0.05
	done
	echo "no log line with: $1; the log:" >&2
	cat "$LOG" >&2
	return 1
}

# job_procs: live processes (not daemons) that inherited TMPDIR=$JT.
job_procs() {
	local f p d
	for f in $(grep -lzxF "TMPDIR=$JT" /proc/[0-9]*/environ 2>/dev/null); do
		p=${f#/proc/}
		p=${p%/environ}
		for d in $DPIDS; do
			[ "$p" != "$d" ] || continue 2
		done
		echo "$p"
	done
}

# no_job_procs: within 2 s no job process is left; else lists them. (The
# daemon may send SIGTERM first and SIGKILL a second later.)
no_job_procs() {
	local i left
	for i in $(seq 40); do
		left=$(job_procs)
		[ -n "$left" ] || return 0
		sleep 0.05
	done
	echo "job processes survive:" >&2
	ps -o pid,pgid,ppid,stat,args -p "$(echo $left | tr ' ' ,)" >&2 || true
	return 1
}

# R REQUEST...: raw.py on the daemon's socket (or $ADDR), as `capture`.
R() {
	capture "$PY" -S "$RAW" "${ADDR:-$SOCK}" "$@"
}

# RP REQUEST...: the same, pipelined.
RP() {
	capture "$PY" -S "$RAW" -P "${ADDR:-$SOCK}" "$@"
}

# expect LINE...: the last command exited 0, stderr empty, stdout exactly
# the LINEs.
expect() {
	if [ $# -eq 0 ]; then
		: >"$BATS_TEST_TMPDIR/.want"
	else
		printf '%s\n' "$@" >"$BATS_TEST_TMPDIR/.want"
	fi
	assert_status 0
	assert_out_file "$BATS_TEST_TMPDIR/.want"
	assert_err ""
}

# ms_at N: the number of line N of stdout ('ms N' of raw.py's mark).
ms_at() {
	sed -n "${1}s/^ms //p" "$BATS_TEST_TMPDIR/.out"
}

now_ms() {
	local t=$EPOCHREALTIME
	echo $((${t/./} / 1000))
}

# ---- usage ----

@test "mr-netd, mr-netc: usage lines on misuse, -h lists every option" {
	check_synopsis mr-netd
	check_synopsis mr-netc
	check_usage mr-netd "mr-netd: invalid option -- 'x'" -x
	check_usage mr-netd "mr-netd: no operands are taken" extra
	check_usage mr-netc "mr-netc: no command given"
	check_usage mr-netc "mr-netc: unknown command 'frobnicate'" frobnicate 1
	capture mr-netd -h
	assert_status 0
	for o in -d -j -l -p -U --spool --token-file --keep-results --expire \
	    --max-input --max-output --max-time --max-queue --max-results \
	    --max-conns --timeout --pidfile \
	    --syslog; do
		help_has "$o" || fail_with "mr-netd -h does not list $o"
	done
	capture mr-netc -h
	assert_status 0
	for o in -H -p -U --token-file run submit fetch wait status \
	    cancel put run-on; do
		help_has "$o" || fail_with "mr-netc -h does not list $o"
	done
	grep -qE -- '^  wait ID \[--timeout SECS\] ' .out ||
		fail_with "mr-netc -h does not list wait's --timeout"
}

# help_has OPT: the help in .out has a line of its own for OPT, at the start
# of the line as "  -x, --long=ARG  text" or "      --long  text" lays it
# out, or for a command "  NAME ARG...  text". A word that only occurs
# inside another option's line ("-p" in "--pidfile") does not count.
help_has() {
	case $1 in
	--*) grep -qE -- "^  (-[A-Za-z], |    )$1([= ]|\$)" .out ;;
	-?) grep -qE -- "^  $1, --[a-z-]+[= ]" .out ;;
	*) grep -qE -- "^  $1 " .out ;;
	esac
}

# ---- every opcode and state through raw frames ----

@test "raw: SUBMIT gives ids from 1 up; FETCH and WAIT hand a result out once" {
	start_daemon
	R submit 'mr-map words' $'a b\n' submit 'mr-map words' $'c\n' \
	    wait 1 10000 fetch 1 wait 2 10000 wait 2 10000 fetch 2 \
	    submit 'mr-map words | mr-shuffle | mr-reduce sum' $'x y x\n' \
	    poll 3 0 fetch 3 fetch 3 status 3
	expect 'id 1' 'id 2' '0 a\t1\nb\t1\n' 4 '0 c\t1\n' 4 4 \
	    'id 3' 0 '0 x\t2\ny\t1\n' 4 4
	grep -qx 'mr-netd: job 3 accepted (mr-map words | mr-shuffle | mr-reduce sum)' "$LOG"
	grep -qx 'mr-netd: job 3 fetched' "$LOG"
	grep -qE '^mr-netd: job 3 done in [0-9]+\.[0-9]{3}s$' "$LOG"
}

@test "raw: FETCH, STATUS and WAIT 0 of queued and running jobs; CANCEL of both" {
	start_daemon -j 1
	R submit "$SLOW_SPEC" @"$SLOW" submit 'mr-map words' $'q\n' \
	    fetch 1 fetch 2 status 1 status 2 wait 1 0 wait 2 0 fetch 1 fetch 2
	expect 'id 1' 'id 2' 2 1 2 1 2 1 2 1
	R cancel 2 status 2 fetch 2 fetch 2 status 2 status 1
	expect 5 5 5 4 4 2
	R cancel 1 poll 1 5 fetch 1 fetch 1
	expect 5 5 5 4
	no_job_procs
	# The last stage may be a zombie not reaped yet: give the daemon time.
	wait_log 'mr-netd: job 1 cancelled'
	grep -qx 'mr-netd: job 1 cancelled' "$LOG"
	grep -qx 'mr-netd: job 2 cancelled' "$LOG"
	# The slot is free again.
	R submit 'mr-map words' $'z\n' wait % 10000
	expect 'id 3' '0 z\t1\n'
}

@test "raw: CANCEL of a running job: STATUS and FETCH right after it say cancelled" {
	start_daemon
	R submit "$SLOW_SPEC" @"$SLOW" poll 1 2
	expect 'id 1' 2
	# In one write: the daemon reads these before the job is reaped.
	RP cancel 1 status 1 fetch 1 fetch 1
	expect 5 5 5 4
}

@test "raw: a failed job's reason is handed out once; STATUS does not consume" {
	start_daemon
	R submit 'mr-map nosuch' $'a\n' wait 1 10000 fetch 1 \
	    submit 'mr-map words | mr-reduce nosuchop' $'a\n' poll 2 3 status 2 \
	    status 2 fetch 2 fetch 2 status 2
	expect 'id 1' \
	    "3 stage 1 (mr-map nosuch): exited with status 2: mr-map: unknown mapper 'nosuch' mr-map: mappers: fields grep identity lines words" \
	    4 'id 2' 3 3 3 \
	    "3 stage 2 (mr-reduce nosuchop): exited with status 2: mr-reduce: unknown operation 'nosuchop'" \
	    4 4
	grep -qE "^mr-netd: job 2 failed in [0-9]+\.[0-9]{3}s: stage 2 \(mr-reduce nosuchop\): exited with status 2: mr-reduce: unknown operation 'nosuchop'\$" "$LOG"
	# A done job: STATUS twice, then the result is still there.
	R submit 'mr-map words' $'d\n' poll 3 0 status 3 status 3 fetch 3 status 3
	expect 'id 3' 0 0 0 '0 d\t1\n' 4
	# Unknown ids.
	R fetch 12345 status 12345 wait 12345 1000 wait 12345 0 fetch 0
	expect 4 4 4 4 4
}

@test "raw: --keep-results: results, reasons and cancellations stay" {
	start_daemon --keep-results -j 1
	R submit 'mr-map words' $'a\n' wait 1 10000 fetch 1 wait 1 0 wait 1 5000 status 1 \
	    submit 'mr-map nosuch' '' wait 2 10000 fetch 2 status 2
	expect 'id 1' '0 a\t1\n' '0 a\t1\n' '0 a\t1\n' '0 a\t1\n' 0 'id 2' \
	    "3 stage 1 (mr-map nosuch): exited with status 2: mr-map: unknown mapper 'nosuch' mr-map: mappers: fields grep identity lines words" \
	    "3 stage 1 (mr-map nosuch): exited with status 2: mr-map: unknown mapper 'nosuch' mr-map: mappers: fields grep identity lines words" \
	    3
	R submit "$SLOW_SPEC" @"$SLOW" cancel 3 poll 3 5 fetch 3 fetch 3 status 3
	expect 'id 3' 5 5 5 5 5
	no_job_procs
}

@test "raw: WAIT returns when the job ends, else at its timeout with state 1/2 and no payload" {
	start_daemon -j 1
	R submit "$SLOW_SPEC" @"$SLOW" submit 'mr-map words' $'w\n' mark \
	    wait 2 500 mark wait 1 700 mark wait 1 0 wait 2 0 mark
	assert_status 0
	sed '/^ms /d' .out >got
	printf '%s\n' 'id 1' 'id 2' 1 2 2 1 >want
	cmp -s want got || fail_with "wrong replies"
	a=$(ms_at 5) b=$(ms_at 7) c=$(ms_at 10)
	[ "$a" -ge 450 ] && [ "$a" -lt 2000 ] || fail_with "WAIT 500 returned after $a ms"
	[ "$b" -ge 650 ] && [ "$b" -lt 2000 ] || fail_with "WAIT 700 returned after $b ms"
	# WAIT 0 is FETCH: at once.
	[ "$c" -lt 300 ] || fail_with "WAIT 0 took $c ms"
	# A long WAIT returns as soon as the job is done.
	R cancel 1 poll 1 5 mark wait 2 60000 mark
	assert_status 0
	[ "$(sed -n 4p .out)" = '0 w\t1\n' ] || fail_with "no result"
	a=$(ms_at 5)
	[ "$a" -lt 3000 ] || fail_with "WAIT took $a ms"
	# WAIT 0 on a done job consumes it like FETCH.
	R submit 'mr-map words' $'v\n' poll 3 0 wait 3 0 wait 3 0
	expect 'id 3' 0 '0 v\t1\n' 4
}

@test "raw: CANCEL leaves finished jobs as they are; unknown is 4" {
	start_daemon -j 1
	R submit 'mr-map words' $'a\n' poll 1 0 cancel 1 status 1 fetch 1 \
	    submit 'mr-map nosuch' '' poll 2 3 cancel 2 fetch 2 \
	    cancel 999 status 999
	expect 'id 1' 0 0 0 '0 a\t1\n' 'id 2' 3 3 \
	    "3 stage 1 (mr-map nosuch): exited with status 2: mr-map: unknown mapper 'nosuch' mr-map: mappers: fields grep identity lines words" \
	    4 4
	R submit "$SLOW_SPEC" @"$SLOW" cancel 3 poll 3 5 cancel 3 status 3 fetch 3 cancel 3
	expect 'id 3' 5 5 5 5 5 4
	no_job_procs
}

@test "raw: PUT and SUBMIT-ON; PUT replaces; PUT of empty data removes" {
	start_daemon
	R put x $'a b a\n' submit-on "$WC_SPEC" x wait % 10000 \
	    submit-on 'mr-map words' x wait % 10000 \
	    put x $'c\n' submit-on "$WC_SPEC" x wait % 10000 \
	    put x '' submit-on "$WC_SPEC" x submit-on 'mr-map words' zz
	expect ok 'id 1' '0 a\t2\nb\t1\n' 'id 2' '0 a\t1\nb\t1\na\t1\n' \
	    ok 'id 3' '0 c\t1\n' ok "rejected: no data set 'x'" \
	    "rejected: no data set 'zz'"
	grep -qx "mr-netd: data set 'x' stored (6 bytes)" "$LOG"
	grep -qx "mr-netd: data set 'x' removed" "$LOG"
	# The same name again after the removal.
	R put x $'d\n' submit-on 'mr-map words' x wait % 10000
	expect ok 'id 4' '0 d\t1\n'
}

@test "raw: jobs submitted on a data set keep its data when it is replaced or removed" {
	start_daemon -j 1
	R submit "$SLOW_SPEC" @"$SLOW" put y $'old\n' submit-on 'mr-map words' y \
	    put y $'new\n' submit-on 'mr-map words' y put y '' \
	    status 2 status 3 cancel 1 wait 2 10000 wait 3 10000
	expect 'id 1' ok 'id 2' ok 'id 3' ok 1 1 5 '0 old\t1\n' '0 new\t1\n'
}

@test "raw: PUT and SUBMIT-ON refuse invalid data set names" {
	start_daemon
	n64=$(printf 'n%.0s' $(seq 64))
	R put 'a/b' x put '' x put 'a b' x put '../x' x put 'é' x put 'a:b' x \
	    put "$n64" x put ok.Name-1_2 x \
	    submit-on 'mr-map words' 'a/b' submit-on 'mr-map words' '' \
	    submit-on 'mr-map words' ok.Name-1_2 wait % 10000
	expect 'refused(1): invalid data set name' 'refused(1): invalid data set name' \
	    'refused(1): invalid data set name' 'refused(1): invalid data set name' \
	    'refused(1): invalid data set name' 'refused(1): invalid data set name' \
	    ok ok 'rejected: invalid data set name' 'rejected: invalid data set name' \
	    'id 1' '0 x\t1\n'
	# A name over 64 bytes: refused, then the connection is closed.
	R put "${n64}n" x eof 3
	assert_status 0
	[ "$(sed -n 1p .out)" != ok ] && [[ $(sed -n 1p .out) == "refused(1): "* ]] ||
		fail_with "a 65-byte name is not refused"
	[ "$(sed -n 2p .out)" = closed ] || fail_with "connection not closed"
	R put "$n64" '' submit-on 'mr-map words' "$n64"
	expect ok "rejected: no data set '$n64'"
}

@test "raw: AUTH with --token-file; unauthenticated requests are refused and closed" {
	printf 'sesame\nsecond line\n' >tok
	start_daemon --token-file tok
	R auth sesame submit 'mr-map words' $'a\n' wait % 10000 put d $'e\n' \
	    submit-on 'mr-map words' d wait % 10000 status 1
	expect 0 'id 1' '0 a\t1\n' ok 'id 2' '0 e\t1\n' 4
	R auth wrong status 1
	expect 1 closed
	R auth $'sesame\nsecond line' eof 3
	expect 1 closed
	R auth '' eof 3
	expect 1 closed
	R submit 'mr-map words' x eof 3
	expect 'rejected: authentication required' closed
	R submit-on 'mr-map words' d eof 3
	expect 'rejected: authentication required' closed
	R put d x eof 3
	expect 'refused(1): authentication required' closed
	for req in 'fetch 1' 'status 1' 'cancel 1' 'wait 1 0' 'wait 1 1000'; do
		# shellcheck disable=SC2086
		R $req
		expect closed
	done
	# None of that got through.
	R auth sesame status 3 submit 'mr-map words' $'f\n' wait % 10000
	expect 0 4 'id 3' '0 f\t1\n'
}

@test "raw: several requests on one connection, sent all at once" {
	start_daemon
	RP submit 'mr-map words' $'a\n' submit "$WC_SPEC" $'b b\n' \
	    wait 1 10000 wait 2 10000 status 1 fetch 2 put d $'z\n' \
	    submit-on 'mr-map words' d wait 3 10000 cancel 99 \
	    submit sh x submit 'mr-map words' $'y\n' wait 4 10000
	expect 'id 1' 'id 2' '0 a\t1\n' '0 b\t2\n' 4 4 ok 'id 3' '0 z\t1\n' 4 \
	    "rejected: program 'sh' is not allowed" 'id 4' '0 y\t1\n'
}

@test "raw: an unknown opcode closes the connection without a reply; the daemon serves on" {
	start_daemon
	"$PY" -S "$RAW" "$SOCK" submit 'mr-map words' $'k\n' sleep 1 wait % 10000 \
	    >other.out 2>&1 3>&- &
	BGPIDS="$BGPIDS $!"
	sleep 0.3
	R raw '\x0a\x01\x00\x00\x00' eof 3
	expect closed
	R raw '\xff' eof 3
	expect closed
	R status 999 raw '\x09' status 999
	expect 4 closed
	R submit 'mr-map words' $'x\n' wait % 10000
	expect 'id 2' '0 x\t1\n'
	wait $BGPIDS
	BGPIDS=
	[ "$(cat other.out)" = $'id 1\n0 k\\t1\\n' ] || { cat other.out >&2; false; }
}

@test "raw: cut-short frames, a spec over 64 KiB, data over --max-input" {
	start_daemon --max-input 1000
	# Cut short: a SUBMIT header announcing 100 bytes of data, 10 sent.
	R raw '\x00\x0c\x00\x00\x00mr-map words\x64\x00\x00\x000123456789'
	expect
	R raw '\x01\x07\x00'
	expect
	R raw '\x00\x0c\x00\x00\x00mr-m'
	expect
	R raw '\x05\x03\x00\x00\x00abc\x10\x00\x00\x00xyz'
	expect
	# None of them made a job or a data set.
	R submit 'mr-map words' $'a\n' wait % 10000 submit-on 'mr-map words' abc
	expect 'id 1' '0 a\t1\n' "rejected: no data set 'abc'"
	head -c 1000 /dev/zero | tr '\0' 'a' >d1000
	head -c 1001 /dev/zero | tr '\0' 'a' >d1001
	R submit 'mr-map lines' @d1000 wait % 10000
	assert_status 0
	[ "$(head -n 1 .out)" = 'id 2' ] || fail_with "1000 bytes refused"
	R submit 'mr-map lines' @d1001 eof 3
	expect 'rejected: data of 1001 bytes is over the input limit of 1000 (--max-input)' closed
	R put big @d1001 eof 3
	expect 'refused(1): data of 1001 bytes is over the input limit of 1000 (--max-input)' closed
	R put big @d1000 submit-on 'mr-map words' big wait % 10000
	expect ok 'id 3' "0 $(cat d1000)\\t1\\n"
	printf '%65537s' '' >spec65537
	R submit "$(cat spec65537)" x eof 3
	expect 'rejected: spec of 65537 bytes is too long' closed
	# 64 KiB is not too long (the spec is all blanks: no stage).
	R submit "$(printf '%65536s' '')" x submit 'mr-map words' $'b\n' wait % 10000
	expect 'rejected: empty stage in job spec' 'id 4' '0 b\t1\n'
	# Still serving.
	IN=$'p q\n' check 0 $'p\t1\nq\t1\n' mr-netc -U "$SOCK" run 'mr-map words'
}

# ---- the job spec ----

@test "job spec: quotes; a quoted '|' or blank stays in its word" {
	start_daemon
	R submit "mr-map grep 'a|b'" $'a\nb\nc\nxa|by\n' wait % 10000 \
	    submit 'mr-map grep "x\"y"' $'x"y\nxy\n' wait % 10000 \
	    submit 'mr-map grep "\\\\"' $'a\\b\nab\n' wait % 10000 \
	    submit "mr-map grep '^[\$]x;<>&#~\`[(][)][{][}][*][?]!\\\\'" $'$x;<>&#~`(){}*?!\\ y\nz\n' wait % 10000 \
	    submit 'mr-map grep "^[<>;&#~(){}*?]x|u v"' $'<x\nu v\nu\nx\n' wait % 10000 \
	    submit "mr-map grep a'b'\"c\"d" $'abcd\nab\n' wait % 10000 \
	    submit $'mr-map\tgrep\n\'a b\'  |mr-map   words|  mr-shuffle|mr-reduce sum' $'a b c\n' wait % 10000 \
	    submit "mr-map grep ''" $'q\n' wait % 10000
	expect 'id 1' '0 a\nb\nxa|by\n' \
	    'id 2' '0 x"y\n' \
	    'id 3' '0 a\\b\n' \
	    'id 4' '0 $x;<>&#~`(){}*?!\\ y\n' \
	    'id 5' '0 <x\nu v\n' \
	    'id 6' '0 abcd\n' \
	    'id 7' '0 a\t1\nb\t1\nc\t1\n' \
	    'id 8' '0 q\n'
}

@test "job spec: every shell construct is refused with its character" {
	start_daemon
	args=()
	want=()
	for c in '<' '>' ';' '&' '$' '`' '(' ')' '\' '*' '?' '[' ']' '{' '}' '~' '#'; do
		args+=(submit "mr-map grep a${c}b" $'data\n')
		want+=("rejected: '${c//\\/\\\\}' is not accepted in a job spec")
		args+=(submit "${c}x mr-map words" '')
		want+=("rejected: '${c//\\/\\\\}' is not accepted in a job spec")
	done
	args+=(submit 'mr-map grep "a$b"' x)
	want+=("rejected: '\$' is not accepted in a job spec")
	args+=(submit 'mr-map grep "a`b`"' x)
	want+=("rejected: '\`' is not accepted in a job spec")
	args+=(submit 'mr-map words >out' x)
	want+=("rejected: '>' is not accepted in a job spec")
	args+=(submit 'mr-map words; sh' x)
	want+=("rejected: ';' is not accepted in a job spec")
	args+=(submit 'mr-map words && sh' x)
	want+=("rejected: '&' is not accepted in a job spec")
	# The data of each refused job was read and dropped: the connection
	# still works.
	args+=(submit 'mr-map words' $'ok\n' wait % 10000)
	want+=('id 1' '0 ok\t1\n')
	R "${args[@]}"
	expect "${want[@]}"
}

@test "job spec: only the five programs, from the daemon's directory" {
	# Impostors first in the daemon's PATH: they must not be run.
	mkdir fake
	for p in mr-split mr-map mr-shuffle mr-reduce mr-par; do
		printf '#!/bin/sh\necho FAKE\n' >"fake/$p"
		chmod +x "fake/$p"
	done
	PATH=$BATS_TEST_TMPDIR/fake:$PATH start_daemon
	R submit sh x submit 'cat' x submit /bin/sh x submit ../bin/mr-map x \
	    submit "$(command -v mr-map) words" x submit 'mr-map words | sh' x \
	    submit 'mr-netd' x submit 'mr-netc status 1' x submit 'awk 1' x \
	    submit 'mr-par mr-par mr-map words' x \
	    submit 'mr-par -j 2 mr-par -j 2 mr-map words' x
	expect "rejected: program 'sh' is not allowed" \
	    "rejected: program 'cat' is not allowed" \
	    "rejected: program '/bin/sh' is not allowed" \
	    "rejected: program '../bin/mr-map' is not allowed" \
	    "rejected: program '$(command -v mr-map)' is not allowed" \
	    "rejected: program 'sh' is not allowed" \
	    "rejected: program 'mr-netd' is not allowed" \
	    "rejected: program 'mr-netc' is not allowed" \
	    "rejected: program 'awk' is not allowed" \
	    'rejected: mr-par may only run mr-split, mr-map, mr-shuffle or mr-reduce' \
	    'rejected: mr-par may only run mr-split, mr-map, mr-shuffle or mr-reduce'
	# And each of the five does run, mr-par with a filter.
	R submit 'mr-split -n 1 | mr-par -j 2 -b 1 mr-map words -l | mr-shuffle -S 1M | mr-reduce -H sum count' \
	    $'A b\na\n' wait % 10000
	expect 'id 1' '0 a\t2\t2\nb\t1\t1\n'
}

@test "job spec: mr-par's COMMAND must be one of the four filters" {
	start_daemon
	R submit "mr-par sh -c 'x'" x submit 'mr-par -j 2 cat' x \
	    submit 'mr-par /bin/sh' x
	expect 'rejected: mr-par may only run mr-split, mr-map, mr-shuffle or mr-reduce' \
	    'rejected: mr-par may only run mr-split, mr-map, mr-shuffle or mr-reduce' \
	    'rejected: mr-par may only run mr-split, mr-map, mr-shuffle or mr-reduce'
}

@test "job spec: options and operands that name files are refused" {
	start_daemon
	R submit 'mr-par -T /tmp mr-map words' x \
	    submit 'mr-par --joblog x mr-map words' x \
	    submit 'mr-par --joblog=x mr-map words' x \
	    submit 'mr-par --failed x mr-map words' x \
	    submit 'mr-shuffle -T /tmp' x \
	    submit 'mr-map words | mr-shuffle -T/tmp' x \
	    submit 'mr-par -j2 mr-shuffle -T /tmp' x \
	    submit 'mr-split FILE' x \
	    submit 'mr-split -n 1 /etc/passwd' x \
	    submit 'mr-shuffle FILE' x \
	    submit 'mr-map words FILE' x \
	    submit 'mr-map grep x /etc/passwd' x \
	    submit 'mr-par mr-map words FILE' x \
	    submit 'mr-reduce sum -- FILE' x \
	    submit 'mr-reduce -- FILE' x \
	    submit 'mr-map words' $'still fine\n' wait % 10000
	expect "rejected: '-T' is not allowed in a job spec" \
	    "rejected: '--joblog' is not allowed in a job spec" \
	    "rejected: '--joblog' is not allowed in a job spec" \
	    "rejected: '--failed' is not allowed in a job spec" \
	    "rejected: '-T' is not allowed in a job spec" \
	    "rejected: '-T' is not allowed in a job spec" \
	    "rejected: '-T' is not allowed in a job spec" \
	    'rejected: file operands are not allowed in a job spec' \
	    'rejected: file operands are not allowed in a job spec' \
	    'rejected: file operands are not allowed in a job spec' \
	    'rejected: file operands are not allowed in a job spec' \
	    'rejected: file operands are not allowed in a job spec' \
	    'rejected: file operands are not allowed in a job spec' \
	    "rejected: '--' is not allowed in a job spec" \
	    "rejected: '--' is not allowed in a job spec" \
	    'id 1' '0 still\t1\nfine\t1\n'
}

@test "job spec: a long option with a blank in it is refused (found by fuzz_jobspec)" {
	# ' keep-going keep-order ' is in mr-par's allow-list string, but
	# mr-par has no option of that name: the job used to be accepted.
	start_daemon
	R submit "mr-par '--keep-going keep-order' mr-map words" x \
	    submit "mr-reduce '--hash null' count" x \
	    submit 'mr-map words' $'ok\n' wait % 10000
	expect "rejected: '--keep-going keep-order' is not allowed in a job spec" \
	    "rejected: '--hash null' is not allowed in a job spec" \
	    'id 1' '0 ok\t1\n'
}

@test "job spec: empty stages and unterminated quotes" {
	start_daemon
	R submit '' x submit '   ' x submit 'mr-map words |' x \
	    submit '| mr-map words' x submit 'mr-map words || mr-shuffle' x \
	    submit 'mr-map words | | mr-shuffle' x submit $'mr-map words |\t\n' x \
	    submit "mr-map grep 'abc" x submit 'mr-map grep "abc' x \
	    submit 'mr-map grep "ab\"' x submit "mr-map grep 'a'\"b" x \
	    submit 'mr-map words' $'ok\n' wait % 10000
	expect 'rejected: empty stage in job spec' 'rejected: empty stage in job spec' \
	    'rejected: empty stage in job spec' 'rejected: empty stage in job spec' \
	    'rejected: empty stage in job spec' 'rejected: empty stage in job spec' \
	    'rejected: empty stage in job spec' \
	    'rejected: unterminated quote in job spec' 'rejected: unterminated quote in job spec' \
	    'rejected: unterminated quote in job spec' 'rejected: unterminated quote in job spec' \
	    'id 1' '0 ok\t1\n'
}

# ---- limits ----

@test "--max-time: a job over it fails 'over the time limit'; none of its processes survive" {
	start_daemon --max-time 1
	t0=$(now_ms)
	R submit mr-shuffle @"$BIG" wait % 30000
	t1=$(now_ms)
	expect 'id 1' '3 over the time limit of 1s (--max-time)'
	[ $((t1 - t0)) -ge 900 ] || fail_with "failed after $((t1 - t0)) ms"
	no_job_procs
	grep -qE '^mr-netd: job 1 failed in [0-9.]+s: over the time limit of 1s \(--max-time\)$' "$LOG"
	# Still serving, and a short job is not touched by the limit.
	R submit 'mr-map words' $'a\n' wait % 10000
	expect 'id 2' '0 a\t1\n'
}

@test "--max-time: the instances of mr-par in a job do not survive it either" {
	start_daemon --max-time 1
	R submit "$GREP_SPEC" @"$AAA" wait % 30000
	expect 'id 1' '3 over the time limit of 1s (--max-time)'
	no_job_procs
}

@test "CANCEL: no process of a running job survives, mr-par's instances included" {
	start_daemon
	R submit "$GREP_SPEC" @"$AAA"
	expect 'id 1'
	# Wait until mr-par has started its mr-map.
	for i in $(seq 200); do
		for p in $(job_procs); do
			[ "$(cat "/proc/$p/comm" 2>/dev/null)" = mr-map ] && break 2
		done
		sleep 0.05
	done
	[ "$i" -lt 200 ] || fail_with "mr-par did not start mr-map"
	R submit "$SLOW_SPEC" @"$SLOW" poll 2 2 cancel 1 cancel 2 poll 1 5 poll 2 5 \
	    fetch 1 fetch 2
	expect 'id 2' 2 5 5 5 5 5 5
	no_job_procs
}

@test "--max-output: a job writing more fails 'result over the output limit'" {
	start_daemon --max-output 100
	R submit "$SLOW_SPEC" @"$SLOW" wait % 30000
	expect 'id 1' '3 result over the output limit of 100 (--max-output)'
	no_job_procs
	# Exactly the limit is fine.
	head -c 99 /dev/zero | tr '\0' 'a' >d
	R submit 'mr-map identity' @d wait % 10000
	expect 'id 2' "0 $(cat d)\\n"
}

@test "--max-output: a quick job over the limit fails too" {
	start_daemon --max-output 10
	R submit 'mr-map words' $'aaaa bbbb cccc dddd\n' wait % 10000
	expect 'id 1' '3 result over the output limit of 10 (--max-output)'
}

@test "--max-input: refused data is not read, the daemon serves on" {
	start_daemon --max-input 1K -p 0
	head -c 5000000 /dev/zero >d
	R submit 'mr-map words' @d eof 3
	expect 'rejected: data of 5000000 bytes is over the input limit of 1K (--max-input)' closed
	IN=$'a\n' check 0 $'a\t1\n' mr-netc -U "$SOCK" run 'mr-map words'
	capture mr-netc -U "$SOCK" run 'mr-map words' d
	assert_status 1
	assert_err 'mr-netc: job rejected: data of 5000000 bytes is over the input limit of 1K (--max-input)'
	# The same over TCP, where closing with unread data resets the connection.
	capture mr-netc -p "$PORT" run 'mr-map words' d
	assert_status 1
	assert_err 'mr-netc: job rejected: data of 5000000 bytes is over the input limit of 1K (--max-input)'
	IN=$'b\n' check 0 $'b\t1\n' mr-netc -p "$PORT" run 'mr-map words'
}

@test "--max-queue: over it, SUBMIT is refused with 'queue full'" {
	start_daemon -j 1 --max-queue 2
	R submit "$SLOW_SPEC" @"$SLOW" submit 'mr-map words' $'a\n' \
	    submit 'mr-map words' $'b\n' submit 'mr-map words' $'c\n' \
	    cancel 1 wait 2 10000 wait 3 10000 submit 'mr-map words' $'d\n' wait % 10000
	expect 'id 1' 'id 2' 'id 3' 'rejected: queue full (--max-queue 2)' 5 '0 a\t1\n' '0 b\t1\n' \
	    'id 4' '0 d\t1\n'
}

# ---- load ----

@test "50 concurrent clients x 10 jobs: every result right, each fetched once" {
	start_daemon -j 8
	# Each job counts the words of an input of one word a line, a
	# different one for each, in one stage: starting processes is what
	# takes the time here (with sanitizers above all), so no more than
	# needed. mr-netc's leak check at exit is done by other tests.
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	pids=
	for c in $(seq 50); do
		(
			for k in 1 2 3 4 5 6 7 8 9 10; do
				in="c$c"$'\n'"j$k"$'\n'"c$c"
				for ((i = 0; i < k; i++)); do in="$in"$'\n'x; done
				mr-netc -U "$SOCK" run 'mr-reduce -H count' \
				    >"r.$c.$k" 2>"e.$c.$k" <<<"$in"
				echo $? >"s.$c.$k"
			done
		) 3>&- &
		pids="$pids $!"
	done
	BGPIDS=$pids
	wait $pids
	BGPIDS=
	# Checked all at once: a fork per job would take seconds.
	files=()
	for c in $(seq 50); do
		for k in 1 2 3 4 5 6 7 8 9 10; do
			printf 'c%d\t2\nj%d\t1\nx\t%d\n' "$c" "$k" "$k"
			files+=("r.$c.$k")
		done
	done >want
	cat "${files[@]}" >got
	cat e.* >errors
	[ ! -s errors ] || { head errors >&2; false; }
	[ "$(cat s.* | sort | uniq -c | sed 's/^ *//')" = '500 0' ] || { cat s.* | sort | uniq -c >&2; false; }
	cmp -s want got || { diff want got | head >&2; false; }
	[ "$(grep -c ' accepted (' "$LOG")" = 500 ]
	[ "$(grep -E '^mr-netd: job [0-9]+ fetched$' "$LOG" | sort | uniq | wc -l)" = 500 ]
	[ "$(grep -cE '^mr-netd: job [0-9]+ fetched$' "$LOG")" = 500 ]
	# All gone after the one fetch.
	args=()
	for i in $(seq 500); do args+=(status "$i"); done
	R "${args[@]}"
	assert_status 0
	[ "$(sort -u .out)" = 4 ] || fail_with "a job is left"
}

@test "-j 2: a long job does not delay short ones" {
	start_daemon -j 2
	R submit "$SLOW_SPEC" @"$SLOW" poll 1 2
	expect 'id 1' 2
	for i in 1 2 3 4 5; do
		t0=$(now_ms)
		IN="s$i" check 0 "s$i"$'\t1\n' mr-netc -U "$SOCK" run 'mr-map words'
		t1=$(now_ms)
		[ $((t1 - t0)) -lt 1000 ] || fail_with "short job $i took $((t1 - t0)) ms"
	done
	R status 1 cancel 1
	expect 2 5
}

@test "1000 connections of random bytes and 200 stalled ones do not hold up a job" {
	start_daemon
	capture "$PY" -S "$FLOOD" "$SOCK" 1000 250 4242
	expect 'sent 1000'
	"$PY" -S "$FLOOD" stall "$SOCK" 200 60 >stall.out 2>&1 3>&- &
	BGPIDS="$BGPIDS $!"
	for i in $(seq 200); do
		grep -q ready stall.out && break
		sleep 0.05
	done
	grep -q ready stall.out
	t0=$(now_ms)
	IN=$'a b a\n' check 0 $'a\t2\nb\t1\n' mr-netc -U "$SOCK" run "$WC_SPEC"
	t1=$(now_ms)
	# Under the sanitizers every program starts several times slower.
	limit=1000
	case ${MR_BIN:-} in *asan*) limit=4000 ;; esac
	[ $((t1 - t0)) -lt $limit ] || fail_with "the job took $((t1 - t0)) ms"
	kill -0 "$DPID"
	if grep -q stalled: stall.out; then cat stall.out >&2; false; fi
}

@test "--timeout 1: stalled connections are closed after 1 s, idle ones after 6 s" {
	start_daemon --timeout 1
	capture "$PY" -S "$FLOOD" stall "$SOCK" 20 10 1
	assert_status 0
	assert_err ""
	grep -qx ready .out
	line=$(grep '^stalled: ' .out)
	[[ $line =~ ^stalled:\ 20\ of\ 20\ closed,\ first\ after\ ([0-9.]+)\ s,\ last\ after\ ([0-9.]+)\ s$ ]] ||
		fail_with "not every stalled connection was closed"
	awk -v a="${BASH_REMATCH[1]}" -v b="${BASH_REMATCH[2]}" 'BEGIN { exit !(a >= 0.9 && b <= 3) }' ||
		fail_with "stalled connections closed too early or too late"
	line=$(grep '^idle: ' .out)
	[[ $line =~ ^idle:\ 1\ of\ 1\ closed,\ first\ after\ ([0-9.]+)\ s ]] ||
		fail_with "the idle connection was not closed"
	awk -v a="${BASH_REMATCH[1]}" 'BEGIN { exit !(a >= 5.5 && a <= 8.5) }' ||
		fail_with "the idle connection was closed at the wrong time"
	IN=$'a\n' check 0 $'a\t1\n' mr-netc -U "$SOCK" run 'mr-map words'
}

# ---- the spool ----

@test "--spool: after kill -9, interrupted and queued jobs run again, results stay, ids are not reused" {
	start_daemon --spool sp -j 1
	R submit 'mr-map words' $'a\n' poll 1 0 submit 'mr-map nosuch' '' poll 2 3 \
	    submit "$MID_SPEC" @"$MID" poll 3 2 submit 'mr-map words' $'q\n' status 4
	expect 'id 1' 0 'id 2' 3 'id 3' 2 'id 4' 1
	kill -KILL "$DPID"
	wait "$DPID" || true
	# The job's processes die with it, as a service manager would do.
	for p in $(job_procs); do kill -KILL "$p" 2>/dev/null || true; done
	start_daemon --spool sp -j 1
	wait_log 'mr-netd: job 3 recovered from the spool'
	wait_log 'mr-netd: job 4 recovered from the spool'
	R wait 3 60000 wait 4 10000 fetch 1 fetch 2 fetch 1 fetch 2 \
	    submit 'mr-map words' $'n\n'
	assert_status 0
	printf '%s\n' "0 w\\t$MID_N\\n" '0 q\t1\n' '0 a\t1\n' \
	    "3 stage 1 (mr-map nosuch): exited with status 2: mr-map: unknown mapper 'nosuch' mr-map: mappers: fields grep identity lines words" \
	    4 4 >want
	head -n 6 .out >got
	cmp -s want got || { diff want got >&2; false; }
	id=$(sed -n 's/^id //p' .out)
	[ -n "$id" ] && [ "$id" -gt 4 ] || fail_with "the new job got id '$id'"
	# And again, with everything fetched: still no id is reused.
	R wait "$id" 10000
	expect '0 n\t1\n'
	kill -KILL "$DPID"
	wait "$DPID" || true
	start_daemon --spool sp -j 1
	R submit 'mr-map words' $'m\n' wait % 10000
	assert_status 0
	id2=$(sed -n 's/^id //p' .out)
	[ -n "$id2" ] && [ "$id2" -gt "$id" ] || fail_with "the new job got id '$id2' after $id"
}

@test "--spool: data sets survive a restart" {
	start_daemon --spool sp
	R put x $'a b a\n' put y $'gone\n' put y ''
	expect ok ok ok
	kill -KILL "$DPID"
	wait "$DPID" || true
	start_daemon --spool sp
	R submit-on "$WC_SPEC" x wait % 10000 submit-on 'mr-map words' y
	expect 'id 1' '0 a\t2\nb\t1\n' "rejected: no data set 'y'"
}

@test "SIGTERM with --spool: exits 0 at once; running and queued jobs run after a restart" {
	start_daemon --spool sp -j 1
	R submit "$SLOW_SPEC" @"$SLOW" submit 'mr-map words' $'q\n' status 1 status 2
	expect 'id 1' 'id 2' 2 1
	t0=$(now_ms)
	kill -TERM "$DPID"
	st=0
	wait "$DPID" || st=$?
	t1=$(now_ms)
	[ "$st" = 0 ] || { cat "$LOG" >&2; false; }
	[ $((t1 - t0)) -lt 5000 ]
	grep -qx 'mr-netd: stopping on signal 15' "$LOG"
	grep -qx 'mr-netd: stopped' "$LOG"
	no_job_procs
	start_daemon --spool sp -j 1
	R cancel 1 wait 2 10000 fetch 1
	expect 5 '0 q\t1\n' 5
}

@test "SIGTERM without --spool: running jobs finish, then it exits 0; no new connections" {
	start_daemon -j 1
	R submit "$MID_SPEC" @"$MID" poll 1 2
	expect 'id 1' 2
	kill -TERM "$DPID"
	sleep 0.3
	kill -0 "$DPID" || fail_with "the daemon did not wait for its running job"
	capture mr-netc -U "$SOCK" status 1
	assert_status 1
	st=0
	wait "$DPID" || st=$?
	[ "$st" = 0 ] || { cat "$LOG" >&2; false; }
	grep -qE '^mr-netd: job 1 done in ' "$LOG"
	grep -qx 'mr-netd: stopped' "$LOG"
	no_job_procs
}

@test "SIGTERM without --spool: a client waiting on a running job gets its result" {
	start_daemon -j 1
	mr-netc -U "$SOCK" run "$MID_SPEC" "$MID" >run.out 2>run.err 3>&- &
	nc=$!
	BGPIDS="$BGPIDS $nc"
	wait_log 'job 1 started'
	kill -TERM "$DPID"
	st=0
	wait "$nc" || st=$?
	BGPIDS=
	[ "$st" = 0 ] && [ "$(cat run.out)" = "w${TAB}$MID_N" ] || {
		echo "mr-netc exit $st" >&2
		cat run.out run.err >&2
		false
	}
	st=0
	wait "$DPID" || st=$?
	[ "$st" = 0 ]
}

# ---- TCP and tokens ----

@test "TCP: -p 0 takes a free port and says which; -U alone is Unix only" {
	start_daemon -p 0
	[ -n "$PORT" ] || fail_with "no 'listening on 127.0.0.1:PORT' line"
	ADDR=127.0.0.1:$PORT R submit 'mr-map words' $'t\n' wait % 10000
	expect 'id 1' '0 t\t1\n'
	IN=$'a b a\n' check 0 $'a\t2\nb\t1\n' mr-netc -p "$PORT" run "$WC_SPEC"
	IN=$'a\n' check 0 $'a\t1\n' mr-netc -H 127.0.0.1 -p "$PORT" run 'mr-map words'
	kill -KILL "$DPID"
	wait "$DPID" || true
	start_daemon
	[ "$(grep -c 'listening on' "$LOG")" = 1 ] || { cat "$LOG" >&2; false; }
}

@test "token: a non-loopback address needs --token-file" {
	capture mr-netd -l 0.0.0.0 -p 0
	assert_status 2
	assert_err "mr-netd: listening on '0.0.0.0' needs --token-file"
}

@test "token: mr-netc --token-file is let in, a wrong or missing token is not" {
	printf 'open sesame\n' >tok
	printf 'open sesam\n' >bad
	start_daemon -l 0.0.0.0 -p 0 --token-file tok
	PORT=$(sed -n 's/^mr-netd: listening on [0-9.]*:\([0-9][0-9]*\)$/\1/p' "$LOG")
	IN=$'a b\n' check 0 $'a\t1\nb\t1\n' mr-netc -p "$PORT" --token-file tok run 'mr-map words'
	IN=$'c\n' check 0 $'c\t1\n' mr-netc -U "$SOCK" --token-file tok run 'mr-map words'
	IN=$'c\n' capture mr-netc -p "$PORT" --token-file bad run 'mr-map words'
	assert_status 1
	assert_out ""
	grep -q refused .err || fail_with "no refusal message"
	IN=$'c\n' capture mr-netc -p "$PORT" run 'mr-map words'
	assert_status 1
	assert_err 'mr-netc: job rejected: authentication required'
	capture mr-netc -p "$PORT" status 1
	assert_status 1
	assert_out ""
	check 0 'unknown'$'\n' mr-netc -p "$PORT" --token-file tok status 1
}

# ---- mr-netc ----

@test "mr-netc run: result on stdout; failed and rejected jobs exit 1 with the message" {
	start_daemon
	IN=$'a b a\n' check 0 $'a\t2\nb\t1\n' mr-netc -U "$SOCK" run "$WC_SPEC"
	printf 'x y\n' >in.txt
	check 0 $'x\t1\ny\t1\n' mr-netc -U "$SOCK" run 'mr-map words' in.txt
	IN='' check 0 '' mr-netc -U "$SOCK" run 'mr-map words'
	IN=$'a\n' check_err 1 "mr-netc: job 4 failed: stage 1 (mr-map nosuch): exited with status 2: mr-map: unknown mapper 'nosuch' mr-map: mappers: fields grep identity lines words" \
	    mr-netc -U "$SOCK" run 'mr-map nosuch'
	IN=$'a\n' check_err 1 "mr-netc: job rejected: program 'sh' is not allowed" \
	    mr-netc -U "$SOCK" run sh
	IN=$'a\n' check_err 1 "mr-netc: job rejected: ';' is not accepted in a job spec" \
	    mr-netc -U "$SOCK" run 'mr-map words; x'
	check_err 1 "mr-netc: cannot read 'nosuch.txt': No such file or directory" \
	    mr-netc -U "$SOCK" run 'mr-map words' nosuch.txt
}

@test "mr-netc submit, fetch, wait --timeout, status, cancel: output and exit statuses" {
	start_daemon -j 1
	check 0 $'1\n' mr-netc -U "$SOCK" submit "$SLOW_SPEC" "$SLOW"
	IN=$'q\n' check 0 $'2\n' mr-netc -U "$SOCK" submit 'mr-map words'
	check 0 $'running\n' mr-netc -U "$SOCK" status 1
	check 0 $'queued\n' mr-netc -U "$SOCK" status 2
	check_err 3 'mr-netc: job 1 is running' mr-netc -U "$SOCK" fetch 1
	check_err 3 'mr-netc: job 2 is queued' mr-netc -U "$SOCK" fetch 2
	t0=$(now_ms)
	check_err 3 'mr-netc: job 1 is running' mr-netc -U "$SOCK" wait 1 --timeout 1
	t1=$(now_ms)
	[ $((t1 - t0)) -ge 900 ] && [ $((t1 - t0)) -lt 4000 ] ||
		fail_with "wait --timeout 1 took $((t1 - t0)) ms"
	check_err 3 'mr-netc: job 2 is queued' mr-netc -U "$SOCK" wait --timeout 1 2
	check 0 $'cancelled\n' mr-netc -U "$SOCK" cancel 1
	check 0 $'q\t1\n' mr-netc -U "$SOCK" wait 2
	check_err 1 'mr-netc: job 2 is unknown' mr-netc -U "$SOCK" fetch 2
	check_err 1 'mr-netc: job 2 is unknown' mr-netc -U "$SOCK" wait 2
	check 0 $'cancelled\n' mr-netc -U "$SOCK" status 1
	check_err 1 'mr-netc: job 1 is cancelled' mr-netc -U "$SOCK" fetch 1
	check 0 $'unknown\n' mr-netc -U "$SOCK" status 1
	check 0 $'unknown\n' mr-netc -U "$SOCK" cancel 1
	# done and failed
	IN=$'d\n' check 0 $'3\n' mr-netc -U "$SOCK" submit 'mr-map words'
	check 0 $'d\t1\n' mr-netc -U "$SOCK" wait 3 --timeout 10
	IN=$'d\n' check 0 $'4\n' mr-netc -U "$SOCK" submit 'mr-map words'
	IN= check 0 $'5\n' mr-netc -U "$SOCK" submit 'mr-map nosuch'
	R poll 4 0 poll 5 3
	expect 0 3
	check 0 $'done\n' mr-netc -U "$SOCK" status 4
	check 0 $'failed\n' mr-netc -U "$SOCK" status 5
	check 0 $'done\n' mr-netc -U "$SOCK" cancel 4
	check 0 $'failed\n' mr-netc -U "$SOCK" cancel 5
	check 0 $'d\t1\n' mr-netc -U "$SOCK" fetch 4
	check_err 1 "mr-netc: job 5 failed: stage 1 (mr-map nosuch): exited with status 2: mr-map: unknown mapper 'nosuch' mr-map: mappers: fields grep identity lines words" \
	    mr-netc -U "$SOCK" fetch 5
	check_err 1 'mr-netc: job 5 is unknown' mr-netc -U "$SOCK" fetch 5
	no_job_procs
}

@test "mr-netc put and run-on" {
	start_daemon
	printf 'a b a\n' >x.txt
	check 0 '' mr-netc -U "$SOCK" put x x.txt
	check 0 $'a\t2\nb\t1\n' mr-netc -U "$SOCK" run-on x "$WC_SPEC"
	IN=$'c\n' check 0 '' mr-netc -U "$SOCK" put x
	check 0 $'c\t1\n' mr-netc -U "$SOCK" run-on x 'mr-map words'
	IN= check 0 '' mr-netc -U "$SOCK" put x
	check_err 1 "mr-netc: job rejected: no data set 'x'" mr-netc -U "$SOCK" run-on x 'mr-map words'
	IN=$'c\n' capture mr-netc -U "$SOCK" put 'a/b'
	assert_status 1
	assert_out ""
	grep -q 'invalid data set name' .err || fail_with "no message"
	check_err 1 "mr-netc: job rejected: invalid data set name" mr-netc -U "$SOCK" run-on 'a/b' 'mr-map words'
}

@test "mr-netc: usage errors exit 2; connection errors exit 1 with the message" {
	capture mr-netc run
	assert_usage_err_netc
	capture mr-netc -U "$SOCK" fetch 1 2
	assert_usage_err_netc
	capture mr-netc -U "$SOCK" status 1 --timeout 1
	assert_usage_err_netc
	capture mr-netc -U "$SOCK" fetch abc
	assert_status 2
	capture mr-netc -U "$SOCK" fetch 0
	assert_status 2
	check_err 1 "mr-netc: cannot connect to '$SOCK': No such file or directory" \
	    mr-netc -U "$SOCK" status 1
	start_daemon -p 0
	kill -KILL "$DPID"
	wait "$DPID" || true
	check_err 1 "mr-netc: cannot connect to 127.0.0.1:$PORT: Connection refused" \
	    mr-netc -p "$PORT" status 1
	check_err 1 "mr-netc: cannot connect to '$SOCK': Connection refused" \
	    mr-netc -U "$SOCK" status 1
	IN=$'a\n' check_err 1 "mr-netc: cannot connect to 127.0.0.1:$PORT: Connection refused" \
	    mr-netc -p "$PORT" run 'mr-map words'
}

assert_usage_err_netc() {
	assert_status 2
	assert_out ""
	is_err_then_usage mr-netc 1 || fail_with "no usage lines"
}

# ---- examples/client.py ----

@test "examples/client.py: submit, wait, print" {
	[ -f "$CLIENT_PY" ] || skip "examples/client.py does not exist yet"
	start_daemon
	IN=$'a b a\n' capture "$PY" "$CLIENT_PY" --unix "$SOCK" \
	    'mr-split | mr-map words | mr-shuffle | mr-reduce sum'
	assert_status 0
	assert_out $'a\t2\nb\t1\n'
}

@test "--expire: an unfetched result is forgotten after SECS, with a log line" {
	start_daemon --expire 1
	id=$(printf 'e\n' | mr-netc -U "$SOCK" submit 'mr-map words')
	[ "$id" = 1 ]
	for i in $(seq 200); do
		[ "$(mr-netc -U "$SOCK" status 1)" = done ] && break
		sleep 0.05
	done
	[ "$(mr-netc -U "$SOCK" status 1)" = done ]
	sleep 2.5
	check 0 'unknown
' mr-netc -U "$SOCK" status 1
	grep -qx 'mr-netd: job 1 expired' "$LOG"
}

@test "-d --pidfile: detaches, writes its pid, serves, removes the pid file on SIGTERM" {
	TMPDIR=$JT mr-netd -d --pidfile "$BATS_TEST_TMPDIR/pid" -U "$SOCK" 2>/dev/null 3>&-
	for i in $(seq 100); do [ -S "$SOCK" ] && [ -s "$BATS_TEST_TMPDIR/pid" ] && break; sleep 0.05; done
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	DPIDS="$DPIDS $pid"
	kill -0 "$pid"
	IN=$'d d\n' check 0 $'d\t2\n' mr-netc -U "$SOCK" run 'mr-map words | mr-reduce -H sum'
	kill -TERM "$pid"
	for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
	run ! kill -0 "$pid"
	[ ! -e "$BATS_TEST_TMPDIR/pid" ]
	[ ! -e "$SOCK" ]
}

@test "--pidfile without -d is a usage error" {
	check_usage mr-netd "mr-netd: --pidfile goes with -d" --pidfile x -U "$SOCK"
}

# ---- processes and temporary files ----

# stage_procs: the job processes of the test, once one runs mr-map and one
# mr-shuffle (up to 10 s).
stage_procs() {
	local i p cmds procs
	for i in $(seq 200); do
		procs=$(job_procs)
		cmds=
		for p in $procs; do
			cmds="$cmds $(tr '\0' ' ' </proc/"$p"/cmdline 2>/dev/null)"
		done
		if [[ $cmds == *mr-map* && $cmds == *mr-shuffle* ]]; then
			echo $procs
			return 0
		fi
		sleep 0.05
	done
	echo "no running stages; job processes: $procs" >&2
	return 1
}

@test "a job's stages hold no descriptor but 0, 1 and 2, and share one process group" {
	start_daemon
	# mr-map takes a minute on the line of $AAA; mr-shuffle waits for it.
	R submit "mr-split | mr-map grep '(a|aa)*(a|aa)*c' | mr-shuffle" @"$AAA" \
	    poll 1 2
	expect 'id 1' 2
	procs=$(stage_procs)
	dpgid=$(ps -o pgid= -p "$DPID" | tr -d ' ')
	pgids=
	for p in $procs; do
		fds=$(ls /proc/"$p"/fd 2>/dev/null | sort -n | tr '\n' ' ') ||
			continue
		[ -d /proc/"$p" ] || continue
		[ "$fds" = "0 1 2 " ] || fail_with "stage $p ($(tr '\0' ' ' \
		    </proc/"$p"/cmdline)) holds descriptors $fds"
		pgids="$pgids $(ps -o pgid= -p "$p" | tr -d ' ')"
	done
	[ "$(echo $pgids | tr ' ' '\n' | sort -u | wc -l)" -eq 1 ] ||
		fail_with "stages in several process groups:$pgids"
	[ "$(echo $pgids | cut -d ' ' -f 1)" != "$dpgid" ] ||
		fail_with "stages in the daemon's process group"
	R cancel 1
	expect 5
	no_job_procs
}

@test "a temporary file that cannot be made fails that request only; the daemon goes on serving" {
	start_daemon
	# The daemon's private directory, moved away and back.
	priv=$(priv_dir)
	mv "$priv" away
	R submit 'mr-map words' $'a\n' put d $'x\n' submit 'mr-map words' $'b\n' \
	    status 1
	expect 'rejected: cannot store the data' 'refused(1): cannot store the data' \
	    'rejected: cannot store the data' 4
	mv away "$priv"
	R submit 'mr-map words' $'c\n' wait % 10000
	expect 'id 1' '0 c\t1\n'
	kill -0 "$DPID"
}

@test "--spool: a job whose stderr file cannot be made fails 'cannot start the job'; the next runs" {
	start_daemon --spool sp
	rmdir "$JT"
	R submit 'mr-map words' $'a\n' wait % 10000
	expect 'id 1' '3 cannot start the job'
	grep -qx 'mr-netd: cannot start job 1: No such file or directory' "$LOG"
	grep -qE '^mr-netd: job 1 failed in [0-9.]+s: cannot start the job$' "$LOG"
	mkdir "$JT"
	R submit 'mr-map words' $'b\n' wait % 10000
	expect 'id 2' '0 b\t1\n'
}

@test "a stage that cannot be run fails the job, and the stages started before it are stopped" {
	mkdir b
	cp "$(command -v mr-netd)" "$(command -v mr-split)" b/
	LOG=$BATS_TEST_TMPDIR/log.b
	TMPDIR=$JT b/mr-netd -U "$SOCK" 2>"$LOG" 3>&- &
	DPID=$!
	DPIDS="$DPIDS $DPID"
	wait_log "listening on $SOCK"
	R submit 'mr-map words' $'a\n' wait % 10000 \
	    submit 'mr-split -n 1 | mr-map words' @"$SLOW" wait % 10000
	expect 'id 1' \
	    "3 stage 1 (mr-map words): cannot run '$BATS_TEST_TMPDIR/b/mr-map': No such file or directory" \
	    'id 2' \
	    "3 stage 2 (mr-map words): cannot run '$BATS_TEST_TMPDIR/b/mr-map': No such file or directory"
	no_job_procs
	R submit 'mr-split' $'s\n' wait % 10000
	expect 'id 3' '0 000000\ts\n'
}

@test "mr-netc ... | head -n 1: mr-netc ends quietly by SIGPIPE, as every program does" {
	start_daemon
	seq 200000 >nums
	local st
	mr-netc -U "$SOCK" run 'mr-map lines' nums 2>err | head -n 1 >first &&
		st=("${PIPESTATUS[@]}") || st=("${PIPESTATUS[@]}")
	[ "${st[0]}" -eq 141 ] || { echo "mr-netc exited ${st[0]}" >&2; cat err >&2; return 1; }
	[ ! -s err ] || { echo "mr-netc wrote: $(cat err)" >&2; return 1; }
	[ "$(cat first)" = $'1\t1' ]
	# a full disk is still an error with a message
	IN=$'a\n' capture sh -c "mr-netc -U '$SOCK' run 'mr-map words' >/dev/full"
	assert_status 1
	assert_err "mr-netc: write error: No space left on device"
}

@test "job spec: mr-reduce --narm is allowed and skips NA values" {
	start_daemon
	R submit 'mr-reduce --narm sum count' $'a\t1\na\tNA\na\t2\n' wait % 10000
	expect 'id 1' '0 a\t3\t2\n'
}

# ---- descriptors, limits, the spool lock ----

# start_daemon_nofile N OPTION...: start_daemon under `ulimit -n N`,
# holding $EXTRA_FDS more descriptors it inherits (0 if unset), which its
# cap on connections does not know of.
start_daemon_nofile() {
	local n=$1
	shift
	LOG=$BATS_TEST_TMPDIR/log.$((NLOG += 1))
	(
		ulimit -n "$n" || exit 1
		for ((i = 0; i < ${EXTRA_FDS:-0}; i++)); do
			exec {fd}</dev/null
		done
		TMPDIR=$JT exec mr-netd -U "$SOCK" "$@"
	) 2>"$LOG" 3>&- &
	DPID=$!
	DPIDS="$DPIDS $DPID"
	wait_log "listening on $SOCK"
}

# cpu_ticks PID: utime + stime of PID, in clock ticks.
cpu_ticks() {
	awk '{ sub(/^.*\) /, ""); print $12 + $13 }' /proc/"$1"/stat
}

# nfds PID: the descriptors PID holds.
nfds() {
	ls /proc/"$1"/fd | wc -l
}

# stop_within_1s: SIGTERM to $DPID, which must exit 0 within a second.
stop_within_1s() {
	local t0 t1 st=0
	t0=$(now_ms)
	kill -TERM "$DPID"
	for i in $(seq 100); do
		kill -0 "$DPID" 2>/dev/null || break
		sleep 0.02
	done
	t1=$(now_ms)
	kill -0 "$DPID" 2>/dev/null &&
		fail_with "still running $((t1 - t0)) ms after SIGTERM"
	wait "$DPID" || st=$?
	[ "$st" = 0 ] || fail_with "exit status $st after SIGTERM"
	[ $((t1 - t0)) -lt 1000 ] || fail_with "stopped $((t1 - t0)) ms after SIGTERM"
}

# priv_dir: the private directory of $DPID in $JT, the one whose lock
# holds its pid.
priv_dir() {
	local l
	l=$(grep -lx "$DPID" "$JT"/mr-netd.*/lock 2>/dev/null) ||
		fail_with "no private directory of $DPID in $JT"
	dirname "$l"
}

@test "out of descriptors: a client reconnecting without end is shed; the daemon serves and stops" {
	SOAK=$BATS_TEST_DIRNAME/netd/soak.py
	# 40 descriptors it does not expect: accept runs out of them.
	EXTRA_FDS=40 start_daemon_nofile 64 -j 2 --timeout 1
	# A client connected before the churn, served while it goes on.
	timeout 10 "$PY" -S "$RAW" "$SOCK" sleep 3 status 1 sleep 1 status 1 \
	    >good.out 2>&1 3>&- &
	good=$!
	BGPIDS="$BGPIDS $good"
	sleep 0.3
	"$PY" -S "$SOAK" churn "$SOCK" 100 20 3 >churn.out 2>&1 3>&- &
	BGPIDS="$BGPIDS $!"
	for i in $(seq 200); do
		grep -q ready churn.out && break
		sleep 0.05
	done
	grep -q ready churn.out
	st=0
	wait "$good" || st=$?
	[ "$st" = 0 ] && [ "$(cat good.out)" = $'4\n4' ] ||
		fail_with "not served during the churn: exit $st, $(cat good.out)"
	# Stopped under the churn.
	if grep -q '^churn:' churn.out; then
		fail_with "the churn is over already"
	fi
	stop_within_1s
	grep -qx 'mr-netd: out of descriptors: a client turned away, none accepted for 0.25s' "$LOG"
}

@test "out of descriptors: idle connections still time out while clients are turned away" {
	SOAK=$BATS_TEST_DIRNAME/netd/soak.py
	start_daemon_nofile 64 -j 2 --timeout 1
	capture "$PY" -S "$SOAK" hold "$SOCK" 200 9
	assert_status 0
	# Every connection ends: closed at once beyond the cap, or after 6 s idle.
	grep -qx 'held: 0 open, 200 closed by the server' .out ||
		fail_with "$(cat .out)"
	kill -0 "$DPID"
}

@test "results not fetched hold no descriptor: 300 of them under ulimit -n 64" {
	start_daemon_nofile 64 -j 2
	args=()
	for i in $(seq 300); do args+=(submit 'mr-map words' "w$i"$'\n'); done
	R "${args[@]}" poll 300 0
	assert_status 0
	[ "$(grep -c '^id ' .out)" = 300 ] || fail_with "$(grep -v '^id ' .out | head -3)"
	[ "$(tail -n 1 .out)" = 0 ]
	[ "$(nfds "$DPID")" -lt 30 ] || fail_with "$(nfds "$DPID") descriptors"
	args=()
	for i in $(seq 300); do args+=(fetch "$i"); done
	R "${args[@]}"
	assert_status 0
	for i in $(seq 300); do echo "0 w$i\\t1\\n"; done >want
	cmp -s want .out || { diff want .out | head >&2; false; }
	kill -0 "$DPID"
}

@test "--max-results: SUBMIT beyond it is refused with the option named; fetching makes room" {
	start_daemon --max-results 2
	R submit 'mr-map words' $'a\n' submit 'mr-map words' $'b\n' \
	    submit 'mr-map words' $'c\n' wait 1 10000 \
	    submit 'mr-map words' $'d\n' wait 2 10000 wait 3 10000
	expect 'id 1' 'id 2' 'rejected: too many results not fetched (--max-results 2)' \
	    '0 a\t1\n' 'id 3' '0 b\t1\n' '0 d\t1\n'
}

@test "--max-conns: a connection beyond it is closed at once; the others are served" {
	start_daemon --max-conns 2
	"$PY" -S "$BATS_TEST_DIRNAME/netd/soak.py" hold "$SOCK" 2 5 >hold.out 3>&- &
	BGPIDS="$BGPIDS $!"
	for i in $(seq 200); do grep -q ready hold.out && break; sleep 0.05; done
	sleep 0.3
	R status 1 eof 3
	expect closed
	grep -qx 'mr-netd: 2 connections: connection closed (1 so far)' "$LOG"
}

@test "without --spool: job files in a private 0700 directory of TMPDIR, removed at exit and after a crash" {
	start_daemon
	priv=$(priv_dir)
	[ "$(stat -c %a "$priv")" = 700 ]
	R submit 'mr-map words' $'a\n' poll 1 0
	expect 'id 1' 0
	[ -f "$priv/jobs/1.out" ]
	kill -KILL "$DPID"
	wait "$DPID" || true
	mkdir "$JT/mr-netd.notour" "$JT/other"
	SOCK=$BATS_TEST_TMPDIR/s2 start_daemon
	first=$DPID
	[ ! -e "$priv" ] || fail_with "the crashed daemon's directory is left"
	priv2=$(priv_dir)
	[ -d "$JT/mr-netd.notour" ] && [ -d "$JT/other" ]
	# Another daemon leaves a live one's directory alone.
	SOCK=$BATS_TEST_TMPDIR/s3 start_daemon
	[ -d "$priv2" ]
	kill -TERM "$first"
	wait "$first"
	[ ! -e "$priv2" ] || fail_with "directory left after SIGTERM"
	[ "$(ls "$JT"/mr-netd.*/lock | wc -l)" = 1 ]
}

@test "--spool: one spool, one daemon; a second exits 1 naming the owner's pid" {
	start_daemon --spool sp
	capture timeout 5 env TMPDIR="$JT" mr-netd -U "$BATS_TEST_TMPDIR/s2" --spool sp
	assert_status 1
	assert_err "mr-netd: spool 'sp' is in use by pid $DPID"
	R submit 'mr-map words' $'a\n' wait % 10000
	expect 'id 1' '0 a\t1\n'
	# A lock file left by SIGKILL does not stop the next daemon.
	kill -KILL "$DPID"
	wait "$DPID" || true
	start_daemon --spool sp
	[ "$(cat sp/lock)" = "$DPID" ]
	R submit 'mr-map words' $'b\n' wait % 10000
	expect 'id 2' '0 b\t1\n'
}

@test "--spool: refused submissions leave nothing in tmp/" {
	start_daemon --spool sp -j 1 --max-queue 1 --max-results 2
	R submit "$SLOW_SPEC" @"$SLOW" poll 1 2 submit 'mr-map words' $'a\n' \
	    submit 'mr-map words' $'b\n' submit sh x \
	    submit 'mr-map words | mr-reduce nosuchop' $'c\n'
	expect 'id 1' 2 'id 2' 'rejected: queue full (--max-queue 1)' \
	    "rejected: program 'sh' is not allowed" \
	    'rejected: queue full (--max-queue 1)'
	[ -z "$(ls -A sp/tmp)" ] || fail_with "left in tmp/: $(ls -A sp/tmp)"
	R cancel 1 wait 2 10000 submit 'mr-map words' $'d\n' \
	    submit 'mr-map words' $'e\n'
	expect 5 '0 a\t1\n' 'id 3' 'rejected: too many results not fetched (--max-results 2)'
	[ -z "$(ls -A sp/tmp)" ] || fail_with "left in tmp/: $(ls -A sp/tmp)"
}

@test "AUTH without --token-file is refused with u8 1, and the connection closed" {
	start_daemon
	R auth anything status 1
	expect 1 closed
	R status 1
	expect 4
}

# The figures go to $SOAK_REPORT if set, and to bats' output.
@test "soak: ulimit -n 128, hundreds of hostile clients; every good job right, then idle, few descriptors, quick stop" {
	SOAK=$BATS_TEST_DIRNAME/netd/soak.py
	report=${SOAK_REPORT:-$BATS_TEST_TMPDIR/soak-report.txt}
	# Unfetched results expire after 10 s, as a service would set it.
	start_daemon_nofile 128 -j 2 --timeout 1 --max-queue 50 --expire 10
	# Descriptors of the daemon, every 0.1 s while it runs.
	(
		while [ ! -e stop-sampling ] && kill -0 "$DPID" 2>/dev/null; do
			nfds "$DPID"
			sleep 0.1
		done
	) >fds.txt 2>/dev/null 3>&- &
	BGPIDS="$BGPIDS $!"
	t0=$(now_ms)
	capture timeout 110 "$PY" -S "$SOAK" soak "$SOCK" 40 4
	t1=$(now_ms)
	assert_status 0
	# The hostile clients have left: let the last of their jobs run.
	sleep 3
	a=$(cpu_ticks "$DPID")
	sleep 2
	b=$(cpu_ticks "$DPID")
	touch stop-sampling
	peak=$(sort -n fds.txt | tail -n 1)
	closed=$(sed -n 's/^mr-netd: [0-9]* connections: connection closed (\([0-9]*\) so far)$/\1/p' "$LOG" | tail -n 1)
	shed=$(grep -c '^mr-netd: out of descriptors' "$LOG" || true)
	{
		echo "soak: $((t1 - t0)) ms, ulimit -n 128, -j 2, 4 hostile processes"
		cat .out
		grep '^mr-netd: at most' "$LOG" || true
		echo "connections closed at the cap (logged, at most 1/s): ${closed:-0}"
		echo "back-offs out of descriptors: $shed"
		echo "jobs accepted: $(grep -c ' accepted (' "$LOG")"
		echo "peak descriptors: $peak (limit 128)"
		echo "CPU when idle: $((b - a)) ticks in 2 s"
		echo "results left at SIGTERM: $(ls "$(priv_dir)"/jobs | wc -l) files"
	} >"$report"
	sed 's/^/# /' "$report" >&3
	grep -qE '^good: [1-9][0-9]* jobs right, 0 wrong' .out
	[ "$peak" -lt 128 ] || fail_with "peak of $peak descriptors"
	[ $((b - a)) -lt 5 ] || fail_with "$((b - a)) ticks of CPU in 2 s when idle"
	stop_within_1s
	echo "stopped within 1 s of SIGTERM" >>"$report"
}

@test "job spec: mr-map's -F FILE (a key file) is refused" {
	start_daemon
	R submit 'mr-map words -F /etc/passwd' x \
	    submit 'mr-map --key-file=/etc/passwd identity' x \
	    submit 'mr-par mr-map words -lF keys' x \
	    submit 'mr-map words' $'ok\n' wait % 10000
	expect "rejected: '-F' is not allowed in a job spec" \
	    "rejected: '--key-file' is not allowed in a job spec" \
	    "rejected: '-F' is not allowed in a job spec" \
	    'id 1' '0 ok\t1\n'
}

# ---- PROGRESS and --progress ----

# check_growth FILE TOTAL: FILE holds raw.py's progress lines of one job
# ("STATE CONSUMED TOTAL MS"): TOTAL every time, consumed and ms never
# going down, consumed never over TOTAL, at least two distinct values
# strictly between 0 and TOTAL while running, and last the job done with
# all of it consumed.
check_growth() {
	awk -v total="$2" '
		NF != 4 { print "bad line: " $0; bad = 1; exit }
		$3 != total { print "total " $3 " is not " total; bad = 1 }
		$2 > $3 { print "consumed over total: " $0; bad = 1 }
		NR > 1 && ($2 < c || $4 < ms) { print "went down: " $0; bad = 1 }
		$1 == 2 && $2 > 0 && $2 < total && !($2 in mid) { mid[$2]; nmid++ }
		{ c = $2; ms = $4; last = $0 }
		END {
			if (bad) exit 1
			if (nmid < 2) { print "no growth seen"; exit 1 }
			split(last, f, " ")
			if (f[1] != 0 || f[2] != total) {
				print "last is not done with all: " last; exit 1
			}
		}' "$1"
}

# progress_reqs N MS: N requests "progress % MS", a word a line.
progress_reqs() {
	local i
	for ((i = 0; i < $1; i++)); do
		printf '%s\n' progress % "$2"
	done
}

@test "raw: PROGRESS of a running job grows to the total, which is the data's size" {
	start_daemon
	mapfile -t reqs < <(progress_reqs 30 150)
	R submit "$GROW_SPEC" @"$GROW" "${reqs[@]}" wait % 30000
	assert_status 0
	[ "$(head -n 1 .out)" = 'id 1' ]
	[ "$(tail -n 1 .out)" = 0 ]
	sed '1d;$d' .out >p.txt
	check_growth p.txt "$GROW_SIZE" || { cat p.txt >&2; false; }
	[ "$(stat -c %s "$GROW")" = "$GROW_SIZE" ]
}

@test "raw: PROGRESS with --spool too" {
	start_daemon --spool "$BATS_TEST_TMPDIR/spool"
	mapfile -t reqs < <(progress_reqs 30 150)
	R submit "$GROW_SPEC" @"$GROW" "${reqs[@]}" fetch %
	assert_status 0
	[ "$(tail -n 1 .out)" = 0 ]
	sed '1d;$d' .out >p.txt
	check_growth p.txt "$GROW_SIZE" || { cat p.txt >&2; false; }
}

@test "raw: PROGRESS replies, byte for byte: unknown, queued, finished; it consumes nothing" {
	start_daemon -j 1
	# Unknown: state 4, all zero.
	R raw '\x08\x09\x00\x00\x00\x00\x00\x00\x00' read 100
	expect '\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'
	# Queued behind a long job: state 1, consumed 0, total 2, ms 0.
	R submit "$SLOW_SPEC" @"$SLOW" submit 'mr-map words' $'q\n' \
	    raw '\x08\x02\x00\x00\x00\x00\x00\x00\x00' read 100
	expect 'id 1' 'id 2' '\x01\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'
	# Held for a queued job: answered at its time, still queued.
	R mark progress 2 300 mark
	assert_status 0
	[ "$(sed -n 2p .out)" = '1 0 2 0' ]
	[ "$(ms_at 3)" -ge 250 ]
	R cancel 1 cancel 2 fetch 1 fetch 2
	expect 5 5 5 5
	# Finished: state 0, consumed = total = 4; ms (the time it ran) varies.
	R submit 'mr-map words' $'a b\n' poll % 0 \
	    raw '\x08\x03\x00\x00\x00\x00\x00\x00\x00' read 17 read 4 \
	    progress 3 0 status 3 fetch 3 progress 3 0
	assert_status 0
	[ "$(sed -n 3p .out)" = '\x00\x04\x00\x00\x00\x00\x00\x00\x00\x04\x00\x00\x00\x00\x00\x00\x00' ] ||
		fail_with "reply: $(sed -n 3p .out)"
	[ -n "$(sed -n 4p .out)" ]
	# PROGRESS and STATUS consume nothing: FETCH still has the result.
	[ "$(sed -n 5p .out | cut -d' ' -f1-3)" = '0 4 4' ]
	[ "$(sed -n 6,8p .out)" = $'0\n0 a\\t1\\nb\\t1\\n\n4 0 0 0' ] ||
		{ cat .out >&2; false; }
}

@test "raw: an old client's STATUS gets exactly the one byte it always did" {
	start_daemon -j 1
	R submit "$SLOW_SPEC" @"$SLOW" submit 'mr-map words' $'q\n' poll 1 2 \
	    raw '\x03\x01\x00\x00\x00\x03\x02\x00\x00\x00\x03\x63\x00\x00\x00' \
	    read 100
	expect 'id 1' 'id 2' 2 '\x02\x01\x04'
	# So on a connection that has sent PROGRESS too, and after the job.
	R progress 1 0 raw '\x03\x01\x00\x00\x00' read 100 cancel 1 cancel 2 \
	    poll 1 5 raw '\x03\x01\x00\x00\x00' read 100
	assert_status 0
	[ "$(sed -n 2,6p .out)" = $'\\x02\n5\n5\n5\n\\x05' ] ||
		{ cat .out >&2; false; }
}

# PROG_RE: a line of mr-netc --progress, of any state.
PROG_RE='^mr-netc: job [0-9]+ (queued|running|done|failed|cancelled), [0-9]+\.[0-9] MiB of [0-9]+\.[0-9] MiB \([0-9]+%\), [0-9]+\.[0-9] s$'

@test "mr-netc wait --progress: documented lines on stderr, the same stdout and status" {
	start_daemon
	id=$(mr-netc -U "$SOCK" submit "$GROW_SPEC | mr-map words" "$GROW")
	MR_NETC_PROGRESS_MS=300 capture mr-netc -U "$SOCK" wait --progress "$id"
	assert_status 0
	assert_out ""
	if grep -vEq "$PROG_RE" .err; then cat .err >&2; false; fi
	grep -Eq "^mr-netc: job $id running, 0\.[0-9] MiB of 1\.2 MiB \([0-9]+%\)" .err ||
		{ cat .err >&2; false; }
	[ "$(tail -n 1 .err | sed 's/, [0-9.]* s$//')" = \
	    "mr-netc: job $id done, 1.2 MiB of 1.2 MiB (100%)" ] || { cat .err >&2; false; }
	[ "$(wc -l <.err)" -ge 3 ]
	# Fetched once: the job is gone.
	check 0 $'unknown\n' mr-netc -U "$SOCK" status "$id"
	# run and run-on: stdout byte-identical to a run without --progress.
	head -c 300000 "$BIG" >b.tsv
	capture mr-netc -U "$SOCK" run 'mr-shuffle | mr-reduce count' b.tsv
	assert_status 0
	cp .out plain.out
	capture mr-netc -U "$SOCK" run --progress 'mr-shuffle | mr-reduce count' b.tsv
	assert_status 0
	cmp .out plain.out
	[ "$(wc -l <.err)" = 1 ] && grep -Eq "$PROG_RE" .err
	check 0 '' mr-netc -U "$SOCK" put b b.tsv
	capture mr-netc -U "$SOCK" run-on --progress b 'mr-shuffle | mr-reduce count'
	assert_status 0
	cmp .out plain.out
	grep -Eq "^mr-netc: job [0-9]+ done, 0\.3 MiB of 0\.3 MiB \(100%\), " .err
	# A failed job: status 1 and its message, after the last line.
	capture mr-netc -U "$SOCK" run --progress 'mr-map words | mr-reduce nosuchop' b.tsv
	assert_status 1
	assert_out ""
	grep -Eq '^mr-netc: job [0-9]+ failed, ' .err
	grep -q "^mr-netc: job [0-9]* failed: stage 2" .err
	# Unknown: no line, the message and status of wait.
	check_err 1 "mr-netc: job 99 is unknown" mr-netc -U "$SOCK" wait --progress 99
	# --timeout: exit 3 with the job still running.
	id=$(mr-netc -U "$SOCK" submit "$SLOW_SPEC" "$SLOW")
	capture mr-netc -U "$SOCK" wait --progress --timeout 1 "$id"
	assert_status 3
	grep -Eq "^mr-netc: job $id running, " .err
	grep -qx "mr-netc: job $id is running" .err
	check_usage mr-netc "mr-netc: --progress goes with run, run-on and wait" \
	    -U "$SOCK" status --progress 1
}

@test "mr-netc --progress on a terminal: one line redrawn with CR and ESC [ K, ended by a line feed" {
	command -v script >/dev/null || skip "no script(1)"
	start_daemon
	script -qec "mr-netc -U '$SOCK' run --progress \"$GROW_SPEC\" '$GROW' >out.txt" \
	    /dev/null >tty.txt </dev/null
	[ ! -s out.txt ]
	# Every line starts with CR and ends with ESC [ K; only the last with LF.
	tr -d '\n' <tty.txt | tr '\r' '\n' | sed '/^$/d' >lines.txt
	[ "$(wc -l <lines.txt)" -ge 3 ] || { od -c tty.txt >&2; false; }
	if grep -vq $'\033\\[K$' lines.txt; then od -c tty.txt >&2; false; fi
	[ "$(tail -c 1 tty.txt | od -An -c | tr -d ' ')" = '\n' ]
	[ "$(grep -c '' tty.txt)" = 1 ]
	if sed $'s/\033\\[K$//' lines.txt | grep -vEq "$PROG_RE"; then cat -v lines.txt >&2; false; fi
	tail -n 1 lines.txt | grep -q '^mr-netc: job 1 done, 1\.2 MiB of 1\.2 MiB (100%)'
}

@test "mr-netc --progress against a daemon without PROGRESS: a warning, then a plain wait" {
	start_daemon
	id=$(mr-netc -U "$SOCK" submit 'mr-map words' <<<'a b')
	# old.py: a proxy that closes a connection whose first byte is 0x08,
	# as a daemon from before PROGRESS does.
	"$PY" -S "$BATS_TEST_DIRNAME/netd/old.py" "$BATS_TEST_TMPDIR/old" "$SOCK" 3>&- &
	BGPIDS="$BGPIDS $!"
	for i in $(seq 100); do [ -S old ] && break; sleep 0.05; done
	capture mr-netc -U "$BATS_TEST_TMPDIR/old" wait --progress "$id"
	assert_status 0
	assert_out $'a\t1\nb\t1\n'
	assert_err "mr-netc: $BATS_TEST_TMPDIR/old does not report progress: waiting without it"
}

@test "examples/client.py: progress() and --progress against the daemon" {
	start_daemon
	cat >p.py <<EOF
import sys
sys.path.insert(0, "$BATS_TEST_DIRNAME/../examples")
import client
c = client.Client(unix="$SOCK")
print(c.progress(99))
j = c.submit(sys.argv[1], open(sys.argv[2], "rb").read())
st, pl = client.wait_progress(c, j, "client.py", every_ms=300)
print(st, pl, c.progress(j))
EOF
	capture "$PY" p.py "$GROW_SPEC" "$GROW"
	assert_status 0
	assert_out $'(4, 0, 0, 0)\n0 b\'\' (4, 0, 0, 0)\n'
	grep -Eq '^client.py: job 1 running, 0\.[0-9] MiB of 1\.2 MiB' .err || { cat .err >&2; false; }
	[ "$(tail -n 1 .err | sed 's/, [0-9.]* s$//')" = \
	    "client.py: job 1 done, 1.2 MiB of 1.2 MiB (100%)" ] || { cat .err >&2; false; }
	IN=$'a b a\n' capture "$PY" "$CLIENT_PY" --unix "$SOCK" --progress "$WC_SPEC"
	assert_status 0
	assert_out $'a\t2\nb\t1\n'
	sed -n 2p .err | grep -Eqx 'client.py: job 2 done, 0\.0 MiB of 0\.0 MiB \(100%\), [0-9]+\.[0-9] s' ||
		{ cat .err >&2; false; }
}

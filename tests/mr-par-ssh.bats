#!/usr/bin/env bats
# mr-par -S over ssh, against an sshd of the test's own on 127.0.0.1 (see
# sshd.bash): two host aliases to it, node1 and node2, and a dead one on a
# closed port. Every result is compared with the one-machine pipeline on
# the same data; the job log says where each attempt ran.

load helper
load sshd

# The remote side runs commands through the login shell of the user, whose
# start-up files are the machine's, not ours: on the test machines root's
# .bashrc runs pyenv, which complains on stderr when two logins rehash at
# once. Those lines are dropped from what the tests compare; anything else
# on stderr still counts.
eval "capture_all() $(declare -f capture | tail -n +2)"
capture() {
	capture_all "$@"
	sed -i '/^pyenv: /d; /\/\.pyenv\//d' "$BATS_TEST_TMPDIR/.err"
}

setup_file() {
	sshd_start "$BATS_FILE_TMPDIR/sshd"
	export SSHD_PID MR_SSH SSHD_DIR
}

teardown_file() {
	sshd_stop
}

setup() {
	cd "$BATS_TEST_TMPDIR"
	MAP=$(command -v mr-map)
	gen_text 17 3000 | mr-split -n 100 >in
	mr-map words in | mr-shuffle | mr-reduce sum >want
}

# hosts_of LOG: the hosts column of a job log, sorted, one each.
hosts_of() {
	tail -n +2 "$1" | cut -f 9 | sort -u | paste -sd ' '
}

@test "-S two hosts: the same word count as one machine; the job log names both" {
	INFILE=in capture mr-par -S node1,node2 --ssh "$MR_SSH" -b 1 --joblog log "$MAP" words
	assert_status 0
	assert_err ""
	mr-shuffle .out | mr-reduce sum >got
	cmp want got
	[ "$(hosts_of log)" = "node1 node2" ]
	[ "$(tail -n +2 log | wc -l)" -eq 30 ]
	# -k: byte-identical to the mapper run on one machine
	INFILE=in capture mr-par -k -S 2/node1,node2 --ssh "$MR_SSH" -b 1 "$MAP" words
	mr-map words in >want_k
	assert_out_file want_k
}

@test "-S node1,: this machine takes a share; N/ sets the slots of a host" {
	INFILE=in capture mr-par -k -j1 -S 3/node1,: --ssh "$MR_SSH" -b 1 --joblog log "$MAP" words
	assert_status 0
	mr-map words in >want_k
	assert_out_file want_k
	[ "$(hosts_of log)" = ": node1" ]
}

@test "a dead host: its attempts fail with 255, the chunks are retried on the live host, output right" {
	INFILE=in capture mr-par -S 1/dead,node1 --ssh "$MR_SSH" -b 1 --joblog log --progress "$MAP" words
	assert_status 0
	mr-shuffle .out | mr-reduce sum >got
	cmp want got
	# the dead host was tried once, then put aside: every other attempt
	# and every retry went to node1
	tail -n +2 log | awk -F'\t' '$9 == "dead"' >dead
	[ "$(wc -l <dead)" -eq 1 ]
	[ "$(cut -f 7 dead)" = 255 ]
	local chunk
	chunk=$(cut -f 1 dead)
	[ "$(tail -n +2 log | awk -F'\t' -v c="$chunk" '$1 == c && $2 == 2 { print $9 }')" = node1 ]
	[ "$(tail -n +2 log | awk -F'\t' '$9 == "node1" && $7 == 0' | wc -l)" -eq 30 ]
	# the final progress line counts per host: done/failed/running
	grep -q '; dead 0/1/0, node1 30/0/0$' .err ||
		fail_with "no per-host counts in the progress line"
}

@test "an instance killed on one host is retried on the other: no record lost or doubled" {
	# chunks 0-9, first attempt: killed after a little output
	INFILE=in capture mr-par -S node1,node2 --ssh "$MR_SSH" -b 1 --joblog log \
		"$BATS_TEST_DIRNAME/par/flaky.sh" 0,1,2,3,4,5,6,7,8,9 1 "$MAP" words
	assert_status 0
	mr-shuffle .out | mr-reduce sum >got
	cmp want got
	# each killed attempt (status 137, not ssh's 255) and its retry ran on
	# different hosts
	tail -n +2 log | awk -F'\t' '$2 == 1 && $1 < 10 { print $1, $7, $9 }' | sort -n >first
	[ "$(cut -d ' ' -f 2 first | sort -u)" = 137 ]
	tail -n +2 log | awk -F'\t' '$2 == 2 { print $1, $9 }' | sort -n >second
	[ "$(wc -l <second)" -eq 10 ]
	join first second | awk '$3 == $4 { print "chunk " $1 " retried on " $3; bad = 1 } END { exit bad }'
}

@test "every host dead: each chunk fails after its attempts, every record in --failed, exit 1" {
	printf 'a\t1\nb\t2\n' >two
	INFILE=two capture mr-par -S dead --ssh "$MR_SSH" --retries 0 --failed failed "$MAP" words
	assert_status 1
	assert_out ""
	grep -qx "mr-par: chunk 0 (records 1-2): '$MAP words' exited with status 255 after 1 attempt" .err ||
		fail_with "no give-up message"
	cmp two failed
}

@test "words reach the remote command as they are: quotes, blanks, \$ and globs" {
	IN=$'k\tv\n'
	check 0 $'k\tv\tit\'s $HOME * "x"\n' mr-par -S node1 --ssh "$MR_SSH" \
		awk -v "x=it's \$HOME * \"x\"" '{ print $0 "\t" x }'
	# MR_CHUNK and MR_ATTEMPT are set on the host
	check 0 $'0 1\n' mr-par -S node1 --ssh "$MR_SSH" sh -c 'cat >/dev/null; echo "$MR_CHUNK $MR_ATTEMPT"'
	# a status of 255 from the command itself is 254: 255 is ssh's
	check_err 1 "mr-par: chunk 0 (records 1-1): 'sh -c cat >/dev/null; exit 255' exited with status 254 after 1 attempt" \
		mr-par -S node1 --ssh "$MR_SSH" --retries 0 sh -c 'cat >/dev/null; exit 255'
}

@test "--launcher PREFIX: split like a shell, no shell; with -S it runs on the host" {
	cat >launch.sh <<-EOF
		#!/bin/sh
		printf '[%s]' "\$@" >>"$PWD/launch.log"
		echo >>"$PWD/launch.log"
		shift 2
		exec "\$@"
	EOF
	chmod 755 launch.sh
	IN=$'a\t1\nb\t2\n'
	check 0 "$IN" mr-par -k -j1 -b 1 --launcher "$PWD/launch.sh 'x y' \"\\\$z\"" cat
	printf '[x y][$z][cat]\n[x y][$z][cat]\n' >want_log
	cmp want_log launch.log
	rm launch.log
	check 0 "$IN" mr-par -k -j1 -b 1 -S node1 --ssh "$MR_SSH" --launcher "$PWD/launch.sh 'x y' \"\\\$z\"" cat
	cmp want_log launch.log
}

@test "bad -S, --ssh, --launcher: exit 2 with the reason and the usage" {
	check_usage mr-par "mr-par: invalid -S '0/node1': invalid slot count in '0/node1'" -S 0/node1 cat
	check_usage mr-par "mr-par: invalid -S 'x/node1': invalid slot count in 'x/node1'" -S x/node1 cat
	check_usage mr-par "mr-par: invalid -S 'node1,,node2': empty host in 'node1,,node2'" -S node1,,node2 cat
	check_usage mr-par "mr-par: invalid -S '-oProxyCommand=x': invalid host '-oProxyCommand=x'" -S -oProxyCommand=x cat
	check_usage mr-par "mr-par: invalid -S 'node1,2/node1': host given twice: 'node1'" -S node1,2/node1 cat
	check_usage mr-par "mr-par: invalid --ssh 'ssh \"x': unterminated \" quote" --ssh 'ssh "x' cat
	check_usage mr-par "mr-par: invalid --launcher '  ': no word in it" --launcher '  ' cat
}

@test "with ssh hosts a chunk is 64M by default, 4M on this machine alone; -b still rules" {
	awk 'BEGIN { for (i = 0; i < 200000; i++) printf "%d\t%050d\n", i, i }' >big
	INFILE=big capture mr-par -S node1 --ssh "$MR_SSH" --joblog log cat
	assert_status 0
	assert_out_file big
	[ "$(tail -n +2 log | wc -l)" -eq 1 ]
	INFILE=big capture mr-par -S : --joblog log cat
	[ "$(tail -n +2 log | wc -l)" -eq 3 ]
	INFILE=big capture mr-par -S node1 --ssh "$MR_SSH" -b 4M --joblog log cat
	[ "$(tail -n +2 log | wc -l)" -eq 3 ]
}

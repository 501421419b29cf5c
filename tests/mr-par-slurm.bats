#!/usr/bin/env bats
# mr-par with --launcher srun inside a Slurm allocation, on a single-node
# cluster of the test's own (see slurm.bash): every instance is a job step.
# Results are compared with the one-machine pipeline on the same data; a
# wrapper records $SLURM_JOB_ID and $SLURM_STEP_ID to show where each
# instance really ran.
#
# The spelling: inside `salloc -n2`, `srun -N1 -n1 --exact` runs a step on
# one CPU of the allocation, so two of them run at once. Without --exact,
# a Slurm 22.05 step takes every CPU of the allocation on its node, and
# the steps of mr-par -j2 would run one after the other (MR_TEST_SRUN="srun
# -N1 -n1 -Q" makes the barrier test below fail).

load helper
load slurm	# its setup_file and teardown_file start and stop the cluster

SRUN=${MR_TEST_SRUN:-srun -N1 -n1 --exact -Q}

setup() {
	cd "$BATS_TEST_TMPDIR" || return
	MAP=$(command -v mr-map)
	gen_text 23 3000 | mr-split -n 100 >in
	mr-map words in | mr-shuffle | mr-reduce sum >want
	# step.sh CMD...: logs "job step chunk attempt" to steps, runs CMD
	cat >step.sh <<-EOF
		#!/bin/sh
		echo "\$SLURM_JOB_ID \$SLURM_STEP_ID \$MR_CHUNK \$MR_ATTEMPT" >>"$PWD/steps"
		exec "\$@"
	EOF
	chmod 755 step.sh
}

# par CMD...: mr-par -j2 -b 1 through srun in a 2-task allocation, on in,
# with a job log; the allocation's job id goes to jobid.
par() {
	# shellcheck disable=SC2016 # expanded by the inner sh
	INFILE=in capture salloc -Q -N1 -n2 sh -c 'echo "$SLURM_JOB_ID" >jobid; exec "$@"' sh \
		mr-par -j2 -b 1 --joblog log --launcher "$SRUN" "$@"
}

@test "srun steps in an allocation: the same word count as one machine, every chunk a step" {
	par "$PWD/step.sh" "$MAP" words
	assert_status 0
	assert_err ""
	mr-shuffle .out | mr-reduce sum >got
	cmp want got
	# the job log: 30 chunks, each done once, at the first attempt
	[ "$(head -n 1 log | cut -f 1-2)" = "chunk${TAB}attempt" ]
	[ "$(tail -n +2 log | awk -F'\t' '$2 == 1 && $7 == 0 { print $1 }' | sort -n | paste -sd ' ')" = "$(seq 0 29 | paste -sd ' ')" ]
	[ "$(tail -n +2 log | wc -l)" -eq 30 ]
	# every instance ran as a step of the allocation, each a step of its own
	[ "$(cut -d ' ' -f 1 steps | sort -u)" = "$(cat jobid)" ]
	[ "$(cut -d ' ' -f 2 steps | sort -u | wc -l)" -eq 30 ]
	[ "$(cut -d ' ' -f 3 steps | sort -n | paste -sd ' ')" = "$(seq 0 29 | paste -sd ' ')" ]
}

@test "two steps run at once with --exact: each waits for the other" {
	# a barrier: each instance writes its mark and waits for the other's;
	# with steps run one after the other the first gives up after 20 s
	cat >barrier.sh <<-EOF
		#!/bin/sh
		cat >/dev/null
		: >"$PWD/mark.\$MR_CHUNK"
		i=0
		while [ "\$(ls "$PWD" | grep -c '^mark\.')" -lt 2 ]; do
			i=\$((i + 1))
			[ "\$i" -le 200 ] || exit 1
			sleep 0.1
		done
		echo "\$MR_CHUNK\$(printf '\t')\$SLURM_STEP_ID"
	EOF
	chmod 755 barrier.sh
	printf 'a\t1\nb\t2\n' >in
	par --retries 0 "$PWD/barrier.sh"
	assert_status 0
	assert_err ""
	[ "$(cut -f 1 .out | sort | paste -sd ' ')" = "0 1" ]
	[ "$(cut -f 2 .out | sort -u | wc -l)" -eq 2 ]
}

@test "an instance killed in its step is retried in a new step: the result is still right" {
	# chunks 0-2, first attempt: killed after a little output
	par "$PWD/step.sh" "$BATS_TEST_DIRNAME/par/flaky.sh" 0,1,2 1 "$MAP" words
	assert_status 0
	# srun reports each killed task
	printf 'srun: error: mrnode: task 0: Killed\n%.0s' 1 2 3 >want_err
	cmp want_err .err
	mr-shuffle .out | mr-reduce sum >got
	cmp want got
	# the killed attempts exited 137 (srun passes on 128 + 9), their retries 0
	[ "$(tail -n +2 log | awk -F'\t' '$2 == 1 && $1 < 3 { print $1, $7 }' | sort -n | paste -sd ' ')" = "0 137 1 137 2 137" ]
	[ "$(tail -n +2 log | awk -F'\t' '$2 == 2 { print $1, $7 }' | sort -n | paste -sd ' ')" = "0 0 1 0 2 0" ]
	[ "$(tail -n +2 log | wc -l)" -eq 33 ]
	# 33 attempts, 33 different steps
	[ "$(wc -l <steps)" -eq 33 ]
	[ "$(cut -d ' ' -f 2 steps | sort -u | wc -l)" -eq 33 ]
	[ "$(awk '$3 < 3 { print $3, $4 }' steps | sort | paste -sd ' ')" = "0 1 0 2 1 1 1 2 2 1 2 2" ]
}

@test "a chunk that fails in every step: exit 1, the give-up message, its records in --failed" {
	printf 'a\t1\na\t2\n' >in
	par --retries 1 --failed failed sh -c 'cat >/dev/null; exit 3'
	assert_status 1
	assert_out ""
	{
		printf 'srun: error: mrnode: task 0: Exited with exit code 3\n%.0s' 1 2
		echo "mr-par: chunk 0 (records 1-2): 'sh -c cat >/dev/null; exit 3' exited with status 3 after 2 attempts"
	} >want_err
	cmp want_err .err
	cmp in failed
	[ "$(tail -n +2 log | cut -f 1,2,7 | paste -sd ' ')" = "0${TAB}1${TAB}3 0${TAB}2${TAB}3" ]
}

@test "examples/slurm/wordcount.sbatch under sbatch --wait: the word count of one machine, a job log" {
	local ex=$BATS_TEST_DIRNAME/../examples/slurm/wordcount.sbatch
	gen_text 24 2000 >a.txt
	gen_text 25 2000 >b.txt
	mr-split a.txt b.txt | mr-map words -l -p | mr-shuffle | mr-reduce sum >want
	capture env MR_BIN="$(dirname "$MAP")" sbatch --wait -Q -N1 -n2 -o job.log "$ex" "$PWD/wc" a.txt b.txt
	assert_status 0
	assert_err ""
	[ ! -s job.log ] || fail_with "job.log: $(cat job.log)"
	cmp want wc
	[ "$(tail -n +2 wc.joblog | cut -f 1,2,7 | paste -sd ' ')" = "0${TAB}1${TAB}0" ]
}

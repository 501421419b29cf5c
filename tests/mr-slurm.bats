#!/usr/bin/env bats
# mr-slurm on a single-node Slurm cluster of the test's own (see
# slurm.bash): the parts of a job, merged, are byte-identical to the
# one-machine pipeline on the same files; a task that fails once is retried
# by its own script; one that always fails is named by --wait and leaves
# the intermediate files; usage errors are exact.

load helper
load slurm	# its setup_file and teardown_file start and stop the cluster

setup() {
	cd "$BATS_TEST_TMPDIR" || return
	gen_text 31 2000 >a.txt
	gen_text 32 1500 >b.txt
	mr-split a.txt b.txt | mr-map words | mr-shuffle | mr-reduce sum >want
}

# ids: the map, reduce and cleanup job ids that mr-slurm printed, checking
# the form of its standard output.
ids() {
	awk 'NR == 1 && /^map job [0-9]+$/ { m = $3 }
		NR == 2 && /^reduce job [0-9]+$/ { r = $3 }
		NR == 3 && /^cleanup job [0-9]+$/ { c = $3 }
		END { if (NR != 3 || !m || !r || !c) exit 1; print m, r, c }' "$BATS_TEST_TMPDIR/.out" ||
		fail_with "stdout is not the three job ids"
}

# job_completed ID: job ID has ended and completed.
job_completed() {
	[ "$(squeue -h -t all -j "$1" -o %T)" = COMPLETED ]
}

# names DIR: the names in DIR, dot files too, sorted, on one line.
names() {
	find "$1" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | paste -sd ' '
}

# task_pending ID: job or array task ID waits to start.
task_pending() {
	[ "$(squeue -h -t all -j "$1" -o %T)" = PENDING ]
}

# njobs: how many jobs and array tasks the cluster knows.
njobs() {
	squeue -h -r -t all -o %i | wc -l
}

@test "--wait -M 3 -R 2 on two files: the parts merged are the one-machine word count; .map removed" {
	capture mr-slurm --wait -M 3 -R 2 -m 'mr-map words' -r 'mr-reduce sum' -o out a.txt b.txt
	assert_status 0
	assert_err ""
	ids >/dev/null
	mr-shuffle -m out/part-* >got
	cmp want got
	cat out/part-00000 out/part-00001 | sort_by_key | cmp want -
	# each part holds its own keys, sorted: no key in both
	[ -s out/part-00000 ] && [ -s out/part-00001 ]
	[ -z "$(cut -f 1 out/part-00000 | sort | comm -12 - <(cut -f 1 out/part-00001 | sort))" ]
	# nothing else is left but the logs, which are empty
	[ "$(names out)" = ".log part-00000 part-00001" ]
	[ "$(names out/.log)" = "cleanup.log map-1.log map-2.log map-3.log reduce-0.log reduce-1.log" ]
	[ -z "$(cat out/.log/*)" ]
}

@test "a map task that fails once is retried by its script: the result is still right" {
	# map task 2 fails the first time, leaving a marker file for the next
	local once="$PWD/failed.once"
	capture mr-slurm --wait -M 3 -R 2 -r 'mr-reduce sum' -o out a.txt b.txt \
		-m "if [ \"\$MR_TASK\" = 2 ] && [ ! -e '$once' ]; then : >'$once'; exit 1; fi; mr-map words"
	assert_status 0
	assert_err ""
	[ -e failed.once ]
	mr-shuffle -m out/part-* | cmp want -
	[ "$(cat out/.log/map-2.log)" = "mr-slurm: map task 2, attempt 1: the map command exited with status 1" ]
	[ ! -e out/.map ]
}

@test "a map task requeued by Slurm while it runs is run again: the result is still right" {
	# map task 2 waits, the first time, until the test requeues it
	local first="$PWD/first.run"
	mr-slurm --wait -M 3 -R 2 -r 'mr-reduce sum' -o out a.txt b.txt \
		-m "if [ \"\$MR_TASK\" = 2 ] && [ ! -e '$first' ]; then : >'$first'; sleep 60; fi; mr-map words" \
		>ids.out 2>ids.err &
	local pid=$! m
	slurm_wait 30 test -e first.run || fail_with "map task 2 did not start"
	m=$(awk '/^map job/ { print $3 }' ids.out)
	scontrol requeue "${m}_2"
	# Slurm makes a requeued job wait two minutes before it may start
	# again; the test does not
	slurm_wait 10 task_pending "${m}_2" || fail_with "map task 2 was not requeued"
	scontrol update JobId="${m}_2" StartTime=now
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 0 ] || fail_with "mr-slurm --wait: $status: $(cat ids.err)"
	[ ! -s ids.err ]
	mr-shuffle -m out/part-* | cmp want -
	[ ! -e out/.map ]
	# Slurm ran it twice; the first run never finished its sleep
	[ "$(scontrol show job "${m}_2" | grep -o 'Restarts=[0-9]*')" = Restarts=1 ]
}

@test "a map task that always fails: --wait exits 1 naming it; the rest cancelled; intermediates kept" {
	# shellcheck disable=SC2016 # expanded in the task
	capture mr-slurm --wait --retries 1 -M 3 -R 2 \
		-m 'cat >/dev/null; [ "$MR_TASK" != 2 ] || exit 3; mr-map words' \
		-r 'mr-reduce sum' -o out a.txt b.txt
	assert_status 1
	local m r c
	read -r m r c < <(ids)
	cat >want_err <<-EOF
		mr-slurm: map task 2 (job ${m}_2): FAILED (NonZeroExitCode); see '$PWD/out/.log/map-2.log'
		mr-slurm: reduce task 0 (job ${r}_0): CANCELLED (DependencyNeverSatisfied)
		mr-slurm: reduce task 1 (job ${r}_1): CANCELLED (DependencyNeverSatisfied)
		mr-slurm: cleanup job $c: CANCELLED (DependencyNeverSatisfied)
	EOF
	cmp want_err .err || fail_with "stderr differs: $(diff want_err .err)"
	cat >want_log <<-EOF
		mr-slurm: map task 2, attempt 1: the map command exited with status 3
		mr-slurm: map task 2, attempt 2: the map command exited with status 3
		mr-slurm: map task 2 failed after 2 attempts
	EOF
	cmp want_log out/.log/map-2.log
	# the other map tasks' partitions are in place, no part was written
	[ "$(names out/.map)" = "1 3" ]
	[ "$(names out/.map/1)" = "part-00000 part-00001" ]
	[ "$(names out)" = ".log .map" ]
}

@test "a reduce task that always fails: the other part is written, .map kept for a new reduce" {
	# shellcheck disable=SC2016 # expanded in the task
	capture mr-slurm --wait --retries 0 -M 2 -R 2 -m 'mr-map words' \
		-r '[ "$MR_TASK" != 1 ] || exit 1; mr-reduce sum' -o out a.txt b.txt
	assert_status 1
	local m r c
	read -r m r c < <(ids)
	cat >want_err <<-EOF
		mr-slurm: reduce task 1 (job ${r}_1): FAILED (NonZeroExitCode); see '$PWD/out/.log/reduce-1.log'
		mr-slurm: cleanup job $c: CANCELLED (DependencyNeverSatisfied)
	EOF
	cmp want_err .err || fail_with "stderr differs: $(diff want_err .err)"
	[ "$(cat out/.log/reduce-1.log)" = "mr-slurm: reduce task 1, attempt 1: the reduce command exited with status 1"$'\n'"mr-slurm: reduce task 1 failed after 1 attempt" ]
	[ "$(names out)" = ".log .map part-00000" ]
	# part 1 reduced by hand from the map outputs left: the whole result
	mr-shuffle -m out/.map/1/part-00001 out/.map/2/part-00001 | mr-reduce sum >part1
	mr-shuffle -m out/part-00000 part1 | cmp want -
}

@test "without --wait: the ids at once; a sh pipeline as map command, -M 1 -R 1, sbatch args passed" {
	capture mr-slurm -M 1 -R 1 -m 'mr-map words | mr-reduce -H sum' -r 'mr-reduce sum' \
		--sbatch-args "--comment='a b' --job-name=wc" -o out -- a.txt b.txt
	assert_status 0
	assert_err ""
	local m r c
	read -r m r c < <(ids)
	slurm_wait 60 job_completed "$c" || fail_with "the cleanup job did not complete"
	cmp want out/part-00000
	[ ! -e out/.map ]
	[ "$(squeue -h -t all -j "$m,$r,$c" -o '%j|%k' | sort -u)" = "wc|a b" ]
}

@test "bad usage: exit 2, the message and the usage" {
	check_usage mr-slurm "mr-slurm: option -M is required"
	check_usage mr-slurm "mr-slurm: option -R is required" -M 1 -m cat -r cat -o out a.txt
	check_usage mr-slurm "mr-slurm: option -m is required" -M 1 -R 1 -r cat -o out a.txt
	check_usage mr-slurm "mr-slurm: option -r is required" -M 1 -R 1 -m cat -o out a.txt
	check_usage mr-slurm "mr-slurm: option -o is required" -M 1 -R 1 -m cat -r cat a.txt
	check_usage mr-slurm "mr-slurm: no input file given" -M 1 -R 1 -m cat -r cat -o out
	check_usage mr-slurm "mr-slurm: empty map command" -M 1 -R 1 -m '' -r cat -o out a.txt
	check_usage mr-slurm "mr-slurm: empty reduce command" -M 1 -R 1 -m cat -r '' -o out a.txt
	check_usage mr-slurm "mr-slurm: invalid map task count '0': too small" -M 0 -R 1 -m cat -r cat -o out a.txt
	check_usage mr-slurm "mr-slurm: invalid map task count '100001': too large" -M100001 -R 1 -m cat -r cat -o out a.txt
	check_usage mr-slurm "mr-slurm: invalid reduce task count 'x': invalid" -M 1 -R x -m cat -r cat -o out a.txt
	check_usage mr-slurm "mr-slurm: invalid reduce task count '-1': invalid" -M 1 -R -1 -m cat -r cat -o out a.txt
	check_usage mr-slurm "mr-slurm: invalid retry count '1001': too large" --retries=1001 -M 1 -R 1 -m cat -r cat -o out a.txt
	check_usage mr-slurm "mr-slurm: standard input cannot be an input file" -M 1 -R 1 -m cat -r cat -o out -
	check_usage mr-slurm "mr-slurm: invalid --sbatch-args ''x': unmatched quote" --sbatch-args "'x" -M 1 -R 1 -m cat -r cat -o out a.txt
	check_usage mr-slurm "mr-slurm: invalid option -- 'x'" -x
	check_usage mr-slurm "mr-slurm: unrecognized option '--foo'" --foo
	check_usage mr-slurm "mr-slurm: option requires an argument -- 'o'" -M 1 -o
	check_usage mr-slurm "mr-slurm: option '--retries' requires an argument" --retries
	check_usage mr-slurm "mr-slurm: option '--wait' doesn't allow an argument" --wait=1
	[ ! -e out ]
}

@test "bad input and output: exit 1 before anything is submitted; -h and --version" {
	local before
	before=$(njobs)
	check_err 1 "mr-slurm: cannot open 'nosuch': No such file or directory" \
		mr-slurm -M 1 -R 1 -m cat -r cat -o out a.txt nosuch
	check_err 1 "mr-slurm: cannot read '.': Is a directory" \
		mr-slurm -M 1 -R 1 -m cat -r cat -o out .
	mkdir out && : >out/x
	check_err 1 "mr-slurm: output directory 'out' is not empty" \
		mr-slurm -M 1 -R 1 -m cat -r cat -o out a.txt
	[ "$(njobs)" -eq "$before" ]
	check 0 "mr-slurm 0.1.0"$'\n' mr-slurm --version
	capture mr-slurm -h
	assert_status 0
	assert_err ""
	head -n 2 .out >usage
	is_usage_of mr-slurm usage || fail_with "-h does not start with the usage"
	grep -q -- '--sbatch-args=ARGS' .out
}

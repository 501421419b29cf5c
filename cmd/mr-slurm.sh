#!/bin/sh
# mr-slurm: one MapReduce job as Slurm jobs. It submits a map job array,
# whose task K splits off the K-th byte range of the input, maps it and
# partitions the result into one sorted file per reducer; a reduce job
# array that starts when every map task has succeeded, whose task R merges
# part R of every map task and reduces it into OUTDIR/part-R; and a cleanup
# job that removes the intermediate files once every reduce task has
# succeeded. The jobs run this same script, with the internal first
# argument --task, so the task logic lives here and not in generated text.
set -u

prog=mr-slurm
# make puts MR_VERSION of lib/cli.h here, the one version of mr.
version=@VERSION@
max_tasks=100000

usage() {
	cat <<-EOF
		usage: mr-slurm [--wait] [--retries N] [--sbatch-args ARGS] -M MAPS
		                -R REDUCES -m MAPCMD -r REDUCECMD -o OUTDIR FILE...
	EOF
}

help() {
	usage
	cat <<-EOF
		  -M MAPS              run MAPS map tasks, each on a byte range of the input
		  -m MAPCMD            the map command, a sh command line
		  -o OUTDIR            write OUTDIR/part-00000 ... (one per reduce task)
		  -R REDUCES           run REDUCES reduce tasks
		  -r REDUCECMD         the reduce command, a sh command line
		      --retries=N      run a failed task again N times (default 2)
		      --sbatch-args=ARGS  more sbatch options, split like shell words
		      --wait           wait for the jobs; exit 1 if a task failed
		  -h, --help           show this help
		      --version        show the version
	EOF
}

warn() {
	printf '%s: %s\n' "$prog" "$*" >&2
}

die() {
	warn "$@"
	exit 1
}

misuse() {
	warn "$@"
	usage >&2
	exit 2
}

# shq WORD: WORD quoted for sh, whatever bytes it holds.
shq() {
	_s=$1 _q=''
	while :; do
		case $_s in
		*\'*)
			_q=$_q${_s%%\'*}\'\\\'\'
			_s=${_s#*\'}
			;;
		*) break ;;
		esac
	done
	printf "'%s%s'" "$_q" "$_s"
}

# num WHAT MIN MAX ARG: ARG as a decimal integer in [MIN, MAX], or a usage
# error in the form every mr program uses.
num() {
	case $4 in
	'' | *[!0-9]*) misuse "invalid $1 '$4': invalid" ;;
	esac
	_n=$(printf '%s' "$4" | sed 's/^0*//')
	[ -n "$_n" ] || _n=0
	[ "${#_n}" -le 9 ] || misuse "invalid $1 '$4': too large"
	[ "$_n" -ge "$2" ] || misuse "invalid $1 '$4': too small"
	[ "$_n" -le "$3" ] || misuse "invalid $1 '$4': too large"
	printf '%s' "$_n"
}

# ---- the tasks, run by Slurm ----

# stages DIR NAME WHAT...: the first stage of a pipeline whose status file
# DIR/NAME does not hold 0, as "WHAT exited with status N", or nothing if
# none. A stage but the last ended by SIGPIPE (status 141) is not blamed:
# the stage it fed stopped reading, and a command need not read all of its
# input; if that stage failed, it is the one named.
stages() {
	_d=$1
	shift
	while [ $# -ge 2 ]; do
		_st=$(cat "$_d/$1" 2>/dev/null) || _st=unknown
		if [ "$_st" != 0 ] && { [ "$_st" != 141 ] || [ $# -eq 2 ]; }; then
			printf '%s exited with status %s' "$2" "$_st"
			return
		fi
		shift 2
	done
}

# shellcheck disable=SC2317 # run by the EXIT trap
task_cleanup_files() {
	rm -rf "${tmp:-}" "${st:-}"
}

# task_run KIND N RETRIES ARG...: runs "attempt ARG..." (a function that
# prints why it failed, or nothing) up to RETRIES+1 times, with MR_TASK and
# MR_ATTEMPT set; exits 0 at the first success.
task_run() {
	_kind=$1 _n=$2 _retries=$3
	shift 3
	MR_TASK=$_n
	MR_ATTEMPT=1
	export MR_TASK MR_ATTEMPT
	trap task_cleanup_files EXIT
	trap 'exit 143' TERM
	trap 'exit 130' INT
	while :; do
		st=$(mktemp -d "${TMPDIR:-/tmp}/mr-slurm.XXXXXX") ||
			die "$_kind task $_n: cannot create a temporary directory"
		why=$(attempt "$@")
		[ -n "$why" ] || exit 0
		warn "$_kind task $_n, attempt $MR_ATTEMPT: $why"
		rm -rf "$st" "$tmp"
		[ "$MR_ATTEMPT" -le "$_retries" ] || break
		MR_ATTEMPT=$((MR_ATTEMPT + 1))
	done
	[ "$MR_ATTEMPT" = 1 ] && _s='' || _s=s
	die "$_kind task $_n failed after $MR_ATTEMPT attempt$_s"
}

# task_map OUTDIR MAPS REDUCES RETRIES MAPCMD FILE...: map task
# $SLURM_ARRAY_TASK_ID, from 1. Its partitions are written to a hidden
# directory, renamed to OUTDIR/.map/K only when every stage succeeded.
task_map() {
	outdir=$1 maps=$2 reduces=$3 retries=$4 cmd=$5
	shift 5
	k=${SLURM_ARRAY_TASK_ID:?not in a job array}
	tmp=$outdir/.map/.tmp-$k-$$
	attempt() {
		mkdir "$tmp" || { echo "cannot create '$tmp'"; return; }
		{ mr-split -s "$k/$maps" -- "$@"; echo $? >"$st/split"; } |
			{ sh -c "$cmd"; echo $? >"$st/map"; } |
			{ mr-shuffle -P "$reduces" -o "$tmp"; echo $? >"$st/shuffle"; }
		_why=$(stages "$st" split mr-split map 'the map command' shuffle mr-shuffle)
		if [ -n "$_why" ]; then
			echo "$_why"
		elif ! { rm -rf "$outdir/.map/$k" && mv "$tmp" "$outdir/.map/$k"; }; then
			echo "cannot rename '$tmp'"
		fi
	}
	task_run map "$k" "$retries" "$@"
}

# task_reduce OUTDIR MAPS RETRIES REDUCECMD: reduce task
# $SLURM_ARRAY_TASK_ID, from 0: part R of every map task, in map task
# order, merged and reduced into OUTDIR/part-R through a temporary name.
task_reduce() {
	outdir=$1 maps=$2 retries=$3 cmd=$4
	r=${SLURM_ARRAY_TASK_ID:?not in a job array}
	part=$(printf 'part-%05d' "$r")
	tmp=$outdir/.$part.tmp-$$
	set --
	k=1
	while [ "$k" -le "$maps" ]; do
		[ -f "$outdir/.map/$k/$part" ] ||
			die "reduce task $r: no map output '$outdir/.map/$k/$part'"
		set -- "$@" "$outdir/.map/$k/$part"
		k=$((k + 1))
	done
	attempt() {
		{ mr-shuffle -m -- "$@"; echo $? >"$st/merge"; } |
			{ sh -c "$cmd"; echo $? >"$st/reduce"; } >"$tmp"
		_why=$(stages "$st" merge mr-shuffle reduce 'the reduce command')
		if [ -n "$_why" ]; then
			echo "$_why"
		elif ! mv "$tmp" "$outdir/$part"; then
			echo "cannot rename '$tmp'"
		fi
	}
	task_run reduce "$r" "$retries" "$@"
}

# task_clean OUTDIR: after every reduce task succeeded.
task_clean() {
	rm -rf "$1/.map" && rm -f "$1"/.part-*.tmp-*
}

if [ "${1:-}" = --task ]; then
	PATH=$(dirname "$0"):$PATH
	export PATH
	kind=$2
	shift 2
	case $kind in
	map) task_map "$@" ;;
	reduce) task_reduce "$@" ;;
	clean) task_clean "$@" ;;
	*) die "unknown task kind '$kind'" ;;
	esac
	exit
fi

# ---- submission ----

wait=0 retries=2 sbargs='' maps='' reduces='' mapcmd='' redcmd='' outdir=''
have_mapcmd=0 have_redcmd=0 files='' nfiles=0

# setopt OPTION ARG
setopt() {
	case $1 in
	-M) maps=$(num 'map task count' 1 "$max_tasks" "$2") || exit 2 ;;
	-R) reduces=$(num 'reduce task count' 1 "$max_tasks" "$2") || exit 2 ;;
	-m) mapcmd=$2 have_mapcmd=1 ;;
	-r) redcmd=$2 have_redcmd=1 ;;
	-o) outdir=$2 ;;
	--retries) retries=$(num 'retry count' 0 1000 "$2") || exit 2 ;;
	--sbatch-args) sbargs=$2 ;;
	esac
}

addfile() {
	files="$files $(shq "$1")"
	nfiles=$((nfiles + 1))
	[ "$1" != - ] || misuse "standard input cannot be an input file"
}

while [ $# -gt 0 ]; do
	case $1 in
	--)
		shift
		for f; do addfile "$f"; done
		break
		;;
	--wait) wait=1 ;;
	--wait=*) misuse "option '--wait' doesn't allow an argument" ;;
	-h | --help)
		help
		exit 0
		;;
	--version)
		echo "$prog $version"
		exit 0
		;;
	--retries | --sbatch-args)
		[ $# -ge 2 ] || misuse "option '$1' requires an argument"
		setopt "$1" "$2"
		shift
		;;
	--retries=* | --sbatch-args=*) setopt "${1%%=*}" "${1#*=}" ;;
	-M | -R | -m | -r | -o)
		[ $# -ge 2 ] || misuse "option requires an argument -- '${1#-}'"
		setopt "$1" "$2"
		shift
		;;
	-M?* | -R?* | -m?* | -r?* | -o?*) setopt "$(printf '%.2s' "$1")" "${1#??}" ;;
	--?*) misuse "unrecognized option '$1'" ;;
	-?*) misuse "invalid option -- '$(printf '%.1s' "${1#-}")'" ;;
	*) addfile "$1" ;;
	esac
	shift
done

[ -n "$maps" ] || misuse "option -M is required"
[ -n "$reduces" ] || misuse "option -R is required"
[ "$have_mapcmd" = 1 ] || misuse "option -m is required"
[ "$have_redcmd" = 1 ] || misuse "option -r is required"
[ -n "$outdir" ] || misuse "option -o is required"
[ -n "$mapcmd" ] || misuse "empty map command"
[ -n "$redcmd" ] || misuse "empty reduce command"
[ "$nfiles" -gt 0 ] || misuse "no input file given"

# The sbatch options, one a line, split like shell words by xargs (which
# runs no shell and expands nothing).
extra=
if [ -n "$(printf '%s' "$sbargs" | tr -d ' \t\n')" ]; then
	extra=$(printf '%s\n' "$sbargs" | xargs printf '%s\n' 2>/dev/null) ||
		misuse "invalid --sbatch-args '$sbargs': unmatched quote"
fi

# Every path the tasks see is absolute: they may start in another
# directory, on another node of the same file system.
eval "set -- $files"
files=
for f; do
	if [ ! -e "$f" ]; then
		die "cannot open '$f': No such file or directory"
	elif [ -d "$f" ]; then
		die "cannot read '$f': Is a directory"
	elif [ ! -r "$f" ]; then
		die "cannot open '$f': Permission denied"
	fi
	case $f in
	/*) ;;
	*) f=$PWD/$f ;;
	esac
	files="$files $(shq "$f")"
done

if [ -e "$outdir" ] && [ -n "$(ls -A "$outdir" 2>/dev/null)" ]; then
	die "output directory '$outdir' is not empty"
fi
mkdir -p "$outdir/.map" "$outdir/.log" 2>/dev/null ||
	die "cannot create output directory '$outdir'"
outdir=$(cd "$outdir" && pwd -P) || die "cannot enter '$outdir'"
self=$(cd "$(dirname "$0")" && pwd -P)/$(basename "$0") ||
	die "cannot find the directory of '$0'"

# submit WHAT DEPENDENCY TASK-ARGS [SBATCH-OPTION...]: submits the job
# script that runs "mr-slurm --task TASK-ARGS", prints its job id.
submit() {
	_what=$1 _dep=$2 _args=$3
	shift 3
	set -- --parsable --requeue --job-name="mr-slurm-$_what" "$@"
	if [ -n "$_dep" ]; then
		set -- "$@" --dependency="$_dep" --kill-on-invalid-dep=yes
	fi
	if [ -n "$extra" ]; then
		while IFS= read -r _a; do
			set -- "$@" "$_a"
		done <<-EOF
			$extra
		EOF
	fi
	_id=$(printf '#!/bin/sh\nexec %s --task %s\n' "$(shq "$self")" "$_args" |
		sbatch "$@") || return 1
	printf '%s\n' "${_id%%;*}"
}

# cancel ID...: cancels what was submitted before a submission failed.
cancel() {
	[ $# -eq 0 ] || scancel "$@" 2>/dev/null
	die "cannot submit the jobs; none is left queued"
}

q_out=$(shq "$outdir")
mapjob=$(submit map '' \
	"map $q_out $maps $reduces $retries $(shq "$mapcmd")$files" \
	--array="1-$maps" --output="$outdir/.log/map-%a.log") || cancel
redjob=$(submit reduce "afterok:$mapjob" \
	"reduce $q_out $maps $retries $(shq "$redcmd")" \
	--array="0-$((reduces - 1))" --output="$outdir/.log/reduce-%a.log") ||
	cancel "$mapjob"
cleanjob=$(submit cleanup "afterok:$redjob" "clean $q_out" \
	--output="$outdir/.log/cleanup.log") || cancel "$mapjob" "$redjob"
printf 'map job %s\nreduce job %s\ncleanup job %s\n' "$mapjob" "$redjob" "$cleanjob"
[ "$wait" = 1 ] || exit 0

# ---- --wait: poll squeue, no accounting needed ----

# states: "JOBID STATE REASON" for every task of the three jobs; each
# array task has its own line, as 12_3.
states() {
	squeue -h -r -t all -j "$mapjob,$redjob,$cleanjob" -o '%i %T %r'
}

while :; do
	now=$(states) || die "cannot get the state of the jobs from squeue"
	printf '%s\n' "$now" | awk '
		$2 !~ /^(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|PREEMPTED|BOOT_FAIL|DEADLINE|OUT_OF_MEMORY)$/ { busy = 1 }
		END { exit busy }' && break
	sleep 1
done

# Report every task that did not complete, map tasks first, with the log
# it left, if any.
failed=0
for id in $(printf '%s\n' "$now" | awk '$2 != "COMPLETED" { print $1 }' | sort -t _ -k1,1n -k2,2n); do
	line=$(printf '%s\n' "$now" | awk -v id="$id" '$1 == id { print $2, $3 }')
	state=${line%% *} reason=${line#* }
	job=${id%%_*} task=${id#*_}
	if [ "$job" = "$mapjob" ]; then
		what="map task $task (job $id)" log=$outdir/.log/map-$task.log
	elif [ "$job" = "$redjob" ]; then
		what="reduce task $task (job $id)" log=$outdir/.log/reduce-$task.log
	else
		what="cleanup job $id" log=$outdir/.log/cleanup.log
	fi
	if [ -s "$log" ]; then
		warn "$what: $state ($reason); see '$log'"
	else
		warn "$what: $state ($reason)"
	fi
	failed=1
done
for job in "$mapjob" "$redjob" "$cleanjob"; do
	printf '%s\n' "$now" | awk -v j="$job" '$1 == j || index($1, j "_") == 1 { f = 1 } END { exit !f }' || {
		warn "job $job is no longer known to squeue"
		failed=1
	}
done
exit "$failed"

#!/bin/sh
# make fuzz: run each fuzz target of BUILD/fuzz for SECONDS on a scratch
# copy of its corpus (so the committed corpus does not grow), with its
# dictionary; a crash, leak, sanitizer report or failed property fails the
# run, and the input that did it is kept in BUILD/fuzz/artifacts.
# Usage: run.sh BUILD SECONDS TARGET...
set -u
build=$1 secs=$2
shift 2
here=$(dirname "$0")
art=$build/fuzz/artifacts
mkdir -p "$art"
status=0
for t in "$@"; do
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/mr-fuzz.XXXXXX") || exit 1
	if [ -d "$here/corpus/$t" ]; then
		cp -R "$here/corpus/$t/." "$scratch/"
	fi
	dict=
	[ -f "$here/$t.dict" ] && dict=-dict=$here/$t.dict
	log=$build/fuzz/$t.log
	# shellcheck disable=SC2086
	"$build/fuzz/$t" -max_total_time="$secs" -timeout=25 \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$art/$t-" $dict "$scratch" >"$log" 2>&1
	rc=$?
	rm -rf "$scratch"
	last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
	if [ "$rc" -ne 0 ]; then
		echo "$t: FAILED (status $rc), see $log and $art:"
		grep -E 'ERROR|property failed|SUMMARY|Test unit written' \
		    "$log" | head -n 10
		status=1
	else
		echo "$t: ok, $last"
	fi
done
exit "$status"

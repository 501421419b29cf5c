#!/bin/sh
# Run the bats suite once per build directory given, in TAP, and end with
# one line "N passed, N failed" over all runs, followed by ", N skipped" when
# tests were skipped (TAP "ok N ... # skip", which is not a pass). Exit 1 if
# any test failed or none passed.
set -u
cd "$(dirname "$0")/.." || exit
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for b in "$@"; do
	echo "# suite on $b"
	MR_BIN=$(pwd)/$b bats --tap tests | tee -a "$log"
done
ok=$(grep -c '^ok ' "$log")
skipped=$(grep -Ec '^ok [0-9]+ .*# skip( |$)' "$log")
passed=$((ok - skipped))
failed=$(grep -c '^not ok ' "$log")
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]

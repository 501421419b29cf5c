#!/bin/sh
# Run the bats suite once per build directory given, in TAP, and end with
# one line "N passed, N failed" over all runs. Exit 1 if any test failed.
set -u
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for b in "$@"; do
	echo "# suite on $b"
	MR_BIN=$(pwd)/$b bats --tap tests | tee -a "$log"
done
passed=$(grep -c '^ok ' "$log")
failed=$(grep -c '^not ok ' "$log")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]

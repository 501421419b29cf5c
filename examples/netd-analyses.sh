#!/bin/sh
# A shared data set queried many times (course parts 1 and 4): start an
# mr-netd on a Unix socket, upload the A/B events of ab.sh once with PUT,
# then run three analyses on them with SUBMIT-ON through client.py; the
# data is not sent again. The daemon is stopped at the end, by its pid.
set -e
LC_ALL=C
export LC_ALL

dir=$(dirname "$0")
tmp=$(mktemp -d)
pid=
trap 'if [ -n "$pid" ]; then kill "$pid"; wait "$pid" || :; fi; rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

mr-netd -j 2 -U "$tmp/sock" 2>"$tmp/log" &
pid=$!
i=0
until [ -S "$tmp/sock" ]; do
	i=$((i + 1))
	[ "$i" -le 100 ] || { cat "$tmp/log" >&2; exit 1; }
	sleep 0.05
done

# client.py says "job N" on stderr: shown only when it fails.
client() {
	python3 "$dir/client.py" --unix "$tmp/sock" "$@" 2>"$tmp/err" ||
		{ cat "$tmp/err" >&2; return 1; }
}

cat "$dir"/ab-eu.tsv "$dir"/ab-us.tsv "$dir"/ab-asia.tsv | client --put ab

echo "# variant, events, conversion rate, mean and sd of the amount"
client --on ab 'mr-split -n 50 | mr-par -j 2 mr-map fields -k 1 -f 3,4 |
	mr-shuffle | mr-reduce --format %.4f count mean:1,2 sstdev:2'
echo "# variant, conversions, revenue"
client --on ab 'mr-split | mr-map fields -k 1 -f 3,4 | mr-shuffle |
	mr-reduce sum:1,2'
echo "# variant, distinct users"
client --on ab 'mr-split | mr-map fields -k 1 -f 2 | mr-shuffle |
	mr-reduce countunique'

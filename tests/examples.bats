#!/usr/bin/env bats
# The scripts in examples/ give their recorded output, and that output
# agrees with an independent computation.

load helper

EX="$BATS_TEST_DIRNAME/../examples"

@test "examples: wordcount.sh prints its recorded output" {
	run sh "$EX/wordcount.sh"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$EX/wordcount.expected")" ]
}

@test "examples: the word count agrees with a Python count (lower-case, punctuation stripped)" {
	python3 - "$EX/texto.txt" > "$BATS_TEST_TMPDIR/py" <<'PY'
import sys, unicodedata, collections
def punct(c):
    return unicodedata.category(c)[0] in "PS"
counts = collections.Counter()
for tok in open(sys.argv[1], encoding="utf-8").read().split():
    while tok and punct(tok[0]): tok = tok[1:]
    while tok and punct(tok[-1]): tok = tok[:-1]
    if tok: counts[tok.lower()] += 1
for w in sorted(counts, key=lambda w: w.encode()):
    print(f"{w}\t{counts[w]}")
PY
	mr-split "$EX/texto.txt" | mr-map words -l -p | mr-shuffle | mr-reduce sum > "$BATS_TEST_TMPDIR/mr"
	diff "$BATS_TEST_TMPDIR/py" "$BATS_TEST_TMPDIR/mr"
	# The accented capital and lower-case forms became one key.
	grep -q "^árbol	" "$BATS_TEST_TMPDIR/mr"
	run ! grep -q "^Árbol	" "$BATS_TEST_TMPDIR/mr"
}

@test "examples: groupstats.sh prints its recorded output, equal to datamash" {
	run sh "$EX/groupstats.sh"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$EX/groupstats.expected")" ]
	oracle=$(sort -t "$TAB" -k1,1 -s "$EX/grades.tsv" | datamash -g1 count 3 mean 3 median 3 mode 3)
	[ "$output" = "$oracle" ]
}

@test "examples: sum.sh prints its recorded output, equal to awk's sum" {
	run sh "$EX/sum.sh"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$EX/sum.expected")" ]
	[ "$output" = "total	$(awk '{ s += $1 } END { print s }' "$EX/numbers.txt")" ]
}

# near A B TOL: files A and B have the same lines and fields; fields that
# are numbers in both differ by at most TOL (half a unit of the last digit
# printed, a little more for binary floating point), the others are equal
# bytes. Prints the first difference.
near() {
	awk -F '\t' -v other="$2" -v tol="$3" '
	function isnum(s) { return s ~ /^-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?$/ }
	{
		if ((getline o < other) <= 0) { print "extra line " FNR ": " $0; exit 1 }
		n = split(o, f, "\t")
		if (n != NF) { print "line " FNR ": " NF " vs " n " fields"; exit 1 }
		for (i = 1; i <= NF; i++) {
			if ($i == f[i]) continue
			d = $i - f[i]
			if (isnum($i) && isnum(f[i]) && d <= tol && -d <= tol) continue
			print "line " FNR " field " i ": " $i " vs " f[i]; exit 1
		}
	}
	END { if ((getline o < other) > 0) { print "missing line: " o; exit 1 } }' "$1"
}

@test "examples: ab.sh prints its recorded output, equal to datamash on the three files" {
	run sh "$EX/ab.sh"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$EX/ab.expected")" ]
	printf '%s\n' "$output" | tail -n +2 >"$BATS_TEST_TMPDIR/mr"
	cat "$EX/ab-eu.tsv" "$EX/ab-us.tsv" "$EX/ab-asia.tsv" | sort_by_key |
		datamash -g1 count 1 mean 3 mean 4 sstdev 4 >"$BATS_TEST_TMPDIR/dm"
	near "$BATS_TEST_TMPDIR/mr" "$BATS_TEST_TMPDIR/dm" 0.0000501
	# Every event was counted once, across the three files.
	[ "$(awk -F '\t' '{ n += $2 } END { print n }' "$BATS_TEST_TMPDIR/mr")" -eq \
	    "$(cat "$EX"/ab-*.tsv | wc -l)" ]
}

@test "examples: metrics.sh prints its recorded output, equal to datamash and an awk flag" {
	run sh "$EX/metrics.sh"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$EX/metrics.expected")" ]
	printf '%s\n' "$output" | tail -n +2 >"$BATS_TEST_TMPDIR/mr"
	sort_by_key "$EX/metrics.tsv" |
		datamash -g1 count 1 mean 2-4 max 2-4 perc:95 2-4 |
		awk -F '\t' -v OFS='\t' '{
			f = ($9 > 90 ? ",cpu" : "") ($10 > 90 ? ",mem" : "") ($11 > 90 ? ",disk" : "")
			print $0, f == "" ? "ok" : substr(f, 2) }' >"$BATS_TEST_TMPDIR/dm"
	near "$BATS_TEST_TMPDIR/mr" "$BATS_TEST_TMPDIR/dm" 0.0501
	# A higher threshold: batch1 (p95 cpu 94.9) is no longer flagged.
	run sh "$EX/metrics.sh" 95
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | awk -F '\t' '$12 != "ok" { print $1 }' | tr '\n' ' ')" = "host db1 web2 " ]
}

@test "examples: interest.sh prints its recorded output, equal to a Python count of the listed words" {
	run sh "$EX/interest.sh"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$EX/interest.expected")" ]
	oracle=$(python3 - "$EX/texto.txt" "$EX/keywords.txt" <<'PY'
import sys, unicodedata, collections
def punct(c):
    return unicodedata.category(c)[0] in "PS"
wanted = set(open(sys.argv[2], encoding="utf-8").read().split("\n")) - {""}
counts = collections.Counter()
for tok in open(sys.argv[1], encoding="utf-8").read().split():
    while tok and punct(tok[0]): tok = tok[1:]
    while tok and punct(tok[-1]): tok = tok[:-1]
    if tok.lower() in wanted: counts[tok.lower()] += 1
for w in sorted(counts, key=lambda w: w.encode()):
    print(f"{w}\t{counts[w]}")
PY
)
	[ "$output" = "$oracle" ]
}

@test "examples: netd-analyses.sh prints its recorded output, equal to datamash on the uploaded data" {
	run sh "$EX/netd-analyses.sh"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$EX/netd-analyses.expected")" ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/all"
	cat "$EX/ab-eu.tsv" "$EX/ab-us.tsv" "$EX/ab-asia.tsv" | sort_by_key >"$BATS_TEST_TMPDIR/ab"
	# Each analysis, the lines after its "# ..." heading, against datamash.
	part() { awk -v n="$1" '/^#/ { k++; next } k == n' "$BATS_TEST_TMPDIR/all" >"$BATS_TEST_TMPDIR/mr"; }
	part 1
	datamash -g1 count 1 mean 3 mean 4 sstdev 4 <"$BATS_TEST_TMPDIR/ab" >"$BATS_TEST_TMPDIR/dm"
	near "$BATS_TEST_TMPDIR/mr" "$BATS_TEST_TMPDIR/dm" 0.0000501
	part 2
	datamash -g1 sum 3 sum 4 <"$BATS_TEST_TMPDIR/ab" >"$BATS_TEST_TMPDIR/dm"
	near "$BATS_TEST_TMPDIR/mr" "$BATS_TEST_TMPDIR/dm" 0.000001
	part 3
	datamash -g1 countunique 2 <"$BATS_TEST_TMPDIR/ab" >"$BATS_TEST_TMPDIR/dm"
	diff "$BATS_TEST_TMPDIR/mr" "$BATS_TEST_TMPDIR/dm"
}

@test "examples: workers.sh prints a table of 9 runs, every time positive, the same word count (wc -w) on each" {
	run --separate-stderr bash "$EX/workers.sh" 20000
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/table"
	[ "$(head -n 1 "$BATS_TEST_TMPDIR/table")" = "workers	chunk	seconds	words" ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/table")" -eq 10 ]
	# The text has 8 words a line (what wc -w would count of it).
	tail -n +2 "$BATS_TEST_TMPDIR/table" | awk -F '\t' -v want=$((20000 * 8)) '
		NF != 4 || $3 !~ /^[0-9]+\.[0-9]+$/ || $3 <= 0 || $4 != want { print "bad row: " $0; bad = 1 }
		{ w = w $1 " "; c = c $2 " " }
		END {
			if (w != "1 2 4 8 16 4 4 4 4 ") { print "workers: " w; bad = 1 }
			if (c != "256K 256K 256K 256K 256K 16K 64K 1M 4M ") { print "chunks: " c; bad = 1 }
			exit bad
		}'
	if command -v gnuplot >/dev/null; then
		[[ "$stderr" == *workers* ]]
	else
		[ "$stderr" = "workers.sh: gnuplot is not installed: the table only" ]
	fi
}

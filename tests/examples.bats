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

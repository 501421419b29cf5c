# Shared set-up for the mr test suite, loaded by every .bats file: a pinned
# environment, the programs under test first on PATH, helpers that compare
# exact bytes, and deterministic data generators written in awk.
#
# The helpers capture stdout and stderr into files rather than using bats'
# `run`, because `run` drops trailing newlines and a shell variable cannot
# hold a NUL byte; both matter here (terminated records, -z mode).

bats_require_minimum_version 1.5.0

export LC_ALL=C TZ=UTC
PATH="${MR_BIN:-$BATS_TEST_DIRNAME/../bin}:$PATH"
TAB=$'\t'

# usage_of PROG: PROG's usage as its man page man/PROG.1 states it, so the
# man page is the oracle: the first paragraph of the SYNOPSIS as mandoc
# renders it, each form (a line that starts with PROG) on one line with
# runs of blanks squeezed, the first after "usage: ", the others indented
# under it. A program may wrap a form over several lines: compare with
# is_usage_of, which ignores how blanks and line breaks are laid out.
usage_of() {
	local man=$BATS_TEST_DIRNAME/../man/$1.1 u
	u=$(mandoc -Tascii -O width=300 "$man" | col -bx | awk -v prog="$1" '
		$0 == "SYNOPSIS" { syn = 1; next }
		!syn { next }
		/^[^ ]/ { exit }
		NF == 0 { if (n) exit; next }
		{
			line = $0
			indent = match(line, /[^ ]/)
			sub(/^ +/, "", line)
			if (n == 0 || (indent == first &&
			    (line == prog || index(line, prog " ") == 1))) {
				if (n == 0) first = indent
				form[++n] = line
			} else
				form[n] = form[n] " " line
		}
		END {
			for (i = 1; i <= n; i++) {
				gsub(/[ \t]+/, " ", form[i])
				sub(/ $/, "", form[i])
				print (i == 1 ? "usage: " : "       ") form[i]
			}
		}')
	[ -n "$u" ] || { echo "usage_of: no SYNOPSIS in $man" >&2; return 1; }
	printf '%s\n' "$u"
}

# squeeze_blanks: stdin with every run of blanks and line breaks made one
# space, and none at either end.
squeeze_blanks() {
	tr -s ' \t\n' ' ' | sed 's/^ //; s/ $//'
}

# is_usage_of PROG FILE: FILE holds PROG's usage (usage_of) and nothing
# else, however its blanks and line breaks are laid out.
is_usage_of() {
	local want
	want=$(usage_of "$1") || return 1
	[ "$(squeeze_blanks <"$2")" = "$(printf '%s' "$want" | squeeze_blanks)" ]
}

# is_err_then_usage PROG N: stderr is N message lines (N may be 0), then
# PROG's usage.
is_err_then_usage() {
	tail -n +$(($2 + 1)) "$BATS_TEST_TMPDIR/.err" >"$BATS_TEST_TMPDIR/.err_usage"
	[ "$(head -c 7 "$BATS_TEST_TMPDIR/.err_usage")" = "usage: " ] &&
		is_usage_of "$1" "$BATS_TEST_TMPDIR/.err_usage"
}

# capture CMD...: runs CMD with stdin from the file $INFILE if set, else
# from the string $IN (empty if unset); stdout goes to $BATS_TEST_TMPDIR/.out,
# stderr to $BATS_TEST_TMPDIR/.err, and the exit status to $status.
capture() {
	local in=${INFILE:-$BATS_TEST_TMPDIR/.in}
	[ -n "${INFILE:-}" ] || printf '%s' "${IN-}" >"$in"
	status=0
	"$@" <"$in" >"$BATS_TEST_TMPDIR/.out" 2>"$BATS_TEST_TMPDIR/.err" || status=$?
}

# kill_wait SIG: sends SIG to the program running as $PID and waits for
# it: its exit status in $st, $PID emptied for the teardown.
kill_wait() {
	kill -"$1" "$PID"
	st=0
	wait "$PID" || st=$?
	PID=
}

# show FILE: a file's first lines with control and high bytes made visible.
show() {
	head -c 2000 "$1" | cat -A | head -n 20
}

# fail_with LINE...: prints LINE... and what the last command wrote, fails.
fail_with() {
	{
		printf '%s\n' "$@"
		echo "--- exit status: ${status-}"
		echo "--- stdout:"
		show "$BATS_TEST_TMPDIR/.out"
		echo "--- stderr:"
		show "$BATS_TEST_TMPDIR/.err"
	} >&2
	return 1
}

assert_status() {
	[ "$status" -eq "$1" ] || fail_with "expected exit status $1, got $status"
}

# assert_out TEXT: stdout is exactly the bytes of TEXT.
assert_out() {
	printf '%s' "$1" >"$BATS_TEST_TMPDIR/.want"
	assert_out_file "$BATS_TEST_TMPDIR/.want"
}

# assert_out_file FILE: stdout is byte-identical to FILE.
assert_out_file() {
	cmp -s "$1" "$BATS_TEST_TMPDIR/.out" ||
		fail_with "stdout differs from the expected bytes:" \
			"$(cmp "$1" "$BATS_TEST_TMPDIR/.out" 2>&1)" \
			"--- expected:" "$(show "$1")"
}

# assert_err TEXT: stderr is exactly TEXT plus a newline (TEXT may hold
# several lines); an empty TEXT means stderr must be empty.
assert_err() {
	if [ -z "$1" ]; then
		[ ! -s "$BATS_TEST_TMPDIR/.err" ] || fail_with "expected empty stderr"
		return
	fi
	printf '%s\n' "$1" >"$BATS_TEST_TMPDIR/.want_err"
	cmp -s "$BATS_TEST_TMPDIR/.want_err" "$BATS_TEST_TMPDIR/.err" ||
		fail_with "stderr differs; expected:" "$1"
}

# assert_err_msg TEXT PROG: stderr is the line TEXT, optionally followed
# by PROG's usage (the spec leaves open whether a bad option argument
# is followed by the usage line).
assert_err_msg() {
	[ "$(head -n 1 "$BATS_TEST_TMPDIR/.err")" = "$1" ] ||
		fail_with "stderr differs; expected (then optionally the usage line):" "$1"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/.err")" -eq 1 ] || is_err_then_usage "$2" 1 ||
		fail_with "stderr has more than the message and the usage of $2"
}

# assert_err_match ERE: stderr is one line matching ERE, optionally followed
# by the usage of the program named at its start.
assert_err_match() {
	local first prog
	first=$(head -n 1 "$BATS_TEST_TMPDIR/.err")
	prog=${first%%:*}
	[[ $first =~ $1 ]] || fail_with "first stderr line does not match: $1"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/.err")" -eq 1 ] || is_err_then_usage "$prog" 1 ||
		fail_with "stderr has more than the message and the usage line"
}

# assert_usage_err PROG: stderr is PROG's usage after at most one message
# line, stdout is empty; status 2.
assert_usage_err() {
	assert_status 2
	assert_out ""
	is_err_then_usage "$1" 0 || is_err_then_usage "$1" 1 ||
		fail_with "expected at most one message line, then: $(usage_of "$1")"
}

# check STATUS EXPECTED CMD...: CMD, with $IN on stdin, exits STATUS,
# writes exactly EXPECTED on stdout and nothing on stderr.
check() {
	local want_status=$1 want_out=$2
	shift 2
	capture "$@"
	assert_status "$want_status"
	assert_out "$want_out"
	assert_err ""
}

# check_same STATUS EXPECTED PROG "ARGS"...: check STATUS EXPECTED PROG
# ARGS once for each ARGS, split into words: the spellings of an option
# (-n 2, --lines 2, --lines=2) or its places that give the same bytes.
check_same() {
	local want_status=$1 want_out=$2 prog=$3 args
	shift 3
	for args in "$@"; do
		# shellcheck disable=SC2086
		check "$want_status" "$want_out" "$prog" $args
	done
}

# check_inputs CMD... -- IN WANT [IN WANT]...: check 0 WANT CMD... with
# each IN on stdin (CMD itself holds no "--").
check_inputs() {
	local -a cmd=()
	while [ "$1" != -- ]; do
		cmd+=("$1")
		shift
	done
	shift
	while [ $# -gt 0 ]; do
		IN=$1 check 0 "$2" "${cmd[@]}"
		shift 2
	done
}

# check_err STATUS STDERR CMD...: CMD, with $IN on stdin, exits STATUS,
# writes exactly the line(s) STDERR on stderr and nothing on stdout.
check_err() {
	local want_status=$1 want_err=$2
	shift 2
	capture "$@"
	assert_status "$want_status"
	assert_err "$want_err"
	assert_out ""
}

# check_usage PROG MESSAGE ARG...: PROG ARG... exits 2, writes nothing on
# stdout, and on stderr exactly the line MESSAGE then PROG's usage (no
# MESSAGE line if MESSAGE is empty).
check_usage() {
	local prog=$1 msg=$2 n=0
	shift 2
	capture "$prog" "$@"
	assert_status 2
	assert_out ""
	if [ -n "$msg" ]; then
		n=1
		[ "$(head -n 1 "$BATS_TEST_TMPDIR/.err")" = "$msg" ] ||
			fail_with "stderr does not start with: $msg"
	fi
	is_err_then_usage "$prog" "$n" ||
		fail_with "stderr does not end with the usage: $(usage_of "$prog")"
}

# check_synopsis PROG: a usage error of PROG ends with the usage of its
# man page's SYNOPSIS (usage_of, blanks aside), and PROG -h starts with the
# very same lines.
check_synopsis() {
	local p=$1 n
	usage_of "$p" >/dev/null || fail_with "no usage in man/$p.1"
	check_usage "$p" "$p: unrecognized option '--no-such-option'" --no-such-option
	tail -n +2 "$BATS_TEST_TMPDIR/.err" >"$BATS_TEST_TMPDIR/.usage"
	n=$(wc -l <"$BATS_TEST_TMPDIR/.usage")
	capture "$p" -h
	assert_status 0
	assert_err ""
	head -n "$n" "$BATS_TEST_TMPDIR/.out" | cmp -s - "$BATS_TEST_TMPDIR/.usage" ||
		fail_with "-h does not start with the usage of a usage error:" \
			"$(cat "$BATS_TEST_TMPDIR/.usage")"
}

# check_bad_arg PROG MESSAGE ARG...: PROG ARG... exits 2 with the line
# MESSAGE (optionally followed by the usage line) and no stdout.
check_bad_arg() {
	local prog=$1 msg=$2
	shift 2
	capture "$prog" "$@"
	assert_status 2
	assert_out ""
	assert_err_msg "$msg" "$prog"
}

# check_file ORACLE CMD...: CMD exits 0, stdout byte-identical to the file
# ORACLE, stderr empty.
check_file() {
	local oracle=$1
	shift
	capture "$@"
	assert_status 0
	assert_out_file "$oracle"
	assert_err ""
}

# same_results A B: files A and B have the same lines with the same number
# of TAB-separated fields; the first field (the key) and every field that is
# not a number in both files must be equal bytes; numbers must agree to 1e-9
# relative or 1e-12 absolute. Prints the first differences.
same_results() {
	awk -F'\t' -v other="$2" '
	function isnum(s) {
		return s ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/
	}
	function abs(x) { return x < 0 ? -x : x }
	function diff(msg) {
		printf "line %d: %s\n  %s: %s\n  %s: %s\n", FNR, msg, FILENAME, $0, other, o
		if (++bad >= 5) exit 1
	}
	{
		if ((getline o < other) <= 0) { o = "(end of file)"; diff("extra line"); exit 1 }
		n = split(o, f, "\t")
		if (n != NF) { diff("field count " NF " vs " n); next }
		for (i = 1; i <= NF; i++) {
			a = $i ""; b = f[i] ""
			if (a == b) continue
			if (i > 1 && isnum(a) && isnum(b)) {
				d = abs(a - b); m = abs(a) > abs(b) ? abs(a) : abs(b)
				if (d <= 1e-12 || d <= 1e-9 * m) continue
			}
			diff("field " i " differs"); break
		}
	}
	END {
		if (bad) exit 1
		if ((getline o < other) > 0) { printf "%s has more lines: %s\n", other, o; exit 1 }
	}' "$1"
}

# check_results ORACLE CMD...: CMD exits 0 with empty stderr and its stdout
# agrees with the file ORACLE in the sense of same_results.
check_results() {
	local oracle=$1
	shift
	capture "$@"
	assert_status 0
	assert_err ""
	[ -s "$oracle" ] || fail_with "oracle output $oracle is empty"
	same_results "$BATS_TEST_TMPDIR/.out" "$oracle" >&2 ||
		fail_with "results differ from the oracle ($*)"
}

# gen_text SEED LINES [WS]: deterministic random text of LINES lines:
# printable ASCII words (a Zipf-like vocabulary, so words repeat, plus
# punctuation), separated by runs of the whitespace bytes in WS (default
# space and TAB), sometimes leading or trailing; some empty lines.
gen_text() {
	awk -v seed="$1" -v n="$2" -v ws="${3:- $TAB}" 'BEGIN {
		srand(seed)
		split("a b c d e f g h i j k l m n o p q r s t u v w x y z A B C D E F G H I J K L M N O P Q R S T U V W X Y Z 0 1 2 3 4 5 6 7 8 9 . , ; : ! ? - _ ( ) \" '\'' / * & # @ [ ] { } < > = + ~ ^ | $ %", ch, " ")
		nch = 0; for (x in ch) nch++
		nw = length(ws)
		for (v = 1; v <= 3000; v++) {
			len = 1 + int(rand() * rand() * 12)
			w = ""
			for (j = 0; j < len; j++) {
				if (rand() < 0.85) w = w sprintf("%c", 97 + int(rand() * 26))
				else w = w ch[1 + int(rand() * nch)]
			}
			vocab[v] = w
		}
		for (l = 0; l < n; l++) {
			if (rand() < 0.05) { print ""; continue }
			k = int(rand() * rand() * 25)
			line = ""
			if (rand() < 0.1) line = substr(ws, 1 + int(rand() * nw), 1)
			for (j = 0; j < k; j++) {
				if (j > 0) {
					sep = substr(ws, 1 + int(rand() * nw), 1)
					if (rand() < 0.1) sep = sep substr(ws, 1 + int(rand() * nw), 1) " "
					line = line sep
				}
				line = line vocab[1 + int(rand() * rand() * 3000)]
			}
			if (rand() < 0.1) line = line substr(ws, 1 + int(rand() * nw), 1)
			print line
		}
	}'
}

# gen_records SEED LINES: deterministic records for sorting: keys from a
# small nasty set (empty, prefixes of each other, high bytes \x80-\xff,
# spaces) and random ones, many duplicates; values hold the line number so
# stability is visible, sometimes extra TABs; some lines have no TAB.
gen_records() {
	awk -v seed="$1" -v n="$2" 'BEGIN {
		srand(seed)
		nk = split("|a|ab|abc|abd|b|B|a b|a\tb|zz|\200|\377|\377a|a\200|a\377|\200\200|~|0|00|1|10|9", fixed, "|")
		# split drops nothing here, but "a\tb" is not a usable key: replace it.
		fixed[9] = "a-b"
		for (i = 0; i < n; i++) {
			r = rand()
			if (r < 0.5) key = fixed[1 + int(rand() * nk)]
			else {
				key = ""; len = int(rand() * 6)
				for (j = 0; j < len; j++) {
					c = rand() < 0.2 ? 128 + int(rand() * 128) : 32 + int(rand() * 95)
					key = key sprintf("%c", c)
				}
			}
			if (rand() < 0.1) { print key; continue }
			val = "v" i
			if (rand() < 0.2) val = val "\t" int(rand() * 100)
			if (rand() < 0.1) val = val "\t"
			print key "\t" val
		}
	}'
}

# gen_numbers SEED KEYS: sorted numeric records `KEY<TAB>INT<TAB>DEC<TAB>MIX`
# with KEYS keys; group sizes 1, 2 and larger (up to ~60); integers and
# decimals, negative values, repeated values (for mode), some exponents.
gen_numbers() {
	awk -v seed="$1" -v n="$2" 'BEGIN {
		srand(seed)
		for (k = 0; k < n; k++) {
			key = sprintf("k%04d", k)
			m = k % 7
			size = m == 0 ? 1 : m == 1 ? 2 : m == 2 ? 3 : 4 + int(rand() * rand() * 60)
			for (i = 0; i < size; i++) {
				a = int(rand() * 2001) - 1000
				if (rand() < 0.3) a = int(rand() * 10) - 5
				b = sprintf("%.3f", (rand() - 0.5) * 2000)
				if (rand() < 0.2) b = sprintf("%.1f", int(rand() * 8) / 2 - 1)
				r = rand()
				if (r < 0.1) c = sprintf("%de%d", int(rand() * 20) - 10, int(rand() * 5))
				else if (r < 0.2) c = sprintf("%.6g", rand() * 1e-6)
				else if (r < 0.3) c = sprintf("%.0f", int(rand() * 1e12) - 5e11)
				else c = sprintf("%.2f", (rand() - 0.3) * 100)
				print key "\t" a "\t" b "\t" c
			}
		}
	}'
}

# shuffle_lines SEED: the lines of stdin in a deterministic random order.
shuffle_lines() {
	awk -v seed="$1" 'BEGIN { srand(seed) } { printf "%.12f\t%s\n", rand(), $0 }' |
		sort -t "$TAB" -k1,1 -s | cut -f 2-
}

# sort_by_key [ARG...]: the reference sort for records (mr-shuffle's oracle).
sort_by_key() {
	LC_ALL=C sort -t "$TAB" -k1,1 -s "$@"
}

# gen_stats SEED KEYS: sorted numeric records for the statistics, with KEYS
# keys: `KEY<TAB>INT<TAB>DEC<TAB>POS<TAB>HUGE<TAB>TINY<TAB>MIX`: integers,
# decimals (both signs), positive decimals, magnitudes of 1e100 to 1e150
# and of 1e-150 to 1e-100 (whose squares and fourth powers a long double
# still holds), and a mix with exponents. Groups of 1, 2, 3, 4 and up to
# ~65 records; every 11th key has all its values equal.
gen_stats() {
	awk -v seed="$1" -v n="$2" 'BEGIN {
		srand(seed)
		for (k = 0; k < n; k++) {
			key = sprintf("s%04d", k)
			m = k % 8
			size = m < 4 ? m + 1 : 5 + int(rand() * rand() * 60)
			for (i = 0; i < size; i++) {
				if (i == 0 || k % 11 != 5) {
					a = int(rand() * 2001) - 1000
					if (rand() < 0.3) a = int(rand() * 10) - 5
					b = sprintf("%.3f", (rand() - 0.5) * 2000)
					p = rand() < 0.2 ? int(rand() * 50) + 1 : sprintf("%.4f", rand() * 100 + 0.001)
					h = sprintf("%.6e", (rand() - 0.5) * 2 * 10 ^ (100 + int(rand() * 50)))
					t = sprintf("%.6e", (rand() - 0.5) * 2 * 10 ^ -(100 + int(rand() * 50)))
					r = rand()
					if (r < 0.1) c = sprintf("%de%d", int(rand() * 20) - 10, int(rand() * 5))
					else if (r < 0.2) c = sprintf("%.6g", rand() * 1e-6)
					else if (r < 0.3) c = sprintf("%.0f", int(rand() * 1e12) - 5e11)
					else c = sprintf("%.2f", (rand() - 0.3) * 100)
				}
				print key "\t" a "\t" b "\t" p "\t" h "\t" t "\t" c
			}
		}
	}'
}

# with_na SEED: stdin with about one value field in six made a missing
# value, in one of the spellings datamash --narm skips; every 13th key has
# all its values missing.
with_na() {
	awk -F'\t' -v OFS='\t' -v seed="$1" 'BEGIN {
		srand(seed)
		ns = split("NA na N/A n/a NaN nan NAN nA", na, " ")
	}
	$1 != key { key = $1; nk++ }
	{
		for (i = 2; i <= NF; i++)
			if (nk % 13 == 0 || rand() < 0.17)
				$i = na[1 + int(rand() * ns)]
		print
	}'
}

# max_reldiff A B: per result column (after the key), the largest relative
# difference |a - b| / max(|a|, |b|) between two result files with the
# same keys, read as decimals (a difference below 1e-300 counts as 0);
# equal non-numbers count as 0, unequal ones as "mismatch".
max_reldiff() {
	python3 - "$1" "$2" <<'PY'
import sys
from decimal import Decimal, getcontext, InvalidOperation
getcontext().prec = 40
def num(s):
    try:
        d = Decimal(s)
    except InvalidOperation:
        return None
    return d
worst = {}
with open(sys.argv[1]) as fa, open(sys.argv[2]) as fb:
    for la, lb in zip(fa, fb):
        ra, rb = la.rstrip("\n").split("\t"), lb.rstrip("\n").split("\t")
        for i, (a, b) in enumerate(zip(ra[1:], rb[1:]), 1):
            if a == b:
                r = Decimal(0)
            else:
                x, y = num(a), num(b)
                if x is None or y is None or x.is_nan() or y.is_nan() or x.is_infinite() or y.is_infinite():
                    worst[i] = "mismatch"
                    continue
                m = max(abs(x), abs(y))
                r = abs(x - y) / m if abs(x - y) > Decimal("1e-300") else Decimal(0)
            if worst.get(i) != "mismatch":
                worst[i] = max(worst.get(i, Decimal(0)), r)
for i in sorted(worst):
    w = worst[i]
    print(i, w if w == "mismatch" else "%.3g" % w)
PY
}

# stats_oracle OP F [F2]: per key of stdin (sorted records), OP of value
# field F (and F2 for a pair op), computed exactly in Python: the values as
# fractions, the statistics module's exact mean, median, pvariance and
# variance over them, the moments summed exactly, then square roots,
# logarithms and exponentials in 50-digit decimals. OP is one of the
# operations mr-reduce has beyond datamash 1.7's or where 1.7 rounds
# badly; trimmean is trimmean:T. With NARM=1, NA, N/A and NaN (any case)
# are skipped, a pair when either is; a key without values gives nan.
stats_oracle() {
	local py
	py=$(cat <<'PY'
import sys, os, statistics
from fractions import Fraction as F
from decimal import Decimal as D, getcontext
getcontext().prec = 50
op, f1 = sys.argv[1], int(sys.argv[2])
f2 = int(sys.argv[3]) if len(sys.argv) > 3 else None
narm = os.environ.get("NARM") == "1"
trim = None
if op.startswith("trimmean:"):
    op, trim = "trimmean", F(op.split(":")[1])
NAN = D("nan")
def dec(q): return D(q.numerator) / D(q.denominator)
def sqrt(q): return dec(q).sqrt()
def isna(s): return narm and s.lower() in ("na", "n/a", "nan")
def result(xs, ys):
    n = len(xs)
    if n == 0:
        return NAN
    if op == "geomean":
        if any(x < 0 for x in xs): return NAN
        if any(x == 0 for x in xs): return D(0)
        return (sum(dec(x).ln() for x in xs) / n).exp()
    if op == "harmmean":
        if any(x == 0 for x in xs): return D(0)
        s = sum(1 / x for x in xs)
        return D("inf") if s == 0 else dec(n / s)
    if op in ("ms", "rms"):
        ms = sum(x * x for x in xs) / n
        return dec(ms) if op == "ms" else sqrt(ms)
    if op == "madraw":
        m = statistics.median(xs)
        return dec(F(statistics.median([abs(x - m) for x in xs])))
    if op == "trimmean":
        if trim >= F(1, 2): return dec(F(statistics.median(xs)))
        c = int(trim * n)
        return dec(statistics.mean(sorted(xs)[c:n - c]))
    if op == "dotprod":
        return dec(sum(x * y for x, y in zip(xs, ys)))
    if op in ("pcov", "scov", "ppearson", "spearson"):
        mx, my = statistics.mean(xs), statistics.mean(ys)
        cxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
        if op == "pcov": return dec(cxy / n)
        if n == 1: return NAN
        if op == "scov": return dec(cxy / (n - 1))
        sxx = sum((x - mx) ** 2 for x in xs)
        syy = sum((y - my) ** 2 for y in ys)
        if sxx == 0 or syy == 0: return NAN
        return dec(cxy) / (sqrt(sxx) * sqrt(syy))
    m = statistics.mean(xs)
    m2 = statistics.pvariance(xs, m)
    m3 = sum((x - m) ** 3 for x in xs) / n
    m4 = sum((x - m) ** 4 for x in xs) / n
    if n < 2 or m2 == 0: return NAN
    g = dec(m3) / (dec(m2) * sqrt(m2))
    k = dec(m4 / (m2 * m2)) - 3
    if op == "pskew": return g
    if op == "pkurt": return k
    if op == "jarque": return (-(n * (g * g + k * k / 4) / 6) / 2).exp()
    if op == "sskew": return NAN if n < 3 else g * D(n * (n - 1)).sqrt() / (n - 2)
    if n < 4: return NAN
    sk = D(n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * k + 6)
    if op == "skurt": return sk
    ss = g * D(n * (n - 1)).sqrt() / (n - 2)
    ses = (D(6 * n * (n - 1)) / ((n - 2) * (n + 1) * (n + 3))).sqrt()
    sek = 2 * ses * (D(n * n - 1) / ((n - 3) * (n + 5))).sqrt()
    return (-((ss / ses) ** 2 + (sk / sek) ** 2) / 2).exp()
def show(d):
    if d.is_nan(): return "nan"
    if d.is_infinite(): return "inf" if d > 0 else "-inf"
    return "{:.20g}".format(d)
key, xs, ys = None, [], []
def flush():
    if key is not None:
        print(key + "\t" + show(result(xs, ys)))
for line in sys.stdin:
    r = line.rstrip("\n").split("\t")
    if r[0] != key:
        flush()
        key, xs, ys = r[0], [], []
    a = r[f1]
    b = r[f2] if f2 else "0"
    if isna(a) or isna(b):
        continue
    xs.append(F(a))
    ys.append(F(b))
flush()
PY
)
	python3 -c "$py" "$@"
}

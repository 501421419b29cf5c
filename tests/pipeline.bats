#!/usr/bin/env bats
# Whole pipelines (split | map | shuffle | reduce) against independent awk,
# sort and datamash computations, and the contract every program shares:
# -h, --version, usage errors, unopenable files, write errors, a closed
# stdout, -z, missing final newline, CRLF, long lines and arbitrary bytes.

load helper

setup() {
	cd "$BATS_TEST_TMPDIR"
}

# args_of PROG: the arguments that make PROG a pass-through for sorted
# records with distinct keys (mr-split adds the key 000000 instead).
args_of() {
	case $1 in
	mr-map) echo identity ;;
	mr-reduce) echo first ;;
	esac
}

# want_of PROG FILE: what PROG $(args_of PROG) outputs for FILE's records
# (distinct sorted keys, all in chunk 000000 for mr-split), LF-terminated.
want_of() {
	if [ "$1" = mr-split ]; then
		awk '{ print "000000\t" $0 }' "$2"
	else
		cat "$2"
	fi
}

# ---- shared contract, per program -----------------------------------------

help_ok() {
	local p=$1
	capture "$p" -h
	assert_status 0
	assert_err ""
	grep -qxF -- "$(usage_of "$p")" .out || fail_with "-h does not print the usage line: $(usage_of "$p")"
	[ "$(wc -l <.out)" -gt 1 ] || fail_with "-h prints no option list"
	cp .out h
	capture "$p" --help
	assert_status 0
	assert_out_file h
}

@test "mr-split -h and --help print usage and options to stdout, exit 0" { help_ok mr-split; }
@test "mr-map -h and --help print usage and options to stdout, exit 0" { help_ok mr-map; }
@test "mr-shuffle -h and --help print usage and options to stdout, exit 0" { help_ok mr-shuffle; }
@test "mr-reduce -h and --help print usage and options to stdout, exit 0" { help_ok mr-reduce; }

@test "mr-split --version" { check 0 $'mr-split 0.1.0\n' mr-split --version; }
@test "mr-map --version" { check 0 $'mr-map 0.1.0\n' mr-map --version; }
@test "mr-shuffle --version" { check 0 $'mr-shuffle 0.1.0\n' mr-shuffle --version; }
@test "mr-reduce --version" { check 0 $'mr-reduce 0.1.0\n' mr-reduce --version; }

unknown_option() {
	local p=$1
	check_usage "$p" "$p: invalid option -- 'x'" -x $(args_of "$p")
	check_usage "$p" "$p: unrecognized option '--foo'" --foo $(args_of "$p")
	if [ "$p" = mr-map ]; then
		check_usage "$p" "$p: unrecognized option '--foo'" identity --foo
	fi
}

@test "mr-split: an unknown option is exit 2 with getopt's message and usage" { unknown_option mr-split; }
@test "mr-map: an unknown option is exit 2 with getopt's message and usage" { unknown_option mr-map; }
@test "mr-shuffle: an unknown option is exit 2 with getopt's message and usage" { unknown_option mr-shuffle; }
@test "mr-reduce: an unknown option is exit 2 with getopt's message and usage" { unknown_option mr-reduce; }

no_such_file() {
	local p=$1
	check_err 1 "$p: cannot open 'nosuch': No such file or directory" "$p" $(args_of "$p") nosuch
	mkdir somedir
	check_err 1 "$p: cannot read 'somedir': Is a directory" "$p" $(args_of "$p") somedir
}

@test "mr-split: a file that does not exist or is a directory: exit 1, exact message" { no_such_file mr-split; }
@test "mr-map: a file that does not exist or is a directory: exit 1, exact message" { no_such_file mr-map; }
@test "mr-shuffle: a file that does not exist or is a directory: exit 1, exact message" { no_such_file mr-shuffle; }

# write_full PROG INPUT: PROG's output goes to /dev/full.
write_full() {
	local p=$1
	status=0
	"$p" $(args_of "$p") <"$2" >/dev/full 2>err || status=$?
	[ "$status" -eq 1 ] || { echo "$p >/dev/full: exit $status, want 1" >&2; cat err >&2; return 1; }
	[ "$(cat err)" = "$p: write error: No space left on device" ] ||
		{ echo "$p >/dev/full: stderr:" >&2; cat -A err >&2; return 1; }
}

full_disk() {
	printf 'a\tb\n' >small
	write_full "$1" small
	awk 'BEGIN { for (i = 0; i < 100000; i++) printf "k%07d\tsome value %d\n", i, i }' >large
	write_full "$1" large
}

@test "mr-split >/dev/full: exit 1, write error message" { full_disk mr-split; }
@test "mr-map >/dev/full: exit 1, write error message" { full_disk mr-map; }
@test "mr-shuffle >/dev/full: exit 1, write error message" { full_disk mr-shuffle; }
@test "mr-reduce >/dev/full: exit 1, write error message" { full_disk mr-reduce; }

# closed_stdout PROG: PROG ... | head -n1 ends quietly.
closed_stdout() {
	local p=$1 st=0
	awk 'BEGIN { for (i = 0; i < 200000; i++) printf "k%07d\tsome value %d\n", i, i }' >big
	P=$p A=$(args_of "$p") bash -c 'set -o pipefail; env --default-signal=PIPE "$P" $A <big 2>err | head -n 1 >first' || st=$?
	[ "$st" -eq 141 ] || [ "$st" -eq 0 ] || { echo "exit status $st, want 141 or 0" >&2; return 1; }
	[ ! -s err ] || { echo "stderr not empty:" >&2; cat err >&2; return 1; }
	want_of "$p" big | head -n 1 >want
	cmp want first
}

@test "mr-split | head -n1 is quiet" { closed_stdout mr-split; }
@test "mr-map | head -n1 is quiet" { closed_stdout mr-map; }
@test "mr-shuffle | head -n1 is quiet" { closed_stdout mr-shuffle; }
@test "mr-reduce | head -n1 is quiet" { closed_stdout mr-reduce; }

# passes PROG INPUT WANT: PROG reads the file INPUT, writes exactly WANT.
passes() {
	local p=$1
	INFILE=$2 check_file "$3" "$p" ${4:-} $(args_of "$p")
}

null_mode() {
	local p=$1
	printf 'a\t1\nx|b\t2|c\t3\r|' | tr '|' '\0' >in
	if [ "$p" = mr-split ]; then
		printf '000000\ta\t1\nx|000000\tb\t2|000000\tc\t3\r|' | tr '|' '\0' >want
	else
		cp in want
	fi
	passes "$p" in want -z
	passes "$p" in want --null
}

@test "mr-split -z: NUL-terminated records in and out" { null_mode mr-split; }
@test "mr-map -z: NUL-terminated records in and out" { null_mode mr-map; }
@test "mr-shuffle -z: NUL-terminated records in and out" { null_mode mr-shuffle; }
@test "mr-reduce -z: NUL-terminated records in and out" { null_mode mr-reduce; }

no_final_newline() {
	printf 'a\t1\nb\t2' >in
	printf 'a\t1\nb\t2\n' >full
	want_of "$1" full >want
	passes "$1" in want
	printf 'a\t1|b\t2' | tr '|' '\0' >in
	if [ "$1" = mr-split ]; then
		printf '000000\ta\t1|000000\tb\t2|' | tr '|' '\0' >want
	else
		printf 'a\t1|b\t2|' | tr '|' '\0' >want
	fi
	passes "$1" in want -z
}

@test "mr-split: a missing final newline still gives terminated records" { no_final_newline mr-split; }
@test "mr-map: a missing final newline still gives terminated records" { no_final_newline mr-map; }
@test "mr-shuffle: a missing final newline still gives terminated records" { no_final_newline mr-shuffle; }
@test "mr-reduce: a missing final newline still gives terminated records" { no_final_newline mr-reduce; }

crlf() {
	printf 'a\t1\r\nb\tx y\r\nc\r\n' >in
	if [ "$1" = mr-reduce ]; then
		# the key of the line without TAB is c<CR>, its value empty
		printf 'a\t1\r\nb\tx y\r\nc\r\t\n' >want
	else
		want_of "$1" in >want
	fi
	passes "$1" in want
}

@test "mr-split keeps the CR of CRLF" { crlf mr-split; }
@test "mr-map keeps the CR of CRLF" { crlf mr-map; }
@test "mr-shuffle keeps the CR of CRLF" { crlf mr-shuffle; }
@test "mr-reduce keeps the CR of CRLF" { crlf mr-reduce; }

long_line() {
	awk 'BEGIN { s = "0123456789abcdef"; while (length(s) < 4194304) s = s s
		print "a\tshort"; print "k\t" s; print "z" s "\tv" }' >in
	[ "$(wc -c <in)" -gt 8388608 ]
	if [ "$1" = mr-split ]; then
		# the default chunk (1M) ends after the long line 2
		awk '{ print (NR == 3 ? "000001" : "000000") "\t" $0 }' in >want
	else
		cp in want
	fi
	passes "$1" in want
}

@test "mr-split passes a 4 MiB line intact" { long_line mr-split; }
@test "mr-map passes a 4 MiB line intact" { long_line mr-map; }
@test "mr-shuffle passes a 4 MiB line intact" { long_line mr-shuffle; }
@test "mr-reduce passes a 4 MiB line intact" { long_line mr-reduce; }

any_bytes() {
	printf '\x01\tctl\na\t\xff\x80\0x\ncaf\xc3\xa9\t\xc2\xbfqu\xc3\xa9?\n\x80\t\xe2\x82\xac\n\xff\xfe\t\xf0\x9f\x98\x80\n' >in
	want_of "$1" in >want
	passes "$1" in want
}

@test "mr-split passes UTF-8 and arbitrary bytes (\\xff, \\x80, NUL) through" { any_bytes mr-split; }
@test "mr-map passes UTF-8 and arbitrary bytes (\\xff, \\x80, NUL) through" { any_bytes mr-map; }
@test "mr-shuffle passes UTF-8 and arbitrary bytes (\\xff, \\x80, NUL) through" {
	printf '\x80\t\xe2\x82\xac\n\xff\xfe\t\xf0\x9f\x98\x80\ncaf\xc3\xa9\t\xc2\xbfqu\xc3\xa9?\na\t\xff\x80\0x\n\x01\tctl\n' >in
	printf '\x01\tctl\na\t\xff\x80\0x\ncaf\xc3\xa9\t\xc2\xbfqu\xc3\xa9?\n\x80\t\xe2\x82\xac\n\xff\xfe\t\xf0\x9f\x98\x80\n' >want
	passes mr-shuffle in want
}
@test "mr-reduce passes UTF-8 and arbitrary bytes (\\xff, \\x80, NUL) through" { any_bytes mr-reduce; }

# ---- whole pipelines ------------------------------------------------------

# wc_oracle FILE: word counts of FILE (words separated by spaces and TABs),
# sorted by key.
wc_oracle() {
	awk '{ for (i = 1; i <= NF; i++) c[$i]++ } END { for (w in c) print w "\t" c[w] }' "$1" | sort_by_key
}

@test "word count: split | map words | shuffle | reduce sum equals awk" {
	gen_text 201 50000 >text
	wc_oracle text >want
	[ "$(wc -l <want)" -gt 1000 ]
	check_file want bash -c 'mr-split text | mr-map words | mr-shuffle | mr-reduce sum'
}

@test "word count with small chunks (-n 100) and a spilling shuffle (-S 64K)" {
	mkdir tmp
	gen_text 202 50000 >text
	wc_oracle text >want
	check_file want bash -c 'mr-split -n 100 text | mr-map words | mr-shuffle -S 64K -T tmp | mr-reduce sum'
	[ -z "$(ls -A tmp)" ]
}

@test "word count over several files with -F and -b, reduce -H" {
	gen_text 203 10000 >f1
	gen_text 204 10000 >f2
	gen_text 205 10000 >f3
	cat f1 f2 f3 >all
	wc_oracle all >want
	check_file want bash -c 'mr-split -F -b 4K f1 f2 f3 | mr-map words | mr-reduce -H sum'
	INFILE=f2 check_file want bash -c 'mr-split -F -b 4K f1 - f3 | mr-map words | mr-shuffle | mr-reduce sum'
}

@test "word count with -z throughout" {
	gen_text 206 20000 >text
	wc_oracle text | tr '\n' '\0' >want
	tr '\n' '\0' <text >ztext
	INFILE=ztext check_file want bash -c 'mr-split -z -n 50 | mr-map -z words | mr-shuffle -z -S 64K | mr-reduce -z sum'
}

@test "identical lines: split | map lines | shuffle | reduce sum equals sort | uniq -c" {
	awk 'BEGIN { srand(207); for (i = 0; i < 30000; i++) printf "line %d%s\n", int(rand() * rand() * 500), rand() < 0.1 ? " x" : "" }' >text
	LC_ALL=C sort text | uniq -c | awk '{ n = $1; sub(/^ *[0-9]+ /, ""); print $0 "\t" n }' | sort_by_key >want
	check_file want bash -c 'mr-split -n 1000 text | mr-map lines | mr-shuffle | mr-reduce sum'
}

@test "grouped mean and count: split | map fields -W | shuffle | reduce equals datamash" {
	awk 'BEGIN { srand(208); n = split("alpha beta gamma delta epsilon zeta eta theta", name, " ")
		for (i = 0; i < 30000; i++)
			printf "%s%s  %.2f\n", rand() < 0.1 ? " " : "", name[1 + int(rand() * n)], (rand() - 0.4) * 1000 }' >data
	awk -v OFS='\t' '{ print $1, $2 }' data | sort_by_key | datamash -g1 mean 2 count 2 sstdev 2 median 2 >want
	check_results want bash -c 'mr-split -b 64K data | mr-map fields -W | mr-shuffle | mr-reduce mean count sstdev median'
}

@test "grep in a pipeline selects the same lines as grep -E" {
	gen_text 209 20000 ' ' >text
	grep -E '^[a-m]' text | wc_oracle /dev/stdin >want
	check_file want bash -c 'mr-split text | mr-map grep "^[a-m]" | mr-map words | mr-shuffle | mr-reduce sum'
}

@test "make install puts every program and man page under DESTDIR and PREFIX" {
	d=$BATS_TEST_TMPDIR/dest
	make -s -C "$BATS_TEST_DIRNAME/.." install DESTDIR="$d" PREFIX=/opt/mr >/dev/null
	for p in mr-split mr-map mr-par mr-shuffle mr-reduce mr-netd mr-netc; do
		[ -x "$d/opt/mr/bin/$p" ] || { echo "no $p" >&2; false; }
		[ "$("$d/opt/mr/bin/$p" --version)" = "$p 0.1.0" ]
	done
	for m in man1/mr-split.1 man1/mr-map.1 man1/mr-par.1 man1/mr-shuffle.1 \
	    man1/mr-reduce.1 man1/mr-netd.1 man1/mr-netc.1 man7/mr.7; do
		[ -f "$d/opt/mr/share/man/$m" ] || { echo "no $m" >&2; false; }
	done
}

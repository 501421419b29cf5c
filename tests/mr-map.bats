#!/usr/bin/env bats
# mr-map: the built-in mappers words, fields, grep, identity and lines.
# words is checked against wc -w and awk, fields against awk, grep against
# grep -E, all on generated text; the UTF-8 rules of -l/-p/-m on the
# spec's hand-written cases; every usage error with its exact message.

load helper

setup() {
	cd "$BATS_TEST_TMPDIR"
}

# ---- words ----------------------------------------------------------------

@test "words emits TOKEN<TAB>1 per whitespace-separated token, in order" {
	IN=$'  hello world  \nfoo\n\n'
	check 0 $'hello\t1\nworld\t1\nfoo\t1\n' mr-map words
}

@test "words splits on space, TAB, VT, FF and CR" {
	printf 'a\vb\fc\rd  e\t\tf\vg\n' >in
	printf 'a\t1\nb\t1\nc\t1\nd\t1\ne\t1\nf\t1\ng\t1\n' >want
	INFILE=in check_file want mr-map words -R
}

@test "words splits the key off a line with a TAB, -R keeps it as text" {
	IN=$'key\tthe value\tmore\n'
	check 0 $'the\t1\nvalue\t1\nmore\t1\n' mr-map words
	check_same 0 $'key\t1\nthe\t1\nvalue\t1\nmore\t1\n' mr-map "words -R" "words --raw" "-R words"
}

@test "words -z treats LF as whitespace inside NUL-terminated records" {
	printf 'a b|c\nd|k\te f|' | tr '|' '\0' >in
	printf 'a\t1|b\t1|c\t1|d\t1|e\t1|f\t1|' | tr '|' '\0' >want
	INFILE=in check_file want mr-map words -z
	INFILE=in check_file want mr-map -z words
}

@test "words token count equals wc -w on generated text" {
	gen_text 41 30000 " $TAB"$'\v\f\r' >text
	capture mr-map words -R text
	assert_status 0
	assert_err ""
	[ "$(wc -l <"$BATS_TEST_TMPDIR/.out")" -eq "$(wc -w <text)" ] ||
		fail_with "token count $(wc -l <"$BATS_TEST_TMPDIR/.out") != wc -w $(wc -w <text)"
}

@test "words tokens equal awk's fields on generated text (-R, TABs and spaces)" {
	gen_text 42 30000 >text
	awk '{for(i=1;i<=NF;i++) print $i "\t1"}' text >want
	check_file want mr-map words -R text
}

@test "words tokens equal awk's on generated text without TABs, VT/FF/CR too" {
	gen_text 43 30000 $' \v\f\r' >text
	awk -F'[ \v\f\r]+' '{for(i=1;i<=NF;i++) if ($i != "") print $i "\t1"}' text >want
	check_file want mr-map words text
	INFILE=text check_file want mr-map words
	INFILE=text check_file want mr-map words -
}

@test "words reads several files and stdin in order" {
	printf 'a b\n' >f1
	printf 'c\n' >f2
	IN=$'s t\n'
	check 0 $'a\t1\nb\t1\ns\t1\nt\t1\nc\t1\n' mr-map words f1 - f2
}

@test "words -l lower-cases ASCII and UTF-8 (Árbol -> árbol)" {
	IN=$'Árbol ÉXITO ABC mIxEd Ñandú ÜBER ΩMEGA ДОМ\n'
	check_same 0 $'árbol\t1\néxito\t1\nabc\t1\nmixed\t1\nñandú\t1\nüber\t1\nωmega\t1\nдом\t1\n' mr-map "words -l" "words --lower" "-l words"
}

@test "words -l on a token that is not valid UTF-8 lower-cases ASCII only" {
	printf 'AB\xffC \xc3\x89X\xc3 D\x80\n' >in
	printf 'ab\xffc\t1\n\xc3\x89x\xc3\t1\nd\x80\t1\n' >want
	INFILE=in check_file want mr-map words -l
}

@test "words -p strips leading and trailing punctuation and symbols" {
	IN=$'«Python,» "hola!" ¿Qué? don\'t (a) $5 €100 100% #tag ¡Hola! a-b \'quoted\' [x]:\n'
	check_same 0 $'Python\t1\nhola\t1\nQué\t1\ndon\'t\t1\na\t1\n5\t1\n100\t1\n100\t1\ntag\t1\nHola\t1\na-b\t1\nquoted\t1\nx\t1\n' mr-map "words -p" "words --punct"
}

@test "words -p drops a token that is all punctuation or symbols" {
	IN=$'one ... -- «» — ¿? $ +=+ two\n'
	check 0 $'one\t1\ntwo\t1\n' mr-map words -p
}

@test "words -p strips every ASCII ispunct character at the edges" {
	# All 32 ASCII punctuation characters around a word, and alone.
	IN='!"#$%&'\''()*+,-./:;<=>?@[\]^_`{|}~word!"#$%&'\''()*+,-./:;<=>?@[\]^_`{|}~ !"#$%&'\''()*+,-./:;<=>?@[\]^_`{|}~'
	check 0 $'word\t1\n' mr-map words -p
}

@test "words without -p keeps punctuation" {
	IN=$'«Python,» ...\n'
	check 0 $'«Python,»\t1\n...\t1\n' mr-map words
}

@test "words -m drops tokens shorter than N code points" {
	IN=$'a bb ccc dddd\n'
	check_same 0 $'ccc\t1\ndddd\t1\n' mr-map "words -m 3" "words --min-length 3" "words --min-length=3"
	check 0 $'a\t1\nbb\t1\nccc\t1\ndddd\t1\n' mr-map words -m 1
}

@test "words -m counts UTF-8 code points, and bytes for invalid UTF-8" {
	printf '\xc3\xa9 \xc3\xb1u ab \xff \xff\xfe \xe2\x82\xac\n' >in
	printf '\xc3\xb1u\t1\nab\t1\n\xff\xfe\t1\n' >want
	INFILE=in check_file want mr-map words -m 2
}

@test "words -m counts an incomplete UTF-8 sequence in bytes (found by fuzz_words)" {
	# u8_mbsnlen counted '\xe2\x82' as one character, and \xc5\xbf\xc5 as two.
	printf '\xe2\x82 x\xe2\x82 \xc5\xbf\xc5 \xe2\n' >in
	printf '\xe2\x82\t1\nx\xe2\x82\t1\n\xc5\xbf\xc5\t1\n' >want
	INFILE=in check_file want mr-map words -m 2
	printf 'x\xe2\x82\t1\n\xc5\xbf\xc5\t1\n' >want
	INFILE=in check_file want mr-map words -m 3
}

@test "words -p strips a leading U+FFFD, a symbol, as a trailing one (found by fuzz_words)" {
	printf '\xef\xbf\xbdabc abc\xef\xbf\xbd \xef\xbf\xbd \xffabc\n' >in
	printf 'abc\t1\nabc\t1\n\xffabc\t1\n' >want
	INFILE=in check_file want mr-map words -p
}

@test "words -m counts after -p strips" {
	IN=$'"a," bb. (c) «dé»\n'
	check 0 $'bb\t1\ndé\t1\n' mr-map words -p -m 2
}

@test "words -l -p together" {
	IN=$'«PYTHON,» ¿QUÉ?\n'
	check 0 $'python\t1\nqué\t1\n' mr-map words -lp
}

@test "words -m with a bad number is a usage error" {
	local w="[a-z][a-z ]*"
	capture mr-map words -m abc
	assert_status 2
	assert_out ""
	assert_err_match "^mr-map: invalid $w 'abc': invalid\$"
	capture mr-map words -m -1
	assert_status 2
	assert_err_match "^mr-map: invalid $w '-1': too small\$"
	capture mr-map words -m 99999999999999999999
	assert_status 2
	assert_err_match "^mr-map: invalid $w '99999999999999999999': too large\$"
}

# ---- fields ---------------------------------------------------------------

@test "fields defaults to key field 1 and value field 2 of the value" {
	IN=$'a\tb\tc\n'
	# without -R the key a is split off: the value is b<TAB>c
	check 0 $'b\tc\n' mr-map fields
	check 0 $'a\tb\n' mr-map fields -R
}

@test "fields -k and -f choose key and value fields, in LIST order" {
	IN=$'a\tb\tc\td\n'
	check 0 $'a\tc\ta\n' mr-map fields -R -f 3,1
	check 0 $'b\ta\tc\n' mr-map fields -R -k 2 -f 1,3
	check 0 $'d\tb\td\tc\n' mr-map fields -R --key 4 --fields 2,4,3
	check 0 $'c\tc\n' mr-map fields -R -k 3 -f 3
}

@test "fields -K uses a constant key" {
	IN=$'a\tb\tc\nx\ty\tz\n'
	check 0 $'all\tb\nall\ty\n' mr-map fields -R -K all
	check 0 $'all\tc\ta\nall\tz\tx\n' mr-map fields -R --const-key all -f 3,1
}

@test "fields keeps empty fields" {
	IN=$'a\t\tc\n'
	check 0 $'a\t\n' mr-map fields -R -f 2
	check 0 $'a\tc\t\n' mr-map fields -R -f 3,2
	check 0 $'\ta\n' mr-map fields -R -k 2 -f 1
}

@test "fields -d splits on another byte" {
	IN=$'x,y,z\nk\tp,q\n'
	check 0 $'x\ty\np\tq\n' mr-map fields -d ,
	IN=$'x,y,z\n1,,3\n'
	check 0 $'x\tz\ty\n1\t3\t\n' mr-map fields --delimiter=, -f 3,2
}

@test "fields -W splits on runs of blanks, ignoring leading and trailing ones" {
	IN=$'  a   b\t c  \nd e f\n'
	check 0 $'a\tb\tc\nd\te\tf\n' mr-map fields -R -W -f 2,3
	check 0 $'c\ta\nf\td\n' mr-map fields -R --whitespace -k 3 -f 1
}

@test "fields on generated TSV matches awk (-k, -K, -f)" {
	awk 'BEGIN { srand(51); for (i = 0; i < 20000; i++) {
		line = ""
		for (f = 1; f <= 6; f++) {
			v = rand() < 0.1 ? "" : sprintf("%c%d", 97 + int(rand() * 26), int(rand() * 1000))
			line = line (f > 1 ? "\t" : "") v
		}
		print line } }' >tsv
	awk -F'\t' -v OFS='\t' '{print $1, $2}' tsv >want
	check_file want mr-map fields -R tsv
	awk -F'\t' -v OFS='\t' '{print $3, $6, $1, $3}' tsv >want
	check_file want mr-map fields -R -k 3 -f 6,1,3 tsv
	awk -F'\t' -v OFS='\t' '{print "all", $5}' tsv >want
	check_file want mr-map fields -R -K all -f 5 tsv
	# without -R field 1 of the value is the line's field 2
	awk -F'\t' -v OFS='\t' '{print $2, $3, $6}' tsv >want
	check_file want mr-map fields -f 2,5 tsv
}

@test "fields -d , on generated CSV matches awk" {
	awk 'BEGIN { srand(52); for (i = 0; i < 20000; i++) {
		line = ""
		for (f = 1; f <= 5; f++) {
			v = rand() < 0.1 ? "" : sprintf("%c %d", 65 + int(rand() * 26), int(rand() * 100))
			line = line (f > 1 ? "," : "") v
		}
		print line } }' >csv
	awk -F, -v OFS='\t' '{print $4, $5, $2}' csv >want
	check_file want mr-map fields -d , -k 4 -f 5,2 csv
}

@test "fields -W on generated blank-separated text matches awk's default splitting" {
	awk 'BEGIN { srand(53); for (i = 0; i < 20000; i++) {
		line = rand() < 0.3 ? " \t " : ""
		for (f = 1; f <= 4 + int(rand() * 3); f++) {
			line = line sprintf("w%d", int(rand() * 50))
			line = line (rand() < 0.5 ? " " : rand() < 0.5 ? "\t" : "  \t ")
		}
		print line } }' >ws
	awk -v OFS='\t' '{print $2, $4, $1}' ws >want
	check_file want mr-map fields -R -W -k 2 -f 4,1 ws
}

@test "fields: a missing field names file and line" {
	IN=$'a\tb\tc\nx\ty\n'
	check_err 1 'mr-map: stdin:2: no field 3' mr-map fields -R -f 3
	check_err 1 'mr-map: stdin:1: no field 4' mr-map fields -R -k 4
	IN=$'a\tb\n'
	check_err 1 'mr-map: stdin:1: no field 3' mr-map fields -R -f 2,3
}

@test "fields: a missing field is reported by file name and line within that file" {
	printf 'a\tb\tc\n' >f1
	printf 'a\tb\tc\na\tb\tc\na\tb\n' >f2
	capture mr-map fields -R -f 3 f1 f2
	assert_status 1
	assert_err 'mr-map: f2:3: no field 3'
	IN=$'a\tb\tc\nx\n'
	capture mr-map fields -R -f 3 f1 -
	assert_status 1
	assert_err 'mr-map: stdin:2: no field 3'
}

@test "fields: a line without TAB is all value (field 1 only)" {
	IN=$'abc\n'
	check 0 $'abc\tabc\n' mr-map fields -f 1
	check_err 1 'mr-map: stdin:1: no field 2' mr-map fields
}

@test "fields -W: blanks only is no field" {
	IN=$'a b\n   \n'
	check_err 1 'mr-map: stdin:2: no field 1' mr-map fields -R -W -f 2
}

@test "fields -k and -K together is a usage error" {
	capture mr-map fields -k 2 -K all
	assert_status 2
	assert_out ""
	head -n 1 "$BATS_TEST_TMPDIR/.err" | grep -q -e '-k.*-K' -e '-K.*-k' ||
		fail_with "expected a message naming -k and -K"
}

@test "fields -W and -d together is a usage error" {
	capture mr-map fields -W -d ,
	assert_status 2
	assert_out ""
	[ -s "$BATS_TEST_TMPDIR/.err" ] || fail_with "expected a message"
}

@test "fields: bad -d, -k, -f arguments are usage errors" {
	local arg
	for arg in "-d ab" "-d ''" "-k 0" "-k x" "-f 0" "-f x" "-f 1,,2" "-f ''" "-f 2," "-f -1"; do
		eval "capture mr-map fields $arg"
		assert_status 2
		assert_out ""
		[ -s "$BATS_TEST_TMPDIR/.err" ] || fail_with "no message for fields $arg"
	done
	capture mr-map fields -k 0
	assert_err_match "^mr-map: invalid [a-z][a-z ]* '0': too small\$"
}

# ---- grep -----------------------------------------------------------------

@test "grep keeps matching records unchanged" {
	IN=$'apple\nbanana\ncherry\n'
	check 0 $'apple\nbanana\n' mr-map grep 'a(p|n)'
	check 0 $'cherry\n' mr-map grep -v 'a(p|n)'
	check 0 $'cherry\n' mr-map grep --invert 'a(p|n)'
	check 0 '' mr-map grep 'zzz'
}

@test "grep matches the value only, -R the whole line" {
	IN=$'foo\tbar\nbar\tfoo\nfoo\n'
	check 0 $'bar\tfoo\nfoo\n' mr-map grep '^foo'
	check 0 $'foo\tbar\nfoo\n' mr-map grep -R '^foo'
	check 0 $'foo\tbar\n' mr-map grep -R $'^foo\tbar$'
}

@test "grep -i folds ASCII case only" {
	IN=$'É\né\nE\ne\n'
	check 0 $'é\n' mr-map grep -i 'é'
	check 0 $'É\n' mr-map grep --ignore-case 'É'
	check 0 $'E\ne\n' mr-map grep -i 'e'
	check 0 $'É\né\n' mr-map grep -iv 'e'
}

@test "grep matches bytewise in the C locale" {
	printf '\xc3\xa9\n\xff\nab\n' >in
	printf '\xff\n' >want
	INFILE=in check_file want mr-map grep '^.$'
}

@test "grep, -v, -i, -iv agree with grep -E on generated lines" {
	gen_text 61 20000 ' ' >text
	local re
	for re in 'ab+c' '^[a-f]+ ' 'x|yz$' '(ab|cd){2}' '[[:digit:]]' '[.]' '^$' 'Q.*q' '[^a-z ]{2,}'; do
		grep -E -- "$re" text >want || true
		check_file want mr-map grep "$re" text
		grep -vE -- "$re" text >want || true
		check_file want mr-map grep -v "$re" text
		grep -iE -- "$re" text >want || true
		check_file want mr-map grep -i "$re" text
		grep -ivE -- "$re" text >want || true
		check_file want mr-map grep -i -v "$re" text
	done
}

@test "grep -R agrees with grep -E on generated lines holding TABs" {
	gen_text 62 20000 >text
	grep -E 'a[^ ]*b' text >want
	check_file want mr-map grep -R 'a[^ ]*b' text
	grep -vE 'a[^ ]*b' text >want
	check_file want mr-map grep -R -v 'a[^ ]*b' text
}

@test "grep -z works on NUL-terminated records" {
	printf 'a\nb|xb|b\n|' | tr '|' '\0' >in
	printf 'xb|b\n|' | tr '|' '\0' >want
	INFILE=in check_file want mr-map grep -z '^[xb]'
}

@test "grep with a bad regex exits 2 with regerror's text" {
	check_bad_arg mr-map "mr-map: bad regex '(': Unmatched ( or \\(" grep '('
	check_bad_arg mr-map "mr-map: bad regex 'a{1': Unmatched \\{" grep 'a{1'
	check_bad_arg mr-map "mr-map: bad regex '[a': Unmatched [, [^, [:, [., or [=" grep '[a'
}

@test "grep without REGEX is a usage error" {
	capture mr-map grep
	assert_usage_err mr-map
	capture mr-map grep -v
	assert_usage_err mr-map
}

# ---- identity and lines ---------------------------------------------------

@test "identity outputs every record unchanged" {
	IN=$'k\tv\nnotab\n\n\tx\ta\tb\r\nlast'
	check_same 0 $'k\tv\nnotab\n\n\tx\ta\tb\r\nlast\n' mr-map "identity" "identity -R"
}

@test "identity on generated records is cat" {
	gen_records 63 20000 >in
	check_file in mr-map identity in
}

@test "lines emits VALUE<TAB>1 per record" {
	IN=$'k\tv\nabc\n\nk\ta\tb\n'
	check 0 $'v\t1\nabc\t1\n\t1\na\tb\t1\n' mr-map lines
	check 0 $'k\tv\t1\nabc\t1\n\t1\nk\ta\tb\t1\n' mr-map lines -R
}

@test "lines -z emits NUL-terminated records" {
	printf 'k\ta\nb|c|' | tr '|' '\0' >in
	printf 'a\nb\t1|c\t1|' | tr '|' '\0' >want
	INFILE=in check_file want mr-map lines -z
}

# ---- usage ----------------------------------------------------------------

@test "the usage line is man/mr-map.1's SYNOPSIS, in a usage error and in -h" {
	check_synopsis mr-map
}

@test "an unknown mapper gives two lines and exit 2" {
	check_err 2 $'mr-map: unknown mapper \'foo\'\nmr-map: mappers: fields grep identity lines words' mr-map foo
	check_err 2 $'mr-map: unknown mapper \'Words\'\nmr-map: mappers: fields grep identity lines words' mr-map Words
}

@test "no mapper name is a usage error" {
	capture mr-map
	assert_usage_err mr-map
	capture mr-map -R
	assert_usage_err mr-map
}

@test "an option that does not belong to the mapper is a usage error" {
	local m="does not apply to mapper"
	check_bad_arg mr-map "mr-map: option '-l' $m 'grep'" grep -l x
	check_bad_arg mr-map "mr-map: option '-l' $m 'grep'" -l grep x
	check_bad_arg mr-map "mr-map: option '-p' $m 'grep'" grep -p x
	check_bad_arg mr-map "mr-map: option '-m' $m 'grep'" grep -m 2 x
	check_bad_arg mr-map "mr-map: option '-d' $m 'grep'" grep -d , x
	check_bad_arg mr-map "mr-map: option '-v' $m 'words'" words -v
	check_bad_arg mr-map "mr-map: option '-i' $m 'words'" words -i
	check_bad_arg mr-map "mr-map: option '-k' $m 'words'" words -k 2
	check_bad_arg mr-map "mr-map: option '-K' $m 'words'" words -K all
	check_bad_arg mr-map "mr-map: option '-f' $m 'words'" words -f 2
	check_bad_arg mr-map "mr-map: option '-W' $m 'words'" words -W
	check_bad_arg mr-map "mr-map: option '-l' $m 'fields'" fields -l
	check_bad_arg mr-map "mr-map: option '-v' $m 'fields'" fields -v
	check_bad_arg mr-map "mr-map: option '-l' $m 'identity'" identity -l
	check_bad_arg mr-map "mr-map: option '-k' $m 'identity'" identity -k 1
	check_bad_arg mr-map "mr-map: option '-p' $m 'lines'" lines -p
	check_bad_arg mr-map "mr-map: option '-i' $m 'lines'" lines -i
}

@test "an option given in long form is named by its short letter when it does not apply" {
	check_bad_arg mr-map "mr-map: option '-l' does not apply to mapper 'grep'" grep --lower x
}

@test "options may come before or after the mapper name" {
	IN=$'Aa Bb\n'
	check_same 0 $'aa\t1\nbb\t1\n' mr-map "-l words" "words -l"
	IN=$'x\tAb\nx\tcd\n'
	check_same 0 $'x\tAb\n' mr-map "-i grep B" "grep B -i"
}

@test "words -c counts in memory: same as words | mr-shuffle | mr-reduce sum" {
	gen_text 11 3000 >text
	printf 'Árbol «árbol» ÁRBOL, x\n' >>text
	for opts in "" "-l" "-l -p" "-p -m 3"; do
		mr-map words $opts text | mr-shuffle | mr-reduce sum >want
		mr-map words -c $opts text >got
		cmp want got || { echo "differs with '$opts'" >&2; false; }
	done
	# Fed again into mr-reduce sum after mr-shuffle: exact (the combiner).
	{ mr-map words -c text; mr-map words -c text; } | mr-shuffle | mr-reduce sum >twice
	mr-map words text text | mr-shuffle | mr-reduce sum | cmp - twice
}

@test "words -c -z writes NUL-terminated counts; empty input prints nothing" {
	printf 'b a\0a\0' | mr-map words -c -z | od -An -c | tr -s ' ' >got
	printf '%s\n' ' a \t 2 \0 b \t 1 \0' >want
	diff want got
	[ -z "$(printf '' | mr-map words -c)" ]
}

@test "-c does not apply to other mappers" {
	IN='' check_usage mr-map "mr-map: option '-c' does not apply to mapper 'lines'" lines -c
}

@test "fields: field numbers past 64, up to a line's 1000th field, and beyond it an error" {
	awk 'BEGIN { for (i = 1; i <= 1000; i++) printf "%s%d", (i > 1 ? "\t" : ""), i; print "" }' >wide
	check 0 $'1\t1000\t67\t999\n' mr-map -R fields -k 1 -f 1000,67,999 wide
	check 0 $'65\t66\n' mr-map -R fields -k 65 -f 66 wide
	check_err 1 "mr-map: wide:1: no field 1001" mr-map -R fields -f 1001 wide
	check_err 1 "mr-map: wide:1: no field 1000000" mr-map -R fields -k 1000000 wide
	awk 'BEGIN { for (i = 1; i <= 1000; i++) printf "%s%d", (i > 1 ? " " : ""), i; print "" }' >blanks
	check 0 $'1\t1000\n' mr-map -R fields -W -f 1000 blanks
}

# ---- -F FILE: only the keys of interest -------------------------------------

# keys_of FILE: an awk oracle of -F FILE on records of stdin: the records
# whose key (bytes before the first TAB, or the whole line) is a non-empty
# line of FILE.
keys_of() {
	awk -F'\t' 'NR == FNR { if ($0 != "") k[$0]; next } ($1 in k)' "$1" -
}

@test "-F keeps the words listed in FILE, as awk does, with and without -c" {
	gen_text 51 20000 >text
	# Some frequent tokens, some absent ones, an empty line, a CR and a
	# trailing blank that must not match, a duplicate.
	mr-map words -R text | cut -f 1 | sort | uniq -c | sort -k1,1nr -k2 |
		awk 'NR % 7 == 1 && NR < 400 { print $2 }' >keys
	[ "$(wc -l <keys)" -gt 20 ]
	printf '\nno-such-word-here\n%s\r\n%s \n%s\n' \
	    "$(sed -n 2p keys)" "$(sed -n 3p keys)" "$(sed -n 1p keys)" >>keys
	mr-map words -R text | keys_of keys >want
	[ -s want ]
	check_file want mr-map words -R -F keys text
	check_file want mr-map -R --key-file keys words text
	sort_by_key want | mr-reduce sum >counts
	check_file counts mr-map words -R -c -F keys text
}

@test "-F filters the emitted key of fields, lines, grep and identity, as awk does" {
	gen_records 52 5000 >recs
	printf 'a\nab\nzz\n\200\n0\nv7\n' >keys
	keys_of keys <recs >want
	check_file want mr-map identity -F keys recs
	mr-map grep 1 recs | keys_of keys >want
	check_file want mr-map grep -F keys 1 recs
	awk -F'\t' 'NF >= 3' recs >recs3
	mr-map fields -k 2 -f 1 recs3 | keys_of keys >want
	check_file want mr-map fields -k 2 -f 1 -F keys recs3
	mr-map lines recs | keys_of keys >want
	check_file want mr-map lines -F keys recs
	IN=$'x\ty\n' check 0 $'all\ty\n' mr-map fields -K all -f 1 -F <(echo all)
	IN=$'x\ty\n' check 0 '' mr-map fields -K other -f 1 -F <(echo all)
}

@test "-F: whole keys only, an empty FILE keeps nothing, -z and - for stdin" {
	printf 'ab\n' >keys
	IN=$'a b ab abc ab\n' check 0 $'ab\t1\nab\t1\n' mr-map words -F keys
	: >empty
	IN=$'a b\n' check 0 '' mr-map words -F empty
	printf '\n\n' >blank
	IN=$'k\tv\nk\n\tv\n' check 0 '' mr-map identity -F blank
	printf 'a b|c|' | tr '|' '\0' >zkeys
	printf 'a b\tx|c\ty|a\tz|' | tr '|' '\0' >in
	printf 'a b\tx|c\ty|' | tr '|' '\0' >want
	INFILE=in check_file want mr-map identity -z -F zkeys
	printf 'a b c\n' >text
	IN=$'c\n' check 0 $'c\t1\n' mr-map words -F - text
}

@test "-F with a missing file: cannot open, exit 1" {
	check_err 1 "mr-map: cannot open 'nosuch': No such file or directory" \
	    mr-map words -F nosuch
	check_err 1 "mr-map: cannot open 'nosuch': No such file or directory" \
	    mr-map identity --key-file=nosuch
}

@test "-F on 200000 distinct keys, few of them listed: exact, and memory stays small" {
	awk 'BEGIN { for (i = 0; i < 200000; i++) print "w" i, "w" (i % 1000) }' >text
	awk 'BEGIN { for (i = 0; i < 200000; i += 997) print "w" i }' >keys
	mr-map words text | keys_of keys >want
	check_file want mr-map words -F keys text
	# keys not listed are looked up, never added: peak RSS stays small
	/usr/bin/time -f %M -o rss mr-map words -F keys text >/dev/null
	[ "$(cat rss)" -lt 8000 ] || { echo "peak RSS $(cat rss) KiB" >&2; return 1; }
}

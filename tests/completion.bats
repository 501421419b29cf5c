#!/usr/bin/env bats
# completion/mr, the bash completion of every program: the file is sourced
# and its function called with COMP_WORDS, COMP_CWORD, COMP_LINE and
# COMP_POINT as bash sets them, and COMPREPLY compared exactly. The options
# it offers are compared with what each program's --help lists, and
# mr-reduce's operations with its --help, so that an option or an
# operation added to a program and not to the completion fails here.

load helper

setup() {
	source "$BATS_TEST_DIRNAME/../completion/mr"
	COMP_WORDBREAKS=$' \t\n"\'><=;|&(:'
	dir=$BATS_TEST_TMPDIR/files
	mkdir -p "$dir/sub dir" "$dir/subway"
	: > "$dir/data.txt"
	: > "$dir/data.tsv"
	: > "$dir/notes"
}

# complete LINE: COMPREPLY for the cursor at the end of LINE, COMP_WORDS
# split as bash splits them (at blanks, and at runs of = and :, which are
# words of their own); joined by blanks into $got.
complete_line() {
	local line=$1 tok
	local -a w=()
	for tok in $line; do
		while [[ -n $tok ]]; do
			[[ $tok =~ ^([=:]+)(.*)$ || $tok =~ ^([^=:]+)(.*)$ ]]
			w+=("${BASH_REMATCH[1]}")
			tok=${BASH_REMATCH[2]}
		done
	done
	[[ $line == *' ' ]] && w+=("")
	COMP_LINE=$line
	COMP_POINT=${#line}
	COMP_WORDS=("${w[@]}")
	COMP_CWORD=$((${#w[@]} - 1))
	COMPREPLY=()
	_mr
	got="${COMPREPLY[*]}"
}

# check_completion LINE EXPECTED
check_completion() {
	complete_line "$1"
	if [[ $got != "$2" ]]; then
		printf 'line:     %s\nexpected: %s\ngot:      %s\n' "$1" "$2" "$got"
		return 1
	fi
}

# The options that PROG --help lists: the first column of its lines that
# start with blanks and a dash, one option a line, sorted.
help_options() {
	"$1" --help | sed -n 's/^ *\(-.*\)/\1/p' | sed 's/   *.*//' |
		grep -oE '(^|, )--?[[:alnum:]][-[:alnum:]]*' | sed 's/^, //' |
		LC_ALL=C sort -u
}

@test "every program is completed by _mr" {
	local p
	for p in mr-split mr-map mr-par mr-shuffle mr-reduce mr-netd mr-netc mr-slurm; do
		[[ $(complete -p "$p") == "complete -F _mr $p" ]]
	done
}

@test "each program's options are those its --help lists" {
	local p want
	for p in mr-split mr-map mr-par mr-shuffle mr-reduce mr-netd mr-netc mr-slurm; do
		want=$(help_options "$p")
		[[ -n $want ]]
		complete_line "$p -"
		got=$(printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort -u)
		if [[ $got != "$want" ]]; then
			diff <(echo "$want") <(echo "$got") || :
			echo "$p: --help (<) and the completion (>) differ"
			return 1
		fi
	done
}

@test "mr-reduce's operations are those its --help lists" {
	local want
	want=$(mr-reduce --help | awk '
		/^operations/ || /^pair operations/ { ops = 1; next }
		/^options:/ { ops = 0 }
		ops && /^  [a-z]/ {
			if ($1 ~ /\[/) { sub(/\[.*/, "", $1); print $1 }
			else for (i = 1; i <= NF; i++) print $i
		}' | LC_ALL=C sort)
	[[ $(echo "$want" | wc -l) -gt 30 ]]
	complete_line "mr-reduce "
	got=$(printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort)
	diff <(echo "$want") <(echo "$got")
}

@test "mr-map's mappers are those its --help lists" {
	local want
	want=$(mr-map --help | awk '/^mappers:/ { m = 1; next } /^options:/ { m = 0 }
		m && /^  [a-z]/ { print $1 }')
	complete_line "mr-map "
	[[ $got == "$(echo "$want" | tr "\n" " " | sed "s/ $//")" ]]
}

@test "options: short and long, by prefix" {
	check_completion "mr-split --by" "--bytes"
	check_completion "mr-shuffle --" "--merge --output-dir --partitions --buffer-size --temporary-directory --null --help --version"
	check_completion "mr-netc --to" "--token-file"
	check_completion "mr-par --keep" "--keep-order --keep-going"
	check_completion "mr-slurm --w" "--wait"
	check_completion "mr-reduce --n" "--narm --null"
	check_completion "mr-netd --max-r" "--max-results"
}

@test "mr-map: mappers, and the options of the mapper given" {
	check_completion "mr-map " "words fields grep identity lines"
	check_completion "mr-map i" "identity"
	check_completion "mr-map words -" "-c --combine -l --lower -m --min-length -p --punct -F --key-file -R --raw -z --null -h --help --version"
	check_completion "mr-map grep -" "-i --ignore-case -v --invert -F --key-file -R --raw -z --null -h --help --version"
	check_completion "mr-map identity -" "-F --key-file -R --raw -z --null -h --help --version"
	check_completion "mr-map fields -k 1 --" "--delimiter --fields --const-key --key --whitespace --key-file --raw --null --help --version"
	check_completion "mr-map -z fields --w" "--whitespace"
}

@test "mr-map: no completion for a REGEX or an option's value, files after" {
	check_completion "mr-map grep " ""
	check_completion "mr-map grep -i x $dir/data.t" "$dir/data.tsv $dir/data.txt"
	check_completion "mr-map words -m " ""
	check_completion "mr-map words -m 3 $dir/no" "$dir/notes"
	check_completion "mr-map fields -d , $dir/no" "$dir/notes"
}

@test "mr-reduce: operations, perc: and trimmean: arguments, files after --" {
	check_completion "mr-reduce c" "count countunique collapse"
	check_completion "mr-reduce -H sum p" "perc pstdev pvar pskew pkurt pcov ppearson"
	check_completion "mr-reduce perc:" "25 50 75 90 95 99"
	check_completion "mr-reduce mean perc:9" "90 95 99"
	check_completion "mr-reduce trimmean:0.2" "0.2 0.25"
	check_completion "mr-reduce sum:" ""
	check_completion "mr-reduce perc:90:" ""
	check_completion "mr-reduce sum -- $dir/no" "$dir/notes"
	check_completion "mr-reduce sum -- -" ""
	check_completion "mr-reduce --format " ""
}

@test "perc: completes as bash would show it when : does not break words" {
	COMP_WORDBREAKS=$' \t\n"\'><=;|&('
	COMP_LINE="mr-reduce perc:9" COMP_POINT=16
	COMP_WORDS=(mr-reduce perc:9) COMP_CWORD=1
	_mr
	[[ "${COMPREPLY[*]}" == "perc:90 perc:95 perc:99" ]]
}

@test "file names: operands, -T DIR, -o DIR, --failed FILE, -U SOCKET" {
	check_completion "mr-split $dir/da" "$dir/data.tsv $dir/data.txt"
	check_completion "mr-split -n 10 $dir/no" "$dir/notes"
	check_completion "mr-shuffle -T $dir/s" "$dir/sub dir $dir/subway"
	check_completion "mr-shuffle -T $dir/n" ""
	check_completion "mr-shuffle -P 4 -o $dir/sub" "$dir/sub dir $dir/subway"
	check_completion "mr-shuffle --temporary-directory=$dir/subw" "$dir/subway"
	check_completion "mr-par --failed $dir/no" "$dir/notes"
	check_completion "mr-par --joblog=$dir/no" "$dir/notes"
	check_completion "mr-par -T $dir/subw" "$dir/subway"
	check_completion "mr-netd --spool $dir/subw" "$dir/subway"
	check_completion "mr-netd --pidfile=$dir/no" "$dir/notes"
	check_completion "mr-netd -U $dir/no" "$dir/notes"
	check_completion "mr-netd " ""
	check_completion "mr-netc -U $dir/no" "$dir/notes"
	check_completion "mr-slurm -M 2 -R 1 -o $dir/subw" "$dir/subway"
	check_completion "mr-slurm -M 2 $dir/no" "$dir/notes"
}

@test "an option's value is not an operand; -- ends the options" {
	check_completion "mr-split -b " ""
	check_completion "mr-split -Fb " ""
	check_completion "mr-split -bF $dir/no" "$dir/notes"
	check_completion "mr-split -s 1/2 " "$(compgen -f -- "" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')"
	check_completion "mr-split -- $dir/no" "$dir/notes"
}

@test "mr-netc: subcommands, then the FILE of run, submit and put" {
	check_completion "mr-netc " "run submit fetch wait status cancel put run-on"
	check_completion "mr-netc -U /tmp/s r" "run run-on"
	check_completion "mr-netc --port=1 s" "submit status"
	check_completion "mr-netc run spec $dir/no" "$dir/notes"
	check_completion "mr-netc put name $dir/no" "$dir/notes"
	check_completion "mr-netc submit " ""
	check_completion "mr-netc fetch " ""
	check_completion "mr-netc run-on name " ""
	check_completion "mr-netc wait 3 --ti" "--timeout"
}

@test "mr-par: COMMAND, and an mr program's own completion after it" {
	check_completion "mr-par -j 2 mr-red" "mr-reduce"
	check_completion "mr-par -j 2 mr-map wo" "words"
	check_completion "mr-par -k mr-map words -" "-c --combine -l --lower -m --min-length -p --punct -F --key-file -R --raw -z --null -h --help --version"
	check_completion "mr-par mr-reduce perc:" "25 50 75 90 95 99"
	check_completion "mr-par --ssh ssh -S 2/a,b $MR_BIN/mr-map g" "grep"
	check_completion "mr-par cat $dir/no" "$dir/notes"
	check_completion "mr-par --jo" "--jobs --joblog"
	check_completion "mr-par -j" "-j"
}

@test "the installed names: one file and a link per program" {
	local d=$BATS_TEST_TMPDIR/inst p
	make -s -C "$BATS_TEST_DIRNAME/.." B="${MR_BIN:-bin}" DESTDIR="$d" PREFIX=/usr install >/dev/null
	for p in mr-split mr-map mr-par mr-shuffle mr-reduce mr-netd mr-netc mr-slurm; do
		bash -c 'source "$1"; complete -p "$2"' _ \
		    "$d/usr/share/bash-completion/completions/$p" "$p" >/dev/null
	done
	[[ ! -e $d/usr/share/bash-completion/completions/mr ]]
}

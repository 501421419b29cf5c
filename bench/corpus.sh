#!/bin/sh
# Build deterministic text corpora from the King James Bible of Debian's
# bible-kjv-text (read with bible(1) from bible-kjv, verse references
# stripped), repeated in whole copies to at least the named size, then cut
# to a whole line. Usage: corpus.sh DIR [SIZE_MIB...]; default 10 and 200.
# Prints the SHA-256 of each corpus; they are recorded in bench/SHA256SUMS.
set -eu
dir=${1:-bench/corpus}
shift || true
[ $# -gt 0 ] || set -- 10 200
mkdir -p "$dir"
base="$dir/kjv.txt"
[ -s "$base" ] || bible -f Gen1:1-Rev22:21 | sed 's/^[^ ]* //' >"$base"
for mib in "$@"; do
	f="$dir/kjv-${mib}M.txt"
	if [ ! -s "$f" ]; then
		bytes=$((mib * 1024 * 1024))
		n=$(( (bytes + $(wc -c <"$base") - 1) / $(wc -c <"$base") ))
		i=0
		while [ $i -lt "$n" ]; do cat "$base"; i=$((i + 1)); done |
			head -c "$bytes" | sed '$d' >"$f"
	fi
	(cd "$dir" && sha256sum "kjv-${mib}M.txt")
done

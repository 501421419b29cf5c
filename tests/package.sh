#!/bin/sh
# The Debian package end to end: build it from a clean clone of HEAD (what
# is committed, nothing else), lintian (no error, no warning), install it
# with dpkg, run the word count with the installed programs, render a man
# page, load a completion, check the unit is there and not enabled, then
# purge it and check that every file it installed is gone. Needs root and
# the packages of .ci/packages; .ci/run calls it, and so may a developer:
#   sh tests/package.sh
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
pkg=mr-mapreduce
progs="mr-split mr-map mr-par mr-shuffle mr-reduce mr-netd mr-netc mr-slurm"
work=$(mktemp -d)
installed=0
cleanup() {
	if [ "$installed" -eq 1 ]; then
		dpkg --purge "$pkg" >/dev/null 2>&1 || :
	fi
	rm -rf "$work"
}
trap cleanup EXIT
fail() {
	echo "package: $*" >&2
	exit 1
}
step() {
	echo "# package: $*"
}

step "build from a clean clone of $(git rev-parse --short HEAD)"
git clone -q "$top" "$work/src"
if ! (cd "$work/src" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1; then
	tail -n 40 "$work/build.log" >&2
	fail "dpkg-buildpackage failed"
fi
if grep -n 'warning:' "$work/build.log" >&2; then
	fail "the build has warnings"
fi
version=$(cd "$work/src" && dpkg-parsechangelog -S Version)
deb=$work/${pkg}_${version}_$(dpkg --print-architecture).deb
[ -f "$deb" ] || fail "no $deb"

step "lintian"
status=0
lintian --fail-on error,warning "$work"/*.changes >"$work/lintian" 2>&1 || status=$?
grep -v '^running with root privileges' "$work/lintian" >&2 || :
[ "$status" -eq 0 ] || fail "lintian reports errors or warnings"

step "install $(basename "$deb")"
installed=1
dpkg -i "$deb" >/dev/null
dpkg -L "$pkg" >"$work/files"

for p in $progs; do
	[ "$(/usr/bin/"$p" --version)" = "$p $version" ] ||
		fail "/usr/bin/$p --version is not '$p $version'"
done

step "word count with the installed programs"
PATH=/usr/bin:/bin sh "/usr/share/doc/$pkg/examples/wordcount.sh" >"$work/wc.out"
cmp "$work/wc.out" examples/wordcount.expected ||
	fail "the installed wordcount.sh differs from examples/wordcount.expected"
LC_ALL=C /usr/bin/mr-split examples/texto.txt | /usr/bin/mr-par -j2 /usr/bin/mr-map words -c |
	/usr/bin/mr-shuffle | /usr/bin/mr-reduce sum >"$work/sum.out"
LC_ALL=C awk '{ for (i = 1; i <= NF; i++) n[$i]++ }
	END { for (w in n) printf "%s\t%d\n", w, n[w] }' examples/texto.txt |
	LC_ALL=C sort >"$work/sum.want"
cmp "$work/sum.out" "$work/sum.want" ||
	fail "the installed pipeline's word count differs from awk's"

step "man pages and completion"
[ "$(man -w mr-split)" = /usr/share/man/man1/mr-split.1.gz ] ||
	fail "man -w mr-split: $(man -w mr-split 2>&1)"
MANWIDTH=80 man -P cat 7 mr 2>/dev/null | grep -q 'MapReduce' ||
	fail "man 7 mr does not render"
for p in $progs; do
	bash -c '. /usr/share/bash-completion/bash_completion &&
	    __load_completion "$1" && complete -p "$1"' _ "$p" >/dev/null ||
		fail "no completion loads for $p"
done
# shellcheck disable=SC2016
bash -c '. /usr/share/bash-completion/completions/mr-reduce
	COMP_LINE="mr-reduce perc:9" COMP_POINT=16 COMP_WORDS=(mr-reduce perc : 9)
	COMP_CWORD=3 _mr; [ "${COMPREPLY[*]}" = "90 95 99" ]' ||
	fail "mr-reduce's completion does not complete perc:9"

step "mr-netd.service, not enabled"
unit=/lib/systemd/system/mr-netd.service
[ -f "$unit" ] || fail "no $unit"
grep -q '^DynamicUser=yes' "$unit" || fail "$unit: no DynamicUser=yes"
[ ! -e /etc/systemd/system/multi-user.target.wants/mr-netd.service ] ||
	fail "mr-netd.service is enabled"
if command -v systemd-analyze >/dev/null; then
	systemd-analyze verify "$unit" || fail "systemd-analyze verify $unit"
fi

step "purge"
dpkg --purge "$pkg" >/dev/null
installed=0
if dpkg-query -W "$pkg" >/dev/null 2>&1 &&
    [ "$(dpkg-query -W -f '${db:Status-Status}' "$pkg")" != not-installed ]; then
	fail "$pkg is still known to dpkg"
fi
left=0
while IFS= read -r f; do
	case $f in
	/. | /lib | /lib/systemd | /lib/systemd/system | /usr | /usr/bin | \
	    /usr/share | /usr/share/bash-completion | \
	    /usr/share/bash-completion/completions | /usr/share/doc | \
	    /usr/share/man | /usr/share/man/man1 | /usr/share/man/man7)
		continue ;;	# directories of other packages too
	esac
	if [ -e "$f" ] || [ -L "$f" ]; then
		echo "package: left after purge: $f" >&2
		left=1
	fi
done <"$work/files"
[ "$left" -eq 0 ] || fail "files left after purge"
for d in /var/lib/mr-netd /var/lib/private/mr-netd; do
	[ ! -e "$d" ] || fail "a spool is left: $d"
done
step "ok: $(grep -c . "$work/files") paths installed, all removed"

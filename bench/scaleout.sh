#!/bin/bash
# make bench-scaleout: the 200 MiB word count on one machine beside the
# same job over two ssh "hosts" (mr-par -S, an sshd of our own on
# 127.0.0.1) and as Slurm jobs (mr-slurm -M 4 -R 2 on a one-node cluster of
# our own), each result checked equal to the one-machine line first.
# Writes bench/out/scaleout.md. Every host here is this machine: the
# numbers show the cost of the engines, not a speed-up.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C PATH=$PWD/bin:$PATH
# shellcheck source=bench/need.sh
. bench/need.sh
need hyperfine bible
out=bench/out
mkdir -p "$out"
sh bench/corpus.sh bench/corpus 200 >/dev/null
c=$PWD/bench/corpus/kjv-200M.txt
tmp=$(mktemp -d)
# shellcheck source=tests/sshd.bash
. tests/sshd.bash
# shellcheck source=tests/slurm.bash
. tests/slurm.bash
cleanup() {
	sshd_stop
	slurm_stop >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
sshd_start "$tmp/sshd"
slurm_start "$tmp/slurm"
export MR_SSH SLURM_CONF
map=$(command -v mr-map)

one="mr-split $c | mr-par -j2 mr-map words -c | mr-shuffle | mr-reduce sum"
ssh="mr-split $c | mr-par -S 1/node1,1/node2 --ssh '$MR_SSH' $map words -c | mr-shuffle | mr-reduce sum"
cm="$MR_SSH -o ControlMaster=auto -o ControlPath=$tmp/cm-%C -o ControlPersist=60"
sshcm="mr-split $c | mr-par -S 1/node1,1/node2 --ssh '$cm' $map words -c | mr-shuffle | mr-reduce sum"
slurm="rm -rf $tmp/wc && mr-slurm --wait -M 4 -R 2 -m 'mr-map words -c' -r 'mr-reduce sum' -o $tmp/wc $c >/dev/null && mr-shuffle -m $tmp/wc/part-*"

sh -c "$one" >"$tmp/want"
sh -c "$ssh" | cmp - "$tmp/want"
sh -c "$sshcm" | cmp - "$tmp/want"
sh -c "$slurm" | cmp - "$tmp/want"

hyperfine -r 3 --export-markdown "$tmp/table.md" \
	-n "one machine, mr-par -j2" "$one >/dev/null" \
	-n "mr-par -S 1/node1,1/node2 over ssh" "$ssh >/dev/null" \
	-n "the same, ssh ControlMaster" "$sshcm >/dev/null" \
	-n "mr-slurm -M 4 -R 2 --wait" "$slurm >/dev/null"
{
	echo "# Scaling out: the 200 MiB word count"
	echo
	echo "$(nproc) cores, $(uname -m); node1, node2 and the Slurm node are all this machine."
	echo "Every result was checked equal to the one-machine line before timing."
	echo
	cat "$tmp/table.md"
} >"$out/scaleout.md"
cat "$out/scaleout.md"

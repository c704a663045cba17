#!/bin/bash
# refresh_ab.sh - two vmtop builds' CPU per refresh, side by side on the VMs running here (start tests/fakehost
# first): each runs -b --sample-hz 0 in turn for ROUNDS refreshes at -d DELAY, PAIRS times, so the host's noise
# falls on both alike (refresh_cost.sh's one figure per build moves by a tenth between runs); which goes first
# alternates, as the second of a pair measured up to a sixth dearer here whichever it was. Then the medians.
# Prints figures, asserts nothing.
#   usage: bench/refresh_ab.sh VMTOP_A VMTOP_B   (as root; DELAY=2 ROUNDS=10 PAIRS=3 SOURCE=bpf)
set -u
[ $# = 2 ] && [ -x "$1" ] && [ -x "$2" ] || { echo "usage: $0 VMTOP_A VMTOP_B"; exit 2; }
delay=${DELAY:-2} rounds=${ROUNDS:-10} pairs=${PAIRS:-3}
out=$(mktemp)
trap 'rm -f "$out" "$out.frames"' EXIT

. "$(dirname "$0")/per_refresh.sh"
run() { per_refresh "$1" -b --sample-hz 0 --threads-source "${SOURCE:-bpf}" -d "$delay" -n COUNT; }

echo "$(ls -d /proc/[0-9]*/task/* 2>/dev/null | wc -l) tasks; $rounds refreshes at -d $delay, ms of CPU per refresh"
printf '%-12s %8s %8s %7s\n' pair A B B/A
xs= ys=
for i in $(seq "$pairs"); do
	if [ $((i % 2)) = 1 ]; then
		x=$(run "$1") y=$(run "$2") first=A
	else
		y=$(run "$2") x=$(run "$1") first=B
	fi
	xs="$xs $x" ys="$ys $y"
	awk -v i="$i ($first first)" -v x="$x" -v y="$y" \
		'BEGIN {printf "%-12s %8.2f %8.2f %7.2f\n", i, x, y, (x > 0 ? y / x : 0)}'
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{v[NR] = $1} END {printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
mx=$(echo "$xs" | median) my=$(echo "$ys" | median)
awk -v x="$mx" -v y="$my" 'BEGIN {printf "%-12s %8.2f %8.2f %7.2f\n", "median", x, y, (x > 0 ? y / x : 0)}'

#!/bin/bash
# record_cost.sh - what recording costs (-w), in one run on the host simulator's VMs (VMS=150 of 4 vCPUs): the
# recorder's CPU per refresh (`-b -o none -w FILE`) beside its peer, vmtop printing JSON to /dev/null, and beside
# JSON plus -w; the recording's bytes per refresh per VM (zstd) beside the JSON's; from those, the recorder's
# share of one CPU at 10 s intervals and its bytes per VM per day. Perf sampling off (--sample-hz 0), as a
# recorder left running would be run. Prints figures; asserts nothing.
#   usage: bench/record_cost.sh [BUILDDIR]     (as root, with /dev/kvm; VMS=150 ROUNDS=3)
set -u
build=${1:-$(cd "$(dirname "$0")/.." && pwd)}
vmtop=$build/vmtop
n=${VMS:-150} short=2 long=42 delay=0.2
[ "$(id -u)" = 0 ] && [ -e /dev/kvm ] || { echo "needs root and /dev/kvm"; exit 77; }
tmp=$(mktemp -d)
"$build/tests/fakehost" --vms "$n" --vcpus 4 --duty 0 >"$tmp/fake" 2>&1 &
fh=$!
trap 'kill $fh 2>/dev/null; wait $fh 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 600); do grep -q ready "$tmp/fake" && break; sleep 0.1; done
grep -q ready "$tmp/fake" || { cat "$tmp/fake"; exit 1; }
sleep "${SETTLE:-11}"	# past discovery's young window (descriptors rescanned every refresh for 10 s)

cpu_ms() {	# user+system ms of a command (its output to $tmp/out)
	local t
	TIMEFORMAT='%U %S'
	t=$({ time "$@" >"$tmp/out" 2>/dev/null; } 2>&1)
	awk '{printf "%.1f", ($1 + $2) * 1000}' <<<"$t"
}
run() {	# $1: json, rec or both; $2: refreshes. The file is new each time.
	rm -f "$tmp/rec"
	case $1 in
	json) cpu_ms "$vmtop" -b -o json --sample-hz 0 -d $delay -n "$2" ;;
	rec) cpu_ms "$vmtop" -b -o none -w "$tmp/rec" --sample-hz 0 -d $delay -n "$2" ;;
	both) cpu_ms "$vmtop" -b -o json -w "$tmp/rec" --sample-hz 0 -d $delay -n "$2" ;;
	esac
}
vms=$("$vmtop" -b -o json --sample-hz 0 -d 0.1 -n 1 | jq '.vms | length')
echo "record_cost: $vms VMs on this host ($n simulated, 4 vCPUs each), refreshes every $delay s, $short and $long refreshes a run"
for round in $(seq "${ROUNDS:-3}"); do
	declare -A per
	for mode in json rec both; do
		a=$(run $mode $short)
		b=$(run $mode $long)
		per[$mode]=$(awk -v a="$a" -v b="$b" -v n=$((long - short)) 'BEGIN { printf "%.2f", (b - a) / n }')
		if [ $mode = json ]; then
			json_bytes=$(wc -c <"$tmp/out")
		fi
		if [ $mode = rec ]; then
			hdr=$(grep -obUa 'vmtR' "$tmp/rec" | sed -n 2p | cut -d: -f1)
			rec_bytes=$(( $(wc -c <"$tmp/rec") - hdr ))
		fi
	done
	awk -v j="${per[json]}" -v r="${per[rec]}" -v b="${per[both]}" -v jb="$json_bytes" -v rb="$rec_bytes" \
		-v vms="$vms" -v n="$long" -v round="$round" 'BEGIN {
		# the JSON run printed n refreshes; the recording holds n + 1 samples (the first has no refresh)
		jpv = jb / n / vms; rpv = rb / (n + 1) / vms
		printf "round %d: CPU per refresh: recorder %.2f ms, JSON printer (peer) %.2f ms (recorder/peer %.2f), ", round, r, j, r / j
		printf "JSON + -w %.2f ms (-w adds %.2f ms, %.0f%% of the JSON run)\n", b, b - j, (b - j) / j * 100
		printf "round %d: bytes per refresh per VM: recording %.1f (zstd), JSON %.1f (recording/JSON %.3f); ", round, rpv, jpv, rpv / jpv
		printf "at 10 s intervals: recorder %.3f%% of one CPU, %.0f KiB per VM per day\n", r / 10000 * 100, rpv * 8640 / 1024
	}'
done

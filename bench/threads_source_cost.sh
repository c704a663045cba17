#!/bin/bash
# threads_source_cost.sh - vmtop's CPU per refresh with each threads source (bpf: the eBPF task iterator; proc:
# thread_reader.c), in one run, on the host simulator's VMs (N VMs of 4 vCPUs; 150 by default). Perf sampling is
# off (--sample-hz 0) so the figures are the threads part's. proc is forced by hiding the kernel's BTF from vmtop
# (a tmpfs over /sys/kernel/btf in a mount namespace of its own): still root, it does all the other work.
# Prints figures; it asserts nothing.
#   usage: bench/threads_source_cost.sh [BUILDDIR]     (as root, with /dev/kvm; VMS=150 WAKE_MS=0 ROUNDS=3)
set -u
build=${1:-$(cd "$(dirname "$0")/.." && pwd)}
vmtop=$build/vmtop
n=${VMS:-150} short=2 long=22 delay=0.2
[ "$(id -u)" = 0 ] && [ -e /dev/kvm ] || { echo "needs root and /dev/kvm"; exit 77; }
"$build/tests/fakehost" --vms "$n" --vcpus 4 --duty 0 --wake-ms "${WAKE_MS:-0}" >"/tmp/tsc.$$" 2>&1 &
fh=$!
trap 'kill $fh 2>/dev/null; rm -f /tmp/tsc.$$' EXIT
for _ in $(seq 600); do grep -q ready "/tmp/tsc.$$" && break; sleep 0.1; done
grep -q ready "/tmp/tsc.$$" || { cat "/tmp/tsc.$$"; exit 1; }
sleep "${SETTLE:-11}"	# past discovery's young window (descriptors rescanned every refresh for 10 s)

noprivs=(unshare -m --propagation private sh -c 'mount -t tmpfs none /sys/kernel/btf && exec "$@"' sh)
cpu_ms() {	# user+system ms of a command
	local t
	TIMEFORMAT='%U %S'
	t=$({ time "$@" >/dev/null 2>&1; } 2>&1)
	awk '{printf "%.1f", ($1 + $2) * 1000}' <<<"$t"
}
run() {	# $1: bpf or proc, $2: refreshes
	if [ "$1" = bpf ]; then
		cpu_ms "$vmtop" -b -o json --sample-hz 0 -d $delay -n "$2"
	else
		cpu_ms "${noprivs[@]}" "$vmtop" -b -o json --sample-hz 0 -d $delay -n "$2"
	fi
}
src() {
	if [ "$1" = bpf ]; then "$vmtop" -b -o json --sample-hz 0 -n 1 -d 0.1; else
		"${noprivs[@]}" "$vmtop" -b -o json --sample-hz 0 -n 1 -d 0.1; fi | jq -r '"\(.host.sources.threads) \(.host.vms)"'
}
echo "fakehost: $n VMs x 4 vCPUs, vCPUs waking every ${WAKE_MS:-0} ms (0: never); marginal CPU of $((long - short)) refreshes"
printf '%-6s %-6s %-5s %14s %14s\n' round source VMs "ms/refresh" "start ms"
for r in $(seq "${ROUNDS:-3}"); do
	for s in bpf proc; do
		read -r used vms <<<"$(src $s)"
		a=$(run $s $short)
		b=$(run $s $long)
		awk -v r="$r" -v s="$used" -v v="$vms" -v a="$a" -v b="$b" -v n=$((long - short)) \
			'BEGIN {printf "%-6s %-6s %-5s %14.2f %14.1f\n", r, s, v, (b - a) / n, a - 2 * (b - a) / n}'
	done
done

#!/bin/bash
# refresh_cost.sh - vmtop's own CPU time per refresh beside top's, with the host simulator at 10, 100 and 500
# VMs of 4 vCPUs. Prints figures; it asserts nothing.
#   usage: bench/refresh_cost.sh [BUILDDIR]     (as root)
# Without /dev/kvm the simulator runs with --no-kvm: the same processes and `CPU k/KVM` threads, holding memfds
# named like KVM's descriptors instead of KVM's. vmtop then runs with bench/kvm_standin.c preloaded, which shows
# those memfds to it as KVM descriptors, so it follows the VMs (their threads, schedstat and statm, read for
# real): rows marked "stand-in". With STANDIN=0 (or no cc) vmtop scans them and finds no VM: rows marked "scan"
# (the cost of looking, not of following VMs).
# The simulated vCPUs idle by default (DUTY=0): 500 x 4 busy threads would overload a small host and measure the
# scheduler, not the tools. vmtop re-reads a thread's stat only when it ran, so idle vCPUs flatter it: WAKE_MS=200
# makes every vCPU thread run briefly five times a second (every refresh sees each one run) at almost no load. Per-refresh cost is the difference between a long and a short run divided by the
# extra refreshes, so start-up (vmtop's first full /proc scan, top's set-up) is not counted as refresh cost;
# start-up is printed apart.
set -u
build=${1:-$(cd "$(dirname "$0")/.." && pwd)}
vmtop=$build/vmtop
fakehost=$build/tests/fakehost
short=2 long=12 delay=${DELAY:-0.5}
standin=
if [ ! -e /dev/kvm ] && [ "${STANDIN:-1}" != 0 ]; then
	standin=$(mktemp -d)/kvm_standin.so
	cc -shared -fPIC -O2 -o "$standin" "$(dirname "$0")/kvm_standin.c" -ldl || standin=
fi

cpu_seconds() {	# user+system seconds of a command, its output discarded
	local t
	TIMEFORMAT='%U %S'
	t=$({ time "$@" >/dev/null 2>&1; } 2>&1)
	awk '{printf "%.4f", $1 + $2}' <<<"$t"
}

per_refresh() {	# marginal CPU seconds per refresh of a tool run as: $1 = refresh count placeholder
	local a b
	a=$(cpu_seconds "${@//COUNT/$short}")
	b=$(cpu_seconds "${@//COUNT/$long}")
	awk -v a="$a" -v b="$b" -v n=$((long - short)) 'BEGIN {printf "%.2f %.1f", (b - a) / n * 1000, a * 1000}'
}

echo "simulated vCPUs: duty ${DUTY:-0}%, waking every ${WAKE_MS:-0} ms (0: never)"
printf '%-13s %-9s %12s %12s %12s %12s %8s\n' VMs processes "vmtop ms/ref" "top ms/ref" "vmtop start" "top start" ratio
for n in ${VMS:-0 10 100 500}; do
	fh= kind=
	if [ "$n" -gt 0 ]; then
		if [ ! -x "$fakehost" ]; then
			echo "$n VMs: skipped (no $fakehost: run make check first)"
			continue
		fi
		kind=VMs
		for mode in "" --no-kvm; do
			[ -n "$mode" ] && kind=${standin:+stand-in} && kind=${kind:-scan}
			"$fakehost" $mode --vms "$n" --vcpus 4 --duty "${DUTY:-0}" --wake-ms "${WAKE_MS:-0}" >"/tmp/fakehost.$$" 2>&1 &
			fh=$!
			for _ in $(seq 600); do grep -q ready "/tmp/fakehost.$$" && break; kill -0 $fh 2>/dev/null || break; sleep 0.1; done
			grep -q ready "/tmp/fakehost.$$" && break
			wait $fh 2>/dev/null
		done
		# vmtop rescans a process's descriptors every refresh for its first 10 s (a VMM opens /dev/kvm
		# soon after exec); wait that out to measure the steady state of a host whose VMs run.
		grep -q ready "/tmp/fakehost.$$" && sleep "${SETTLE:-11}"
		if ! grep -q ready "/tmp/fakehost.$$"; then
			echo "$n VMs: skipped ($(head -n 1 "/tmp/fakehost.$$"))"
			kill $fh 2>/dev/null
			wait $fh 2>/dev/null
			continue
		fi
	fi
	procs=$(ls -d /proc/[0-9]* | wc -l)
	preload=
	[ "$kind" = stand-in ] && preload=$standin
	read -r v vs < <(per_refresh env ${preload:+LD_PRELOAD=$preload} "$vmtop" -b -o json --sample-hz 0 -d "$delay" -n COUNT)
	read -r t ts < <(per_refresh top -b -d "$delay" -n COUNT)
	ratio=$(awk -v v="$v" -v t="$t" 'BEGIN {if (t > 0) printf "%.2f", v / t; else print "-"}')
	printf '%-13s %-9s %12s %12s %12s %12s %8s\n' "$n${fh:+ $kind}" "$procs" "$v" "$t" "$vs" "$ts" "$ratio"
	if [ -n "$fh" ]; then
		kill $fh 2>/dev/null
		wait $fh 2>/dev/null
	fi
	rm -f "/tmp/fakehost.$$"
done
[ -n "$standin" ] && rm -rf "$(dirname "$standin")"

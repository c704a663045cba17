#!/bin/bash
# sampling_cost.sh - what perf sampling costs inside vmtop: vmtop's own CPU (% of one CPU) at --sample-hz 0, 99
# and 999 with the host simulator's VMs running, and the slow-down of a CPU-bound job while vmtop samples.
# Prints figures; it asserts nothing.
#   usage: bench/sampling_cost.sh [BUILDDIR]     (as root; VMS=500 SECONDS=20 by default)
# Without /dev/kvm the simulator runs with --no-kvm (processes and threads, no KVM fds): marked "scan".
set -u
build=${1:-$(cd "$(dirname "$0")/.." && pwd)}
vmtop=$build/vmtop
fakehost=$build/tests/fakehost
vms=${VMS:-500} secs=${SECONDS_EACH:-20}
out=$(mktemp)
fh=
cleanup() { [ -n "$fh" ] && kill "$fh" 2>/dev/null; wait 2>/dev/null; rm -f "$out"; }
trap cleanup EXIT

kind="no simulator"
if [ -x "$fakehost" ]; then
	for mode in "" --no-kvm; do
		"$fakehost" $mode --vms "$vms" --vcpus 4 --duty 0 >"$out" 2>&1 &
		fh=$!
		for _ in $(seq 600); do grep -q ready "$out" && break; kill -0 "$fh" 2>/dev/null || break; sleep 0.1; done
		if grep -q ready "$out"; then
			sleep "${SETTLE:-11}"	# past vmtop's every-refresh rescan of processes younger than 10 s
			kind="$vms simulated VMs x 4 vCPUs${mode:+ (--no-kvm: scan only, no KVM here)}"
			break
		fi
		wait "$fh" 2>/dev/null
		fh=
	done
fi
echo "host: $(nproc) CPUs, $(ls -d /proc/[0-9]* | wc -l) processes; $kind; vmtop -b -d 1 for ${secs} s each"

cpu_of() {	# user+system seconds of a finished command
	local t
	TIMEFORMAT='%U %S'
	t=$({ time "$@" >/dev/null 2>&1; } 2>&1)
	awk '{printf "%.4f", $1 + $2}' <<<"$t"
}

for hz in 0 99 999; do
	c=$(cpu_of "$vmtop" -b -o json -d 1 -n "$secs" --sample-hz "$hz")
	awk -v c="$c" -v s="$secs" -v hz="$hz" 'BEGIN {printf "vmtop --sample-hz %-4s %7.3f %% of one CPU\n", hz, c / s * 100}'
done

# A fixed CPU-bound job; its CPU time grows by what sampling interrupts charge to it.
job() { awk 'BEGIN { for (i = 0; i < 4e7; i++) x += i % 7; print x }'; }
best() {	# best of 3 CPU times of the job
	local b=999 t
	for _ in 1 2 3; do
		t=$(cpu_of job)
		b=$(awk -v a="$b" -v t="$t" 'BEGIN {print (t < a) ? t : a}')
	done
	echo "$b"
}
off=$(best)
for hz in 99 999; do
	"$vmtop" -b -o json -d 1 -n 100000 --sample-hz "$hz" >/dev/null 2>&1 &
	v=$!
	sleep 2
	on=$(best)
	kill "$v"
	wait "$v" 2>/dev/null
	awk -v a="$off" -v b="$on" -v hz="$hz" \
		'BEGIN {printf "CPU-bound job: %.3f s alone, %.3f s with vmtop at %d Hz (%+.2f%%)\n", a, b, hz, (b / a - 1) * 100}'
done

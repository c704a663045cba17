#!/bin/bash
# mem_cost.sh - the memory source's CPU per refresh at VMS (default 150) simulated VMs of 1 vCPU, each with
# TOUCH_MB (default 8) MiB of written anonymous memory, at vmtop's default delay (2 s) and at 0.5 s, with
# smaps_rollup and numa_maps read as vmtop reads them (src/collect_mem.c: at least 10 s apart, within a share of a
# CPU), with either threads source (eBPF: its counters spare the per-VM files), for JSON (every file of every VM),
# for the TUI (no mappings walked: DETAIL=figures) and for the text table (no VM's files: DETAIL=none). Prints
# figures; asserts nothing.
#   usage: bench/mem_cost.sh [BUILDDIR]     (as root; SECONDS_EACH=120 by default: start-up takes about 45 s)
set -u
build=${1:-$(cd "$(dirname "$0")/.." && pwd)}
n=${VMS:-150}
out=$(mktemp)
mode=
[ -e /dev/kvm ] || mode=--no-kvm	# then the stand-ins are not VMs to vmtop: nothing would be measured
"$build/tests/fakehost" $mode --vms "$n" --vcpus 1 --duty 0 --touch-mb "${TOUCH_MB:-8}" >"$out" 2>&1 &
fh=$!
trap 'kill $fh 2>/dev/null; wait $fh 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 600); do grep -q ready "$out" && break; kill -0 $fh 2>/dev/null || break; sleep 0.1; done
grep -q ready "$out" || { echo "fakehost: $(head -n 1 "$out")"; exit 1; }
for run in "bpf 2 all" "bpf 0.5 all" "proc 2 all" "bpf 2 figures" "proc 2 figures" "bpf 2 none" "proc 2 none"; do
	set -- $run
	THREADS=$1 DETAIL=$3 "$build/bench/mem_cost" "$2" "${SECONDS_EACH:-120}"
done

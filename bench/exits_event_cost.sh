#!/bin/bash
# exits_event_cost.sh - what the exits source costs the vCPU per KVM event: minivmm's pio vCPU (pinned to the last
# CPU, counting its own exits) runs while, on another CPU, vmtop runs with --exits=on (its raw_tp programs attached)
# or --exits=off (everything else the same), or bench/noop_tp holds do-nothing programs on the same tracepoints
# (the peer: what any BPF program costs there, the kernel's dispatch). Each round runs the three in a rotating order;
# the metric is the vCPU thread's CPU time per exit (schedstat run ns / the VMM's own count), robust to preemption,
# and each round's differences to its own "off" are taken, their median over the rounds printed (this host's
# per-exit time drifts by more than the effect between rounds). Δ ns per exit / the events that fire per exit (2
# under kvm_pvm: kvm_pio, kvm_userspace_exit; 4 with VMX/SVM: + kvm_exit, kvm_entry) is the cost per event.
# Then, with kernel.bpf_stats_enabled for one more round (set back after), each program's own ns per run.
# Prints figures; it asserts nothing.   usage: bench/exits_event_cost.sh [BUILDDIR]  (root, /dev/kvm; ROUNDS=9 SECS=2)
set -u
build=${1:-$(cd "$(dirname "$0")/.." && pwd)}
rounds=${ROUNDS:-9} secs=${SECS:-2}
[ "$(id -u)" = 0 ] && [ -e /dev/kvm ] || { echo "needs root and /dev/kvm"; exit 77; }
[ -x "$build/bench/noop_tp" ] || { echo "no $build/bench/noop_tp: make check (or make bench/noop_tp) first"; exit 77; }
last=$(($(nproc) - 1))
tmp=$(mktemp -d)
mini= vm=
trap 'kill $mini $vm 2>/dev/null; rm -rf "$tmp"' EXIT
taskset -c "$last" "$build/tests/minivmm" --report 100 pio >"$tmp/mini" 2>&1 &
mini=$!
for _ in $(seq 100); do grep -q ready "$tmp/mini" && break; sleep 0.1; done
tid=$(grep -lx vcpu0 /proc/$mini/task/*/comm | cut -d/ -f5)
events=2
[ -d /sys/module/kvm_amd ] || [ -d /sys/module/kvm_intel ] && events=4
count() { grep '^io ' "$tmp/mini" | tail -1 | cut -d' ' -f3; }
run_ns() { cut -d' ' -f1 "/proc/$mini/task/$tid/schedstat"; }
echo "minivmm pio vCPU $tid on CPU $last, vmtop or noop_tp on CPU 0, $events events per exit, ${secs} s per mode"
printf '%-6s %-5s %12s %10s\n' round mode "exits/s" "ns/exit"
modes=(off on noop)
for r in $(seq "$rounds"); do
	for k in 0 1 2; do
		mode=${modes[$(((r + k) % 3))]}
		case $mode in
		noop) taskset -c 0 "$build/bench/noop_tp" >"$tmp/noop" 2>&1 & ;;
		*) taskset -c 0 "$build/vmtop" -b -o json -d 1 --sample-hz 0 --exits=$mode >/dev/null 2>&1 & ;;
		esac
		vm=$!
		sleep 1.5	# loaded and attached
		c0=$(count) n0=$(run_ns)
		sleep "$secs"
		c1=$(count) n1=$(run_ns)
		kill $vm; wait $vm 2>/dev/null
		awk -v r="$r" -v m="$mode" -v c=$((c1 - c0)) -v n=$((n1 - n0)) -v s="$secs" \
			'BEGIN {printf "%-6s %-5s %12.0f %10.1f\n", r, m, c / s, n / c}'
	done
done | tee "$tmp/rows"
grep -q '^attached [1-9]' "$tmp/noop" || echo "noop_tp attached nothing: $(cat "$tmp/noop")"
awk -v e=$events '{ v[$1, $2] = $4 }
function median(list,   a, n, i, j, t) { n = split(list, a, " ")
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
END { for (r = 1; (r, "off") in v; r++) { on = on " " v[r, "on"] - v[r, "off"]; noop = noop " " v[r, "noop"] - v[r, "off"]
		vs = vs " " v[r, "on"] - v[r, "noop"]; off = off " " v[r, "off"] }
	printf "median ns/exit with everything off: %.1f\n", median(off)
	printf "median of the rounds\x27 differences to off, ns per exit (per event):\n"
	printf "  vmtop --exits=on  %+8.1f (%+.1f)\n", median(on), median(on) / e
	printf "  noop_tp           %+8.1f (%+.1f)   the kernel\x27s dispatch to any program\n", median(noop), median(noop) / e
	printf "  vmtop - noop_tp   %+8.1f (%+.1f)   vmtop\x27s programs beyond the dispatch\n", median(vs), median(vs) / e }' \
	"$tmp/rows"

# the programs' own run time, which the noise above hides: kernel.bpf_stats_enabled for one more round (set back
# after), then each program's run_time_ns / run_cnt as bpftool shows them
command -v bpftool >/dev/null 2>&1 || { echo "bpftool not found: no per-program run time"; exit 0; }
stats=$(cat /proc/sys/kernel/bpf_stats_enabled)
trap 'echo "$stats" >/proc/sys/kernel/bpf_stats_enabled; kill $mini $vm 2>/dev/null; rm -rf "$tmp"' EXIT
echo 1 >/proc/sys/kernel/bpf_stats_enabled
taskset -c 0 "$build/vmtop" -b -o json -d 1 --sample-hz 0 --exits=on >/dev/null 2>&1 &
vm=$!
sleep $((secs + 1))
bpftool prog show | awk '/ name on_kvm_/ { name = $4; t = c = 0
	for (i = 1; i < NF; i++) { if ($i == "run_time_ns") t = $(i + 1); if ($i == "run_cnt") c = $(i + 1) }
	if (c > 0) printf "%-24s %10d runs %8.1f ns per run\n", name, c, t / c }'

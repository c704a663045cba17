#!/bin/bash
# refresh_cost.sh - vmtop's own cost beside top's, in one run, on the host simulator's VMs (10, 150 and 500 VMs of
# 4 vCPUs): CPU per refresh with each threads source (bpf: the eBPF task iterator, proc: thread_reader.c) beside
# top -b and top -H -b, the time to the first frame (vmtop's interactive view and top's, in a pseudo-terminal, with
# perf sampling on as started by hand) and vmtop's RSS (now and peak: VmRSS/VmHWM). Prints figures; it asserts nothing.
#   usage: bench/refresh_cost.sh [BUILDDIR]     (as root; VMS="10 150 500" DELAY=2 ROUNDS=8 WAKE_MS=200 SETTLE=11)
# Per-refresh cost is the growth of the tool's own sum_exec_runtime (/proc/PID/schedstat, exact ns) over ROUNDS
# intervals, from half-way after its first refresh: start-up is not counted in it (it is what "first frame" shows). vmtop runs with --sample-hz 0 there: what perf sampling
# costs is bench/sampling_cost.sh's. The delay is vmtop's and top's default (2 s, as both run by hand): some of
# vmtop's reads are paced in seconds (memory every 2 s), so a shorter delay would flatter it. Ratios are against top -b measured in the same run, so a loaded host moves
# both; the load average is printed before and after.
# The simulated vCPUs idle (--duty 0), each waking every WAKE_MS ms for ~20 us: every refresh sees each vCPU run
# (vmtop's /proc reader re-reads only threads that ran, so never-running vCPUs would flatter it) at almost no load.
# Without /dev/kvm the simulator runs with --no-kvm and vmtop with bench/kvm_standin.c preloaded, which shows the
# simulator's memfds to it as KVM descriptors (rows marked "stand-in").
set -u
build=${1:-$(cd "$(dirname "$0")/.." && pwd)}
vmtop=$build/vmtop
fakehost=$build/tests/fakehost
rounds=${ROUNDS:-8} delay=${DELAY:-2} wake=${WAKE_MS:-200}
[ "$(id -u)" = 0 ] || { echo "refresh_cost.sh: run it as root (vmtop reads other users' VMs, loads eBPF)"; exit 77; }
[ -x "$fakehost" ] || { echo "refresh_cost.sh: no $fakehost: run make check (or make tests/fakehost) first"; exit 77; }
standin= mode=
if [ ! -e /dev/kvm ]; then
	mode=--no-kvm
	standin=$(mktemp -d)/kvm_standin.so
	cc -shared -fPIC -O2 -o "$standin" "$(dirname "$0")/kvm_standin.c" -ldl || { echo "cannot build the stand-in"; exit 1; }
fi
out=$(mktemp)
fh=
cleanup() {
	[ -n "$fh" ] && kill "$fh" 2>/dev/null && wait "$fh" 2>/dev/null
	rm -f "$out" "$out.frames"
	[ -n "$standin" ] && rm -rf "$(dirname "$standin")"
}
trap cleanup EXIT

. "$(dirname "$0")/per_refresh.sh"

# Wall ms from exec until a frame showing the word PID (vmtop's VM table, top's task table) is on the terminal.
first_frame_ms() {
	python3 - "$@" <<-'EOF'
	import os, pty, select, signal, sys, time
	t0 = time.monotonic()
	pid, fd = pty.fork()
	if pid == 0:
	    os.environ["TERM"] = "xterm"
	    os.environ["LINES"], os.environ["COLUMNS"] = "50", "160"
	    os.execvp(sys.argv[1], sys.argv[1:])
	buf, ms = b"", None
	while time.monotonic() - t0 < 20:
	    r, _, _ = select.select([fd], [], [], 1)
	    if not r:
	        continue
	    try:
	        buf += os.read(fd, 65536)
	    except OSError:
	        break
	    if b"PID" in buf:
	        ms = (time.monotonic() - t0) * 1000
	        break
	os.kill(pid, signal.SIGTERM)
	os.waitpid(pid, 0)
	print("%.0f" % ms if ms is not None else "-")
	EOF
}

rss_mb() {	# "VmRSS/VmHWM" in MiB of a command, 3 s (about 10 refreshes) after its start (it is stopped there)
	local p
	"$@" -d 0.3 -n 1000 >/dev/null 2>&1 &
	p=$!
	sleep 3
	awk '/^VmRSS/ {r = $2} /^VmHWM/ {h = $2} END {printf "%.1f/%.1f", r / 1024, h / 1024}' /proc/$p/status
	kill $p 2>/dev/null
	wait $p 2>/dev/null
}

vm=(env ${standin:+LD_PRELOAD=$standin} "$vmtop")
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs; kernel $(uname -r)"
echo "simulated vCPUs: 4 per VM, idle, each waking every $wake ms${mode:+ (no /dev/kvm: stand-in)}; CPU of $rounds refreshes, -d $delay"
printf '%-5s %6s %7s | %8s %8s %8s %8s | %7s %7s | %9s %9s %9s | %9s %9s\n' VMs procs threads \
	"bpf" "proc" "top -b" "top -H" "bpf/top" "proc/top" "1st bpf" "1st proc" "1st top" "RSS bpf" "RSS proc"
printf '%-5s %6s %7s | %35s | %15s | %29s | %19s\n' "" "" "" "CPU ms per refresh" "ratio to top -b" \
	"first frame, wall ms" "RSS now/peak MiB"
for n in ${VMS:-10 150 500}; do
	"$fakehost" $mode --vms "$n" --vcpus 4 --duty 0 --wake-ms "$wake" >"$out" 2>&1 &
	fh=$!
	for _ in $(seq 1200); do grep -q ready "$out" && break; kill -0 $fh 2>/dev/null || break; sleep 0.1; done
	if ! grep -q ready "$out"; then
		echo "$n VMs: skipped ($(head -n 1 "$out"))"
		kill $fh 2>/dev/null; wait $fh 2>/dev/null; fh=
		continue
	fi
	# the steady state of a host whose VMs run: past discovery's young window (src/vm_discovery.c)
	sleep "${SETTLE:-11}"
	procs=$(ls -d /proc/[0-9]* 2>/dev/null | wc -l)
	threads=$(ls -d /proc/[0-9]*/task/* 2>/dev/null | wc -l)
	b=$(per_refresh "${vm[@]}" -b --sample-hz 0 --threads-source bpf -d "$delay" -n COUNT)
	p=$(per_refresh "${vm[@]}" -b --sample-hz 0 --threads-source proc -d "$delay" -n COUNT)
	t=$(per_refresh top -b -d "$delay" -n COUNT)
	th=$(per_refresh top -H -b -d "$delay" -n COUNT)
	fb=$(first_frame_ms "${vm[@]}" --threads-source bpf)
	fp=$(first_frame_ms "${vm[@]}" --threads-source proc)
	ft=$(first_frame_ms top)
	rb=$(rss_mb "${vm[@]}" -b --threads-source bpf)
	rp=$(rss_mb "${vm[@]}" -b --threads-source proc)
	awk -v n="$n" -v pr="$procs" -v th="$threads" -v b="$b" -v p="$p" -v t="$t" -v h="$th" -v fb="$fb" \
		-v fp="$fp" -v ft="$ft" -v rb="$rb" -v rp="$rp" 'BEGIN {
		rb_ = t > 0 ? sprintf("%.2f", b / t) : "-"; rp_ = t > 0 ? sprintf("%.2f", p / t) : "-"
		printf "%-5s %6s %7s | %8.2f %8.2f %8.2f %8.2f | %7s %7s | %9s %9s %9s | %9s %9s\n",
			n, pr, th, b, p, t, h, rb_, rp_, fb, fp, ft, rb, rp }'
	kill $fh 2>/dev/null; wait $fh 2>/dev/null; fh=
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

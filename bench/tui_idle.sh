#!/bin/sh
# tui_idle.sh - vmtop's own CPU while the interactive view sits idle, as % of one CPU (from /proc/PID/stat).
# Usage: bench/tui_idle.sh [SECONDS] [vmtop options...]   e.g. bench/tui_idle.sh 20 -d 2
# Runs the real UI in a detached tmux pane (a real terminal), waits for the first screen, then reads the
# process's utime+stime before and after SECONDS. Start a host simulator beside it to measure with VMs:
#   tests/fakehost --vms 100 --vcpus 4 --duty 5 &  bench/tui_idle.sh 20 -d 2
set -e
build=${top_builddir:-$(cd "$(dirname "$0")/.." && pwd)}
secs=${1:-20}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- -d 2
command -v tmux >/dev/null || { echo "tui_idle: needs tmux"; exit 77; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/vmtop-idle.XXXXXX")
sock="$dir/tmux.sock"
trap 'tmux -S "$sock" kill-server 2>/dev/null; rm -rf "$dir"' EXIT
vmtop=${VMTOP:-$build/vmtop}
tmux -S "$sock" -f /dev/null new-session -d -x 120 -y 40 "TERM=screen $vmtop $*; sleep 1"
pane=$(tmux -S "$sock" display-message -p '#{pane_pid}')
pid=
for _ in $(seq 50); do
	pid=$(pgrep -P "$pane" | head -n 1)
	[ -n "$pid" ] && tmux -S "$sock" capture-pane -p | grep -q 'Sort: ' && break
	sleep 0.1
done
[ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || { echo "tui_idle: $vmtop did not start"; exit 1; }
sleep 1	# past the first, short interval
# Nanoseconds on CPU from schedstat (finer than stat's 10 ms ticks), else utime+stime ticks.
if [ -r "/proc/$pid/schedstat" ]; then
	oncpu() { awk '{ print $1 }' "/proc/$pid/schedstat"; }
	hz=1000000000
else
	oncpu() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
	hz=$(getconf CLK_TCK)
fi
t0=$(oncpu); w0=$(date +%s.%N)
sleep "$secs"
t1=$(oncpu); w1=$(date +%s.%N)
vms=$(tmux -S "$sock" capture-pane -p | sed -n 's/^VMs: \([0-9]*\),.*/\1/p')
awk -v t="$t0" -v t1="$t1" -v hz="$hz" -v w0="$w0" -v w1="$w1" -v args="$*" -v vms="$vms" 'BEGIN {
	cpu = (t1 - t) / hz; wall = w1 - w0
	printf "vmtop %s, %s VMs on screen: %.3f s CPU in %.1f s = %.3f%% of one CPU\n", args, vms, cpu, wall, 100 * cpu / wall
}'

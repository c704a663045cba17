#!/bin/sh
# selftest.sh - the box itself, run inside it: kvm_amd is a loaded module with an address range, /dev/kvm works,
# a nested qemu -accel kvm guest reaches its workload, a spinning vCPU's guest_time grows, kvm_exit fires.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/rig.sh"
[ -n "${KVMBOX:-}" ] || skip "runs inside the box (tests/kvmbox/kvmbox run ...)"
grep -q '^kvm_amd [0-9]* .* Live 0x[0-9a-f]*[1-9a-f]' /proc/modules ||
	fail "kvm_amd is not a live module with an address: $(grep kvm /proc/modules)"
grep -q '^flags.* svm' /proc/cpuinfo || fail "the box's CPU has no svm flag"
rig_require_kvm
hz=$(getconf CLK_TCK)

rig_start_guest spinner spin 1 32 || fail "nested spin guest did not start"
pid=$(rig_pid spinner)
tid=$(rig_threads "$pid" | awk '$2 == "CPU" && $3 == "0/KVM" {print $1}')
[ -n "$tid" ] || fail "no 'CPU 0/KVM' thread"
gtime() { sed 's/.*) //' "/proc/$pid/task/$tid/stat" | awk '{print $41}'; }
a=$(gtime)
sleep 2
b=$(gtime)
# one box CPU, shared with qemu's other threads and this shell, and short of time when the host is busy: a
# quarter of it is proof enough that guest time is accounted (where it is not, it does not grow at all)
[ $((b - a)) -ge $((hz / 2)) ] || fail "guest_time of the spinning vCPU grew $((b - a)) ticks in 2 s (hz $hz)"
rig_stop spinner

T=/sys/kernel/tracing
[ -d $T/events/kvm/kvm_exit ] || fail "no kvm:kvm_exit tracepoint"
rig_start_guest porter pio 1 32 || fail "nested pio guest did not start"
echo >$T/trace
echo 1 >$T/events/kvm/kvm_exit/enable
sleep 1
echo 0 >$T/events/kvm/kvm_exit/enable
exits=$(grep -c 'kvm_exit:' $T/trace)
echo >$T/trace
[ "$exits" -gt 100 ] || fail "kvm:kvm_exit fired $exits times in 1 s for a pio guest"
echo "box: kvm_amd loaded, guest_time +$((b - a)) ticks in 2 s, $exits kvm_exit/s from a pio guest"
exit 0

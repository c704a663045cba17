# t_rig_guest_tcg.sh - the tiny guest reaches each workload on every vCPU. Booted under TCG so it runs on any
# host (KVM is not the point here): proves the payload's mode switch, TSS I/O bitmap and AP start-up.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/rig.sh"
rig_require_qemu
rig_accel=tcg
RIG_TIMEOUT=20

for mode in spin pio halt; do
	rig_start_guest "tcg-$mode" "$mode" 1 32 || fail "$mode guest did not reach its workload"
	rig_console "tcg-$mode" | grep -qx "vmtop-guest: cpu0 $mode" || fail "$mode: no cpu0 line"
	rig_stop "tcg-$mode"
done

rig_start_guest tcg-smp spin 2 32 || fail "2-vCPU spin guest did not reach its workload"
for cpu in 0 1; do
	rig_console tcg-smp | grep -qx "vmtop-guest: cpu$cpu spin" || fail "-smp 2: no line from cpu$cpu"
done
# qemu answers on QMP and both vCPUs are still there (they did not fault and stop)
rig_qmp tcg-smp '{"execute": "query-cpus-fast"}' | grep -o '"cpu-index": [0-9]*' | sort | tr '\n' ' ' |
	grep -q '"cpu-index": 0 "cpu-index": 1' || fail "query-cpus-fast does not list two vCPUs"
pid=$(rig_pid tcg-smp)
rig_stop tcg-smp
[ ! -d "/proc/$pid" ] || [ "$(sed 's/.*) //' "/proc/$pid/stat" | cut -c1)" = Z ] || fail "guest still runs after rig_stop"

# extra qemu arguments reach qemu (the network tests pass -netdev/-device this way)
rig_start_guest tcg-extra halt 1 32 -rtc base=utc || fail "guest with extra qemu args did not start"
tr '\0' ' ' <"/proc/$(rig_pid tcg-extra)/cmdline" | grep -q -- '-rtc base=utc' || fail "extra qemu args lost"
rig_stop tcg-extra

# a test interrupted mid-way still stops its guests (the rig's INT trap)
sh -c '. "$top_srcdir/tests/rig.sh"; rig_accel=tcg; rig_start_guest tcg-int halt 1 32 || exit 1
	rig_pid tcg-int >"$0"; kill -INT $$; sleep 5' "$TEST_TMP/int.pid"
pid=$(cat "$TEST_TMP/int.pid") || fail "no pid from the interrupted rig"
rig_wait_gone "$pid" || fail "guest outlived an interrupted test"
exit 0

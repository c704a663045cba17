# t_balloon_inflate.sh - a guest with a balloon driver of its own (the tiny guest's balloon mode: legacy
# virtio-pci), inflated to half its RAM and deflated again by the test through QMP `balloon`: once the guest says it
# holds what was asked (its console), vmtop's balloon.actual_kib shows it within two refreshes; the VMM's RSS falls
# by most of what the balloon took (qemu discards the pages the guest gives it), and vmtop shows that too.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/rig.sh"
need jq
rig_require_kvm
command -v python3 >/dev/null 2>&1 || command -v socat >/dev/null 2>&1 || skip "rig_qmp needs python3 or socat"
# the test's own monitor beside the rig's -qmp socket, which vmtop asks (the first on the command line): QMP
# serves one client at a time, and the test's session must not make vmtop's query wait
ctl="$TEST_TMP/ctl.qmp"
rig_start_guest bal balloon 1 64 -device virtio-balloon-pci \
	-chardev "socket,id=testmon,path=$ctl,server=on,wait=off" -mon chardev=testmon,mode=control ||
	fail "the balloon guest did not start"
p=$(rig_pid bal)
# wait_console LINE [N]: until the guest's console has LINE N times (the driver says each count it settles at)
wait_console() {
	wc_until=$(($(date +%s) + 60 * TEST_SLOW))
	until [ "$(rig_console bal | grep -cx "$1")" -ge "${2:-1}" ]; do
		[ "$(date +%s)" -lt "$wc_until" ] || fail "the guest never said '$1': $(rig_console bal | tr '\n' ' ')"
		sleep 0.1
	done
}
wait_console "vmtop-guest: balloon-pages 0"
json=$TEST_TMP/json
"$VMTOP" -b -o json -d 0.5 -n 1000 -p "$p" >"$json" 2>"$TEST_TMP/err" &
top=$!
rig_track $top
# the VM's balloon and RSS in vmtop's last refresh
actual() { tail -n 1 "$json" | jq -r '.vms[0].mem.balloon.actual_kib'; }
rss() { tail -n 1 "$json" | jq -r '.vms[0].mem.rss_kib'; }
# follows KIB: the refreshes vmtop printed after the call until the first that shows actual KIB (waits 20 s at
# most): counted in its output, so a slow shell (TCG) polling it does not add to them
follows() {
	f_from=$(wc -l <"$json") f_until=$(($(date +%s) + 20 * TEST_SLOW))
	until f_n=$(tail -n +"$((f_from + 1))" "$json" | jq -s --argjson k "$1" \
		'map(.vms[0].mem.balloon.actual_kib) | index($k) // empty | . + 1') && [ -n "$f_n" ]; do
		[ "$(date +%s)" -lt "$f_until" ] || fail "vmtop's balloon stayed at $(actual) KiB, not $1: $(cat "$TEST_TMP/err")"
		sleep 0.1
	done
	echo "$f_n"
}
# the balloon as vmtop's last N refreshes saw it, with their time
late() { tail -n "$1" "$json" | jq -c '[.time, .vms[0].mem.balloon]' | tr '\n' ' '; }
n=$(follows 65536) || exit 1
# refreshes until vmtop shows what the guest settled at: the one under way and two more; where QMP answers take
# longer than vmtop's 50 ms (TCG, TEST_SLOW), one more second of its retry (2 refreshes) as well
most=$((TEST_SLOW > 1 ? 5 : 3))
# two refreshes for qemu to have the pages back (they come in as the guest wrote them)
while [ "$(wc -l <"$json")" -lt 3 ]; do sleep 0.1; done
before=$(rss)
[ "$before" -ge $((32 * 1024)) ] || fail "RSS $before KiB: the guest's 32 MiB pool is not resident"

rig_qmp "$ctl" '{"execute": "balloon", "arguments": {"value": 33554432}}' | grep -q '"return"' || fail "QMP balloon refused"
wait_console "vmtop-guest: balloon-pages 8192"
n=$(follows 32768) || exit 1
# what vmtop read after the guest settled: within the refreshes said above
[ "$n" -le "$most" ] || fail "vmtop showed the inflated balloon $n refreshes after the guest settled: $(late "$n")"
sleep 1.2
after=$(rss)
echo "inflated to 32 MiB: actual shown after $n refresh(es); RSS $before KiB -> $after KiB"
[ $((before - after)) -ge $((24 * 1024)) ] || fail "RSS fell by $((before - after)) KiB, not most of the 32 MiB the balloon took"

rig_qmp "$ctl" '{"execute": "balloon", "arguments": {"value": 67108864}}' | grep -q '"return"' || fail "QMP balloon refused"
wait_console "vmtop-guest: balloon-pages 0" 2
n=$(follows 65536) || exit 1
[ "$n" -le "$most" ] || fail "vmtop showed the deflated balloon $n refreshes after the guest settled: $(late "$n")"
echo "deflated: actual shown after $n refresh(es)"
# the tiny guest's driver has no statistics queue: qemu lists each statistic as 2^64-1, vmtop shows none (null)
tail -n 1 "$json" | jq -e '.vms[0].mem.balloon.stats == null' >/dev/null ||
	fail "statistics of a guest that reports none: $(tail -n 1 "$json" | jq -c .vms[0].mem.balloon.stats)"
kill -TERM $top
wait_limit $top 30 || fail "vmtop did not end on SIGTERM"
exit 0

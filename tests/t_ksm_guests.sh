# t_ksm_guests.sh - KSM seen by vmtop on two real guests with the same RAM contents (the suite's tiny guest): with
# KSM off the header says so and neither shows merged pages; the test turns KSM on (run=1, many pages per scan, a
# short sleep) and vmtop shows merged pages for both, as /proc/PID/ksm_merging_pages says, and the host's
# pages_sharing; off again (run=2 unmerges) and they are gone. Every KSM knob touched is put back, also on failure.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/rig.sh"
need jq
rig_require_kvm
ksm=/sys/kernel/mm/ksm
[ -w "$ksm/run" ] || rig_skip "no writable $ksm/run (kernel without KSM, or not root)"
saved_run=$(cat "$ksm/run") saved_scan=$(cat "$ksm/pages_to_scan") saved_sleep=$(cat "$ksm/sleep_millisecs")
touched=
ksm_restore() {
	[ -n "$touched" ] || return 0
	# what this test merged is unmerged (run=2) when KSM was off before it: the host is left as it was found
	if [ "$saved_run" = 0 ]; then
		echo 2 >"$ksm/run"
		for _ in $(seq 100); do [ "$(cat "$ksm/pages_sharing")" = 0 ] && break; sleep 0.1; done
	fi
	echo "$saved_run" >"$ksm/run"
	echo "$saved_scan" >"$ksm/pages_to_scan"
	echo "$saved_sleep" >"$ksm/sleep_millisecs"
	touched=
}
trap 'ksm_restore; rig_cleanup' EXIT

rig_start_guest ksm-a halt 1 64 || fail "guest ksm-a did not start"
rig_start_guest ksm-b halt 1 64 || fail "guest ksm-b did not start"
a=$(rig_pid ksm-a) b=$(rig_pid ksm-b)

# merging_pages of pid in vmtop's last refresh
merged() {
	tail -n 1 "$TEST_TMP/json" | jq -r --argjson p "$1" '.vms[] | select(.pid == $p) | .mem.ksm.merging_pages'
}
snap() {
	limit 60 "$VMTOP" -b -o json -n 1 -d 0.2 -p "$a,$b" >"$TEST_TMP/json" 2>/dev/null || fail "vmtop json: exit $?"
	limit 60 "$VMTOP" -b -n 1 -d 0.2 -p "$a,$b" >"$TEST_TMP/text" 2>/dev/null || fail "vmtop text: exit $?"
}

if [ "$saved_run" = 0 ]; then
	snap
	grep -q '^KSM off' "$TEST_TMP/text" || fail "KSM off, header: $(grep '^KSM' "$TEST_TMP/text")"
	jq -e '.host.ksm.run == 0' "$TEST_TMP/json" >/dev/null || fail "host.ksm.run not 0"
fi

touched=1
echo 20000 >"$ksm/pages_to_scan"
echo 5 >"$ksm/sleep_millisecs"
echo 1 >"$ksm/run"
# a page is merged on the second scan that finds it unchanged: wait for both guests' pages to settle
ok=
for _ in $(seq 60); do
	pa=$(cat "/proc/$a/ksm_merging_pages") pb=$(cat "/proc/$b/ksm_merging_pages")
	if [ "$pa" -gt 0 ] && [ "$pb" -gt 0 ] && [ "$(cat "$ksm/full_scans")" -ge 3 ]; then
		snap
		# vmtop read them between these two readings: when they agree, vmtop must say the same
		if [ "$pa" = "$(cat "/proc/$a/ksm_merging_pages")" ] && [ "$pb" = "$(cat "/proc/$b/ksm_merging_pages")" ]; then
			[ "$(merged "$a")" = "$pa" ] && [ "$(merged "$b")" = "$pb" ] && { ok=1; break; }
		fi
	fi
	sleep 0.5
done
[ -n "$ok" ] || fail "merged pages: /proc says $pa and $pb, vmtop $(merged "$a") and $(merged "$b")"
jq -e '.host.ksm.run == 1 and .host.ksm.pages_sharing > 0 and .host.ksm.full_scans >= 3 and .host.ksm_saved_kib > 0
	and .host.mem_ratio_after_ksm <= .host.mem_ratio' "$TEST_TMP/json" >/dev/null ||
	fail "host KSM: $(jq -c '.host | {ksm, ksm_saved_kib, mem_ratio, mem_ratio_after_ksm}' "$TEST_TMP/json")"
jq -e '[.vms[].mem.ksm | .rmap_items > 0 and (.profit_bytes | type == "number")] | all' "$TEST_TMP/json" >/dev/null ||
	fail "per-VM ksm_stat: $(jq -c '[.vms[].mem.ksm]' "$TEST_TMP/json")"
grep -Eq '^KSM: [0-9.]+[KMG] shared in [0-9.]+[KMG], [0-9]+ full scans$' "$TEST_TMP/text" ||
	fail "KSM on, header: $(grep '^KSM' "$TEST_TMP/text")"
# offered to KSM: qemu marks guest RAM mergeable (mem-merge, on by default), as ksm_stat says where it does (6.6+)
for p in $a $b; do
	want=$(sed -n 's/^ksm_mergeable: //p' "/proc/$p/ksm_stat" 2>/dev/null)
	got=$(tail -n 1 "$TEST_TMP/json" | jq -r --argjson p "$p" '.vms[] | select(.pid == $p) | .mem.ksm.mergeable')
	case $want in yes) [ "$got" = true ] ;; no) [ "$got" = false ] ;; *) [ "$got" = null ] ;; esac ||
		fail "ksm_mergeable: ksm_stat says '$want', vmtop $got"
done
echo "merged: ksm-a $pa pages, ksm-b $pb pages; $(grep '^KSM' "$TEST_TMP/text")"

if [ "$saved_run" = 0 ]; then
	ksm_restore
	snap
	grep -q '^KSM off$' "$TEST_TMP/text" || fail "KSM off again, header: $(grep '^KSM' "$TEST_TMP/text")"
	[ "$(merged "$a")" = 0 ] && [ "$(merged "$b")" = 0 ] || fail "merged after unmerging: $(merged "$a") $(merged "$b")"
fi
echo "PASS: $TEST_NAME"

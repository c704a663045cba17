# t_kvm_vanish.sh - a VM killed while vmtop runs disappears from the next refreshes without an error.
. "$top_srcdir/tests/lib.sh"
need jq
. "$top_srcdir/tests/rig.sh"
rig_require_kvm
rig_start_guest stays halt 1 64 || fail "guest did not start"
rig_start_guest goes spin 1 64 || fail "guest did not start"
# what vmtop says at start on this host anyway (missing permissions, ...), so only new complaints count
timeout 60 "$VMTOP" -b -n 1 -d 0.1 -o json >/dev/null 2>"$TEST_TMP/err.base" || fail "vmtop exit $?"
"$VMTOP" -b -n 8 -d 0.5 -o json >"$TEST_TMP/json" 2>"$TEST_TMP/err" &
top=$!
rig_track $top
# kill it once vmtop has shown it twice (not after a fixed sleep: vmtop's start-up time varies), so that at
# least the last 3 of the 8 refreshes come after
for _ in $(seq 100); do
	[ "$(grep -c '"name":"goes"' "$TEST_TMP/json")" -ge 2 ] && break
	kill -0 $top 2>/dev/null || break
	sleep 0.05
done
[ "$(grep -c '"name":"goes"' "$TEST_TMP/json")" -ge 2 ] ||
	fail "VM not listed in 2 refreshes: $(cut -c1-300 "$TEST_TMP/json") $(cat "$TEST_TMP/err")"
[ "$(wc -l <"$TEST_TMP/json")" -le 4 ] || fail "vmtop ran ahead of the test: $(wc -l <"$TEST_TMP/json") refreshes before the kill"
kill -9 "$(rig_pid goes)"
wait_limit $top 60 || fail "vmtop still running after 60 s: $(cat "$TEST_TMP/err")"
[ "$wait_status" = 0 ] || fail "vmtop exit $wait_status after a VM vanished: $(cat "$TEST_TMP/err")"
grep -v -x -F -f "$TEST_TMP/err.base" "$TEST_TMP/err" >"$TEST_TMP/err.new"
[ ! -s "$TEST_TMP/err.new" ] || fail "vmtop complained: $(cat "$TEST_TMP/err.new")"
head -n 2 "$TEST_TMP/json" | jq -e 'select(.vms | any(.name == "goes"))' >/dev/null || fail "VM never listed"
tail -n 3 "$TEST_TMP/json" | jq -e -s 'all(.vms | all(.name != "goes")) and all(.vms | any(.name == "stays"))' \
	>/dev/null || fail "killed VM still listed, or the other one lost"
exit 0

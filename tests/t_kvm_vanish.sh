# t_kvm_vanish.sh - a VM killed while vmtop runs disappears from the next refreshes without an error.
. "$top_srcdir/tests/lib.sh"
need jq
. "$top_srcdir/tests/rig.sh"
rig_require_kvm
rig_start_guest stays halt 1 64 || fail "guest did not start"
rig_start_guest goes spin 1 64 || fail "guest did not start"
# what vmtop says at start on this host anyway (missing permissions, ...), so only new complaints count
limit 60 "$VMTOP" -b -n 1 -d 0.1 -o json >/dev/null 2>"$TEST_TMP/err.base" || fail "vmtop exit $limit_status"
json=$TEST_TMP/json
"$VMTOP" -b -n 200 -d 0.5 -o json >"$json" 2>"$TEST_TMP/err" &
top=$!
rig_track $top
# wait_lines N: until vmtop has printed N refreshes (deadlines, not counts: a loaded box starts vmtop in seconds)
wait_lines() {
	wl_until=$(($(date +%s) + 60))
	while [ "$(wc -l <"$json")" -lt "$1" ] && [ "$(date +%s)" -lt "$wl_until" ] && kill -0 $top 2>/dev/null; do
		sleep 0.05
	done
	[ "$(wc -l <"$json")" -ge "$1" ] || fail "vmtop printed $(wc -l <"$json") of $1 refreshes in 60 s: $(cat "$TEST_TMP/err")"
}
wait_lines 2
head -n 2 "$json" | jq -e -s 'all(.vms | any(.name == "goes"))' >/dev/null ||
	fail "VM not listed in the first 2 refreshes: $(cut -c1-300 "$json") $(cat "$TEST_TMP/err")"
kill -9 "$(rig_pid goes)"
killed_at=$(wc -l <"$json")
# the refresh under way at the kill may still show it; the ones after that must not, and vmtop must keep going
wait_lines $((killed_at + 5))
kill -0 $top 2>/dev/null || fail "vmtop stopped after a VM vanished: $(cat "$TEST_TMP/err")"
kill -TERM $top
wait_limit $top 60 || fail "vmtop still running 60 s after SIGTERM: $(cat "$TEST_TMP/err")"
[ "$wait_status" = 143 ] || fail "vmtop exit $wait_status on SIGTERM after a VM vanished: $(cat "$TEST_TMP/err")"
grep -v -x -F -f "$TEST_TMP/err.base" "$TEST_TMP/err" >"$TEST_TMP/err.new"
[ ! -s "$TEST_TMP/err.new" ] || fail "vmtop complained: $(cat "$TEST_TMP/err.new")"
tail -n +$((killed_at + 2)) "$json" | jq -e -s 'length >= 4 and all(.vms | all(.name != "goes"))
	and all(.vms | any(.name == "stays"))' >/dev/null ||
	fail "killed VM still listed, or the other one lost, after refresh $((killed_at + 1)): $(tail -n +$((killed_at + 1)) "$json" | jq -c '[.vms[].name]' | tr '\n' ' ')"
exit 0

# t_kvm_vanish.sh - a VM killed while vmtop runs disappears from the next refreshes without an error.
. "$top_srcdir/tests/lib.sh"
need jq
. "$top_srcdir/tests/rig.sh"
rig_require_kvm
rig_start_guest stays halt 1 64 || fail "guest did not start"
rig_start_guest goes spin 1 64 || fail "guest did not start"
"$VMTOP" -b -n 8 -d 0.5 -o json >"$TEST_TMP/json" 2>"$TEST_TMP/err" &
top=$!
sleep 1.6
kill -9 "$(rig_pid goes)"
wait $top || fail "vmtop exit $? after a VM vanished: $(cat "$TEST_TMP/err")"
[ ! -s "$TEST_TMP/err" ] || fail "vmtop complained: $(cat "$TEST_TMP/err")"
head -n 2 "$TEST_TMP/json" | jq -e 'select(.vms | any(.name == "goes"))' >/dev/null || fail "VM never listed"
tail -n 3 "$TEST_TMP/json" | jq -e -s 'all(.vms | all(.name != "goes")) and all(.vms | any(.name == "stays"))' \
	>/dev/null || fail "killed VM still listed, or the other one lost"
exit 0

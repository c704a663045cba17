# t_kvm_filter.sh - -p shows only the VMs asked for; the host summary still counts them all.
. "$top_srcdir/tests/lib.sh"
need jq
. "$top_srcdir/tests/rig.sh"
rig_require_kvm
rig_start_guest one halt 1 64 || fail "guest did not start"
rig_start_guest two halt 1 64 || fail "guest did not start"
pid=$(rig_pid two)
timeout 60 "$VMTOP" -b -n 1 -d 0.5 -o json -p "$pid" >"$TEST_TMP/json" || fail "vmtop exit $?"
jq -e --argjson p "$pid" '(.vms | length == 1) and .vms[0].pid == $p and .vms[0].name == "two" and .host.vms >= 2' \
	"$TEST_TMP/json" >/dev/null || fail "-p $pid: $(jq -c '[.vms[].name], .host.vms' "$TEST_TMP/json")"
timeout 60 "$VMTOP" -b -n 1 -d 0.5 -o csv -p "$pid,$(rig_pid one)" >"$TEST_TMP/csv" || fail "vmtop -o csv exit $?"
# the PID column (3rd; the names here need no quoting) of the rows under the header
[ "$(tail -n +2 "$TEST_TMP/csv" | cut -d, -f3 | sort -n | tr '\n' ' ')" = "$(printf '%s\n' "$pid" "$(rig_pid one)" |
	sort -n | tr '\n' ' ')" ] || fail "-p with two PIDs: $(cat "$TEST_TMP/csv")"
# text rows: "PID NAME ..."; the same pattern must find the guests without -p, or its failing to match proves nothing
row='^ *[0-9]+ (one|two) '
timeout 60 "$VMTOP" -b -n 1 -d 0.5 >"$TEST_TMP/all" || fail "vmtop exit $?"
[ "$(grep -c -E "$row" "$TEST_TMP/all")" -eq 2 ] || fail "text rows of the guests not found: $(cat "$TEST_TMP/all")"
timeout 60 "$VMTOP" -b -n 1 -d 0.5 -p 1 >"$TEST_TMP/none" || fail "vmtop -p 1 exit $?"
grep -q 'PID NAME' "$TEST_TMP/none" || fail "-p 1: no table header: $(cat "$TEST_TMP/none")"
! grep -q -E "$row" "$TEST_TMP/none" || fail "-p 1 still shows guests: $(cat "$TEST_TMP/none")"
exit 0

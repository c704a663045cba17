# t_kvm_filter.sh - -p shows only the VMs asked for; the host summary still counts them all.
. "$top_srcdir/tests/lib.sh"
need jq
. "$top_srcdir/tests/rig.sh"
rig_require_kvm
rig_start_guest one halt 1 64 || fail "guest did not start"
rig_start_guest two halt 1 64 || fail "guest did not start"
pid=$(rig_pid two)
"$VMTOP" -b -n 1 -d 0.5 -o json -p "$pid" >"$TEST_TMP/json" || fail "vmtop exit $?"
jq -e --argjson p "$pid" '(.vms | length == 1) and .vms[0].pid == $p and .vms[0].name == "two" and .host.vms >= 2' \
	"$TEST_TMP/json" >/dev/null || fail "-p $pid: $(jq -c '[.vms[].name], .host.vms' "$TEST_TMP/json")"
"$VMTOP" -b -n 1 -d 0.5 -o csv -p "$pid,$(rig_pid one)" | tail -n +2 | wc -l | grep -qx 2 || fail "-p with two PIDs"
"$VMTOP" -b -n 1 -d 0.5 -p 1 | grep -q -E '^ *[0-9]+ (one|two) ' && fail "-p 1 still shows guests"
exit 0

# t_kvm_ready.sh - READY rises when the host is overcommitted: more busy vCPUs than host CPUs.
. "$top_srcdir/tests/lib.sh"
need jq
. "$top_srcdir/tests/rig.sh"
rig_require_kvm
ncpus=$(nproc)
nguests=$((ncpus + 1))
i=0
while [ $i -lt $nguests ]; do
	rig_start_guest "busy$i" spin 1 64 || fail "guest busy$i did not start"
	i=$((i + 1))
done
"$VMTOP" -b -n 2 -d 1.5 -o json >"$TEST_TMP/json" || fail "vmtop exit $?"
last=$(tail -n 1 "$TEST_TMP/json")
# n+1 spinning vCPUs on n CPUs: together they wait about one CPU's worth; ask for a third of that.
echo "$last" | jq -e '[.vms[] | select(.name | startswith("busy")) | .cpu.ready] | add > 30' >/dev/null ||
	fail "READY does not show overcommit: $(echo "$last" | jq -c '[.vms[] | {name, ready: .cpu.ready}]')"
echo "$last" | jq -e '[.vms[] | select(.name | startswith("busy")) | .vcpu[0].ready] | all(. != null)' >/dev/null ||
	fail "per-vCPU ready missing"
rig_stop_all
# one guest alone on the host: little waiting
rig_start_guest alone spin 1 64 || fail "guest alone did not start"
"$VMTOP" -b -n 2 -d 1 -o json | tail -n 1 | jq -e '.vms[] | select(.name == "alone") | .cpu.ready < 30' \
	>/dev/null || fail "READY high without overcommit"
exit 0

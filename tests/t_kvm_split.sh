# t_kvm_split.sh - the core acceptance: a spin guest and a pio guest (qemu, 1 vCPU each) and a VM of our own
# minimal VMM; vmtop -b -o json lists all by name with their vCPU counts, the spin guest burns about one CPU
# (or waits for one: READY, on a small host busy with other tests), the pio guest shows kernel and VMM user time,
# and every VM's parts add up to its total.
. "$top_srcdir/tests/lib.sh"
need jq
. "$top_srcdir/tests/rig.sh"
rig_require_kvm

rig_start_guest spinner spin 1 64 || fail "spin guest did not start"
rig_start_guest porter pio 1 64 || fail "pio guest did not start"
# halt: it only has to be discovered; a third busy vCPU would leave the spin guest less than a CPU on 2 CPUs
"$top_builddir/tests/minivmm" --vcpus 1 --seconds 60 halt >"$TEST_TMP/minivmm.out" 2>&1 9>&- &
mini=$!
rig_track $mini
for _ in $(seq 50); do grep -q ready "$TEST_TMP/minivmm.out" && break; sleep 0.1; done
grep -q ready "$TEST_TMP/minivmm.out" || fail "minivmm did not start: $(cat "$TEST_TMP/minivmm.out")"

timeout 60 "$VMTOP" -b -n 3 -d 1 -o json >"$TEST_TMP/json" 2>"$TEST_TMP/err" || fail "vmtop exit $?: $(cat "$TEST_TMP/err")"
last=$(tail -n 1 "$TEST_TMP/json")
vm() { echo "$last" | jq -e --arg n "$1" ".vms[] | select(.name == \$n) | $2" >/dev/null; }

vm spinner '.vcpus == 1 and .pid == '"$(rig_pid spinner)" || fail "spin guest not listed with 1 vCPU: $last"
vm porter '.vcpus == 1' || fail "pio guest not listed with 1 vCPU"
echo "$last" | jq -e ".vms[] | select(.pid == $mini) | .vcpus == 1" >/dev/null ||
	fail "minivmm (not qemu) not discovered"
# a spinning vCPU is always runnable: it runs (TOTAL) or waits for a CPU (READY)
vm spinner '.cpu.total >= 40 and .cpu.total <= 115 and .cpu.total + (.cpu.ready // 0) >= 80' ||
	fail "spin guest not busy: $(echo "$last" | jq -c '.vms[] | select(.name=="spinner") | .cpu')"
vm porter '.cpu.kernel > 5 and .cpu.vmm_user > 1' || fail "pio guest lacks kernel/VMM time: $(echo "$last" | jq -c '.vms[] | select(.name=="porter") | .cpu')"
vm spinner '.vcpu[0].index == 0 and .vcpu[0].total >= 40 and .vcpu[0].total + (.vcpu[0].ready // 0) >= 70' ||
	fail "spin guest vCPU row: $(echo "$last" | jq -c '.vms[] | select(.name=="spinner") | .vcpu')"
# the parts add up (each figure is rounded to 0.01); our VMs only: one the host started meanwhile has no rates yet
ours='.vms[] | select(.name == "spinner" or .name == "porter" or .pid == '"$mini"')'
echo "$last" | jq -e "[$ours | .cpu | ((.guest // 0) + .vmm_user + .kernel + .vhost - .total) | fabs < 0.05] |
	length == 3 and all" >/dev/null || fail "parts do not add up to total: $(echo "$last" | jq -c "[$ours | .cpu]")"
# unknown guest time is null with a reason, or known and then it is most of the spin guest's time
if echo "$last" | jq -e '.host.guest_time == "accounted"' >/dev/null; then
	vm spinner '.cpu.guest > 50' || fail "accounted guest time but spin guest shows little"
else
	echo "$last" | jq -e '.host.guest_time_reason | length > 0' >/dev/null || fail "guest unknown without a reason"
fi
exit 0

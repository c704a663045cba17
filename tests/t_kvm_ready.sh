# t_kvm_ready.sh - READY rises when the host is overcommitted: more busy vCPUs than host CPUs. Two spinning guests
# share one host CPU (taskset), so the test costs two guests whatever the host's size.
. "$top_srcdir/tests/lib.sh"
need jq taskset
. "$top_srcdir/tests/rig.sh"
rig_require_kvm
# the second guest boots (emulated under kvm_pvm) on a CPU the first one already keeps busy
RIG_TIMEOUT=${RIG_TIMEOUT:-40}

# the first CPU this test may run on
cpu=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*\([0-9]*\).*/\1/p' /proc/self/status)
[ -n "$cpu" ] || fail "no Cpus_allowed_list in /proc/self/status"
real_qemu=$RIG_QEMU
cat >"$TEST_TMP/qemu-pinned" <<WRAP
#!/bin/sh
exec taskset -c $cpu "$real_qemu" "\$@"
WRAP
chmod +x "$TEST_TMP/qemu-pinned"
RIG_QEMU="$TEST_TMP/qemu-pinned"
for g in busy0 busy1; do
	rig_start_guest "$g" spin 1 64 || fail "guest $g did not start"
done
RIG_QEMU=$real_qemu
timeout 60 "$VMTOP" -b -n 2 -d 1.5 -o json >"$TEST_TMP/json" || fail "vmtop exit $?"
last=$(tail -n 1 "$TEST_TMP/json")
echo "$last" | jq -e '[.vms[] | select(.name | startswith("busy"))] | length == 2' >/dev/null ||
	fail "the two guests are not listed: $(echo "$last" | jq -c '[.vms[].name]')"
# two spinning vCPUs on one CPU: each waits about half the time, together about one CPU; ask for a third of that.
echo "$last" | jq -e '[.vms[] | select(.name | startswith("busy")) | .cpu.ready] | add > 30' >/dev/null ||
	fail "READY does not show overcommit: $(echo "$last" | jq -c '[.vms[] | {name, ready: .cpu.ready}]')"
echo "$last" | jq -e '[.vms[] | select(.name | startswith("busy")) | .vcpu[0].ready] | all(. != null)' >/dev/null ||
	fail "per-vCPU ready missing"
rig_stop_all
# one guest alone, free to run on any CPU: little waiting
rig_start_guest alone spin 1 64 || fail "guest alone did not start"
timeout 60 "$VMTOP" -b -n 2 -d 1 -o json >"$TEST_TMP/json" || fail "vmtop exit $?"
last=$(tail -n 1 "$TEST_TMP/json")
echo "$last" | jq -e '.vms[] | select(.name == "alone") | .cpu.ready != null' >/dev/null ||
	fail "guest alone not listed with its READY: $(echo "$last" | jq -c '[.vms[] | {name, ready: .cpu.ready}]')"
echo "$last" | jq -e '.vms[] | select(.name == "alone") | .cpu.ready < 30' >/dev/null ||
	fail "READY high without overcommit: $(echo "$last" | jq -c '.vms[] | select(.name == "alone") | .cpu')"
exit 0

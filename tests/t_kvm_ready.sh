# t_kvm_ready.sh - READY rises when the host is overcommitted: more busy vCPUs than host CPUs. Two spinning guests
# share one host CPU (taskset), so the test costs two guests whatever the host's size. Then one guest alone: its
# READY is what the scheduler says it waited (schedstat's run_delay, read apart from vmtop over the same seconds),
# little on an idle host and more on a loaded one.
. "$top_srcdir/tests/lib.sh"
need jq taskset
. "$top_srcdir/tests/rig.sh"
rig_require_kvm
# the second guest boots (emulated under kvm_pvm) on a CPU the first one already keeps busy
RIG_TIMEOUT=${RIG_TIMEOUT:-60}

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
pid=$(rig_pid alone)
tid=$(rig_threads "$pid" | awk '$2 == "CPU" && $3 == "0/KVM" {print $1}')
[ -n "$tid" ] || fail "no 'CPU 0/KVM' thread in the guest alone"
waited() { awk '{print int($2 / 1000000)}' "/proc/$pid/task/$tid/schedstat"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
"$VMTOP" -b -n 3 -d 2 -o json >"$TEST_TMP/json" &
vmtop=$!
rig_track $vmtop
# the vCPU's wait from vmtop's first line (the end of its first interval) to its exit (the end of its third)
while [ ! -s "$TEST_TMP/json" ] && kill -0 $vmtop 2>/dev/null; do sleep 0.05; done
w0=$(waited) t0=$(now_ms)
wait_limit $vmtop 120 || fail "vmtop still running after 120 s"
[ "$wait_status" = 0 ] || fail "vmtop exit $wait_status"
w1=$(waited) t1=$(now_ms)
ref=$(((w1 - w0) * 100 / (t1 - t0)))
tail -n 2 "$TEST_TMP/json" | jq -e -s 'all(.[]; .vms[] | select(.name == "alone") | .cpu.ready != null)' >/dev/null ||
	fail "guest alone not listed with its READY: $(tail -n 1 "$TEST_TMP/json" | jq -c '[.vms[] | {name, ready: .cpu.ready}]')"
avg=$(tail -n 2 "$TEST_TMP/json" | jq -s '[.[] | .vms[] | select(.name == "alone") | .cpu.ready] | add / length')
echo "alone: READY $avg% from vmtop, $ref% from its vCPU's schedstat ($((w1 - w0)) ms in $((t1 - t0)) ms)"
# on one CPU (the box) vmtop itself keeps the guest waiting, mostly outside the intervals it measures
[ "$(nproc)" -ge 2 ] || exit 0
jq -n -e --argjson a "$avg" --argjson r "$ref" '($a - $r) | fabs <= 10 + 0.1 * $r' >/dev/null ||
	fail "READY of the guest alone is $avg%, its vCPU waited $ref% of the time"
exit 0

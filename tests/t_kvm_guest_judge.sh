# t_kvm_guest_judge.sh - guest time judged per vCPU and per interval (SKIP without KVM): a qemu spin guest and a
# minivmm spin VM, whose real-mode loop KVM's emulator runs in the host kernel on a backend without VMX/SVM. For
# every vCPU of every interval, "estimated" of the VM is whether any of its vCPUs was; with VMX/SVM nothing is
# estimated; without, the emulated vCPU (no gtime, no guest sample: they agree) is not marked and shows no guest:
# running emulated code is not evidence against the kernel's accounting.
. "$top_srcdir/tests/lib.sh"
need jq
. "$top_srcdir/tests/rig.sh"
rig_require_kvm

rig_start_guest judge-spin spin 1 64 || fail "spin guest did not start"
"$top_builddir/tests/minivmm" --vcpus 1 --seconds 60 spin >"$TEST_TMP/minivmm.out" 2>&1 9>&- &
mini=$!
rig_track $mini
for _ in $(seq 50); do grep -q ready "$TEST_TMP/minivmm.out" && break; sleep 0.1; done
grep -q ready "$TEST_TMP/minivmm.out" || fail "minivmm did not start: $(cat "$TEST_TMP/minivmm.out")"
spin=$(rig_pid judge-spin)
timeout 120 "$VMTOP" -b -n 5 -d 2 -o json -p "$spin,$mini" >"$TEST_TMP/json" 2>"$TEST_TMP/err" ||
	fail "vmtop exit $?: $(cat "$TEST_TMP/err")"
tail -n 4 "$TEST_TMP/json" >"$TEST_TMP/rates"	# the first line has no interval
jq -c '[.host.guest_time, (.vms[] | {pid, estimated, cpu: .cpu.guest, vcpu: [.vcpu[] | {guest, kernel, guest_estimated}]})]' \
	"$TEST_TMP/rates"
jq -e -s 'all(.[].vms[]; .estimated == any(.vcpu[]; .guest_estimated))' "$TEST_TMP/rates" >/dev/null ||
	fail "a VM's estimated is not whether one of its vCPUs was"
# (the host's guest_time counts every VM on the host, other tests' too: not judged here)
if grep -qwE 'vmx|svm' /proc/cpuinfo; then
	jq -e -s 'all(.[].vms[].vcpu[]; .guest_estimated == false)' "$TEST_TMP/rates" >/dev/null ||
		fail "a vCPU estimated where the kernel accounts guest time (VMX/SVM)"
else
	jq -e -s --argjson p "$mini" 'all(.[].vms[] | select(.pid == $p) | .vcpu[];
		.guest_estimated == false and (.guest // 0) <= 2)' "$TEST_TMP/rates" >/dev/null ||
		fail "the emulated vCPU was judged against its accounting: $(jq -c --argjson p "$mini" '.vms[] | select(.pid == $p) | .vcpu' "$TEST_TMP/rates")"
fi
echo "PASS: $TEST_NAME"

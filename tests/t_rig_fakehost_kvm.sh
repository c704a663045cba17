# t_rig_fakehost_kvm.sh - the host simulator with real KVM descriptors (needs KVM, else SKIP): every fake VM holds
# one kvm-vm fd and one kvm-vcpu:k fd per vCPU, with "CPU k/KVM" threads; all are gone after SIGTERM.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/rig.sh"
rig_require_kvm
"$top_builddir/tests/fakehost" --vms 4 --vcpus 2 --duty 10 >"$TEST_TMP/out" 2>"$TEST_TMP/err" 9>&- &
sim=$!
rig_track $sim
for _ in $(seq 100); do grep -q '^ready' "$TEST_TMP/out" && break; sleep 0.1; done
grep -qx "ready 4" "$TEST_TMP/out" || fail "no 'ready 4': $(cat "$TEST_TMP/out" "$TEST_TMP/err")"
kids=$(cat "/proc/$sim/task/$sim/children")
[ "$(echo $kids | wc -w)" -eq 4 ] || fail "expected 4 fake VMs, got: $kids"
for kid in $kids; do
	fds=$(rig_kvm_fds "$kid" | sort | tr '\n' ' ')
	[ "$fds" = "anon_inode:kvm-vcpu:0 anon_inode:kvm-vcpu:1 anon_inode:kvm-vm " ] || fail "fake VM $kid KVM fds: $fds"
	# a thread names itself when it first runs, which can be after "ready": give it a moment
	for _ in $(seq 20); do
		rig_threads "$kid" | cut -d' ' -f2- | grep '^CPU' | sort | tr '\n' ';' | grep -qx 'CPU 0/KVM;CPU 1/KVM;' && break
		sleep 0.1
	done
	rig_threads "$kid" | cut -d' ' -f2- | grep '^CPU' | sort | tr '\n' ';' | grep -qx 'CPU 0/KVM;CPU 1/KVM;' ||
		fail "vCPU thread names: $(rig_threads "$kid" | tr '\n' ';')"
done
kill -TERM $sim
rig_wait_gone $sim $kids || fail "fake VMs still running after SIGTERM"
exit 0

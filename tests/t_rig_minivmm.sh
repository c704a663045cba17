# t_rig_minivmm.sh - the minimal VMM (needs KVM, else SKIP): in each mode it holds a kvm-vm fd and one kvm-vcpu
# fd per vCPU, runs one thread per vCPU named vcpuK, is always runnable in spin mode, and is gone after it is killed.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/rig.sh"
mini="$top_builddir/tests/minivmm"
"$mini" >/dev/null 2>&1
[ $? -eq 2 ] || fail "minivmm without a mode did not exit 2"
"$mini" --vcpus 0 pio >/dev/null 2>&1
[ $? -eq 2 ] || fail "minivmm --vcpus 0 did not exit 2"
rig_require_kvm

for mode in spin pio halt; do
	"$mini" --vcpus 2 --seconds 30 "$mode" >"$TEST_TMP/out" 2>"$TEST_TMP/err" &
	pid=$!
	rig_track $pid
	for _ in $(seq 100); do grep -q ready "$TEST_TMP/out" && break; sleep 0.1; done
	grep -qx ready "$TEST_TMP/out" || fail "$mode: no 'ready': $(cat "$TEST_TMP/err")"
	fds=$(rig_kvm_fds $pid | sort | tr '\n' ' ')
	[ "$fds" = "anon_inode:kvm-vcpu:0 anon_inode:kvm-vcpu:1 anon_inode:kvm-vm " ] || fail "$mode: KVM fds: $fds"
	names=$(rig_threads $pid | cut -d' ' -f2 | grep '^vcpu' | sort | tr '\n' ' ')
	[ "$names" = "vcpu0 vcpu1 " ] || fail "$mode: vCPU thread names: $names"
	if [ "$mode" = spin ]; then
		rig_check_spinning $pid "$(rig_threads $pid | awk '$2 == "vcpu0" {print $1}')"
	fi
	sleep 0.5
	kill -0 $pid 2>/dev/null || fail "$mode: minivmm died: $(cat "$TEST_TMP/err")"
	kill -TERM $pid
	rig_wait_gone $pid || fail "$mode: minivmm still running after SIGTERM"
done
exit 0

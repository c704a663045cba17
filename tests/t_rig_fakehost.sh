# t_rig_fakehost.sh - the host simulator without KVM descriptors (--no-kvm, runs on any host): N processes with
# qemu-like command lines and "CPU k/KVM" threads, all gone after SIGTERM or when the simulator dies. Also: bad
# options exit 2, and without KVM a plain run says why in one line and exits 77.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/rig.sh"
fh="$top_builddir/tests/fakehost"
[ -x "$fh" ] || fail "$fh missing"

for bad in "" "--vms 0 --vcpus 1 --duty 1" "--vms 1 --vcpus 1 --duty 101" "--vms x --vcpus 1 --duty 1" "--bogus"; do
	# shellcheck disable=SC2086
	"$fh" $bad >/dev/null 2>&1
	[ $? -eq 2 ] || fail "'fakehost $bad' did not exit 2"
done
if ! "$top_builddir/tests/minivmm" --probe >/dev/null 2>&1; then
	"$fh" --vms 1 --vcpus 1 --duty 0 >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	[ $? -eq 77 ] || fail "without KVM fakehost did not exit 77"
	[ "$(wc -l <"$TEST_TMP/err")" -eq 1 ] && grep -q KVM "$TEST_TMP/err" || fail "no one-line reason: $(cat "$TEST_TMP/err")"
fi

# start: wait for "ready N", return the simulator's PID in $sim and its children in $kids
start() {
	"$fh" --no-kvm "$@" >"$TEST_TMP/fh.out" 2>"$TEST_TMP/fh.err" &
	sim=$!
	rig_track $sim
	for _ in $(seq 100); do grep -q '^ready' "$TEST_TMP/fh.out" && break; sleep 0.1; done
	grep -qx "ready $2" "$TEST_TMP/fh.out" || fail "no 'ready $2': $(cat "$TEST_TMP/fh.out" "$TEST_TMP/fh.err")"
	kids=$(cat "/proc/$sim/task/$sim/children")
}

start --vms 5 --vcpus 3 --duty 5
[ "$(echo $kids | wc -w)" -eq 5 ] || fail "expected 5 fake VMs, got: $kids"
for kid in $kids; do
	cmd=$(tr '\0' ' ' <"/proc/$kid/cmdline")
	echo "$cmd" | grep -Eq -- '-name guest=fake-[0-4],debug-threads=on' || fail "no qemu-style -name: $cmd"
	rig_threads "$kid" | cut -d' ' -f2- | grep '^CPU' | sort | tr '\n' ';' | grep -qx 'CPU 0/KVM;CPU 1/KVM;CPU 2/KVM;' ||
		fail "vCPU thread names: $(rig_threads "$kid" | tr '\n' ';')"
	[ -z "$(rig_kvm_fds "$kid")" ] || fail "--no-kvm child holds KVM fds"
done
kill -TERM $sim
rig_wait_gone $sim $kids || fail "fake VMs still running after SIGTERM"

# the simulator killed outright: its children follow (PR_SET_PDEATHSIG)
start --vms 3 --vcpus 1 --duty 0
kill -KILL $sim
rig_wait_gone $sim $kids || fail "fake VMs outlived a killed simulator"

# --seconds ends it by itself
start --vms 2 --vcpus 1 --duty 0 --seconds 1
rig_wait_gone $sim $kids || fail "--seconds 1 did not end the simulation"
exit 0

#!/bin/bash
# in_box.sh - runs inside the box: tests of the suite one after another (a tests/*.sh script, a tests/ program, or
# the box's own selftest.sh), each between two lines t_kvmbox.tap reads ("kvmbox-test: begin NAME", "kvmbox-test:
# end NAME STATUS SECONDS"), and what one leaves running stopped before the next: one boot serves them all (a boot
# is half a minute under TCG). Exits with the last test's status (one test: its own). KVMBOX_TEST_TIMEOUT: seconds
# a test (600; TCG runs vmtop and qemu some ten times slower than a host).
cd "$top_builddir" || exit 1
# programs run some ten times slower here than on a host, and share one CPU with the guests they watch
export TEST_SLOW=${TEST_SLOW:-6}
rc=0
for t in "$@"; do
	case $t in
	selftest.sh) cmd=(sh "$top_srcdir/tests/kvmbox/$t") ;;
	*.sh) cmd=(sh "$top_srcdir/tests/$t") ;;
	*) cmd=("$top_builddir/tests/$t") ;;
	esac
	echo "kvmbox-test: begin $t"
	start=$(date +%s)
	timeout -k 5 "${KVMBOX_TEST_TIMEOUT:-600}" "${cmd[@]}" 2>&1
	rc=$?
	# a test that does not end fails; 124 and 125 are kvmbox's own (the box hung or stopped)
	case $rc in
	124) echo "in_box: $t did not end within ${KVMBOX_TEST_TIMEOUT:-600} s"; rc=1 ;;
	125) rc=1 ;;
	esac
	# guests, VMMs and vmtops a test left (killed at its time limit, or a bug) must not weigh on the next
	for p in qemu-system-x86_64 minivmm fakehost vmtop tmux; do
		pkill -KILL -x "$p" 2>/dev/null
	done
	echo "kvmbox-test: end $t $rc $(($(date +%s) - start))"
done
exit "$rc"

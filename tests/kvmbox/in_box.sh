#!/bin/bash
# in_box.sh - runs inside the box: one test of the suite (a tests/*.sh script, a tests/ program, or the box's own
# selftest.sh), its output and exit status passed on. KVMBOX_TEST_TIMEOUT: seconds (600; TCG runs vmtop and qemu
# some ten times slower than a host).
cd "$top_builddir" || exit 1
# programs run some ten times slower here than on a host, and share one CPU with the guests they watch
export TEST_SLOW=${TEST_SLOW:-6}
case $1 in
selftest.sh) cmd=(sh "$top_srcdir/tests/kvmbox/$1") ;;
*.sh) cmd=(sh "$top_srcdir/tests/$1") ;;
*) cmd=("$top_builddir/tests/$1") ;;
esac
timeout -k 5 "${KVMBOX_TEST_TIMEOUT:-600}" "${cmd[@]}" 2>&1
rc=$?
# a test that does not end fails; 124 and 125 are kvmbox's own (the box hung or stopped)
[ $rc != 124 ] || { echo "in_box: $1 did not end within ${KVMBOX_TEST_TIMEOUT:-600} s"; rc=1; }
exit $rc

#!/bin/bash
# in_box.sh - runs inside the box: each test named on the command line in turn, reported as one TAP line each
# (the host's t_kvmbox.tap prints the plan). A test's output follows as TAP comments.
# KVMBOX_TEST_TIMEOUT: seconds per test (600; TCG runs vmtop and qemu some ten times slower than a host).
cd "$top_builddir" || exit 1
# programs run some ten times slower here than on a host, and share one CPU with the guests they watch
export TEST_SLOW=${TEST_SLOW:-6}
n=0
for t in "$@"; do
	n=$((n + 1))
	case $t in
	selftest.sh) cmd=(sh "$top_srcdir/tests/kvmbox/$t") ;;
	*.sh) cmd=(sh "$top_srcdir/tests/$t") ;;
	*) cmd=("$top_builddir/tests/$t") ;;
	esac
	start=$(date +%s)
	timeout -k 5 "${KVMBOX_TEST_TIMEOUT:-600}" "${cmd[@]}" >/tmp/test.out 2>&1
	rc=$?
	took="$(($(date +%s) - start)) s"
	sed 's/^/# /' /tmp/test.out
	case $rc in
	0) echo "ok $n - $t in the box ($took)" ;;
	77) echo "ok $n - $t in the box # SKIP $(sed -n 's/^SKIP: //p' /tmp/test.out | tail -n 1)" ;;
	124) echo "not ok $n - $t in the box: no end within ${KVMBOX_TEST_TIMEOUT:-600} s" ;;
	*) echo "not ok $n - $t in the box: exit $rc ($took)" ;;
	esac
done

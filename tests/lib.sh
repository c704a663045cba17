# lib.sh - what every shell test needs: where vmtop is, and how to fail or skip with a reason.
# Sourced by tests/t_*.sh; automake runs them with top_builddir and top_srcdir set.
: "${top_builddir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
VMTOP="$top_builddir/vmtop"
# How many times slower than a host this one runs programs: the test host in a box (qemu TCG, one CPU) sets it;
# waits for a screen or a process scale by it.
TEST_SLOW=${TEST_SLOW:-1}
TEST_NAME=$(basename "$0" .sh)

fail() {
	echo "FAIL: $TEST_NAME: $*" >&2
	exit 1
}

skip() {
	echo "SKIP: $TEST_NAME: $*"
	exit 77
}

need() {
	for tool in "$@"; do
		command -v "$tool" >/dev/null 2>&1 || skip "needs '$tool' (scripts/setup.sh installs it)"
	done
}

# A scratch directory removed when the test ends.
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/vmtop-test.XXXXXX") || { echo "ERROR: $TEST_NAME: mktemp failed" >&2; exit 99; }
trap 'rm -rf "$TEST_TMP"' EXIT

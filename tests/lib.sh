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

# Whether vmtop's eBPF sources must load here (root, the kernel's BTF, Linux >= 5.8, built with them): a fallback to
# /proc is then a failure, not a skip (the box's 6.1 once refused a program 6.18 took, and every test passed on /proc).
bpf_must_load() {
	[ "$(id -u)" = 0 ] && [ -r /sys/kernel/btf/vmlinux ] && grep -q '^#define HAVE_BPF 1' "$top_builddir/config.h" &&
		[ "$(uname -r | awk -F. '{ print $1 * 100 + $2 }')" -ge 508 ]
}

# A scratch directory removed when the test ends.
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/vmtop-test.XXXXXX") || { echo "ERROR: $TEST_NAME: mktemp failed" >&2; exit 99; }
trap 'rm -rf "$TEST_TMP"' EXIT

# limit SECONDS CMD...: runs CMD with a time limit (SIGTERM, then SIGKILL 5 s later); fails the test with a message
# when it is reached, else returns CMD's status. Not in a pipeline (fail would end only the subshell): use timeout.
limit() {
	limit_s=$1
	shift
	timeout -k 5 "$limit_s" "$@"
	limit_status=$?
	[ "$limit_status" = 124 ] || [ "$limit_status" = 137 ] && fail "still running after $limit_s s: $*"
	return "$limit_status"
}

# wait_limit PID SECONDS: waits for a background child of this shell at most SECONDS; sets wait_status to its exit
# status and returns 0, or kills it (SIGKILL) and returns 1 when it is still running then. Never a bare `wait`.
wait_limit() {
	wl_end=$(( $(date +%s) + $2 ))
	while kill -0 "$1" 2>/dev/null && [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" != Z ]; do
		if [ "$(date +%s)" -ge "$wl_end" ]; then
			kill -KILL "$1" 2>/dev/null
			wait "$1" 2>/dev/null
			wait_status=
			return 1
		fi
		sleep 0.1
	done
	wait "$1"
	wait_status=$?
	return 0
}

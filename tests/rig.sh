# rig.sh - start and stop real qemu guests running the suite's tiny guest (tests/guest); sourced by shell tests.
# POSIX sh (tests run with $(SHELL)). Source tests/lib.sh first if you use it: the rig's files then live under
# its $TEST_TMP. Functions:
#   rig_require_kvm              SKIP (exit 77) with the reason unless qemu and a usable /dev/kvm are there;
#                                prints the host it runs on (rig_host: the box or this machine, and the backend)
#   rig_require_qemu             SKIP unless qemu is there (for -accel tcg self-tests)
#   rig_start_guest NAME MODE [SMP [MEM_MB [QEMU_ARG...]]]
#                                boot guest NAME in MODE (spin|pio|halt), wait until every vCPU reached it
#   rig_pid NAME, rig_stop NAME, rig_stop_all, rig_qmp NAME JSON, rig_console NAME
#   rig_track PID                also kill PID (a minivmm or fakehost the test started) when the rig stops
#   rig_threads PID, rig_kvm_fds PID, rig_task_ticks PID TID, rig_wait_gone PID...   /proc helpers for tests
#   rig_check_spinning PID TID   fails the test unless the thread stays runnable (runs or waits) for 2 s
# Settings: rig_accel (kvm, or tcg when KVM is not the point), RIG_QEMU_ARGS (extra qemu args for every guest),
# RIG_TIMEOUT (seconds to reach the workload, default 60: kvm_pvm emulates the boot, slowly on a busy host).
# Guests are killed on exit, INT and TERM.
# Tests that pass rig_require_kvm run one at a time (they measure CPU time, and `make -j` runs tests in parallel):
# it waits for the lock $RIG_LOCK (default ${TMPDIR:-/tmp}/vmtop-rig.lock, fd 9) at most RIG_LOCK_WAIT s (600).

: "${top_builddir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
rig_accel=${RIG_ACCEL:-kvm}
RIG_QEMU=${QEMU:-$(command -v qemu-system-x86_64 2>/dev/null)}
RIG_GUEST="$top_builddir/tests/guest/guest.elf"
RIG_MINIVMM="$top_builddir/tests/minivmm"
RIG_DIR=$(mktemp -d "${TEST_TMP:-${TMPDIR:-/tmp}}/rig.XXXXXX") || { echo "rig: mktemp failed" >&2; exit 99; }

rig_cleanup() {
	rig_stop_all
	rm -rf "$RIG_DIR"
	[ -z "${TEST_TMP:-}" ] || rm -rf "$TEST_TMP"
}
# This replaces lib.sh's EXIT trap, so rig_cleanup also removes $TEST_TMP.
trap 'rig_cleanup' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

rig_skip() {
	echo "SKIP: $*"
	exit 77
}

rig_require_qemu() {
	[ -n "$RIG_QEMU" ] && [ -x "$RIG_QEMU" ] ||
		rig_skip "qemu-system-x86_64 not found (apt-get install qemu-system-x86)"
	[ -f "$RIG_GUEST" ] || { echo "rig: $RIG_GUEST missing: run make check" >&2; exit 99; }
}

rig_require_kvm() {
	# distcheck's second run of the suite: make check ran the KVM tests already
	[ "${VMTOP_KVM:-on}" != off ] || rig_skip "VMTOP_KVM=off (make check ran the KVM tests)"
	rig_require_qemu
	[ -e /dev/kvm ] || rig_skip "/dev/kvm is missing (no KVM on this host: $(rig_kvm_hint))"
	[ -c /dev/kvm ] || rig_skip "/dev/kvm is not a character device"
	# only now: on a missing path sh's <> would create a file
	( exec 3<>/dev/kvm ) 2>/dev/null || rig_skip "/dev/kvm cannot be opened read-write by $(id -un)"
	[ -x "$RIG_MINIVMM" ] || { echo "rig: $RIG_MINIVMM missing: run make check" >&2; exit 99; }
	_rig_why=$("$RIG_MINIVMM" --probe 2>&1)
	case $? in
	0) ;;
	77) rig_skip "$_rig_why" ;;
	*) echo "rig: minivmm --probe failed: $_rig_why" >&2; exit 99 ;;
	esac
	echo "host: $(rig_host)"
	rig_lock
}

# Which KVM this test runs on: the box (tests/kvmbox) or this machine, and its backend.
rig_host() {
	if [ -d /sys/module/kvm_amd ]; then _rig_b="SVM, kvm_amd"
	elif [ -d /sys/module/kvm_intel ]; then _rig_b="VMX, kvm_intel"
	elif [ -d /sys/module/kvm_pvm ]; then _rig_b="kvm_pvm, no VMX/SVM"
	else _rig_b="backend unknown"
	fi
	if [ -n "${KVMBOX:-}" ]; then
		echo "the test host in a box ($_rig_b, Linux $(uname -r), $(nproc) CPU)"
	else
		echo "this machine ($_rig_b, Linux $(uname -r), $(nproc) CPUs)"
	fi
}

# One KVM test at a time: the lock is held on fd 9 until this shell ends (guests get fd 9 closed). A shell started
# by a test that holds it (RIG_LOCKED in the environment) does not wait for its own parent.
rig_lock() {
	[ -z "${RIG_LOCKED:-}" ] || return 0
	command -v flock >/dev/null 2>&1 || return 0
	_rig_lock=${RIG_LOCK:-${TMPDIR:-/tmp}/vmtop-rig.lock}
	# `command`: a redirection that fails must not end the shell (exec is a special built-in)
	command exec 9>>"$_rig_lock" || { echo "rig: cannot open $_rig_lock; not waiting for other KVM tests" >&2; return 0; }
	flock -w "${RIG_LOCK_WAIT:-600}" 9 || {
		echo "rig: another KVM test held $_rig_lock for ${RIG_LOCK_WAIT:-600} s" >&2
		exit 99
	}
	RIG_LOCKED=1
	export RIG_LOCKED
}

# Why there is no /dev/kvm, from the kernel log when it says (e.g. "kvm-pvm: ... not binding").
rig_kvm_hint() {
	_rig_h=$(dmesg 2>/dev/null | grep -i -m 1 -E 'kvm.*(not binding|disabled|not supported)' | sed 's/^\[[^]]*\] *//')
	echo "${_rig_h:-the kernel offers no KVM: module not loaded, no VMX/SVM, or nested KVM unavailable}"
}

rig_pid() {
	cat "$RIG_DIR/$1.pid" 2>/dev/null
}

rig_console() {
	cat "$RIG_DIR/$1.con" 2>/dev/null
}

# True if PID is still the qemu this rig started as NAME (guards against a recycled PID).
rig_is_ours() {
	[ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF "$RIG_DIR/$2.qmp"
}

# True while PID exists and is not a zombie.
rig_alive() {
	[ -r "/proc/$1/stat" ] || return 1
	! sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | grep -q '^[ZX]'
}

rig_start_guest() {
	_rig_name=$1 _rig_mode=$2 _rig_smp=${3:-1} _rig_mem=${4:-64}
	[ $# -ge 2 ] || { echo "usage: rig_start_guest NAME MODE [SMP [MEM_MB [QEMU_ARG...]]]" >&2; return 2; }
	shift $(($# < 4 ? $# : 4))
	# pio=N: N loop steps in the guest between two exits
	case $_rig_mode in spin | pio | pio=[0-9]* | halt | mmio | tick | balloon) ;; *) echo "rig: unknown guest mode '$_rig_mode'" >&2; return 2 ;; esac
	[ ! -e "$RIG_DIR/$_rig_name.pid" ] || { echo "rig: guest $_rig_name already started" >&2; return 2; }
	rig_require_qemu
	_rig_base="$RIG_DIR/$_rig_name"
	: >"$_rig_base.con"
	# qemu's option syntax escapes a comma as ",,"
	_rig_qname=$(printf '%s' "$_rig_name" | sed 's/,/,,/g')
	# shellcheck disable=SC2086 # RIG_QEMU_ARGS is a word list on purpose
	"$RIG_QEMU" -accel "$rig_accel" -cpu qemu64 -name "guest=$_rig_qname,debug-threads=on" \
		-smp "$_rig_smp" -m "$_rig_mem" -display none -nodefaults -no-reboot \
		-kernel "$RIG_GUEST" -append "$_rig_mode" \
		-qmp "unix:$_rig_base.qmp,server=on,wait=off" -debugcon "file:$_rig_base.con" \
		${RIG_QEMU_ARGS:-} "$@" >"$_rig_base.out" 2>"$_rig_base.err" </dev/null 9>&- &
	echo $! >"$_rig_base.pid"
	_rig_pid=$!
	_rig_deadline=$(($(date +%s) + ${RIG_TIMEOUT:-60}))
	while :; do
		_rig_n=$(grep -c "^vmtop-guest: cpu[0-9]* ${_rig_mode%%=*}\$" "$_rig_base.con" 2>/dev/null)
		[ "${_rig_n:-0}" -lt "$_rig_smp" ] || return 0
		if ! rig_alive "$_rig_pid"; then
			_rig_why="qemu exited early"
		elif grep -q '^vmtop-guest: .* fault$' "$_rig_base.con"; then
			_rig_why="the guest faulted"
		elif [ "$(date +%s)" -ge "$_rig_deadline" ]; then
			_rig_why="${_rig_n:-0} of $_rig_smp vCPUs reached '${_rig_mode%%=*}' within ${RIG_TIMEOUT:-60} s"
		else
			sleep 0.1
			continue
		fi
		{
			echo "rig: guest $_rig_name ($_rig_mode, -smp $_rig_smp, -accel $rig_accel): $_rig_why"
			echo "rig: qemu stderr:"; sed 's/^/  /' "$_rig_base.err"
			echo "rig: guest console:"; sed 's/^/  /' "$_rig_base.con"
		} >&2
		rig_stop "$_rig_name"
		return 1
	done
}

rig_stop() {
	_rig_p=$(rig_pid "$1")
	[ -n "$_rig_p" ] || return 0
	if rig_is_ours "$_rig_p" "$1"; then
		kill -TERM "$_rig_p" 2>/dev/null
		_rig_i=0
		while rig_alive "$_rig_p" && [ $_rig_i -lt 50 ]; do
			sleep 0.1
			_rig_i=$((_rig_i + 1))
		done
		rig_alive "$_rig_p" && kill -KILL "$_rig_p" 2>/dev/null
	fi
	wait "$_rig_p" 2>/dev/null
	rm -f "$RIG_DIR/$1.pid" "$RIG_DIR/$1.qmp"
	return 0
}

# The start time of process PID (field 22 of stat; the comm may hold spaces), empty when it is gone.
rig_start_time() {
	sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $20}'
}

# Remembered with its start time: a PID reused by another process by the time the rig stops is left alone.
rig_track() {
	echo "$1 $(rig_start_time "$1")" >>"$RIG_DIR/tracked"
}

# rig_fakehost_ready PID N [TRIES]: waits (TRIES x 0.1 s, default 100) for the fakehost PID, writing to
# $TEST_TMP/fh.out and fh.err, to say "ready N"; skips the test where it needs KVM, else fails when it is not ready.
rig_fakehost_ready() {
	for _ in $(seq "${3:-100}"); do
		grep -q '^ready' "$TEST_TMP/fh.out" 2>/dev/null && break
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	if ! grep -qx "ready $2" "$TEST_TMP/fh.out"; then
		wait_limit "$1" 5 && [ "$wait_status" = 77 ] && skip "fakehost needs KVM: $(cat "$TEST_TMP/fh.err")"
		fail "fakehost not ready: $(cat "$TEST_TMP/fh.out" "$TEST_TMP/fh.err")"
	fi
}

# rig_minivmm_ready OUT WHAT: waits (10 s) for the minivmm writing its reports to OUT to say "ready"; else fails the
# test with what it wrote to OUT.err.
rig_minivmm_ready() {
	for _ in $(seq 100); do grep -q '^ready' "$1" && return 0; sleep 0.1; done
	fail "$2 not ready: $(cat "$1.err")"
}

# An awk program's head for minivmm's reports (--report: "KIND TIME COUNT" lines) in the file F: at(t) is the count
# at time t, interpolated between reports (-1 outside them).
RIG_MINIVMM_AT='
function at(t,   k) {
	for (k = 2; k <= n; k++)
		if (ts[k] >= t)
			return c[k - 1] + (c[k] - c[k - 1]) * (t - ts[k - 1]) / (ts[k] - ts[k - 1])
	return -1
}
BEGIN { while ((getline line < F) > 0) { split(line, f, " "); n++; ts[n] = f[2]; c[n] = f[3] } }
'

rig_stop_all() {
	if [ -f "$RIG_DIR/tracked" ]; then
		while read -r _rig_p _rig_st; do
			[ -n "$_rig_st" ] && [ "$(rig_start_time "$_rig_p")" = "$_rig_st" ] && kill -KILL "$_rig_p" 2>/dev/null
			wait "$_rig_p" 2>/dev/null
		done <"$RIG_DIR/tracked"
		rm -f "$RIG_DIR/tracked"
	fi
	for _rig_f in "$RIG_DIR"/*.pid; do
		[ -e "$_rig_f" ] || continue
		_rig_f=${_rig_f##*/}
		rig_stop "${_rig_f%.pid}"
	done
}

# Send one QMP command to guest NAME (its -qmp socket, the one vmtop asks), or to the socket at an absolute path
# (another monitor of its own), after the capabilities handshake; print the reply (one JSON line).
# python3 when present (it can skip asynchronous events cleanly), else socat (both are in Debian).
rig_qmp() {
	case $1 in /*) _rig_sock=$1 ;; *) _rig_sock="$RIG_DIR/$1.qmp" ;; esac
	[ -S "$_rig_sock" ] || { echo "rig: no QMP socket for guest $1" >&2; return 1; }
	if command -v python3 >/dev/null 2>&1; then
		python3 - "$_rig_sock" "$2" <<'EOF'
import json, socket, sys
sock = socket.socket(socket.AF_UNIX)
sock.settimeout(10)
sock.connect(sys.argv[1])
stream = sock.makefile("rw")
def reply():
    # skip the greeting and events: a reply has "return" or "error"
    for line in stream:
        msg = json.loads(line)
        if "return" in msg or "error" in msg:
            return line.strip()
    sys.exit("rig: QMP connection closed")
stream.readline()
stream.write('{"execute": "qmp_capabilities"}\n'); stream.flush()
reply()
stream.write(sys.argv[2] + "\n"); stream.flush()
print(reply())
EOF
	elif command -v socat >/dev/null 2>&1; then
		printf '%s\n%s\n' '{"execute": "qmp_capabilities"}' "$2" |
			socat -t 2 - "UNIX-CONNECT:$_rig_sock" | grep -E '"(return|error)"' | tail -n 1
	else
		echo "rig: rig_qmp needs python3 or socat" >&2
		return 1
	fi
}

# One line per thread of PID: "TID COMM".
rig_threads() {
	for _rig_t in /proc/"$1"/task/*; do
		[ -r "$_rig_t/comm" ] && echo "${_rig_t##*/} $(cat "$_rig_t/comm" 2>/dev/null)"
	done
}

# The KVM descriptors PID holds, one target a line (anon_inode:kvm-vm, anon_inode:kvm-vcpu:N).
rig_kvm_fds() {
	for _rig_fd in /proc/"$1"/fd/*; do
		readlink "$_rig_fd" 2>/dev/null
	done | grep '^anon_inode:kvm-'
}

# utime + stime of thread TID of PID, in clock ticks (fields 14 and 15 of stat; the comm may hold spaces).
rig_task_ticks() {
	sed 's/.*) //' "/proc/$1/task/$2/stat" 2>/dev/null | awk '{print $12 + $13}'
}

# A spinning vCPU is runnable all the time, however loaded the host: over 2 s thread TID of PID runs or waits for
# a CPU (schedstat: ns run, ns waited) at least 1.5 s, and really runs 0.1 s. Fails the test otherwise.
rig_check_spinning() {
	read -r _rig_r0 _rig_w0 _ <"/proc/$1/task/$2/schedstat"
	sleep 2
	read -r _rig_r1 _rig_w1 _ <"/proc/$1/task/$2/schedstat"
	_rig_ran=$(((_rig_r1 - _rig_r0) / 1000000)) _rig_waited=$(((_rig_w1 - _rig_w0) / 1000000))
	[ $((_rig_ran + _rig_waited)) -ge 1500 ] && [ "$_rig_ran" -ge 100 ] ||
		fail "spin vCPU ran $_rig_ran ms and waited $_rig_waited ms in 2 s (runnable for 1500 ms expected)"
}

# Wait (at most 5 s) until every PID is gone or a zombie; false if one is still running.
rig_wait_gone() {
	_rig_i=0
	for _rig_p in "$@"; do
		while rig_alive "$_rig_p"; do
			[ $_rig_i -lt 50 ] || return 1
			sleep 0.1
			_rig_i=$((_rig_i + 1))
		done
	done
	return 0
}

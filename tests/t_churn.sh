#!/bin/sh
# t_churn.sh - a churn soak: minivmm VMs start and end (SIGKILL, SIGTERM, their own exit) every ~100 ms for
# CHURN_SECONDS (60 in make check; 1800 by hand: `SANITIZE_TESTS=tests/t_churn.sh CHURN_SECONDS=1800 scripts/sanitize.sh`) while a
# batch vmtop (JSON every 0.2 s) and an interactive one (tmux, drilling in and out of each tab) watch. Both must
# still run at the end and end cleanly on q / SIGTERM, every JSON line must parse with VMs that existed, and the
# descriptors of both stay flat; RSS is printed at start and end (and judged when not built with ASan, whose
# quarantine grows by design). Under scripts/sanitize.sh any sanitizer report fails the run as well.
. "$top_srcdir/tests/lib.sh"
[ -f "$top_srcdir/tests/rig.sh" ] || skip "the KVM test rig (tests/rig.sh) is not there"
. "$top_srcdir/tests/rig.sh"
rig_require_kvm
. "$top_srcdir/tests/tui_lib.sh"
need jq

SECONDS_TOTAL=${CHURN_SECONDS:-60}
MAX_ALIVE=${CHURN_VMS:-6}
MINIVMM="$top_builddir/tests/minivmm"
churn_log=${CHURN_LOG:-$TEST_TMP/churn.log}
: >"$churn_log"

# vmtop's descriptors and RSS (KiB), "FDS RSS"
usage() {
	echo "$(ls "/proc/$1/fd" 2>/dev/null | wc -l) $(awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null)"
}

# VMs on the host now, as the batch vmtop's last complete refresh saw them: other VMs than the churn's (another
# test's, a benchmark's) need their own descriptors, which is not a leak
vms_now() {
	vn=$(tail -n 2 "$TEST_TMP/batch.json" | head -n 1 | jq '.vms | length' 2>/dev/null)
	echo "${vn:-0}"
}

# The churn: keeps up to MAX_ALIVE minivmm processes; every ~100 ms starts one or ends one. Each start takes a mode
# (halt mostly: the host is shared; pio and spin for a short life) and a way to end (killed, terminated, or its own
# --seconds). Runs in the background until $TEST_TMP/stop appears; logs what it did (with PIDs, to match a
# sanitizer report's file name) in CHURN_LOG ($TEST_TMP/churn.log).
churn() {
	i=0
	: >"$TEST_TMP/alive"
	# ends with the test too: a test that failed (or was killed) leaves no churn behind
	while [ ! -e "$TEST_TMP/stop" ] && [ -d "$TEST_TMP" ] && kill -0 $$ 2>/dev/null; do
		i=$((i + 1))
		# a shell's own pseudo-random numbers (dash has no $RANDOM)
		r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
		n=$(wc -l <"$TEST_TMP/alive")
		if [ "$n" -lt "$MAX_ALIVE" ] && [ $((r % 3)) != 0 ]; then
			case $((r % 7)) in 0) mode=pio ;; 1) mode=spin ;; *) mode=halt ;; esac
			vcpus=$((r % 3 + 1))
			case $((r % 5)) in
			0) secs=1 ;;	# ends on its own
			*) secs=120 ;;	# ended by a signal below
			esac
			"$MINIVMM" --vcpus "$vcpus" --seconds "$secs" "$mode" >/dev/null 2>&1 9>&- &
			echo "$! $((r % 2))" >>"$TEST_TMP/alive"
			echo "start $! $mode $vcpus $secs $(date +%T)" >>"$churn_log"
		elif [ "$n" -gt 0 ]; then
			read -r pid how <"$TEST_TMP/alive"
			sed -i 1d "$TEST_TMP/alive"
			if [ "$how" = 0 ]; then
				kill -KILL "$pid" 2>/dev/null && echo "kill $pid $(date +%T)" >>"$churn_log"
			else
				kill -TERM "$pid" 2>/dev/null && echo "term $pid $(date +%T)" >>"$churn_log"
			fi
			wait "$pid" 2>/dev/null
		fi
		sleep 0.1
	done
	while read -r pid how; do kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done <"$TEST_TMP/alive"
}

# not holding the rig's lock (fd 9): only the test does, and only while it runs
churn 9>&- &
churn_pid=$!
rig_track $churn_pid

# Batch: JSON every 0.2 s into a file (a pipe's reader could lag); -n big enough to outlast the soak.
"$VMTOP" -b -o json -d 0.2 -n 100000 >"$TEST_TMP/batch.json" 2>"$TEST_TMP/batch.err" 9>&- &
batch=$!
rig_track $batch

tui_start 160 40
tui_run "$VMTOP -d 0.3"
tui_wait 'Sort:' 10
tui=$(tui_pid)
[ -n "$tui" ] || fail "no interactive vmtop found in the pane"
# the start is measured once both have settled: the batch one past its first refreshes
n=0
while [ "$(wc -l <"$TEST_TMP/batch.json")" -lt 5 ]; do
	n=$((n + 1))
	[ $n -le $((300 * TEST_SLOW)) ] || fail "batch vmtop printed fewer than 5 refreshes in $((30 * TEST_SLOW)) s"
	sleep 0.1
done
sleep 1
start_batch=$(usage $batch)
start_tui=$(usage $tui)
start_vms=$(vms_now)

# The person at the keyboard: drills into the top row, walks the tabs, goes back, re-sorts, filters, unfilters.
end=$(($(date +%s) + SECONDS_TOTAL))
rounds=0
while [ "$(date +%s)" -lt "$end" ]; do
	rounds=$((rounds + 1))
	tui_type Home Enter
	sleep 0.3
	for _ in 1 2 3 4 5; do tui_type Tab; sleep 0.2; done
	tui_type Escape
	sleep 0.2
	case $((rounds % 3)) in 0) tui_type P ;; 1) tui_type N ;; 2) tui_type R ;; esac
	# filtered to the minivmm VMs, into the first, back, and the filter cleared
	tui_type / m i n i Enter
	sleep 0.3
	tui_type Enter
	sleep 0.3
	tui_type Escape Escape
	sleep 0.2
	kill -0 $batch 2>/dev/null || break
	kill -0 "$tui" 2>/dev/null || break
done
touch "$TEST_TMP/stop"
wait_limit $churn_pid 30 || fail "the churn did not stop"

kill -0 $batch 2>/dev/null || { cat "$TEST_TMP/batch.err" >&2; fail "batch vmtop ended during the churn"; }
kill -0 "$tui" 2>/dev/null || { tui_screen >&2; fail "interactive vmtop ended during the churn"; }
end_batch=$(usage $batch)
end_tui=$(usage $tui)
end_vms=$(vms_now)

kill -TERM $batch
wait_limit $batch 10 || fail "batch vmtop did not end within 10 s of SIGTERM"
[ "$wait_status" = 143 ] || [ "$wait_status" = 0 ] || { cat "$TEST_TMP/batch.err" >&2; fail "batch vmtop exited $wait_status on SIGTERM"; }
tui_type q
tui_wait 'VMTOP_EXIT=0' 10

echo "churn: $(grep -c ^start "$churn_log") VMs started, $(grep -c ^kill "$churn_log") killed," \
	"$(grep -c ^term "$churn_log") terminated, the rest ended on their own; $rounds rounds of keys"
echo "batch vmtop: fds, RSS KiB at start $start_batch, at end $end_batch"
echo "interactive vmtop: fds, RSS KiB at start $start_tui, at end $end_tui"

# Every refresh a complete JSON value (the last may be cut by SIGTERM mid-write only if vmtop failed to flush
# what it had: it must not be), and VMs seen in them.
lines=$(wc -l <"$TEST_TMP/batch.json")
# 5 a second asked; one every 2 s is what a busy host (hundreds of other VMs, a loaded CPU) still gets
[ "$lines" -ge $((SECONDS_TOTAL / 2)) ] || fail "only $lines refreshes in $SECONDS_TOTAL s at -d 0.2"
jq -e -s 'length > 0 and all(.[]; has("vms"))' "$TEST_TMP/batch.json" >/dev/null ||
	fail "a refresh of the batch output is not valid JSON with vms (of $lines)"
seen=$(jq -r '.vms[].pid' "$TEST_TMP/batch.json" | sort -u | wc -l)
[ "$seen" -ge 5 ] || fail "only $seen distinct VMs seen during the churn"
echo "batch: $lines refreshes, $seen distinct VMs"

# Descriptors flat: a few of slack for what a refresh has open at the moment it is counted, and up to 4 for each
# VM more on the host at the end than at the start (each VM's stat, status and ksm_stat are kept open).
set -- $start_batch $end_batch $start_tui $end_tui
more=$((end_vms > start_vms ? end_vms - start_vms : 0))
echo "VMs on the host: $start_vms at start, $end_vms at end"
[ "$3" -le $(($1 + 4 + 4 * more)) ] || fail "batch vmtop's descriptors grew from $1 to $3"
[ "$7" -le $(($5 + 4 + 4 * more)) ] || fail "interactive vmtop's descriptors grew from $5 to $7"
if ! nm "$VMTOP" 2>/dev/null | grep -q __asan_init; then
	# RSS flat: allowing the model's arrays to settle at their high-water mark (ASan's quarantine grows by design)
	[ "$4" -le $(($2 * 3 / 2 + 4096 + 64 * more)) ] || fail "batch vmtop's RSS grew from $2 to $4 KiB"
	[ "$8" -le $(($6 * 3 / 2 + 4096 + 64 * more)) ] || fail "interactive vmtop's RSS grew from $6 to $8 KiB"
fi
exit 0

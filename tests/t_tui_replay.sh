#!/bin/sh
# Issue 13's acceptance in the interactive view (SKIP without KVM): a recording of a qemu spin guest and a minivmm
# that exits half way, replayed in tmux. It starts paused on the first record; t steps to the end, where minivmm
# is gone; T steps back to the last record that has it; Enter drills into it; t steps past its exit, back to the
# list with "exited"; g goes to the first record's time; q exits 0.
. "$top_srcdir/tests/lib.sh"
need jq
. "$top_srcdir/tests/rig.sh"
rig_require_kvm
. "$top_srcdir/tests/tui_lib.sh"
T=$TEST_TMP

A="rpl-spin-$$"
rig_start_guest "$A" spin 1 || fail "guest $A did not start"
PA=$(rig_pid "$A")
"$RIG_MINIVMM" --seconds $((3 * TEST_SLOW)) pio >"$T/mini.out" 2>"$T/mini.err" &
M=$!
rig_track $M
for _ in $(seq 100); do grep -q ready "$T/mini.out" && break; sleep 0.1; done
grep -qx ready "$T/mini.out" || fail "minivmm not ready: $(cat "$T/mini.err")"
limit $((120 * TEST_SLOW)) "$VMTOP" -b -o none -n 10 -d "$(awk -v s="$TEST_SLOW" 'BEGIN { print 0.5 * s }')" -w "$T/rec" 2>"$T/err" || fail "recorder exit $?: $(cat "$T/err")"
rig_stop "$A"	# the replay needs no guest: what it shows is the file's

# which records have minivmm (JSON line i is record i + 1; record 1 has it: it was ready before)
limit 60 "$VMTOP" -r "$T/rec" -o json >"$T/replay.json"
jq -c --argjson m $M '[.vms[] | select(.pid == $m)] | length' "$T/replay.json" >"$T/has"
last=$(grep -n '^1$' "$T/has" | tail -n 1 | cut -d: -f1)
last=$((${last:-0} + 1))
[ "$last" -ge 2 ] && [ "$last" -le 10 ] || fail "minivmm should exit half way: last record with it $last of 11"

tui_start 120 30
tui_run "$VMTOP -r $T/rec -p $PA,$M"
tui_wait "^Replay [0-9-]+ [0-9:]+  record 1 of 11 \\(paused\\)" 5
tui_wait "^ *$M +minivmm +1 " 5
tui_wait "^ *$PA +$A +1 " 5
tui_screen | grep -q "vmtop - $(uname -n) " || fail "the title does not name the recording's host"

# to the end: one t per record, minivmm gone there
i=1
while [ $i -lt 11 ]; do
	tui_type t
	i=$((i + 1))
	tui_wait "record $i of 11 \\(paused\\)" 5
done
tui_type t
tui_wait "End of the recording" 5
tui_screen | grep -Eq "^ *$M +minivmm" && fail "minivmm still listed on the last record"
tui_screen | grep -Eq "^ *$PA +$A" || fail "$A not listed on the last record"

# back with T (and Left) to the last record that has it
while [ $i -gt "$last" ]; do
	if [ $((i % 2)) = 0 ]; then tui_type T; else tui_type Left; fi
	i=$((i - 1))
	tui_wait "record $i of 11 \\(paused\\)" 5
done
tui_wait "^ *$M +minivmm +1 " 5

# drill into it: its vCPU thread, with rates (the record before is in the file too)
tui_type / m i n i v m m Enter Enter
tui_wait "^VM $M minivmm " 5
tui_wait '^vcpu +0 +[0-9]+ +[0-9.]+ ' 5
tui_wait "record $last of 11" 5

# forward past its exit: back to the list, saying so, on the next record
tui_type Right
tui_wait "VM $M \\(minivmm\\) exited" 5
tui_wait 'PID NAME' 5
tui_wait "record $((last + 1)) of 11" 5
tui_screen | grep -Eq "^ *$M +minivmm" && fail "minivmm listed after its exit"

# g: the first record's time, as the header showed it
limit 60 "$VMTOP" -r "$T/rec" -o json -n 1 >"$T/first.json"
first=$(jq -r '.time' "$T/first.json")
tui_type Escape
tui_type g
tui_wait "Go to" 5
tui_type "$(date -d "@$first" '+%Y-%m-%d %H:%M:%S')" Enter
tui_wait "record [12] of 11" 5
tui_wait "^ *$M +minivmm +1 " 5

tui_type q
[ "$(tui_exit_status)" = 0 ] || fail "q did not exit 0"
tui_shell_usable
echo "PASS: $TEST_NAME (minivmm's last record $last of 11)"

#!/bin/sh
# The terminal is given back in every way vmtop can end: q, -n COUNT, Ctrl-C, SIGTERM, SIGHUP, a crash; it works with
# TERM=screen, tmux-256color and xterm, with NO_COLOR (no colour codes at all), and refuses a non-terminal or an
# unknown TERM with one line, not a crash.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui_lib.sh"

tui_start 80 24

# -n 2 ends by itself, with status 0.
tui_run "$VMTOP -d 0.3 -n 2"
[ "$(tui_exit_status 6)" = 0 ] || fail "-n 2 did not exit 0 by itself"
tui_shell_usable

# Ctrl-C (SIGINT through the terminal), SIGTERM, SIGHUP and crashes: terminal restored, status 128+signal.
for sig in INT TERM HUP SEGV ABRT; do
	tui_type clear Enter
	tui_run "$VMTOP -d 0.5"
	tui_wait 'Sort: TOTAL%'
	case $sig in
	INT) tui_type C-c; want=130 ;;
	TERM) kill -TERM "$(tui_pid)"; want=143 ;;
	HUP) kill -HUP "$(tui_pid)"; want=129 ;;
	# A crash: the terminal still comes back (the shell reports the signal as 128+n).
	SEGV) kill -SEGV "$(tui_pid)"; want=139 ;;
	ABRT) kill -ABRT "$(tui_pid)"; want=134 ;;
	esac
	got=$(tui_exit_status)
	[ "$got" = "$want" ] || fail "SIG$sig: exit status $got, expected $want"
	tui_shell_usable
done

# A stopped terminal (^S: the view's writes block once the terminal's queue is full): SIGTERM still ends it within a
# second, and after ^Q the terminal is back as it was.
case $(uname -m) in x86_64) write_nr=1 ;; aarch64) write_nr=64 ;; *) write_nr= ;; esac
if [ -n "$write_nr" ]; then
	tui_type clear Enter
	tui_run "$VMTOP -d 0.05"
	tui_wait 'Sort: TOTAL%'
	pid=$(tui_pid)
	tui_type C-s
	end=$(( $(date +%s) + 15 ))
	until [ "$(cut -d' ' -f1 "/proc/$pid/syscall" 2>/dev/null)" = "$write_nr" ] &&
		[ "$(cut -d' ' -f3 "/proc/$pid/stat")" = S ]; do
		[ "$(date +%s)" -le "$end" ] || { tui_type C-q; fail "vmtop -d 0.05 never blocked on a stopped terminal"; }
		sleep 0.1
	done
	sleep 0.3
	kill -TERM "$pid"
	end=$(( $(date +%s) + 2 ))
	while [ -d "/proc/$pid" ] && [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" != Z ]; do
		[ "$(date +%s)" -le "$end" ] || { tui_type C-q; fail "SIGTERM with the terminal stopped: still running 2 s later"; }
		sleep 0.1
	done
	tui_type C-q
	got=$(tui_exit_status)
	[ "$got" = 143 ] || fail "SIGTERM with the terminal stopped: exit status $got, expected 143"
	tui_shell_usable
fi

# Terminal types an admin meets over SSH.
for term in screen tmux-256color xterm xterm-256color; do
	if ! infocmp "$term" >/dev/null 2>&1; then
		echo "note: no terminfo for $term here; not tried"
		continue
	fi
	tui_type clear Enter
	tui_run "TERM=$term $VMTOP -d 0.5"
	tui_wait 'Sort: TOTAL%'
	tui_check_frame 80 24
	tui_type q
	[ "$(tui_exit_status)" = 0 ] || fail "TERM=$term: q did not exit 0"
	tui_shell_usable
done

# Colours by default on a colour terminal; none at all with NO_COLOR (attributes only).
colour_codes() {
	tm capture-pane -e -p -t t | grep -cE $(printf '\033')'\[([0-9;]*;)?(3[0-7]|4[0-7]|38;5;[0-9]+|48;5;[0-9]+)(;[0-9;]*)?m'
}
tui_type clear Enter
tui_run "TERM=screen-256color $VMTOP -d 0.5"
tui_wait 'Sort: TOTAL%'
[ "$(colour_codes)" -gt 0 ] || fail "no colours on a colour terminal"
tui_type q
tui_exit_status >/dev/null
for how in "NO_COLOR=1 TERM=screen-256color" "TERM=vt100"; do
	tui_type clear Enter
	tui_run "$how $VMTOP -d 0.5"
	tui_wait 'Sort: TOTAL%'
	[ "$(colour_codes)" = 0 ] || { tm capture-pane -e -p -t t | cat -v >&2; fail "$how: colour codes on screen"; }
	tm capture-pane -e -p -t t | grep -q "$(printf '\033')\[[0-9;]*7m" || fail "$how: no reverse video for titles/selection"
	tui_type q
	[ "$(tui_exit_status)" = 0 ] || fail "$how: q did not exit 0"
done

# Not a terminal, or a terminal type nobody knows: one line on stderr, non-zero, no crash.
limit 20 "$VMTOP" </dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err"
status=$?
[ "$status" -ne 0 ] && [ "$status" -lt 128 ] || fail "without a terminal: status $status"
[ "$(wc -l <"$TEST_TMP/err")" -eq 1 ] && grep -q 'terminal' "$TEST_TMP/err" || fail "without a terminal: $(cat "$TEST_TMP/err")"
tui_type clear Enter
tui_run "TERM=no-such-terminal-xyz $VMTOP 2>$TEST_TMP/err2"
status=$(tui_exit_status)
[ "$status" -ne 0 ] && [ "$status" -lt 128 ] || fail "unknown TERM: status $status"
grep -q 'no-such-terminal-xyz' "$TEST_TMP/err2" || fail "unknown TERM: $(cat "$TEST_TMP/err2")"
tui_shell_usable
echo "PASS: $TEST_NAME"

# tui_lib.sh - drive the curses view as a person would: a shell in a detached tmux pane, keys in, screen out.
# Sourced by tests/t_tui_*.sh after tests/lib.sh. Each test gets its own tmux server (private socket),
# killed when the test ends, whatever happens.

need tmux

# The server's socket lives in the test's scratch directory, so nothing is left in /tmp/tmux-UID.
TUI_SOCK="$TEST_TMP/tmux.sock"
# The locale the UI is tested in: UTF-8 where the host has one (Debian always has C.UTF-8).
TUI_LANG=C.UTF-8
locale -a 2>/dev/null | grep -qi '^c\.utf-\?8$' || TUI_LANG=C

tm() {
	tmux -S "$TUI_SOCK" -f /dev/null "$@"
}

# Keep whatever EXIT trap is set already (lib.sh's, the rig's that stops guests) and run it after ours.
# `trap` prints into a file, not a $(...): dash shows no traps inside a command substitution.
trap >"$TEST_TMP/traps"
tui_prev_trap=$(sed -n "s/^trap -- \(.*\) EXIT\$/\1/p" "$TEST_TMP/traps")
eval "tui_prev_trap=${tui_prev_trap:-''}"
tui_cleanup() {
	tm kill-server >/dev/null 2>&1
	eval "$tui_prev_trap"
	rm -rf "$TEST_TMP"
}
trap tui_cleanup EXIT

# tui_start COLS ROWS: a pane of that size running a plain shell, ready for tui_type. TERM is what tmux
# emulates (screen; TUI_TERM overrides), so its keys (Home = \E[1~) are the ones terminfo lists.
tui_start() {
	tm new-session -d -s t -x "$1" -y "$2" "env -i PATH='$PATH' HOME='$TEST_TMP' LSAN_OPTIONS='${LSAN_OPTIONS:-}' ASAN_OPTIONS='${ASAN_OPTIONS:-}' UBSAN_OPTIONS='${UBSAN_OPTIONS:-}' TERM=${TUI_TERM:-screen} PS1='$ ' sh" ||
		fail "cannot start tmux"
	# The window follows the size we set, not the size of a client (there is none).
	tm set-option -g window-size manual >/dev/null 2>&1
	tui_wait '\$' 5
}

# tui_type TEXT...: keys as tmux send-keys takes them (Enter, Escape, Up, C-c, ...).
tui_type() {
	tm send-keys -t t "$@"
}

# tui_run "ARGS...": starts a program in the pane and records its exit status on screen when it ends.
tui_run() {
	tui_type "clear; LANG=$TUI_LANG $1; echo VMTOP_EXIT=\$?" Enter
}

tui_screen() {
	tm capture-pane -p -t t
}

# tui_line N: line N (1-based) of the screen.
tui_line() {
	tui_screen | sed -n "${1}p"
}

# tui_wait REGEX [SECONDS]: until the screen matches (extended regex); fails with the screen shown.
tui_wait() {
	end=$(( $(date +%s) + ${2:-5} * TEST_SLOW ))
	while :; do
		tui_screen >"$TEST_TMP/screen" 2>/dev/null
		grep -Eq -- "$1" "$TEST_TMP/screen" && return 0
		[ "$(date +%s)" -gt "$end" ] && break
		sleep 0.1
	done
	echo "--- screen (waiting for: $1) ---" >&2
	cat "$TEST_TMP/screen" >&2
	fail "screen never showed '$1'"
}

# tui_settle: until two captures 0.3 s apart are the same (a burst of keys all handled; slow under ASan), 5 s at
# most: a row seen on the way may still scroll away
tui_settle() {
	end=$(( $(date +%s) + 5 * TEST_SLOW ))
	tui_screen >"$TEST_TMP/settle.a" 2>/dev/null
	while [ "$(date +%s)" -le "$end" ]; do
		sleep 0.3
		tui_screen >"$TEST_TMP/settle.b" 2>/dev/null
		cmp -s "$TEST_TMP/settle.a" "$TEST_TMP/settle.b" && return 0
		mv "$TEST_TMP/settle.b" "$TEST_TMP/settle.a"
	done
}

# tui_wait_gone REGEX [SECONDS]: until the screen no longer matches.
tui_wait_gone() {
	end=$(( $(date +%s) + ${2:-5} * TEST_SLOW ))
	while tui_screen | grep -Eq -- "$1"; do
		if [ "$(date +%s)" -gt "$end" ]; then
			tui_screen >&2
			fail "screen still shows '$1'"
		fi
		sleep 0.1
	done
}

# tui_exit_status: waits for the program to end and prints its exit status.
tui_exit_status() {
	tui_wait 'VMTOP_EXIT=[0-9]+' "${1:-5}"
	tui_screen | sed -n 's/.*VMTOP_EXIT=\([0-9][0-9]*\).*/\1/p' | tail -n 1
}

# tui_shell_usable: after the program ended, the shell echoes what is typed and runs it on Enter
# (echo, icanon and icrnl are back), and the cursor is visible again.
tui_shell_usable() {
	tui_type 'echo ok$((1+1))' Enter
	tui_wait '^ok2$' 5
	[ "$(tm display-message -p -t t '#{cursor_flag}')" = 1 ] || fail "cursor left hidden"
	[ "$(tm display-message -p -t t '#{alternate_on}')" = 0 ] || fail "still on the alternate screen"
}

# tui_resize COLS ROWS
tui_resize() {
	tm resize-window -t t -x "$1" -y "$2" || fail "cannot resize to $1x$2"
}

# tui_check_frame COLS ROWS: the screen is exactly that size, the title is on the first line, the status line on the
# last, and nothing is left over from an earlier size (no line has text past the width, no stray status lines).
# A slow host (TEST_SLOW) may take a while to redraw: it is given 2 s for each step of slowness.
tui_check_frame() {
	end=$(( $(date +%s) + 2 * (TEST_SLOW - 1) ))
	while ! tui_frame_is "$@" 2>"$TEST_TMP/frame.why"; do
		[ "$(date +%s)" -lt "$end" ] || fail "$(cat "$TEST_TMP/frame.why")"
		sleep 0.2
	done
}

tui_frame_is() {
	tui_screen >"$TEST_TMP/frame"
	[ "$(wc -l <"$TEST_TMP/frame")" -eq "$2" ] || { echo "screen has $(wc -l <"$TEST_TMP/frame") lines, not $2" >&2; return 1; }
	head -n 1 "$TEST_TMP/frame" | grep -q '^vmtop - ' ||
		{ echo "title not on the first line: $(head -n 1 "$TEST_TMP/frame")" >&2; return 1; }
	tail -n 1 "$TEST_TMP/frame" | grep -Eq 'Sort: |VM [0-9]+ ' ||
		{ echo "status not on the last line: $(tail -n 1 "$TEST_TMP/frame")" >&2; return 1; }
	[ "$(grep -c 'Sort: ' "$TEST_TMP/frame")" -eq 1 ] ||
		{ echo "more than one status line (garbage from an old size)" >&2; return 1; }
	[ "$(grep -c '^vmtop - ' "$TEST_TMP/frame")" -eq 1 ] ||
		{ echo "more than one title line (garbage from an old size)" >&2; return 1; }
	widest=$(LC_ALL=$TUI_LANG wc -L <"$TEST_TMP/frame")
	[ "$widest" -le "$1" ] || { echo "a line is $widest columns wide in a $1-column pane" >&2; return 1; }
}

# tui_wait_frame COLS ROWS [SECONDS]: until tui_check_frame holds (the program redrew for the new size); then once
# more in the open, so that a frame still wrong at the limit fails with its reason.
tui_wait_frame() {
	wf_end=$(( $(date +%s) + ${3:-5} ))
	while ! (tui_check_frame "$1" "$2") 2>/dev/null && [ "$(date +%s)" -le "$wf_end" ]; do
		sleep 0.1
	done
	tui_check_frame "$1" "$2"
}

# tui_pid: the pid of the program running in the pane (the shell's child).
tui_pid() {
	pgrep -P "$(tm display-message -p -t t '#{pane_pid}')" | head -n 1
}

# tui_names: the VM names of tests/tui_fake's model in the order the screen shows them.
tui_names() {
	tui_screen | grep -oE 'web-frontend|db-primary|build-runner|idle-vm|überlanger|extra-[0-9]+' | tr '\n' ' '
}

FAKE="$top_builddir/tests/tui_fake"
[ -x "$FAKE" ] || fail "$FAKE is not built (make check builds it)"

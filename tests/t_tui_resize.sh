#!/bin/sh
# Resizing the pane redraws for the new size without garbage: the list (the split bar comes with the width and goes
# at 80 columns), a drill-down and the help screen; also over the real vmtop. Sizes: 80x24, 200x50, back.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui_lib.sh"

tui_start 120 30
tui_run "$FAKE -d 0.5"
tui_wait 'web-frontend'
tui_check_frame 120 30
for size in "80 24" "200 50" "80 24" "100 40" "200 50"; do
	# shellcheck disable=SC2086
	tui_resize $size
	# shellcheck disable=SC2086
	tui_wait_frame $size
done
# At 200 columns: the split bar and the whole long name's column; at 80: no bar, the name cut.
tui_wait 'SPLIT G U K V'

tui_screen | grep -Eq '1001 web-frontend .* 4\.0G .* 5300 io +\[[GUKV|]+ *\]' ||
	fail "no EXITS/s, top exit and bar on the web-frontend row"
tui_screen | grep -Eq '1003 build-runner .* 1500 - +\[' || fail "no top exit not shown as -"
tui_screen | grep -Eq 'BALLOON +EXITS/s +TOP EXIT +SPLIT' || fail "no EXITS/s and TOP EXIT columns at 200 columns"
tui_resize 80 24
tui_wait_frame 80 24
tui_wait_gone 'SPLIT'

tui_screen | grep -Eq '1005 überlanger-gas ' || fail "long name not cut at 80 columns"

tui_type Enter
tui_wait '^VM 1001 web-frontend'
tui_resize 200 50
tui_wait_frame 200 50
tui_resize 80 24
tui_wait_frame 80 24
tui_wait '^vcpu +3 '


tui_type h
tui_wait 'help \(any key returns\)'
tui_resize 200 50
# redrawn at 200 columns: the note under the keys is no longer cut at 80
tui_wait 'backend \(fake\)$'
tui_screen | grep -q 'help (any key returns)' || fail "resize left the help screen"
tui_resize 80 24
tui_wait_gone 'backend \(fake\)$'
tui_screen | grep -Eq '^  Esc Bksp ' || fail "help at 80x24 lacks its last key line"

tui_type x
tui_wait '^VM 1001 web-frontend'
tui_type q
[ "$(tui_exit_status)" = 0 ] || fail "q did not exit 0"

# The real vmtop too.
tui_type clear Enter
tui_run "$VMTOP -d 0.5"
tui_wait 'Sort: TOTAL%'
for size in "200 50" "80 24"; do
	# shellcheck disable=SC2086
	tui_resize $size
	# shellcheck disable=SC2086
	tui_wait_frame $size
done
tui_type q
[ "$(tui_exit_status)" = 0 ] || fail "q did not exit 0"
tui_shell_usable
echo "PASS: $TEST_NAME"

#!/bin/sh
# The VM list over tests/tui_fake's made-up model (five VMs, numbers that differ per column): sorting reorders,
# a pinned VM stays on top, / filters live, the selection follows its VM, long lists scroll, -p and -s work.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui_lib.sh"

order_is() {
	tui_wait "Sort: $1"
	sleep 0.2
	got=$(tui_names)
	[ "$got" = "$2" ] || { tui_screen >&2; fail "sorted by $1: '$got', expected '$2'"; }
}

# The VM the selection is on, as a person finds out: Enter, read the VM line, Esc back.
selected_is() {
	tui_type Enter
	tui_wait "^VM [0-9]+ $1 "
	tui_type Escape
	tui_wait 'PID NAME'
}

tui_start 80 24
tui_run "$FAKE -d 0.5"
tui_wait 'web-frontend'
tui_check_frame 80 24
# Unknown shows -, an estimate ~, and a name too long for the column is cut, not wrapped.
tui_screen | grep -Eq 'idle-vm +1 +0\.8 +- ' || fail "unknown GUEST% of idle-vm not shown as -"
tui_screen | grep -Eq 'db-primary +8 +90\.0 +~60\.0 ' || fail "estimated GUEST% of db-primary not marked ~"
tui_screen | grep -Eq '1005 überlanger-gas +2 +37\.0 .* 2\.0G$' || fail "long name not truncated in its column"
tui_screen | grep -q 'GUEST~ estimated' || fail "header lacks the note on estimated guest time"
order_is 'TOTAL%' 'web-frontend build-runner db-primary überlanger idle-vm '
tui_type N
order_is 'NAME' 'build-runner db-primary idle-vm web-frontend überlanger '
tui_type R
order_is 'NAME' 'überlanger web-frontend idle-vm db-primary build-runner '
tui_type M
order_is 'RSS' 'db-primary web-frontend überlanger build-runner idle-vm '

# The selection follows its VM through a re-sort.
tui_type Home
selected_is db-primary
tui_type P
tui_wait 'Sort: TOTAL%'
selected_is db-primary

# p pins: the VM goes to the top, marked, and stays there whatever the sort; p again unpins.
tui_type End
selected_is idle-vm
tui_type p
order_is 'TOTAL%' 'idle-vm web-frontend build-runner db-primary überlanger '
tui_screen | grep -Eq '^\* +1004 idle-vm' || fail "pinned VM not marked *"
tui_screen | grep -q 'Pinned: 1' || fail "status line does not count the pin"
tui_type N
order_is 'NAME' 'idle-vm build-runner db-primary web-frontend überlanger '
tui_type M
order_is 'RSS' 'idle-vm db-primary web-frontend überlanger build-runner '
selected_is idle-vm
tui_type p
order_is 'RSS' 'db-primary web-frontend überlanger build-runner idle-vm '
tui_screen | grep -q '^\*' && fail "unpinned VM still marked"

# / filters by name while typing; Enter keeps the filter, Esc clears it.
tui_type P /
tui_wait 'Filter by name'
tui_type r u
tui_wait_gone 'web-frontend'
[ "$(tui_names)" = 'build-runner ' ] || fail "filter 'ru' shows '$(tui_names)'"
tui_type Enter
tui_wait 'Filter: ru'
selected_is build-runner
tui_type Escape
tui_wait 'web-frontend'
tui_screen | grep -q 'Filter:' && fail "Esc left the filter on"
tui_type / P R I M Enter
tui_wait 'Filter: PRIM'
[ "$(tui_names)" = 'db-primary ' ] || fail "filter is not case-insensitive: '$(tui_names)'"
tui_type / BSpace BSpace BSpace BSpace x y z Enter
tui_wait "No VM name contains 'xyz'"
tui_type Escape
tui_wait 'web-frontend'

tui_type q
[ "$(tui_exit_status)" = 0 ] || fail "q did not exit 0"

# A hundred more VMs: End and Home scroll the list; the first and the last row come and go.
tui_type clear Enter
tui_run "TUI_FAKE_VMS=100 $FAKE -d 0.5"
tui_wait 'web-frontend'
tui_type End
tui_wait_gone 'web-frontend'
tui_wait 'idle-vm'
tui_check_frame 80 24
tui_type Home
tui_wait 'web-frontend'
tui_wait_gone 'idle-vm'
tui_type PageDown
tui_wait_gone 'web-frontend'
tui_type q
[ "$(tui_exit_status)" = 0 ] || fail "q did not exit 0"

# -p keeps only those VMs and -s sets the first sort.
tui_type clear Enter
tui_run "$FAKE -d 0.5 -p 1001,1004 -s name"
tui_wait 'Sort: NAME'
order_is 'NAME' 'idle-vm web-frontend '
tui_type q
[ "$(tui_exit_status)" = 0 ] || fail "q did not exit 0"
tui_shell_usable
echo "PASS: $TEST_NAME"

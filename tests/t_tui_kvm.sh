#!/bin/sh
# The acceptance over real KVM guests from the rig (SKIP without KVM): both guests listed by name, a sort
# reorders them, a pinned VM stays on top after a re-sort, / filters, Enter shows the vCPU rows and Esc returns,
# in the pio guest's modules Enter on kvm lists kernel functions kallsyms has and Esc returns, its memory view
# shows its pages on NUMA node 0,
# ? shows help, 80x24 and 200x50 redraw cleanly, a guest killed while drilled into returns to the list with a
# message, and q exits 0 leaving the terminal usable.
. "$top_srcdir/tests/lib.sh"
[ -f "$top_srcdir/tests/rig.sh" ] || skip "the KVM test rig (tests/rig.sh) is not there"
. "$top_srcdir/tests/rig.sh"
rig_require_kvm
. "$top_srcdir/tests/tui_lib.sh"

# Names that sort one way by name and that no other VM on the host has.
A="tuia-spin-$$"
B="tuib-pio-$$"
rig_start_guest "$A" spin 1 || fail "guest $A did not start"
rig_start_guest "$B" pio 1 || fail "guest $B did not start"
PA=$(rig_pid "$A")
PB=$(rig_pid "$B")
[ -n "$PA" ] && [ -n "$PB" ] || fail "the rig gave no pid for the guests"

# Rows of our two guests, in screen order.
guests() {
	tui_screen | grep -oE "tuia-spin-$$|tuib-pio-$$" | tr '\n' ' '
}

# order_is "NAME NAME ": waits (5 s at most) until the rows are in that order.
order_is() {
	end=$(($(date +%s) + 5 * TEST_SLOW))
	while [ "$(guests)" != "$1" ]; do
		[ "$(date +%s)" -le "$end" ] || { tui_screen >&2; fail "$2: '$(guests)', expected '$1'"; }
		sleep 0.1
	done
}

tui_start 100 30
tui_run "$VMTOP -d 1 -p $PA,$PB"
tui_wait "$A" 5
tui_wait "$B" 5
tui_screen | grep -Eq "^ *\*? *$PA +$A +1 " || fail "$A not listed with 1 vCPU"
tui_screen | grep -Eq "^ *\*? *$PB +$B +1 " || fail "$B not listed with 1 vCPU"

tui_type N
tui_wait 'Sort: NAME'
order_is "$A $B " "by name"
tui_type R
order_is "$B $A " "by name, reversed"

# Pin the second row ($A), then sort so that it would be last: it stays first, marked. (P first: N only resets
# the direction when the sort key changes, and by name ascending $A would be first anyway.)
tui_type Home Down p
tui_wait "^\* *$PA +$A"  # no space between * and a 7-digit PID
tui_type P
tui_wait 'Sort: TOTAL%'
tui_type N R
tui_wait 'Sort: NAME(▼|v)  Delay: [0-9.]+s  Pinned: 1'
order_is "$A $B " "pinned $A not on top after re-sort"
tui_type p
tui_wait_gone '^\*'
order_is "$B $A " "unpinned, by name reversed"

tui_type / p i o
tui_wait_gone "$A"
tui_type Enter
tui_wait "Filter: pio"
tui_type Escape
tui_wait "$A"

# Drill into the spin guest: its vCPU row, then back.
tui_type / s p i n Enter Enter
tui_wait "^VM $PA $A "
tui_wait '^vcpu +0 +[0-9]+ .* CPU 0/KVM'
tui_type Escape
tui_wait 'PID NAME'

# The pio guest's modules, Enter on kvm (rows by component: guest, vmm_user, kvm): its top kernel functions once
# the names are loaded (a refresh or two), real kallsyms names; Esc back to the modules, then to the threads view.
tui_type Escape / p i o Enter Enter
tui_wait "^VM $PB $B "
tui_type 2
tui_wait '^COMPONENT +VM%'
tui_type Home Down Down Enter
tui_wait '^ kvm: .*top kernel functions'
tui_wait '^FUNCTION +VIA +%CPU +SHARE%' 10
f=$(tui_screen | sed -n '/^FUNCTION /{n;p}' | awk '{print $1}')
awk '$2 ~ /^[tT]$/ { print $3 }' /proc/kallsyms | grep -qxF -- "$f" || fail "top kvm function '$f' is not in /proc/kallsyms"
tui_type Escape
tui_wait '^COMPONENT +VM%'
# its memory: the view asks for this VM's page-table walk (no other view needs one), so its NUMA rows come
tui_type 4
tui_wait "VM $PB memory"
tui_wait '^ +0 +[1-9][0-9]* ' 5
tui_type 1 Escape
tui_wait 'PID NAME'
tui_type '?'
tui_wait 'help \(any key returns\)'
tui_type q
tui_wait 'PID NAME'
tui_type Escape

for size in "80 24" "200 50" "80 24"; do
	# shellcheck disable=SC2086
	tui_resize $size
	sleep 1.2
	# shellcheck disable=SC2086
	tui_check_frame $size
done

# Kill the pio guest while drilled into it.
tui_type / p i o Enter Enter
tui_wait "^VM $PB $B "
rig_stop "$B"
tui_wait "VM $PB \\($B\\) exited" 5
tui_wait 'PID NAME'
tui_type q
[ "$(tui_exit_status)" = 0 ] || fail "q did not exit 0"
tui_shell_usable
echo "PASS: $TEST_NAME"

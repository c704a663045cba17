#!/bin/sh
# The drill-down over tests/tui_fake's model: Enter shows a VM's threads (vCPUs first, then by role) with their own
# sort, Tab and digits switch to the modules, net, memory and exits views, Esc/Backspace return with the selection kept, and a VM
# that exits while drilled into sends the view back to the list with a message.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui_lib.sh"

# line_of REGEX: the screen line number of the first match.
line_of() {
	tui_screen | grep -nE -- "$1" | head -n 1 | cut -d: -f1
}

tui_start 80 24
tui_run "$FAKE -d 0.5"
tui_wait 'web-frontend'
tui_type / w e b Enter Enter
tui_wait '^VM 1001 web-frontend \(qemu-system-x86, 4 vCPUs'
tui_wait '^TOTAL 250\.0%  GUEST 200\.0%'
tui_screen | grep -Eq '^ROLE +# +TID +TOTAL% +GUEST% +KERNEL% +USER% +READY% +EXITS/s +CPU +COMM' || fail "threads view titles"
for i in 0 1 2 3; do
	tui_screen | grep -Eq "^vcpu +$i +100$((2 + i)) .* CPU $i/KVM$" || fail "no row for vCPU $i"
done
v3=$(line_of '^vcpu +3 ')
for role in vhost io kvm other; do
	[ "$(line_of "^$role ")" -gt "$v3" ] || fail "$role row not after the vCPU rows"
done
tui_check_frame 80 24

# Its own sort: TOTAL% puts the busiest vCPU (3) first; R reverses.
tui_type '>' '>'
tui_wait 'Sort: TOTAL%'
[ "$(line_of '^vcpu +3 ')" -lt "$(line_of '^vcpu +0 ')" ] || fail "TOTAL% sort: vCPU 3 not above vCPU 0"
tui_type R
tui_wait 'Sort: TOTAL% \(reversed\)'
[ "$(line_of '^vcpu +3 ')" -gt "$(line_of '^vcpu +0 ')" ] || fail "reversed: vCPU 3 not below vCPU 0"

# The modules view: one row per component, the apportioned share marked.
tui_type Tab
tui_wait 'VM 1001 modules'
tui_screen | grep -Eq '^guest +200\.0 +200\.0 ' || fail "modules: guest row"
tui_screen | grep -Eq '^bridge +1\.5 +0\.0 +\+1\.5 ' || fail "modules: apportioned bridge share not marked +"
tui_type '>'
tui_wait 'Sort: VM%'
[ "$(line_of '^guest ')" -lt "$(line_of '^vmm_user ')" ] || fail "VM% sort"
# The net view, by digit; then Tab to memory and round to threads, which kept its own sort.
tui_type 3
tui_wait 'VM 1001 net'
tui_screen | grep -Eq '^tap1001 +br0 ' || fail "net: tap row"
# one convention, the VM's: the fake tap transmitted 9876543 bytes in 50000 packets, so the VM received them
tui_screen | grep -q 'Rates as the VM sees them: rx 977K/s 800 pkt/s, tx 244K/s 300 pkt/s' || fail "net: rates not labelled"
tui_screen | grep -Eq '^tap1001 +br0 +9\.4M +118M +50000 +100000 *$' ||
	fail "net: RX/TX columns not from the VM's point of view: $(tui_screen | grep '^tap1001')"
tui_type Tab
tui_wait 'VM 1001 memory'
# The exits view: reasons with share and time, exits to the VMM, ports, MMIO, a row per vCPU; by rate or name.
tui_type Tab
tui_wait 'VM 1001 exits'
tui_screen | grep -Eq '^ +io +5000 +94\.3 +20\.0' || fail "exits: io reason row (rate, share, time)"
[ "$(line_of '^ +io ')" -lt "$(line_of '^ +npf ')" ] || fail "exits: reasons not by rate"
tui_screen | grep -Eq '^ +IO +4900 +97\.0' || fail "exits: exits to the VMM"
tui_screen | grep -Eq '^ +0x0080 out +4900' || fail "exits: port row"
tui_screen | grep -Eq '^ +0xfee00000 write +150' || fail "exits: MMIO page row"
# further down (the selection scrolls the view): halts with the time halted, page faults by access and cause, and
# section titles whole, past the WHAT column
tui_type -N 22 Down
tui_wait '^ +waited +800 +- +42\.5'
tui_settle
tui_screen | grep -Eq '^ +polled +120 +- +0\.3' || fail "exits: polled halts row"
tui_screen | grep -Eq '^ +write_mmio +150 ' || fail "exits: page fault row"
tui_screen | grep -q '^vCPUs (rate: kvm_exit/s; to the VMM /s and top reason on the right)' || fail "exits: a title cut"
tui_type -N 22 Up
tui_type '>'
tui_wait 'VM 1001 exits  Sort: NAME'
[ "$(line_of '^ +interrupt ')" -lt "$(line_of '^ +io ')" ] || fail "exits: NAME sort"
tui_type Tab
tui_wait 'VM 1001 threads  Sort: TOTAL% \(reversed\)'
tui_type '?'
tui_wait 'help \(any key returns\)'
tui_type Space
tui_wait 'VM 1001 threads'

# Backspace returns to the list, on the same VM.
tui_type BSpace
tui_wait 'PID NAME'
tui_type Escape
tui_wait 'build-runner'
tui_type Enter
tui_wait '^VM 1001 web-frontend'
tui_type Escape
tui_wait 'PID NAME'

# A VM without a module split says why.
tui_type / b u i l d Enter Enter
tui_wait '^VM 1003 build-runner'
tui_type 2
tui_wait 'No module split for this VM yet'
tui_type 1
tui_wait '^vcpu +1 '

# The VM exits while drilled into: back to the list, with a message.
kill -USR1 "$(tui_pid)" || fail "cannot signal the fake model"
tui_wait 'VM 1003 \(build-runner\) exited' 5
tui_wait 'PID NAME'
tui_screen | grep -q '^VM 1003 build-runner (' && fail "still in the drill-down of an exited VM"
tui_type Escape
tui_wait 'web-frontend'
tui_screen | grep -Eq '1003 build-runner +2 ' && fail "exited VM still listed"
tui_type q
[ "$(tui_exit_status)" = 0 ] || fail "q did not exit 0"
tui_shell_usable
echo "PASS: $TEST_NAME"

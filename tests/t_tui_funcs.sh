#!/bin/sh
# The modules view's functions table over tests/tui_fake's model: Enter on a kernel component row opens the VM's
# top kernel functions for it (FUNCTION, VIA, %CPU, SHARE%), Esc returns to the modules view on the same row,
# Enter on a row that is not kernel code says so, and with the names unavailable (as under kptr_restrict) the
# table says why. The threads view marks ~ only the vCPUs whose guest time was estimated.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui_lib.sh"

tui_start 100 30
tui_run "$FAKE -d 0.5"
tui_wait 'web-frontend'
tui_type / w e b Enter Enter
tui_wait '^VM 1001 web-frontend'
tui_type 2
tui_wait 'VM 1001 modules'
tui_wait "Enter: the component's top kernel functions in this VM"
# rows by component: guest, vmm_user, kvm
tui_type Down Down Enter
tui_wait '^ kvm: [0-9.]+% of one CPU in this VM, top kernel functions \(Esc: back to modules\)'
tui_wait '^FUNCTION +VIA +%CPU +SHARE%'
tui_screen | grep -Eq '^native_read_msr +kvm_arch_vcpu_load +[0-9.]+ +50\.0' || fail "no native_read_msr via row"
tui_screen | grep -Eq '^kvm_arch_vcpu_ioctl_run +[0-9.]+ +30\.0' || fail "no row without via"
tui_screen | grep -q 'cr4_set_bits' && fail "another component's function in the kvm table"
tui_type Escape
tui_wait '^COMPONENT +VM%'
tui_screen | grep -q 'VM 1001 modules' || fail "Esc left the modules view"
# back on the kvm row: Enter opens it again; Down to kvm_vendor shows the vendor's
tui_type Down Enter
tui_wait '^ kvm_vendor: '
tui_wait '^cr4_set_bits +svm_vcpu_run +[0-9.]+ +70\.0'
tui_type Escape
tui_wait '^COMPONENT +VM%'
tui_type Home Enter
tui_wait 'guest is not host kernel code'
tui_type Escape
tui_wait 'PID NAME'
tui_type q
[ "$(tui_exit_status)" = 0 ] || fail "q did not exit 0"

# Names unavailable: the reason in place of the table (the same pane, cleared).
tui_run "env TUI_FAKE_FUNCS_HIDDEN=1 $FAKE -d 0.5"
tui_wait 'web-frontend'
tui_type / w e b Enter Enter 2
tui_wait 'VM 1001 modules'
tui_type End Up Enter
tui_wait '^ other_kernel: '
tui_wait 'kernel symbol addresses are hidden'
tui_type Escape Escape
tui_wait 'PID NAME'
# Guest time judged per vCPU: in the threads view only the vCPUs whose guest was estimated are marked ~.
tui_type Escape / d b Enter Enter 1
tui_wait '^VM 1002 db-primary'
tui_wait '^vcpu +0 +1003 +[0-9.]+ +~[0-9.]+ '
tui_screen | grep -Eq '^vcpu +1 +1004 +[0-9.]+ +[0-9.]+ ' || fail "vCPU 1 marked ~: its gtime was not judged off"
tui_type Escape q
[ "$(tui_exit_status)" = 0 ] || fail "q did not exit 0"
echo "PASS: $TEST_NAME"

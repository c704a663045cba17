#!/bin/sh
# The real vmtop in an 80x24 tmux pane: header, help, sort keys, delay prompt, pause, bad keys, q.
# Needs no VM: -p 1 (init, never a VM) keeps the table empty whatever runs on the host.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui_lib.sh"

tui_start 80 24
tui_run "$VMTOP -d 1 -p 1"
tui_wait '^vmtop - ' 5
tui_wait 'Sort: TOTAL%' 3
for part in '%Cpu\(s\): ' '^Mem: ' '^VMs: ' 'PID NAME +VCPU +TOTAL% +GUEST% +VMM% +KERNEL%' 'h:help q:quit'; do
	tui_screen | grep -Eq -- "$part" || { tui_screen >&2; fail "header or table lacks '$part'"; }
done
tui_check_frame 80 24

# Help lists every key, and any key returns.
tui_type '?'
tui_wait 'help \(any key returns\)'
for key in '^  q ' '^  h \?' '^  arrows ' '^  < > ' '^  R ' '^  P M N ' '^  p ' '^  / ' '^  Esc ' '^  Enter ' \
	'^  d s ' '^  space ' '^  Tab ' '^  1-9 ' 'Views: 1 threads 2 modules'; do
	tui_screen | grep -Eq -- "$key" || { tui_screen >&2; fail "help lacks '$key'"; }
done
tui_type x
tui_wait 'Sort: TOTAL%'
tui_type h
tui_wait 'help \(any key returns\)'
tui_type Escape
tui_wait 'Sort: TOTAL%'

# Sort keys change the status line.
tui_type '>'
tui_wait 'Sort: GUEST%'
tui_type '<' '<'
tui_wait 'Sort: READY%|Sort: VCPU'
tui_type N
tui_wait 'Sort: NAME'
arrow=$(tui_screen | sed -n 's/.*Sort: NAME\(.\{1,3\}\)  Delay.*/\1/p')
case $arrow in
▲) flipped=▼ ;; ▼) flipped=▲ ;; ^) flipped=v ;; v) flipped='\^' ;; *) fail "no sort direction in the status line" ;;
esac
tui_type R
tui_wait "Sort: NAME$flipped  Delay"
tui_type M
tui_wait 'Sort: RSS'
tui_type P
tui_wait 'Sort: TOTAL%'

# Delay: a new value is shown; a bad one is refused with a message.
tui_type d
tui_wait 'Change delay from 1 to'
tui_type 3 Enter
tui_wait 'Delay: 3s'
tui_type s 0 Enter
tui_wait 'Invalid delay'
tui_wait 'Delay: 3s'

# Pause and resume.
tui_type Space
tui_wait 'PAUSED'
tui_type Space
tui_wait_gone 'PAUSED'

# Keys that mean nothing here do no harm.
tui_type x Z 0 9 F5 F12 C-x Tab BTab Enter Left Right Up Down PageDown PageUp Home End DC IC
tui_wait 'Sort: TOTAL%'
tui_screen | grep -q '^vmtop - ' || fail "screen lost its title after unknown keys"
tui_type '/' z z Escape Escape
tui_wait 'Sort: TOTAL%'

tui_type q
status=$(tui_exit_status)
[ "$status" = 0 ] || fail "q exited with $status, not 0"
tui_shell_usable
echo "PASS: $TEST_NAME"

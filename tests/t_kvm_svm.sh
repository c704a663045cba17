# t_kvm_svm.sh - the production path, on a VMX/SVM host (the test host in a box is one: t_kvmbox.tap runs this
# there): guest time accounted by the kernel, not estimated; the vendor module named; kernel samples told apart
# by the kvm modules' address ranges; a spin guest nearly all GUEST; a pio guest mostly hypervisor (KERNEL + VMM),
# its kernel time at least 85% in kvm and the vendor module, with under 10% of its total left in other_kernel.
. "$top_srcdir/tests/lib.sh"
need jq
. "$top_srcdir/tests/rig.sh"
rig_require_kvm
[ "$(id -u)" = 0 ] || skip "needs root (system-wide perf sampling)"
if grep -qw svm /proc/cpuinfo; then vendor=kvm_amd
elif grep -qw vmx /proc/cpuinfo; then vendor=kvm_intel
else skip "needs a CPU with VMX or SVM (this one has neither: $(rig_host); t_kvmbox.tap runs it in the box)"
fi

# each guest alone: on a host of one CPU (the box) a second busy guest would preempt the spinner at every tick
measure() {	# [VMTOP OPTION...]
	timeout 120 "$VMTOP" -b -n 4 -d 2 -o json "$@" >"$TEST_TMP/json" 2>"$TEST_TMP/err" ||
		fail "vmtop exit $?: $(cat "$TEST_TMP/err")"
	# refreshes 3 and 4: whole intervals after vmtop's start-up (in the box its kernel symbols load on the one
	# CPU the guest has, and the second interval's traced time in the guest read up to 1.6 times its CPU time)
	tail -n 2 "$TEST_TMP/json" >"$TEST_TMP/intervals"
}
each() { jq -e -s "all(.[]; $1)" "$TEST_TMP/intervals" >/dev/null; }
# FIELD of both intervals added up: utime is scaled to the exact runtime and guest time is not (cputime_adjust),
# so their difference moves by a tick or two from one interval to the next; over both it evens out
both() { jq -s "[.[] | $1] | add" "$TEST_TMP/intervals"; }
show() { jq -c -s "[.[] | $1]" "$TEST_TMP/intervals"; }
S='(.vms[] | select(.name == "spinner"))' P='(.vms[] | select(.name == "porter"))'

rig_start_guest spinner spin 1 64 || fail "spin guest did not start"
measure
each '.host.guest_time == "accounted"' || fail "guest time not accounted: $(show '.host | {guest_time, guest_time_reason}')"
each ".host.perf.kvm_vendor == \"$vendor\"" || fail "vendor module not $vendor: $(show .host.perf)"
# where the eBPF sources must load, the threads come from the iterator
if bpf_must_load; then
	each '.host.sources.threads == "bpf"' || fail "threads not from the eBPF iterator: $(show .host.sources)"
fi
each '.host.perf.kernel_split_by == "modules"' || fail "kernel samples not told by module ranges: $(show .host.perf)"
grep -q "^$vendor " /proc/modules || fail "$vendor not in /proc/modules"
each "$S.estimated == false" || fail "guest time marked estimated"
# a spinning vCPU never leaves the guest but for interrupts and preemption: at least 90% of its time is GUEST.
# In the box 69-99% was measured: one CPU that vmtop preempts the vCPU on, every exit and entry emulated, and,
# when the box is short of CPU, lost ticks: the kernel's guest time counts ticks while utime is scaled to the
# exact runtime, so GUEST fell behind (69% GUEST and 27% user, for a vCPU that runs no user code). There: 60%.
min=0.9
[ "$TEST_SLOW" -le 1 ] || min=0.6
each "$S.vcpu[0].total > 30" || fail "spin guest's vCPU not busy: $(show "$S.vcpu[0]")"
jq -n -e --argjson g "$(both "$S.vcpu[0].guest")" --argjson t "$(both "$S.vcpu[0].total")" --argjson m $min \
	'$g >= $m * $t' >/dev/null ||
	fail "spin guest's vCPU not mostly GUEST: $(show "$S.vcpu[0]")"
jq -n -e --argjson g "$(both "$S.cpu.guest")" --argjson t "$(both "$S.cpu.total")" --argjson m $min \
	'$g >= ($m - 0.15) * $t' >/dev/null ||
	fail "spin guest not mostly GUEST: $(show "$S.cpu")"
echo "spinner $(show "$S.cpu | {total, guest}"), its vCPU $(show "$S.vcpu[0] | {total, guest, guest_source, guest_traced, gtime}")"
# few exits: its GUEST is the time from each kvm_entry to its kvm_exit, exact: no less than the kernel's
# tick-sampled guest time less 3 points (0.4-1.4 apart in the box; where the box lost ticks, the kernel's read 78%
# and 70%, traced 85% and 81%), no more than the thread ran; or, in an interval whose traced sum passed the
# thread's time (seen once a box run, in vmtop's second interval), the kernel's figure; traced a little past the
# thread's time (96.73 of 96.6) is that time (guest_from_traces)
each "($S.vcpu[0].guest_source == \"traced\" and
	($S.vcpu[0].guest - ([$S.vcpu[0].guest_traced, $S.vcpu[0].total] | min) | fabs) <= 0.02 and
	$S.vcpu[0].guest_traced >= $S.vcpu[0].gtime - 3 and $S.vcpu[0].guest_traced <= $S.vcpu[0].total + 1) or
	($S.vcpu[0].guest_source == \"accounted\" and $S.vcpu[0].guest_traced > $S.vcpu[0].total + 1)" ||
	fail "spin vCPU's GUEST not its traced time, or that out of bounds: $(show "$S.vcpu[0]")"
jq -e -s "any(.[]; $S.vcpu[0].guest_source == \"traced\")" "$TEST_TMP/intervals" >/dev/null ||
	fail "spin vCPU's GUEST traced in neither interval: $(show "$S.vcpu[0]")"
# traced, the split is exact whatever ticks the box lost: at least 95% of the spin vCPU's time is GUEST (97.6-100%
# over 15 box runs; its TOTAL was 73-96% of one CPU, which the box shares with vmtop)
each "$S.vcpu[0].guest_source != \"traced\" or $S.vcpu[0].guest >= 0.95 * $S.vcpu[0].total" ||
	fail "traced, the spin vCPU's GUEST is under 95% of its time: $(show "$S.vcpu[0]")"
rig_stop spinner

rig_start_guest porter pio 1 64 || fail "pio guest did not start"
# 999 Hz: the guest-flagged share of perf's samples, compared below, is then within about a point
measure --sample-hz 999
each "$P.estimated == false" || fail "guest time marked estimated"
# every out exits to qemu: the hypervisor (host kernel + VMM) holds most of the pio guest's time
each "$P.cpu.total > 30 and $P.cpu.kernel + $P.cpu.vmm_user > 0.5 * $P.cpu.total" ||
	fail "pio guest not mostly KERNEL + VMM: $(show "$P.cpu")"
each "$P.components.kvm > 0 and $P.components.kvm_vendor > 0 and $P.components.vmm_user > 0" ||
	fail "pio guest's samples not in kvm, $vendor and qemu: $(show "$P.components")"
# kernel samples charged through their callchains: helpers the exit path calls are kvm's or the vendor's, and the
# KVM_RUN ioctl's own path on the vCPU thread is kvm's, so little is left in other_kernel (29% of the VM's time
# before callchains; 7-11% with them; 3-5% with the ioctl path, kvm + kvm_amd then 88-93% of the host kernel's
# time against 80-83%, in the box)
other=$(both "$P.components.other_kernel") kvm=$(both "$P.components.kvm + $P.components.kvm_vendor")
host_kernel=$(both "$P.components.kvm + $P.components.kvm_vendor + $P.components.vhost + $P.components.tun +
	$P.components.other_kernel")
jq -n -e --argjson o "$other" --argjson k "$kvm" --argjson hk "$host_kernel" --argjson t "$(both "$P.cpu.total")" \
	'$o < 0.10 * $t and $k >= 0.85 * $hk' >/dev/null ||
	fail "pio guest's kernel time not 85% in kvm and $vendor, or other_kernel 10% of its time: $(show "$P.components")"
echo "porter $(show "$P.cpu | {total, guest, kernel, vmm_user}")"
echo "porter components $(show "$P.components")"
# the components are TOTAL in the shares of the samples (a third of perf's samples were lost in the box)
each "([$P.components[]] | add) - $P.cpu.total | fabs <= 3" ||
	fail "pio guest's components do not add up to its TOTAL: $(show "[$P.cpu.total, $P.components]")"
# ground truth for GUEST (issue 12), the pio vCPU: marked exit-heavy; its GUEST the traced time, and the traced
# time, the kernel's guest time and perf's guest-flagged samples agree within 3 points on average (6 over both
# intervals), give or take three standard errors of the sampled share (at 99 Hz they alone were 3 points an interval).
# Traced was 4-9 points over the other two while the exits source read its clock after its own work at an exit.
echo "porter's vCPU: traced $(show "$P.vcpu[0].guest_traced"), gtime $(show "$P.vcpu[0].gtime"), perf $(show "$P.components.guest")"
# marked where the box gave it its CPU (2,900-6,400 exits/s); a box starved by a busy host (a build beside CI)
# left it 93-163 exits/s, too few to make the switch a part of its GUEST
if jq -e -s "any(.[]; $P.vcpu[0].exits.rate >= 2000)" "$TEST_TMP/intervals" >/dev/null; then
	jq -e -s "any(.[]; $P.vcpu[0].guest_includes_switch == true)" "$TEST_TMP/intervals" >/dev/null ||
		fail "the pio vCPU is not marked exit-heavy: $(show "$P.vcpu[0]")"
else
	echo "the box was short of CPU (the pio vCPU under 2,000 exits/s): its exit-heavy mark not checked"
fi
jq -e -s "any(.[]; $P.vcpu[0].guest_source == \"traced\")" "$TEST_TMP/intervals" >/dev/null ||
	fail "the pio vCPU's GUEST traced in neither interval: $(show "$P.vcpu[0] | {guest, guest_source, guest_traced, gtime}")"
# compared where the box had its CPU (the pio guest's 2,900-3,300 exits/s at 999 Hz): starved by a busy host (a soak
# beside it) its ticks and perf's timer were lost (gtime 7.5%, perf 4%, traced 20%) and its exit rate fell (1,800/s)
if each "$P.vcpu[0].exits.rate >= 2000"; then
	agree() {	# NAME FIGURE: FIGURE over both intervals within 6 points of perf's, give or take its sampling error
		jq -n -e --argjson g "$(both "$2")" --argjson p "$(both "$P.components.guest")" --argjson all "$(both "$P.cpu.total")" \
			'($all / 100 * 999 * 2) as $n | ($p / $all) as $s | ($g - $p | fabs) <= 6 + 3 * ($s * (1 - $s) / $n | sqrt) * $all' \
			>/dev/null || fail "$1 and sampled guest time disagree by more than 3 points: $(show "$2") $(show "$P.components.guest")"
	}
	agree accounted "$P.vcpu[0].gtime"
	agree traced "$P.vcpu[0].guest_traced"
else
	echo "the box was short of CPU (the pio vCPU under 2,000 exits/s): its guest time sources not compared"
fi
exit 0

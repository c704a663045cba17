# t_kvm_switch.sh - GUEST marked where it is partly the world switch (issue 12): two qemu pio guests, one exiting on
# every OUT, one counting 3,000,000 down in the guest between two OUTs (a loop of known length); the busy one's vCPU
# and VM are marked (guest_includes_switch, '!' before GUEST in text, a Note line), the one with long loops is not,
# and the mark follows the exit rate, not the guest: both run guest code most of their time. SKIP without KVM, or
# where no exits source counts (not root).
. "$top_srcdir/tests/lib.sh"
need jq
. "$top_srcdir/tests/rig.sh"
rig_require_kvm

rig_start_guest sw-busy pio 1 64 || fail "pio guest did not start"
rig_start_guest sw-loop pio=3000000 1 64 || fail "pio=3000000 guest did not start"
busy=$(rig_pid sw-busy) loop=$(rig_pid sw-loop)
d=$(awk -v s="$TEST_SLOW" 'BEGIN { print 2 * (s > 1 ? s / 2 : 1) }')
limit $((60 * TEST_SLOW)) "$VMTOP" -b -n 3 -d "$d" -o json -p "$busy,$loop" >"$TEST_TMP/json" 2>"$TEST_TMP/err" ||
	fail "vmtop exit $?: $(cat "$TEST_TMP/err")"
last=$(tail -n 1 "$TEST_TMP/json")
echo "$last" | jq -e '.host.sources.exits != null' >/dev/null ||
	skip "no exits source: $(echo "$last" | jq -r '.host.source_reasons.exits')"
# the figures the verdict stands on, per interval: guest %, the rate it is judged by (kvm_exit, else exits to the VMM)
jq -c --argjson b "$busy" --argjson l "$loop" '[.host.guest_switch] + [.vms[] | select(.pid == $b or .pid == $l) |
	{name, guest: .cpu.guest, rate: (.exits.rate // .exits.userspace_rate), mark: .guest_includes_switch,
	 vcpu: .vcpu[0].guest_includes_switch}]' "$TEST_TMP/json"
case $(echo "$last" | jq -r '.host.perf.kvm_vendor // empty') in
kvm_pvm) want=software ;;
kvm_amd | kvm_intel) if grep -qw hypervisor /proc/cpuinfo; then want=nested; else want=hardware; fi ;;
*) want= ;;
esac
[ -z "$want" ] || echo "$last" | jq -e --arg w $want '.host.guest_switch == $w' >/dev/null ||
	fail "host.guest_switch is not $want: $(echo "$last" | jq -c .host.guest_switch)"
# the intervals after the first (the guests' rates are known in all of them)
vm() {	# PID JQ: true in every interval for the VM
	jq -s -e --argjson p "$1" "[.[1:][] | .vms[] | select(.pid == \$p)] | length > 0 and all($2)" "$TEST_TMP/json" >/dev/null
}
vm "$busy" '.cpu.guest != null and (.exits.rate // .exits.userspace_rate) != null' ||
	skip "the busy guest's GUEST or exit rate is unknown here (kvm_pvm without perf sampling)"
# marked wherever it exited 1,000 times a second or more (the rule's floor), and it did in one interval at least: a
# box starved by its host's load slows the guest's loop below that (528/s in one such run)
jq -s -e --argjson p "$busy" '[.[1:][] | .vms[] | select(.pid == $p and (.exits.rate // .exits.userspace_rate) >= 1000)] |
	length > 0 and all(.guest_includes_switch == true and .vcpu[0].guest_includes_switch == true)' "$TEST_TMP/json" \
	>/dev/null || fail "the guest exiting on every OUT is not marked"
vm "$loop" '.guest_includes_switch == false and .vcpu[0].guest_includes_switch == false' ||
	fail "the guest with 3,000,000 loop steps between exits is marked"
# the verdict follows the exits: the loop guest exits far less often, yet spends as much time or more in the guest
vm "$loop" '(.exits.rate // .exits.userspace_rate) < 1000' || fail "the loop guest exits 1,000 times a second or more"

# text: '!' before the busy guest's GUEST% in every interval it exits 1,000 times a second or more (EXITS/s, the last
# column) and in one at least (a starved box's slow intervals are run again), none before the loop guest's, and the
# note that says what it means
rows() { awk -v p="$1" '$1 == p' "$TEST_TMP/text"; }
marked=0
for try in 1 2 3; do
	limit $((60 * TEST_SLOW)) "$VMTOP" -b -n 3 -d "$d" -p "$busy,$loop" >"$TEST_TMP/text" 2>&1 || fail "vmtop text exit $?"
	while read -r r; do
		rate=$(echo "$r" | awk '{ print $NF }')
		if echo "$r" | grep -qE "^ *$busy +sw-busy +1 +[0-9.]+ +~?![0-9.]+ "; then
			marked=$((marked + 1))
		elif [ "$rate" = - ] || [ "$rate" -ge 1000 ]; then
			fail "no '!' before the busy guest's GUEST% at $rate exits/s: $r"
		fi
	done <<-EOF
	$(rows "$busy")
	EOF
	[ $marked = 0 ] || break
	echo "# try $try: the busy guest exited under 1,000 times a second in every interval (a starved box): run again"
done
[ $marked -gt 0 ] || fail "the busy guest exited under 1,000 times a second in three text runs: $(rows "$busy")"
tail -n 20 "$TEST_TMP/text"
rows "$loop" | grep -vqE "^ *$loop +sw-loop +1 +[0-9.]+ +~?[0-9.]+ " && fail "the loop guest's GUEST% is marked: $(rows "$loop")"
grep -q '^Note: GUEST! (vCPUs: 1): ' "$TEST_TMP/text" || fail "no note on GUEST!: $(grep '^Note' "$TEST_TMP/text")"
echo "PASS: $TEST_NAME"

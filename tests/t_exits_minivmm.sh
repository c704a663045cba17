# t_exits_minivmm.sh - exits against ground truth: minivmm's pio vCPU counts the KVM_EXIT_IO it handles (with
# timestamps); vmtop's exits.userspace.IO for it matches within 2% in every refresh and pio shows port 0x80 out.
# Where kvm_exit fires (the box: SVM) the top reason is the I/O intercept at the VMM's rate within 5%, and the
# exit-to-entry time of all reasons is at most the vCPU's CPU time; under kvm_pvm the rate is null and said why.
. "$top_srcdir/tests/lib.sh"
need jq awk
. "$top_srcdir/tests/rig.sh"
rig_require_kvm
grep -q '^#define HAVE_BPF 1' "$top_builddir/config.h" || skip "built without eBPF: the exits source is bpf only"
"$RIG_MINIVMM" --report 20 pio >"$TEST_TMP/mini" 2>"$TEST_TMP/mini.err" &
mini=$!
rig_track $mini
rig_minivmm_ready "$TEST_TMP/mini" minivmm
timeout 120 "$VMTOP" -b -n 5 -d 1 --sample-hz 0 -o json -p $mini >"$TEST_TMP/json" || fail "vmtop exit $?"
sleep 0.1
src=$(jq -r 'select(.interval > 0) | .host.exits.source' "$TEST_TMP/json" | head -1)
[ "$src" = bpf ] || skip "exits source is not bpf here: $(jq -c .host.exits "$TEST_TMP/json" | head -1)"
# per refresh: when vmtop read the exit counters and since the last read, IO rate, out-0x80 pio rate, kvm_exit rate of "io"/"IO_INSTRUCTION", all
# reasons' time %, the vCPU's CPU %, the top reason
jq -r 'select(.interval > 0) | .vms[0] as $v | [.host.exits.time, .host.exits.interval, ($v.exits.userspace.IO // -1),
	([$v.exits.pio[]? | select(.port == 128 and .dir == "out") | .rate] | add // -1),
	($v.exits.reasons // {} | (.io // .IO_INSTRUCTION // {rate: -1}).rate),
	($v.exits.reasons // {} | [.[].time_pct] | add // -1), $v.vcpu[0].total,
	($v.exits.top // "-"), (.host.exits.kvm_exit_observable | tostring), ($v.exits.rate // "null")] | @tsv' \
	"$TEST_TMP/json" >"$TEST_TMP/rows"
[ "$(wc -l <"$TEST_TMP/rows")" -ge 4 ] || fail "fewer than 4 refreshes with an interval: $(cat "$TEST_TMP/json")"
grep '^io ' "$TEST_TMP/mini" >"$TEST_TMP/truth"
awk -v F="$TEST_TMP/truth" "$RIG_MINIVMM_AT"'
{
	want = (at($1) - at($1 - $2)) / $2
	if (at($1) < 0 || at($1 - $2) < 0) { print "no VMM count around " $1; bad = 1; next }
	dev = want > 0 ? ($3 - want) / want : 1
	printf "refresh %s: VMM %.0f IO/s, vmtop userspace.IO %.0f (%+.2f%%), pio out 0x80 %.0f, top %s, kvm_exit %s", \
		$1, want, $3, dev * 100, $4, $8, $10
	if ($9 == "true") printf ", io reason %.0f/s, time %.1f%% of vCPU %.1f%%", $5, $6, $7
	printf "\n"
	if (want < 100) { print "  the VMM made too few exits to compare"; bad = 1 }
	if (dev > 0.02 || dev < -0.02) { print "  userspace.IO off by more than 2%"; bad = 1 }
	# kvm_pio fires at the exit, kvm_userspace_exit on the way out, and the map is read bucket by bucket while
	# the vCPU runs: the two keys are read a little apart (the box: 9 exits in 1.2 s at 5300/s)
	if ($4 - $3 > 0.01 * $3 + 2 / $2 || $3 - $4 > 0.01 * $3 + 2 / $2) { print "  pio out 0x80 is not the IO rate"; bad = 1 }
	if ($9 == "true") {
		rdev = ($5 - want) / want
		if (rdev > 0.05 || rdev < -0.05) { print "  io reason off by more than 5%"; bad = 1 }
		if ($8 != "io" && $8 != "IO_INSTRUCTION") { print "  top reason is not the I/O intercept"; bad = 1 }
		if ($6 > $7 * 1.1 + 2) { print "  exit time exceeds the vCPU CPU time"; bad = 1 }
	} else {
		if ($10 != "null") { print "  kvm_exit not observable but a rate shown"; bad = 1 }
		if ($8 != "IO") { print "  top exit to the VMM is not IO"; bad = 1 }
	}
}
END { exit bad }' "$TEST_TMP/rows" || fail "exits do not match the VMM's count"
# every refresh where kvm_exit is not observable says so
jq -s -e 'map(select(.interval > 0)) | length > 0 and
	all(.[]; .host.exits.kvm_exit_observable or (.host.exits.note | test("kvm_exit")))' "$TEST_TMP/json" >/dev/null ||
	fail "kvm_exit not observable and not said: $(jq -c .host.exits "$TEST_TMP/json" | tail -1)"
exit 0

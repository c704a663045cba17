# t_exits_debugfs.sh - the exits part's fallback: where eBPF cannot load (root without CAP_BPF, CAP_PERFMON and
# CAP_SYS_ADMIN), KVM's per-VM debugfs counters (/sys/kernel/debug/kvm/PID-FD/) fill it: exits.source "debugfs",
# io_exits of a pio minivmm at the VMM's own rate within 5%, no per-vCPU split and no time (null, not 0). Where
# debugfs is not mounted or refuses (lockdown), exits.source is null with both reasons and the rest still works.
# debugfs is mounted, when it is not, in a private mount namespace only: the host's mounts stay as they are.
. "$top_srcdir/tests/lib.sh"
need jq awk setpriv unshare
[ "$(id -u)" = 0 ] || skip "needs root (debugfs is root's, and a private mount namespace)"
. "$top_srcdir/tests/rig.sh"
rig_require_kvm
# both vmtop and the VMM without these: a process may read the descriptors of one whose capabilities it holds
NOCAPS="setpriv --bounding-set=-bpf,-perfmon,-sys_admin --inh-caps=-bpf,-perfmon,-sys_admin"
$NOCAPS true || skip "setpriv cannot drop CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN here"
mounted=$(awk '$2 == "/sys/kernel/debug" && $3 == "debugfs"' /proc/mounts)
if [ -z "$mounted" ]; then
	limit 30 $NOCAPS "$VMTOP" -b -n 2 -d 0.3 -o json >"$TEST_TMP/nomount" 2>"$TEST_TMP/nomount.err" ||
		fail "debugfs not mounted: exit $?: $(cat "$TEST_TMP/nomount.err")"
	jq -e -s 'all(.[]; .host.exits.source == null and (.host.exits.reason | test("bpf: .*CAP_BPF")) and
		(.host.exits.reason | test("debugfs: debugfs is not mounted at /sys/kernel/debug")) and
		.host.cpu.idle != null and (.vms | type == "array"))' "$TEST_TMP/nomount" >/dev/null ||
		fail "debugfs not mounted: $(jq -c .host.exits "$TEST_TMP/nomount" | tail -1)"
	echo "not mounted: $(jq -r .host.exits.reason "$TEST_TMP/nomount" | tail -1)"
fi

# The rest in a mount namespace of our own where debugfs is mounted.
cat >"$TEST_TMP/inside.sh" <<EOF
awk '\$2 == "/sys/kernel/debug" && \$3 == "debugfs"' /proc/mounts | grep -q . ||
	mount -t debugfs none /sys/kernel/debug || exit 3
exec "\$@"
EOF
$NOCAPS "$RIG_MINIVMM" --report 20 pio >"$TEST_TMP/mini" 2>"$TEST_TMP/mini.err" &
mini=$!
rig_track $mini
rig_minivmm_ready "$TEST_TMP/mini" minivmm
limit 120 unshare -m sh "$TEST_TMP/inside.sh" $NOCAPS "$VMTOP" -b -n 5 -d 1 --sample-hz 0 -o json -p $mini \
	>"$TEST_TMP/json" 2>"$TEST_TMP/err"
rc=$?
[ $rc != 3 ] || skip "cannot mount debugfs in a private mount namespace"
[ $rc = 0 ] || fail "vmtop with debugfs: exit $rc: $(cat "$TEST_TMP/err")"
src=$(jq -r 'select(.interval > 0) | .host.exits.source' "$TEST_TMP/json" | head -1)
if [ "$src" != debugfs ]; then
	# refused (a kvm_pvm host's lockdown): null with the reason, and everything else there
	jq -e -s 'all(.[]; .host.exits.source == null and (.host.exits.reason | test("debugfs: .*(lockdown|EPERM)")) and
		.host.cpu.idle != null and ([.vms[] | .cpu.total] | length == 1))' "$TEST_TMP/json" >/dev/null ||
		fail "debugfs refused: not said: $(jq -c .host.exits "$TEST_TMP/json" | tail -1)"
	echo "refused: $(jq -r .host.exits.reason "$TEST_TMP/json" | tail -1)"
	exit 0
fi
jq -e -s '[.[] | select(.interval > 0)] | length >= 4 and all(.[]; .host.exits.per_vcpu == false and
	.host.exits.timed == false and .host.sources.exits == "debugfs" and (.host.source_reasons.exits | test("bpf: ")) and
	(.vms[0] | .exits.source == "debugfs" and .exits.time_pct == null and .exits.userspace == null and
	 .exits.pio == null and all(.vcpu[]; .exits.rate == null) and all(.exits.reasons[]; .time_pct == null)))' \
	"$TEST_TMP/json" >/dev/null || fail "debugfs: fields: $(jq -c '.host.exits, .vms[0].exits' "$TEST_TMP/json" | tail -2)"
jq -r 'select(.interval > 0) | [.host.exits.time, .host.exits.interval, (.vms[0].exits.reasons.io_exits.rate // -1),
	(.vms[0].exits.rate // -1), .vms[0].exits.top] | @tsv' "$TEST_TMP/json" >"$TEST_TMP/rows"
grep '^io ' "$TEST_TMP/mini" >"$TEST_TMP/truth"
awk -v F="$TEST_TMP/truth" "$RIG_MINIVMM_AT"'
{
	want = (at($1) - at($1 - $2)) / $2
	if (at($1) < 0 || at($1 - $2) < 0) { print "no VMM count around " $1; bad = 1; next }
	dev = want > 0 ? ($3 - want) / want : 1
	printf "refresh %s: VMM %.0f IO/s, debugfs io_exits %.0f/s (%+.2f%%), all exits %.0f/s, top %s\n", $1, want, $3,
		dev * 100, $4, $5
	if (want < 100) { print "  the VMM made too few exits to compare"; bad = 1 }
	if (dev > 0.05 || dev < -0.05) { print "  io_exits off by more than 5%"; bad = 1 }
	# the files are read one after another while the vCPU runs: all exits may trail io_exits by that gap (16/s of
	# 10,500 in a box starved by a busy host)
	if ($4 < $3 * 0.99) { print "  fewer exits than io_exits"; bad = 1 }
	if ($5 != "io_exits") { print "  top kind is not io_exits"; bad = 1 }
}
END { exit bad }' "$TEST_TMP/rows" || fail "debugfs io_exits do not match the VMM's count"
exit 0

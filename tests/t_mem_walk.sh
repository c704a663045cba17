#!/bin/sh
# t_mem_walk.sh - a VM's memory files are read only for what is printed: smaps_rollup and numa_maps (they walk its
# page tables: milliseconds for a big VM) for every VM by JSON (whose THP and NUMA figures are then known), none of
# them nor status and ksm_stat by the text table (RSS alone), with either threads source. The memory view asks for
# its VM alone: t_tui_kvm.sh checks that its NUMA rows come.
. "$top_srcdir/tests/lib.sh"
need jq strace
. "$top_srcdir/tests/rig.sh"
rig_require_kvm
"$RIG_MINIVMM" --report 20 spin >"$TEST_TMP/mini" 2>"$TEST_TMP/mini.err" &
mini=$!
rig_track $mini
rig_minivmm_ready "$TEST_TMP/mini" minivmm

walks() {	# the walk files vmtop opened for the VM
	grep -cE "/proc/$mini/(smaps_rollup|numa_maps)\"" "$1"
}
for src in auto proc; do
	strace -f -qq -e trace=openat -o "$TEST_TMP/text.st" timeout 60 "$VMTOP" -b -n 4 -d 0.5 --sample-hz 0 \
		--threads-source $src -p $mini >"$TEST_TMP/text" || fail "text, $src: vmtop exit $?"
	grep -q "/proc/$mini/" "$TEST_TMP/text.st" || fail "strace saw no /proc read of the VM: $(head -5 "$TEST_TMP/text.st")"
	grep -Eq "^ *$mini " "$TEST_TMP/text" || fail "the text table does not list the VM: $(cat "$TEST_TMP/text")"
	! grep -E "/proc/$mini/(smaps_rollup|numa_maps|status|ksm_stat|ksm_merging_pages)\"" "$TEST_TMP/text.st" ||
		fail "the text table ($src threads source) read the VM's memory files"
done

strace -f -qq -e trace=openat -o "$TEST_TMP/json.st" timeout 60 "$VMTOP" -b -n 4 -d 0.5 --sample-hz 0 -o json \
	-p $mini >"$TEST_TMP/json" || fail "json: vmtop exit $?"
[ "$(walks "$TEST_TMP/json.st")" -ge 2 ] || fail "JSON did not walk the VM's mappings"
jq -e 'select(.interval > 0) | .vms[0].mem | .thp_kib != null and (.numa | length) >= 1' "$TEST_TMP/json" \
	>/dev/null || fail "JSON's THP and NUMA not known: $(jq -c '.vms[0].mem' "$TEST_TMP/json" | tail -1)"
echo "PASS: $TEST_NAME"

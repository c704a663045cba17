# t_discovery_late.sh - VMs started after vmtop (tests/fakehost: real KVM descriptors) are listed, with their vCPUs,
# by the first refresh that begins after they exist, and VMs that exit leave by the first refresh after, without a
# complaint; with the /proc threads source (young processes rescanned) and, as root with the eBPF source built, the
# eBPF one (news of KVM descriptor creation). The fake VMs are processes for 1.5 s (3 refreshes) before they
# create their VMs: seen first as no VM, they must still be found at once.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/rig.sh"
need jq
[ -e /dev/kvm ] || skip "/dev/kvm is missing: fakehost's VMs need KVM descriptors"
sources=proc
grep -q '^#define HAVE_BPF 1' "$top_builddir/config.h" && [ "$(id -u)" = 0 ] && sources="proc bpf"

lines() { local n; n=$(wc -l <"$TEST_TMP/json" 2>/dev/null); echo "${n:-0}"; }
wait_lines() {	# until the JSON has $1 lines (vmtop's refreshes are 0.5 s apart)
	for _ in $(seq 300); do [ "$(lines)" -ge "$1" ] && return 0; kill -0 $top 2>/dev/null || break; sleep 0.05; done
	fail "$src: vmtop stopped at $(lines) refreshes, waiting for $1: $(cat "$TEST_TMP/err")"
}

for src in $sources; do
	"$VMTOP" -b -o json --sample-hz 0 --threads-source $src -d 0.5 -n 16 >"$TEST_TMP/json" 2>"$TEST_TMP/err" &
	top=$!
	rig_track $top
	wait_lines 2
	"$top_builddir/tests/fakehost" --vms 3 --vcpus 2 --duty 0 --seconds 120 --kvm-after-ms 1500 >"$TEST_TMP/fh.out" 2>"$TEST_TMP/fh.err" &
	sim=$!
	rig_track $sim
	for _ in $(seq 400); do grep -q '^ready' "$TEST_TMP/fh.out" && break; kill -0 $sim 2>/dev/null || break; sleep 0.05; done
	if ! grep -qx 'ready 3' "$TEST_TMP/fh.out"; then
		kill $top
		wait $sim
		[ $? = 77 ] && skip "fakehost: $(cat "$TEST_TMP/fh.err")"
		fail "fakehost not ready: $(cat "$TEST_TMP/fh.out" "$TEST_TMP/fh.err")"
	fi
	# the refresh under way when they were ready may have begun before; the one after it began after
	seen=$(( $(lines) + 2 ))
	vms=$(cat "/proc/$sim/task/$sim/children")
	for p in $vms; do rig_track "$p"; done
	[ "$(echo $vms | wc -w)" = 3 ] || fail "fakehost has $(echo $vms | wc -w) children, not 3"
	wait_lines $seen
	pids=$(echo $vms | tr ' ' ,)
	sed -n "${seen}p" "$TEST_TMP/json" | jq -e --arg p "$pids" '($p | split(",") | map(tonumber)) as $want |
		[.vms[] | select(.pid as $x | $want | index($x)) | select(.vcpus == 2 and
		 (.vcpu | map(select(.tid != null)) | length) == 2)] | length == 3' >/dev/null ||
		fail "$src: refresh $seen does not list the 3 new VMs with 2 vCPUs each: $(sed -n "${seen}p" "$TEST_TMP/json" | jq -c "[.vms[] | {pid, vcpus, v: [.vcpu[].tid]}]")"
	kill -KILL $vms $sim
	wait $sim 2>/dev/null
	gone=$(( $(lines) + 2 ))
	wait_lines $gone
	sed -n "${gone}p" "$TEST_TMP/json" | jq -e --arg p "$pids" '($p | split(",") | map(tonumber)) as $want |
		all(.vms[]; .pid as $x | $want | index($x) | not)' >/dev/null ||
		fail "$src: refresh $gone still lists an exited VM"
	wait_limit $top 120 || fail "$src: vmtop still running after 120 s: $(cat "$TEST_TMP/err")"
	[ "$wait_status" = 0 ] || fail "$src: vmtop exit $wait_status: $(cat "$TEST_TMP/err")"
	[ "$(lines)" = 16 ] || fail "$src: $(lines) refreshes, not 16"
	grep -v 'descriptors are not readable' "$TEST_TMP/err" >"$TEST_TMP/err.new"
	[ ! -s "$TEST_TMP/err.new" ] || fail "$src: vmtop complained: $(cat "$TEST_TMP/err.new")"
	jq -s -e --arg s $src 'all(.[]; .host.sources.threads == $s)' "$TEST_TMP/json" >/dev/null ||
		fail "$src: not the threads source used"
	echo "$src: listed by refresh $seen, gone by refresh $gone"
done
exit 0

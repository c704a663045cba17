# t_threads_bpf.sh - the eBPF thread source: on the same fake VM processes (tests/fakehost --no-kvm, any host) and
# real KVM vCPUs (tests/minivmm, where /dev/kvm works) it and the /proc reader see the same threads and agree
# within one tick per thread over the interval; vmtop as
# root names "bpf" as its threads source; without privileges it falls back to /proc and says why.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/rig.sh"
need jq setpriv
grep -q '^#define HAVE_BPF 1' "$top_builddir/config.h" || skip "built without the eBPF thread source (see configure)"
[ "$(id -u)" = 0 ] || skip "needs root to load the task iterator"

"$top_builddir/tests/fakehost" --no-kvm --vms 6 --vcpus 2 --duty 10 --seconds 60 >"$TEST_TMP/fh.out" \
	2>"$TEST_TMP/fh.err" &
sim=$!
rig_track $sim
for _ in $(seq 100); do grep -q '^ready' "$TEST_TMP/fh.out" && break; sleep 0.1; done
grep -qx 'ready 6' "$TEST_TMP/fh.out" || fail "fakehost not ready: $(cat "$TEST_TMP/fh.out" "$TEST_TMP/fh.err")"
# shellcheck disable=SC2046
"$top_builddir/tests/threads_agree" 2 $(cat "/proc/$sim/task/$sim/children") "$sim" >"$TEST_TMP/agree"
status=$?
cat "$TEST_TMP/agree"
if [ $status = 77 ]; then
	bpf_must_load && fail "root, BTF, Linux $(uname -r): $(cat "$TEST_TMP/agree")"
	skip "$(cat "$TEST_TMP/agree")"
fi
[ $status = 0 ] || fail "the readers disagree: $(tail -1 "$TEST_TMP/agree")"
grep -q '^1[0-9] threads of 7 processes' "$TEST_TMP/agree" || fail "not every fake VM thread compared"

# real KVM vCPUs where /dev/kvm works (tests/minivmm spin: guest time accounted, run_delay growing)
if "$top_builddir/tests/minivmm" --probe >/dev/null 2>&1; then
	"$top_builddir/tests/minivmm" --vcpus 2 --seconds 30 spin >"$TEST_TMP/mv.out" 2>"$TEST_TMP/mv.err" &
	mv=$!
	rig_track $mv
	for _ in $(seq 100); do grep -q ready "$TEST_TMP/mv.out" && break; sleep 0.1; done
	grep -qx ready "$TEST_TMP/mv.out" || fail "minivmm not ready: $(cat "$TEST_TMP/mv.err")"
	"$top_builddir/tests/threads_agree" 2 $mv >"$TEST_TMP/agree" || fail "KVM vCPUs: $(cat "$TEST_TMP/agree")"
	cat "$TEST_TMP/agree"
	grep -q '^[3-9] threads of 1 processes' "$TEST_TMP/agree" || fail "minivmm's threads not compared"
	kill $mv
fi

# the memory figures with the eBPF pass (status still read: it sums the per-CPU parts of the mm counters since 6.15;
# the KSM pages from the pass) agree with /proc/PID/status and ksm_stat read just after: within the per-CPU slack
# (max(32, 2 x CPUs) pages per CPU), swap and KSM pages exactly
if [ -e /dev/kvm ]; then
	"$top_builddir/tests/fakehost" --vms 2 --vcpus 1 --duty 0 --touch-mb 8 --seconds 60 >"$TEST_TMP/fm.out" \
		2>"$TEST_TMP/fm.err" &
	fm=$!
	rig_track $fm
	for _ in $(seq 100); do grep -q '^ready' "$TEST_TMP/fm.out" && break; sleep 0.1; done
	grep -qx 'ready 2' "$TEST_TMP/fm.out" || fail "fakehost (KVM) not ready: $(cat "$TEST_TMP/fm.err")"
	limit 60 "$VMTOP" -b -n 1 -d 0.2 -o json --sample-hz 0 --threads-source bpf >"$TEST_TMP/mm.json" ||
		fail "vmtop bpf failed"
	n=$(nproc)
	slack=$(( (n * 2 > 32 ? n * 2 : 32) * n * $(getconf PAGESIZE) / 1024 ))
	for p in $(cat "/proc/$fm/task/$fm/children"); do
		st=$(cat "/proc/$p/status")
		field() { awk -v f="$1:" '$1 == f {print $2}' <<<"$st"; }
		jq -e --argjson p "$p" --argjson anon "$(field RssAnon)" --argjson file "$(field RssFile)" \
			--argjson shmem "$(field RssShmem)" --argjson swap "$(field VmSwap)" \
			--argjson slack "$slack" --argjson merging "$(awk '$1 == "ksm_merging_pages" {print $2}' "/proc/$p/ksm_stat" 2>/dev/null || echo null)" \
			'.vms[] | select(.pid == $p) | .mem | (.anon_kib - $anon | fabs) <= $slack and $anon >= 8192 - $slack
			 and (.file_kib - $file | fabs) <= $slack and (.shmem_kib - $shmem | fabs) <= $slack
			 and .swap_kib == $swap and ($merging == null or .ksm.merging_pages == $merging)' "$TEST_TMP/mm.json" \
			>/dev/null || fail "memory counters of $p: vmtop $(jq -c --argjson p "$p" '.vms[] | select(.pid == $p) | .mem' "$TEST_TMP/mm.json"), status: $(grep -E 'Rss|Swap' <<<"$st" | tr '\n' ' ')"
		echo "memory counters of $p agree (anon $(field RssAnon) kB, slack $slack kB)"
	done
	kill $fm
fi

# vmtop itself: bpf as root, /proc without privileges, with the reason (once on stderr, in JSON and text)
limit 60 "$VMTOP" -b -n 1 -d 0.3 -o json >"$TEST_TMP/root.json"
jq -e '.host.sources.threads == "bpf" and (.host.source_reasons | has("threads") | not)' "$TEST_TMP/root.json" \
	>/dev/null || fail "as root the threads source is not bpf"
chmod 755 "$TEST_TMP"
limit 60 setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups --inh-caps=-all \
	"$VMTOP" -b -n 2 -d 0.3 -o json >"$TEST_TMP/json" 2>"$TEST_TMP/err" || fail "unprivileged run failed"
jq -s -e 'length > 0 and all(.[]; .host.sources.threads == "proc" and
	(.host.source_reasons.threads | test("^bpf: .*CAP_BPF")))' "$TEST_TMP/json" >/dev/null ||
	fail "unprivileged: $(jq -c '.host | {sources, source_reasons}' "$TEST_TMP/json" | head -1)"
[ "$(grep -c 'threads: bpf: .*CAP_BPF.*; using proc' "$TEST_TMP/err")" = 1 ] || fail "fallback not said once: $(cat "$TEST_TMP/err")"
limit 60 setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups --inh-caps=-all "$VMTOP" -b -n 1 -d 0.3 \
	>"$TEST_TMP/text" 2>/dev/null
grep -q '^Sources: stat=proc threads=proc .*' "$TEST_TMP/text" || fail "text header does not name proc"
grep -q '^Note: threads: bpf: ' "$TEST_TMP/text" || fail "text header does not say why not bpf"
exit 0

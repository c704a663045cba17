# t_kvm_funcs.sh - the functions split over a real pio guest (qemu, 1 vCPU; SKIP without KVM): with --functions,
# the guest's kvm and kvm_vendor components list their top kernel functions, each a text symbol /proc/kallsyms
# has, their %CPU adding up to at most the component's, shares of at most 100, at most 20 per component, and
# "via" (the caller frame that charged the component) a kallsyms function too; without --functions no
# "functions" key at all.
. "$top_srcdir/tests/lib.sh"
need jq
. "$top_srcdir/tests/rig.sh"
rig_require_kvm

rig_start_guest funcs-pio pio 1 64 || fail "pio guest did not start"
pid=$(rig_pid funcs-pio)
timeout 120 "$VMTOP" -b -n 3 -d 2 -o json --functions -p "$pid" >"$TEST_TMP/json" 2>"$TEST_TMP/err" ||
	fail "vmtop exit $?: $(cat "$TEST_TMP/err")"
first=$(head -n 1 "$TEST_TMP/json")
last=$(tail -n 1 "$TEST_TMP/json")
echo "$last" | jq -e '.host.perf.enabled' >/dev/null || skip "perf sampling is off: $(echo "$last" | jq -c .host.perf)"
echo "$last" | jq -e '.host.perf.kernel_split_by != null' >/dev/null ||
	skip "kernel symbols hidden: $(echo "$last" | jq -c .host.perf.functions)"
# the first interval has no functions yet (names load with it), later ones do
echo "$first" | jq -e '.vms[0] | has("functions")' >/dev/null || fail "no functions key with --functions: $first"
echo "$last" | jq -e '.host.perf.functions.valid == true' >/dev/null ||
	fail "functions not valid by the third refresh: $(echo "$last" | jq -c .host.perf.functions)"
vm=$(echo "$last" | jq -c '.vms[0]')
echo "$vm" | jq -c '{components, functions: (.functions | map_values(.[0:4]))}'

awk '$2 ~ /^[tT]$/ { print $3 }' /proc/kallsyms | sort -u >"$TEST_TMP/syms"
comps=0
for c in kvm kvm_vendor; do
	n=$(echo "$vm" | jq --arg c $c '.functions[$c] // [] | length')
	[ "$n" -gt 0 ] || continue
	comps=$((comps + 1))
	[ "$n" -le 20 ] || fail "$c: $n functions, more than 20"
	echo "$vm" | jq -r --arg c $c '.functions[$c][] | .function, (.via // empty)' | sort -u >"$TEST_TMP/names"
	# eBPF programs (vmtop's own on KVM's tracepoints among them) are in kallsyms only while loaded
	missing=$(grep -v '^bpf_prog_[0-9a-f]*_' "$TEST_TMP/names" | comm -23 - "$TEST_TMP/syms")
	[ -z "$missing" ] || fail "$c: names that /proc/kallsyms lacks: $missing"
	# each row is rounded to 0.01 on its own: n rows of one sample (0.506 at 99 Hz over 2 s, printed 0.51) add up
	# to as much as n x 0.005 more than the component, rounded once
	echo "$vm" | jq -e --arg c $c '([.functions[$c][].cpu] | add) <= .components[$c] + 0.005 * (.functions[$c] | length) + 0.01' >/dev/null ||
		fail "$c: functions add up to more than the component: $(echo "$vm" | jq -c --arg c $c '[.components[$c], ([.functions[$c][].cpu] | add)]')"
	echo "$vm" | jq -e --arg c $c 'all(.functions[$c][]; .share <= 100.05 and .cpu > 0)' >/dev/null ||
		fail "$c: a share above 100 or a zero row"
	echo "$vm" | jq -e --arg c $c '.functions[$c] | . == (sort_by(-.cpu))' >/dev/null || fail "$c: not sorted by %CPU"
done
[ $comps -gt 0 ] || fail "the pio guest has no kvm or kvm_vendor functions: $vm"

timeout 60 "$VMTOP" -b -n 2 -d 1 -o json -p "$pid" >"$TEST_TMP/plain" 2>&1 || fail "vmtop without --functions failed"
tail -n 1 "$TEST_TMP/plain" | jq -e '(.vms[0] | has("functions") | not) and (.host.perf | has("functions") | not)' \
	>/dev/null || fail "functions in the JSON without --functions"
echo "PASS: $TEST_NAME"

# t_balloon_guest.sh - balloons of real qemu guests through their QMP sockets: with -device virtio-balloon-pci
# and no driver in the guest, actual is the configured size; without the device, unknown with qemu's reason; and
# the memory figures of a real VMM add up (anon + file + shmem = RSS), major faults/s known after two readings (2 s).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/rig.sh"
need jq
rig_require_kvm
rig_start_guest bal-dev halt 1 64 -device virtio-balloon-pci || fail "guest bal-dev did not start"
rig_start_guest bal-none halt 1 64 || fail "guest bal-none did not start"
d=$(rig_pid bal-dev) n=$(rig_pid bal-none)
# at least 6 refreshes, and on until bal-dev's slow figures (smaps_rollup, numa_maps: a few VMs a refresh) are in:
# other tests' VMs beside it in make check take their turns first; and its balloon: a QMP greeting later than 50 ms
# (qemu under TCG in the box) leaves the socket alone for 30 s, as documented, before it is asked again
"$VMTOP" -b -o json -n $((100 * TEST_SLOW)) -d 0.5 -p "$d,$n" >"$TEST_TMP/json" 2>"$TEST_TMP/err" &
vpid=$!
i=0
while kill -0 $vpid 2>/dev/null; do
	if [ "$(wc -l <"$TEST_TMP/json")" -ge 6 ] && tail -n 1 "$TEST_TMP/json" |
		jq -e --argjson p "$d" '.vms[] | select(.pid == $p) | .mem.thp_kib != null and .mem.numa != null
			and .mem.balloon.source != null' >/dev/null 2>&1; then
		kill $vpid
		break
	fi
	i=$((i + 1))
	[ $i -lt $((400 * TEST_SLOW)) ] || break
	sleep 0.1
done
wait_limit $vpid 10 || fail "vmtop did not end"
# a complete last line (SIGTERM ends vmtop between refreshes or mid-line: a cut line is dropped)
tail -c 1 "$TEST_TMP/json" | od -An -c | grep -q '\\n' || sed -i '$d' "$TEST_TMP/json"
mem() {
	tail -n 1 "$TEST_TMP/json" | jq -c --argjson p "$1" '.vms[] | select(.pid == $p) | .mem'
}
mem "$d" | jq -e '.balloon.source == "qmp" and .balloon.actual_kib == 65536 and .config_kib == 65536' >/dev/null ||
	fail "balloon device, no driver: $(mem "$d")"
mem "$n" | jq -e '.balloon.source == null and .balloon.actual_kib == null
	and (.balloon.reason | test("balloon"; "i"))' >/dev/null || fail "no balloon device: $(mem "$n")"
# RssAnon + RssFile + RssShmem is VmRSS in status; vmtop's rss_kib comes from stat, read a moment apart
mem "$d" | jq -e '(.anon_kib + .file_kib + .shmem_kib) as $s | $s > 0 and ($s - .rss_kib | fabs) < 2048
	and .swap_kib >= 0 and .thp_kib >= 0 and .hugetlb_kib == 0 and (.numa | length) >= 1
	and (.numa | map(.kib) | add) > 0 and .majflt_rate >= 0' >/dev/null || fail "memory figures: $(mem "$d")"
# its vCPU counted on the node of the CPU it last ran on, as sysfs lists the node's CPUs
cpu=$(tail -n 1 "$TEST_TMP/json" | jq --argjson p "$d" '.vms[] | select(.pid == $p) | .vcpu[0].last_cpu')
want=null
for f in /sys/devices/system/node/node*/cpulist; do
	[ -e "$f" ] || continue
	node=${f%/cpulist}
	node=${node##*/node}
	# the list's ranges (0-3,8) against the CPU
	echo ",$(cat "$f")," | tr ',' '\n' | awk -F- -v c="$cpu" 'NF && c >= $1 && c <= ($2 == "" ? $1 : $2) { f = 1 } END { exit !f }' &&
		want="[{\"node\":$node,\"vcpus\":1}]"
done
[ "$want" != null ] || [ ! -d /sys/devices/system/node/node0 ] || fail "CPU $cpu is on no node in sysfs"
mem "$d" | jq -e --argjson w "$want" '.vcpu_nodes == $w' >/dev/null ||
	fail "vCPU nodes: the vCPU last ran on CPU $cpu, of node $want: $(mem "$d" | jq -c .vcpu_nodes)"
echo "PASS: $TEST_NAME"

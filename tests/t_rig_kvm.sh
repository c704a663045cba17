# t_rig_kvm.sh - real qemu -accel kvm guests from the rig (needs KVM, else SKIP): a spin guest's vCPU thread
# "CPU 0/KVM" is always runnable (it runs or waits for a CPU); a pio guest exits to KVM (QMP query-stats, where
# qemu has it).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/rig.sh"
rig_require_kvm

rig_start_guest spinner spin 1 32 || fail "spin guest did not start"
pid=$(rig_pid spinner)
tid=$(rig_threads "$pid" | awk '$2 == "CPU" && $3 == "0/KVM" {print $1}')
[ -n "$tid" ] || fail "no 'CPU 0/KVM' thread in qemu: $(rig_threads "$pid" | tr '\n' ';')"
rig_check_spinning "$pid" "$tid"
rig_stop spinner

rig_start_guest porter pio 1 32 || fail "pio guest did not start"
command -v python3 >/dev/null 2>&1 || { echo "note: no python3, query-stats not checked"; exit 0; }
# The vCPUs' "exits" summed; "none" when qemu has no query-stats or KVM gives no such statistic (kernels without
# the binary stats API return an empty list); anything else (no reply) is not a number and fails below.
exits() {
	rig_qmp porter '{"execute": "query-stats", "arguments": {"target": "vcpu"}}' | python3 -c '
import json, sys
reply = json.load(sys.stdin)
values = [] if "error" in reply else [s["value"] for r in reply["return"] for s in r["stats"] if s["name"] == "exits"]
print(sum(values) if values else "none")'
}
e1=$(exits)
if [ "$e1" = none ]; then
	echo "note: no KVM exit statistics from query-stats here; pio exits not checked"
	exit 0
fi
sleep 1
e2=$(exits)
case "$e1$e2" in '' | *[!0-9]*) fail "query-stats: no exit counts ('$e1', '$e2')" ;; esac
[ $((e2 - e1)) -gt 1000 ] || fail "pio guest: only $((e2 - e1)) exits in 1 s"
exit 0

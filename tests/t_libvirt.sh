# t_libvirt.sh - a libvirt domain (the tiny guest with its balloon driver, started by libvirtd, which holds its QMP
# monitor): vmtop names it by libvirt, gives its UUID and balloon from libvirt's read-only API, and follows `virsh
# setmem`; with libvirtd stopped (SIGSTOP) refreshes keep their pace and the last answer stands; --no-libvirt leaves
# it alone. Starts libvirtd (Debian's libvirt-daemon-system) when it is not running, and stops it again.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/rig.sh"
need jq
rig_require_kvm
command -v libvirtd >/dev/null 2>&1 && command -v virsh >/dev/null 2>&1 ||
	skip "needs libvirtd and virsh (apt-get install libvirt-daemon-system)"
why=$("$VMTOP" -b -n 1 -d 0.1 -o json 2>/dev/null | jq -r '.host.source_reasons.domains // empty')
case $why in *"built without libvirt"*) skip "$why" ;; esac

virsh() { command virsh -q -c qemu:///system "$@"; }
dom=vmtop-lv-$$ uuid=$(cat /proc/sys/kernel/random/uuid)
started= stopped=
lv_cleanup() {
	[ -z "$stopped" ] || kill -CONT "$stopped" 2>/dev/null
	virsh destroy "$dom" >/dev/null 2>&1
	[ -z "$started" ] || kill $started 2>/dev/null
	rig_cleanup
}
trap 'lv_cleanup' EXIT
# libvirtd and the log daemon its qemus write through; each started here is stopped at the end (-d fails where
# one runs: its pidfile is held)
! virtlogd -d 2>/dev/null || started=$(cat /run/virtlogd.pid)
if ! virsh list >/dev/null 2>&1; then
	libvirtd -d || fail "libvirtd did not start"
	started="$started $(cat /run/libvirtd.pid)"
	n=0
	until virsh list >/dev/null 2>&1; do
		[ $n -lt $((100 * TEST_SLOW)) ] || fail "libvirtd did not answer within $((20 * TEST_SLOW)) s"
		n=$((n + 1))
		sleep 0.2
	done
fi

# the tiny guest in balloon mode; qemu as root (the build tree's files), its console through -debugcon
dir=$TEST_TMP/lv
mkdir -p "$dir" && chmod 755 "$TEST_TMP" "$dir"
cat >"$dir/dom.xml" <<EOF
<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>$dom</name>
  <uuid>$uuid</uuid>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><kernel>$RIG_GUEST</kernel><cmdline>balloon</cmdline></os>
  <cpu mode='custom' match='exact' check='none'><model fallback='allow'>qemu64</model></cpu>
  <on_reboot>destroy</on_reboot>
  <devices>
    <emulator>$RIG_QEMU</emulator>
    <controller type='usb' model='none'/>
    <memballoon model='virtio'><stats period='1'/></memballoon>
  </devices>
  <seclabel type='static' model='dac' relabel='no'><label>root:root</label></seclabel>
  <qemu:commandline><qemu:arg value='-debugcon'/><qemu:arg value='file:$dir/con'/></qemu:commandline>
</domain>
EOF
virsh create "$dir/dom.xml" >"$dir/create.out" 2>&1 || fail "virsh create: $(cat "$dir/create.out")"
# wait_console LINE: until the guest says LINE (its driver says each balloon size it settles at)
wait_console() {
	wc_until=$(($(date +%s) + 60 * TEST_SLOW))
	until grep -qx "$1" "$dir/con" 2>/dev/null; do
		[ "$(date +%s)" -lt "$wc_until" ] || fail "the guest never said '$1': $(tr '\n' ' ' <"$dir/con" 2>/dev/null)"
		sleep 0.1
	done
}
wait_console "vmtop-guest: balloon-pages 0"
pid=$(pgrep -f "guest=$dom,") || fail "no qemu for $dom"
# libvirtd holds the monitor: no QMP path on the command line for vmtop to take
tr '\0' '\n' <"/proc/$pid/cmdline" | grep -q '^-uuid$' || fail "qemu has no -uuid: $(tr '\0' ' ' <"/proc/$pid/cmdline")"

json=$TEST_TMP/json
limit $((30 * TEST_SLOW)) "$VMTOP" -b -o json -n 2 -d 0.5 -p "$pid" >"$json" 2>"$TEST_TMP/err" ||
	fail "vmtop exit $?: $(cat "$TEST_TMP/err")"
vm=$(tail -n 1 "$json" | jq -c '.vms[0]')
echo "$vm" | jq -c '{name, uuid, libvirt, balloon: .mem.balloon}'
tail -n 1 "$json" | jq -e '.host.sources.domains == "libvirt"' >/dev/null ||
	fail "domains source: $(tail -n 1 "$json" | jq -c '[.host.sources.domains, .host.source_reasons.domains]')"
echo "$vm" | jq -e --arg d "$dom" --arg u "$uuid" '.name == $d and .uuid == $u and .libvirt == true' >/dev/null ||
	fail "not named as libvirt's domain $dom ($uuid): $(echo "$vm" | jq -c '{name, uuid, libvirt}')"
echo "$vm" | jq -e '.mem.balloon.source == "libvirt" and .mem.balloon.actual_kib == 65536' >/dev/null ||
	fail "balloon not libvirt's 65536 KiB: $(echo "$vm" | jq -c .mem.balloon)"

# virsh setmem: the guest inflates its balloon to half, libvirt hears of it, vmtop follows within a few refreshes
"$VMTOP" -b -o json -d 0.5 -n 1000 -p "$pid" >"$json" 2>"$TEST_TMP/err" &
top=$!
rig_track $top
virsh setmem "$dom" 32768 --live || fail "virsh setmem refused"
wait_console "vmtop-guest: balloon-pages 8192"
from=$(wc -l <"$json")
until=$(($(date +%s) + 10 * TEST_SLOW))
until tail -n +"$((from + 1))" "$json" | jq -e -s 'map(.vms[0].mem.balloon.actual_kib) | index(32768)' >/dev/null; do
	[ "$(date +%s)" -lt "$until" ] || fail "vmtop's balloon stayed at $(tail -n 1 "$json" | jq -c .vms[0].mem.balloon)"
	sleep 0.1
done
n=$(tail -n +"$((from + 1))" "$json" | jq -s 'map(.vms[0].mem.balloon.actual_kib) | index(32768) + 1')
echo "# vmtop showed libvirt's 32768 KiB $n refreshes after the guest settled"
[ "$n" -le $((TEST_SLOW > 1 ? 6 : 4)) ] || fail "$n refreshes after the guest settled"

# libvirtd stopped (less than the 10 s after which its answer is too old to show): the refreshes keep their pace
# (one waits 50 ms at most), the last answer stands, a warning says so
stopped=$(cat /run/libvirtd.pid)
kill -STOP $stopped
from=$(wc -l <"$json")
sleep $((TEST_SLOW > 1 ? 6 : 3))
kill -CONT $stopped
stopped=
tail -n +"$((from + 1))" "$json" | jq -c "[.time, .interval, .vms[0].mem.balloon.actual_kib, .host.warnings]"
# (the refreshes at either end may have had libvirtd's answer)
tail -n +"$((from + 1))" "$json" | jq -s -e 'all(.vms[0].mem.balloon.actual_kib == 32768) and
	(map(select(.host.warnings | any(test("libvirt")))) | length >= 4)' >/dev/null ||
	fail "while libvirtd was stopped: not the last answer, or no warning"
tail -n +"$((from + 1))" "$json" | jq -s -e --argjson s "$TEST_SLOW" 'map(.interval) | max < 0.5 + 0.25 * $s' \
	>/dev/null ||
	fail "a refresh waited for libvirtd: intervals $(tail -n +"$((from + 1))" "$json" | jq -s -c 'map(.interval)')"
kill $top

# --no-libvirt: the domain is not asked (nor its monitor, which libvirtd holds)
limit $((30 * TEST_SLOW)) "$VMTOP" -b -o json -n 1 -d 0.3 --no-libvirt -p "$pid" >"$json" 2>"$TEST_TMP/err" ||
	fail "vmtop --no-libvirt exit $?"
tail -n 1 "$json" | jq -e '.host.sources.domains == null and .vms[0].libvirt == false and
	.vms[0].mem.balloon.source == null' \
	>/dev/null || fail "--no-libvirt: $(tail -n 1 "$json" | jq -c '[.host.source_reasons, .vms[0].mem.balloon]')"
echo "PASS: $TEST_NAME"

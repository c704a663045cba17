# t_net_apportion.sh - two real guests whose taps sit on a bridge in a network namespace this test creates;
# traffic goes from the bridge to the guests' taps at exactly 3:1 bytes (one 1242-byte and one 414-byte frame per
# round). vmtop must report the guests' receive rates 3:1 (within 10%) and give them the host's bridge/nic/tun
# time 3:1 (within 25%: shares follow bytes, the slack is for figures rounded to 0.01%).
# Needs root, iproute2, bash (/dev/udp), jq and KVM; SKIP otherwise. Host settings are untouched: everything
# lives in the test namespace, deleted at the end.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/net_lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root (creates a network namespace, system-wide perf)"
need jq ip bridge bash
[ -f "$top_srcdir/tests/rig.sh" ] || skip "tests/rig.sh not present"
. "$top_srcdir/tests/rig.sh"
rig_require_kvm

NS="vmtop-apport-$$"
GEN=""
# Keep the EXIT trap already set (lib.sh's, the rig's) and run it after ours; `trap` into a file because
# dash shows no traps inside a command substitution.
trap >"$TEST_TMP/traps"
net_prev_trap=$(sed -n "s/^trap -- \(.*\) EXIT\$/\1/p" "$TEST_TMP/traps")
eval "net_prev_trap=${net_prev_trap:-''}"
net_cleanup() {
	[ -n "$GEN" ] && kill "$GEN" 2>/dev/null
	rig_stop_all
	ip netns del "$NS" 2>/dev/null
	eval "$net_prev_trap"
	rm -rf "$TEST_TMP"
}
trap net_cleanup EXIT
trap 'exit 1' INT TERM HUP

net_bridge_ns "$NS" tapA tapB
ip -n "$NS" addr add 10.99.0.1/24 dev br0
# Static neighbours and forwarding entries: no ARP, and unicast goes to one tap only (no flooding).
ip -n "$NS" neigh replace 10.99.0.2 lladdr 52:54:00:99:00:01 dev br0 nud permanent || fail "neighbour"
ip -n "$NS" neigh replace 10.99.0.3 lladdr 52:54:00:99:00:02 dev br0 nud permanent || fail "neighbour"
ip netns exec "$NS" bridge fdb add 52:54:00:99:00:01 dev tapA master static || fail "fdb"
ip netns exec "$NS" bridge fdb add 52:54:00:99:00:02 dev tapB master static || fail "fdb"

# qemu runs inside the namespace (ip netns exec keeps the PID: it execs qemu) and attaches to the persistent
# tap; the netdev has no NIC, so qemu reads every frame at once and drops it, whatever the guest does.
cat >"$TEST_TMP/qemu-in-ns" <<WRAP
#!/bin/sh
exec ip netns exec '$NS' '$RIG_QEMU' "\$@"
WRAP
chmod +x "$TEST_TMP/qemu-in-ns"
RIG_QEMU="$TEST_TMP/qemu-in-ns"
for g in A B; do
	rig_start_guest "net$g" halt 1 64 -netdev "tap,id=n0,ifname=tap$g,script=no,downscript=no" ||
		fail "guest net$g did not start"
done
ns_link=$(ip netns exec "$NS" readlink /proc/self/ns/net)
for g in A B; do
	[ "$(readlink /proc/"$(rig_pid "net$g")"/ns/net)" = "$ns_link" ] ||
		fail "guest net$g is not in the test namespace (the rig must run \$RIG_QEMU)"
done

ip netns exec "$NS" timeout 30 bash -c 'a=$(printf "%1200s" ""); b=$(printf "%372s" "")
	while :; do printf %s "$a" >/dev/udp/10.99.0.2/9; printf %s "$b" >/dev/udp/10.99.0.3/9; done' 9>&- &
GEN=$!
sleep 1
timeout 60 "$VMTOP" -b -n 4 -d 1 -o json --sample-hz 999 >"$TEST_TMP/json" 2>"$TEST_TMP/err" ||
	fail "vmtop exit $?: $(cat "$TEST_TMP/err")"
kill "$GEN" 2>/dev/null
GEN=""

jq -e -s '.[-1].host.perf.enabled' "$TEST_TMP/json" >/dev/null ||
	skip "perf sampling unavailable: $(cat "$TEST_TMP/err")"
q() { jq -s "$1" "$TEST_TMP/json"; }
vm() { echo "[.[1:][] | .vms[] | select(.name == \"$1\")]"; }
for g in A B; do
	q "$(vm net$g) | length == 3 and all(.net.taps[0].ifname == \"tap$g\" and .net.taps[0].bridge == \"br0\")" |
		grep -qx true || fail "guest net$g missing, or its tap/bridge wrong: $(q "$(vm net$g) | .[0].net" | tr -d '\n ')"
done
rx() { q "$(vm "$1") | map(.net.rx_bytes) | add"; }
shared() { q "$(vm "$1") | map(.apportioned.bridge + .apportioned.nic + .apportioned.tun) | add"; }
rxA=$(rx netA) rxB=$(rx netB) shA=$(shared netA) shB=$(shared netB)
host=$(q '[.[1:][] | .host.apportioned | .bridge + .nic + .tun] | add')
echo "rx bytes/s summed: A $rxA B $rxB; apportioned %: A $shA B $shB (host $host)"
jq -n -e "$rxB > 0 and ($rxA / $rxB) > 2.7 and ($rxA / $rxB) < 3.3" >/dev/null ||
	fail "receive rates not 3:1: A $rxA B $rxB"
jq -n -e "$host > 0" >/dev/null || fail "no bridge/nic/tun samples while traffic flowed"
jq -n -e "$shB > 0 and ($shA / $shB) > 2.25 and ($shA / $shB) < 3.75" >/dev/null ||
	fail "apportioned bridge/nic/tun not 3:1: A $shA B $shB"
exit 0

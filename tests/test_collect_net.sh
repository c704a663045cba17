#!/bin/sh
# test_collect_net.sh - a test network namespace with a bridge and two taps, two processes living in it, then
# test_collect_net reads the taps through a netlink socket made inside it. Root and iproute2, else SKIP.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/net_lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root (creates a network namespace)"
need ip
[ -c /dev/net/tun ] || skip "no /dev/net/tun"

NS="vmtop-net-$$"
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	ip netns del "$NS" 2>/dev/null
	rm -rf "$TEST_TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

net_bridge_ns "$NS" tap0 tap1
ip -n "$NS" link set br0 address 02:00:00:00:00:01

home=$(readlink /proc/self/ns/net)
for i in 0 1; do
	ip netns exec "$NS" sleep 300 &
	PIDS="$PIDS $!"
done
# ip netns exec enters the namespace before it runs sleep: wait until both have.
for p in $PIDS; do
	n=0
	while [ "$(readlink /proc/"$p"/ns/net 2>/dev/null)" = "$home" ] && [ $n -lt 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
done
# shellcheck disable=SC2086
"$top_builddir/tests/test_collect_net" $PIDS || fail "test_collect_net failed"

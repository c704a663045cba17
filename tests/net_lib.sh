# net_lib.sh - the network tests' namespace: bridge br0 with tap devices on it, all up. Sourced after lib.sh.

# net_bridge_ns NS TAP...: creates namespace NS (SKIP when it cannot), IPv6 off inside it only so the taps
# carry nothing but the test's frames, bridge br0 and each TAP on it. The caller deletes NS.
net_bridge_ns() {
	ns=$1
	shift
	ip netns add "$ns" || skip "cannot create a network namespace (ip netns add)"
	# ip netns exec remounts / as a slave: in a chroot or container whose / is no mount point it cannot
	if ! ip netns exec "$ns" true 2>"$TEST_TMP/netns.err"; then
		ip netns del "$ns"
		skip "cannot enter a network namespace: $(head -n 1 "$TEST_TMP/netns.err") (is / a mount point?)"
	fi
	ip netns exec "$ns" sh -c 'for f in /proc/sys/net/ipv6/conf/*/disable_ipv6; do echo 1 >"$f"; done' 2>/dev/null
	ip -n "$ns" link add br0 type bridge || fail "cannot create a bridge"
	for tap in "$@"; do
		ip -n "$ns" tuntap add dev "$tap" mode tap || fail "cannot create $tap"
		ip -n "$ns" link set "$tap" master br0 up || fail "cannot put $tap on br0"
	done
	ip -n "$ns" link set br0 up
}

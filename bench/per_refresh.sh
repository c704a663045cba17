# per_refresh.sh - sourced by refresh_cost.sh and refresh_ab.sh: per_refresh CMD... prints a command's CPU ms per
# refresh (its sum_exec_runtime, exact ns) over $rounds intervals of $delay s, measured from half an interval after
# its first frame (start-up is not in it); its -n is given as COUNT, its output goes to "$out.frames".
per_refresh() {
	local p a b
	: >"$out.frames"
	"${@//COUNT/100000}" >"$out.frames" 2>/dev/null &
	p=$!
	for _ in $(seq 600); do [ -s "$out.frames" ] && break; sleep 0.05; done
	sleep "$(awk -v d="$delay" 'BEGIN {print d / 2}')"	# half-way between two refreshes
	a=$(cut -d' ' -f1 "/proc/$p/schedstat")
	sleep "$(awk -v d="$delay" -v n="$rounds" 'BEGIN {print d * n}')"
	b=$(cut -d' ' -f1 "/proc/$p/schedstat")
	kill $p
	wait $p 2>/dev/null
	awk -v a="$a" -v b="$b" -v n="$rounds" 'BEGIN {printf "%.2f", (b - a) / n / 1e6}'
}

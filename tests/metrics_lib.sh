# metrics_lib.sh - for the metrics tests: free loopback ports, vmtop --listen started in the background with the
# address it bound, HTTP GETs, and the Debian python whose prometheus_client parses OpenMetrics. Source lib.sh first.
# Its python: Debian's /usr/bin/python3 has python3-prometheus-client's module; a python3 earlier in PATH may not.
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3

# A TCP port on 127.0.0.1 that nobody listens on now.
free_port() {
	"$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_listen OUT ERR ARG...: vmtop ARG... in the background (pid in $listen_pid, tracked by the rig when it is
# sourced), waits for its "serving /metrics on ADDR" line: ADDR in $listen_addr. Fails the test when it does not come.
start_listen() {
	_sl_out=$1 _sl_err=$2
	shift 2
	"$VMTOP" "$@" >"$_sl_out" 2>"$_sl_err" &
	listen_pid=$!
	command -v rig_track >/dev/null 2>&1 && rig_track "$listen_pid"
	listen_addr=
	for _ in $(seq 200); do
		listen_addr=$(sed -n 's/^vmtop: serving \/metrics on //p' "$_sl_err")
		[ -n "$listen_addr" ] && return 0
		kill -0 "$listen_pid" 2>/dev/null || break
		sleep 0.05
	done
	fail "vmtop $* did not listen: $(cat "$_sl_err")"
}

# get URL [CURL_ARG...]: the body on stdout, fails the test unless it answered 200 within 10 s.
get() {
	_g_url=$1
	shift
	curl -sS --max-time 10 -f "$@" "$_g_url" || fail "GET $_g_url $*: curl exit $?"
}

# stop_listen: SIGTERM to vmtop, which must exit within 5 s (times TEST_SLOW: a sanitizer build's exit checks for
# leaks) with 143.
stop_listen() {
	kill -TERM "$listen_pid" 2>/dev/null
	wait_limit "$listen_pid" $((5 * TEST_SLOW)) || fail "vmtop did not stop on SIGTERM within $((5 * TEST_SLOW)) s"
	[ "$wait_status" = 143 ] || fail "vmtop exit $wait_status on SIGTERM: $(cat "$_sl_err")"
}

# Parses OpenMetrics text on stdin with prometheus_client's strict parser; prints "family type unit samples" lines.
om_parse() {
	"$PYTHON" -c '
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
for f in text_string_to_metric_families(sys.stdin.read()):
    print(f.name, f.type, f.unit or "-", len(f.samples))
'
}

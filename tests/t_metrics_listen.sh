# t_metrics_listen.sh - --listen and --textfile without a real guest: fake VMs named with a quote, a backslash, a
# newline and a byte that is not UTF-8 come out of /metrics escaped (promtool and prometheus_client's OpenMetrics
# parser read them back as the names, U+FFFD for the bad byte), the Accept header picks the format, only GET /metrics
# and / are answered, counters grow between scrapes, a unix socket works and is removed on exit, DIR/vmtop.prom is
# replaced whole; bad --listen/--textfile values are one line and exit 1.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/rig.sh"
. "$top_srcdir/tests/metrics_lib.sh"
need curl promtool "$PYTHON"
"$PYTHON" -c 'import prometheus_client' 2>/dev/null || skip "needs python3-prometheus-client (scripts/setup.sh installs it)"

# bad values: one line saying why, exit 1 (2 for an empty value: a usage error)
for bad in "1:2:3|brackets" "127.0.0.1:99999|not a port" "[::1|IPV6" "no.such.host.invalid:9|no.such.host.invalid"; do
	arg=${bad%%|*} want=${bad#*|}
	limit 30 "$VMTOP" --listen "$arg" -d 0.2 -n 1 >/dev/null 2>"$TEST_TMP/bad.err"
	st=$?
	[ "$st" = 1 ] && tail -n 1 "$TEST_TMP/bad.err" | grep -q -- "$want" ||
		fail "--listen '$arg': exit $st, wanted 1 and '$want': $(cat "$TEST_TMP/bad.err")"
done
limit 30 "$VMTOP" --textfile "$TEST_TMP/none" -d 0.2 -n 1 >/dev/null 2>"$TEST_TMP/bad.err"
[ $? = 1 ] && grep -q 'not a directory' "$TEST_TMP/bad.err" || fail "--textfile of a missing directory: $(cat "$TEST_TMP/bad.err")"
limit 30 "$VMTOP" --listen '' -n 1 >/dev/null 2>"$TEST_TMP/bad.err"
[ $? = 2 ] || fail "--listen '': expected a usage error (2): $(cat "$TEST_TMP/bad.err")"

fh="$top_builddir/tests/fakehost"
"$fh" --vms 4 --vcpus 2 --duty 20 --name 'quo"te' --name 'back\slash' --name "$(printf 'new\nline')" \
	--name "$(printf 'bad\377byte')" >"$TEST_TMP/fh.out" 2>"$TEST_TMP/fh.err" &
sim=$!
rig_track $sim
rig_fakehost_ready $sim 4
pids=$(tr ' ' ',' <"/proc/$sim/task/$sim/children" | sed 's/,$//')
mkdir "$TEST_TMP/tf"
start_listen "$TEST_TMP/out" "$TEST_TMP/err" --listen 127.0.0.1:0 --textfile "$TEST_TMP/tf" -d 0.5 -p "$pids" --no-qmp
url="http://$listen_addr"
# a second vmtop on the same address: one line, exit 1
limit 30 "$VMTOP" --listen "$listen_addr" -n 1 -d 0.2 >/dev/null 2>"$TEST_TMP/busy.err"
[ $? = 1 ] && tail -n 1 "$TEST_TMP/busy.err" | grep -q "cannot listen on $listen_addr: Address already in use" ||
	fail "a second vmtop on $listen_addr: $(cat "$TEST_TMP/busy.err")"

sleep 1.5	# two refreshes: the counters have intervals in them
get "$url/metrics" -D "$TEST_TMP/h1" >"$TEST_TMP/prom1"
grep -qi '^content-type: text/plain; version=0.0.4' "$TEST_TMP/h1" || fail "default scrape is not text 0.0.4: $(cat "$TEST_TMP/h1")"
promtool check metrics <"$TEST_TMP/prom1" >"$TEST_TMP/lint" 2>&1 || fail "promtool check metrics: $(cat "$TEST_TMP/lint")"
echo "promtool check metrics: passed ($(wc -l <"$TEST_TMP/prom1") lines)"
accept='application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'
get "$url/metrics" -H "Accept: $accept" -D "$TEST_TMP/h2" >"$TEST_TMP/om"
grep -qi '^content-type: application/openmetrics-text; version=1.0.0' "$TEST_TMP/h2" ||
	fail "Prometheus' Accept did not get OpenMetrics: $(cat "$TEST_TMP/h2")"
om_parse <"$TEST_TMP/om" >"$TEST_TMP/families" 2>"$TEST_TMP/om.err" || fail "OpenMetrics does not parse: $(cat "$TEST_TMP/om.err")"
grep -q '^vmtop_vm_cpu_seconds counter seconds [1-9]' "$TEST_TMP/families" || fail "no CPU counter: $(cat "$TEST_TMP/families")"
# the names, read back by the OpenMetrics parser, are the VMs' names
"$PYTHON" - "$TEST_TMP/om" <<'PY' || fail "VM names not read back from the labels"
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
names = set()
for f in text_string_to_metric_families(open(sys.argv[1], encoding="utf-8").read()):
    for s in f.samples:
        if "vm" in s.labels:
            names.add(s.labels["vm"])
want = {'quo"te', 'back\\slash', 'new\nline', 'bad\ufffdbyte'}
if names != want:
    sys.exit("names %r, wanted %r" % (sorted(names), sorted(want)))
PY
# counters grow: a 20% duty vCPU's seconds between two scrapes a second apart
sleep 1.2
get "$url/metrics" >"$TEST_TMP/prom2"
a=$(grep '^vmtop_vcpu_cpu_seconds_total{vm="quo\\"te"' "$TEST_TMP/prom1" | grep 'vcpu="0"' | awk '{print $NF}')
b=$(grep '^vmtop_vcpu_cpu_seconds_total{vm="quo\\"te"' "$TEST_TMP/prom2" | grep 'vcpu="0"' | awk '{print $NF}')
[ -n "$a" ] && [ -n "$b" ] && awk -v a="$a" -v b="$b" 'BEGIN { exit !(b > a) }' ||
	fail "vCPU counter did not grow between scrapes: '$a' then '$b'"
# only GET (and HEAD) of /metrics and /
code() { curl -s -o /dev/null --max-time 10 -w '%{http_code}' "$@"; }
[ "$(code "$url/")" = 200 ] && get "$url/" | grep -q 'href="/metrics"' || fail "/ does not link /metrics"
[ "$(code -I "$url/metrics")" = 200 ] || fail "HEAD /metrics"
[ "$(code -X POST -d x "$url/metrics")" = 405 ] || fail "POST /metrics not refused with 405"
[ "$(code "$url/metrics/x")" = 404 ] && [ "$(code "$url/../etc/passwd")" = 404 ] || fail "other paths not 404"
# the textfile: whole, lint-clean, no temporary file left beside it
[ -s "$TEST_TMP/tf/vmtop.prom" ] || fail "no $TEST_TMP/tf/vmtop.prom"
promtool check metrics <"$TEST_TMP/tf/vmtop.prom" >"$TEST_TMP/lint" 2>&1 || fail "textfile: promtool: $(cat "$TEST_TMP/lint")"
stop_listen
[ "$(ls -A "$TEST_TMP/tf")" = vmtop.prom ] || fail "left in the textfile directory: $(ls -A "$TEST_TMP/tf")"

# a unix socket: served, and gone once vmtop exits
sock="$TEST_TMP/metrics.sock"
start_listen "$TEST_TMP/out" "$TEST_TMP/err" --listen "$sock" -d 0.5 -p "$pids" --no-qmp
[ "$listen_addr" = "$sock" ] || fail "listening on '$listen_addr', not $sock"
get http://localhost/metrics --unix-socket "$sock" | promtool check metrics >"$TEST_TMP/lint" 2>&1 ||
	fail "over the unix socket: $(cat "$TEST_TMP/lint")"
stop_listen
[ ! -e "$sock" ] || fail "$sock left behind"
# a stale socket (a vmtop killed) is taken over
"$PYTHON" -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$sock"
start_listen "$TEST_TMP/out" "$TEST_TMP/err" --listen "unix:$sock" -d 0.5 -n 100 --no-qmp
get http://localhost/ --unix-socket "$sock" >/dev/null
stop_listen
exit 0

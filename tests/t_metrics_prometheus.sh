# t_metrics_prometheus.sh - the acceptance of --listen with real guests: Debian's prometheus scrapes vmtop (which
# prints its own JSON in the same process) every second; rate(vmtop_vm_cpu_seconds_total[20s]) per VM and part agrees
# with the JSON's figures over the refreshes those 20 s of scrapes hold, within 5% of one CPU. node_exporter's
# textfile collector serves the same series from --textfile (same rates). promtool check metrics passes. A guest
# restarted under the same name is a second series (its pid label), and no counter ever went down (resets() 0).
# Exits to the VMM: rate() of vmtop_vm_userspace_exits_total agrees with the JSON within 5% where they are counted.
# The queries of contrib/grafana-vmtop.json evaluate.
. "$top_srcdir/tests/lib.sh"
need curl jq prometheus promtool prometheus-node-exporter
. "$top_srcdir/tests/rig.sh"
. "$top_srcdir/tests/metrics_lib.sh"
rig_require_kvm

rig_start_guest spinner spin 1 64 || fail "spin guest did not start"
rig_start_guest porter pio 1 64 || fail "pio guest did not start"
mkdir "$TEST_TMP/tf" "$TEST_TMP/data"
# this test's guests only (-p): other tests' VMs, hundreds of fake ones, come and go on a shared host; a second
# vmtop, unfiltered, sees the restart below
start_listen "$TEST_TMP/all.out" "$TEST_TMP/all.err" --listen 127.0.0.1:0 -d 1
all_addr=$listen_addr all_pid=$listen_pid
start_listen "$TEST_TMP/json" "$TEST_TMP/err" --listen 127.0.0.1:0 --textfile "$TEST_TMP/tf" -d 1 -b -o json \
	-p "$(rig_pid spinner),$(rig_pid porter)"
nport=$(free_port)
prometheus-node-exporter --web.listen-address="127.0.0.1:$nport" --collector.disable-defaults --collector.textfile \
	--collector.textfile.directory="$TEST_TMP/tf" >"$TEST_TMP/node.log" 2>&1 9>&- &
rig_track $!
pport=$(free_port)
cat >"$TEST_TMP/prom.yml" <<YML
global: { scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1m }
scrape_configs:
  - job_name: vmtop
    static_configs: [ { targets: [ "$listen_addr" ] } ]
  - job_name: vmtop_all
    static_configs: [ { targets: [ "$all_addr" ] } ]
  - job_name: node
    scrape_interval: 2s
    scrape_timeout: 2s
    static_configs: [ { targets: [ "127.0.0.1:$nport" ] } ]
YML
prometheus --config.file="$TEST_TMP/prom.yml" --storage.tsdb.path="$TEST_TMP/data" \
	--web.listen-address="127.0.0.1:$pport" --log.level=warn >"$TEST_TMP/prom.log" 2>&1 9>&- &
rig_track $!
api="http://127.0.0.1:$pport"
for _ in $(seq 300); do curl -sf "$api/-/ready" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf "$api/-/ready" >/dev/null || fail "prometheus not ready in 30 s: $(tail -n 5 "$TEST_TMP/prom.log")"

# query EXPR: its result at time $T as JSON (the data part), failing the test on an error
query() {
	curl -sS --max-time 10 "$api/api/v1/query" --data-urlencode "query=$1" --data-urlencode "time=$T" >"$TEST_TMP/q" ||
		fail "query $1: curl exit $?"
	jq -e '.status == "success"' "$TEST_TMP/q" >/dev/null || fail "query $1: $(cat "$TEST_TMP/q")"
	jq -c '.data.result' "$TEST_TMP/q"
}
sleep 26	# the first refreshes, then 20 s of scrapes in the window
T=$(date +%s.%N)
# every scrape of vmtop answered; node_exporter (a Go program on a busy 2-CPU host) at least lately
[ "$(query 'min(min_over_time(up{job="vmtop"}[20s])) + max(max_over_time(up{job="node"}[6s]))' | jq -r '.[0].value[1]')" = 2 ] ||
	fail "a target is down: $(query up); targets: $(curl -s "$api/api/v1/targets" | jq -c '[.data.activeTargets[] | {scrapeUrl, lastError}]'); node_exporter: $(tail -n 3 "$TEST_TMP/node.log")"
query 'rate(vmtop_vm_cpu_seconds_total{job="vmtop"}[20s])' >"$TEST_TMP/rate"
query 'rate(vmtop_vm_cpu_seconds_total{job="node"}[20s])' >"$TEST_TMP/rate_node"
query 'vmtop_refresh_timestamp_seconds{job="vmtop"}[20s]' >"$TEST_TMP/snaps"
query 'sum by (vm) (rate(vmtop_vm_userspace_exits_total{job="vmtop"}[20s]))' >"$TEST_TMP/user"
cp "$TEST_TMP/json" "$TEST_TMP/json.now"
"$PYTHON" - "$TEST_TMP" <<'PY' || fail "Prometheus' rates do not agree with vmtop's JSON (above)"
import json, sys
d = sys.argv[1]
rates = json.load(open(d + "/rate"))
node = {(r["metric"]["vm"], r["metric"]["pid"], r["metric"]["part"]): float(r["value"][1])
        for r in json.load(open(d + "/rate_node"))}
snaps = [float(v[1]) for v in json.load(open(d + "/snaps"))[0]["values"]]
first, last = snaps[0], snaps[-1]
lines = [json.loads(l) for l in open(d + "/json.now") if l.strip()]
window = [l for l in lines if first + 0.0005 < l["time"] <= last + 0.0005]
print("window: %d scrapes of %d refreshes, %.3f s of refreshes" % (len(snaps), len(set(snaps)), last - first))
bad = 0
seen = set()
for r in rates:
    vm, pid, part = r["metric"]["vm"], r["metric"]["pid"], r["metric"]["part"]
    if vm not in ("spinner", "porter"):
        continue
    prom = float(r["value"][1]) * 100
    used = sum((v["cpu"][part] or 0) * l["interval"] for l in window for v in l["vms"] if str(v["pid"]) == pid)
    ref = used / (last - first)
    n = node.get((vm, pid, part))
    ok = abs(prom - ref) <= 5 and n is not None and abs(n * 100 - prom) <= 5
    bad += not ok
    seen.add((vm, part))
    print("%-8s %-8s rate() %6.2f%%  vmtop JSON %6.2f%%  node_exporter %s%s" % (vm, part, prom, ref,
          "-" if n is None else "%6.2f%%" % (n * 100), "" if ok else "   <- more than 5% of a CPU apart"))
# exits to the VMM (an exits source counts them wherever eBPF or debugfs works): the pio guest's, per second
urate = {r["metric"]["vm"]: float(r["value"][1]) for r in json.load(open(d + "/user"))}
ujson = [(v["exits"] or {}).get("userspace_rate") for l in window for v in l["vms"] if v["name"] == "porter"]
if ujson and all(u is not None for u in ujson):
    ref = sum(u * l["interval"] for u, l in zip(ujson, window)) / (last - first)
    got = urate.get("porter")
    ok = got is not None and abs(got - ref) <= 0.05 * ref + 10
    bad += not ok
    print("porter exits to the VMM: rate() %s/s  vmtop JSON %.0f/s%s" % ("-" if got is None else "%.0f" % got, ref,
          "" if ok else "   <- more than 5% apart"))
else:
    print("porter exits to the VMM: not counted here (%s)" % ujson[:1])
for vm in ("spinner", "porter"):
    for part in ("vmm_user", "kernel", "vhost"):
        if (vm, part) not in seen:
            print("no rate for", vm, part)
            bad += 1
sys.exit(1 if bad else 0)
PY
# the Grafana dashboard's queries are valid PromQL here, and its CPU panel has series
jq -r '.panels[].targets[].expr' "$top_srcdir/contrib/grafana-vmtop.json" |
	sed 's/\$__rate_interval/20s/g; s/\$instance/.*/g; s/\$vm/.*/g' >"$TEST_TMP/exprs"
while read -r e; do query "$e" >/dev/null; done <"$TEST_TMP/exprs"
[ "$(query "$(head -n 1 "$TEST_TMP/exprs")" | jq length)" -ge 6 ] || fail "the dashboard's CPU panel is empty"
echo "contrib/grafana-vmtop.json: $(wc -l <"$TEST_TMP/exprs") queries evaluated"
get "http://$listen_addr/metrics" | promtool check metrics >"$TEST_TMP/lint" 2>&1 || fail "promtool: $(cat "$TEST_TMP/lint")"
echo "promtool check metrics: passed"
# the same series through node_exporter's textfile collector (this test's guests: other tests' VMs come and go)
cmp_series() {
	query "count by (vm, pid, part) ({job=\"$1\",vm=~\"spinner|porter\",__name__=~\"vmtop_.*\"})" |
		jq -c '[.[].metric] | sort_by(.vm, .pid, .part)'
}
[ "$(cmp_series vmtop)" = "$(cmp_series node)" ] ||
	fail "node_exporter serves other series: $(cmp_series node | head -c 1000) against $(cmp_series vmtop | head -c 1000)"

# a restart under the same name: a new pid label, a new series; no counter went down in either
old=$(rig_pid spinner)
rig_stop spinner
rig_start_guest spinner spin 1 64 || fail "spin guest did not restart"
sleep 6
T=$(date +%s.%N)
pids=$(query 'count by (pid) (count_over_time(vmtop_vm_cpu_seconds_total{job="vmtop_all",vm="spinner",part="kernel"}[60s]))' |
	jq -r '[.[].metric.pid] | sort | join(" ")')
new=$(rig_pid spinner)
[ "$pids" = "$(printf '%s\n' "$old" "$new" | sort | tr '\n' ' ' | sed 's/ $//')" ] ||
	fail "spinner before ($old) and after ($new) the restart: series with pids '$pids'"
resets=$(query 'sum(resets(vmtop_vm_cpu_seconds_total{vm=~"spinner|porter"}[60s])) + sum(resets(vmtop_vcpu_cpu_seconds_total{vm=~"spinner|porter"}[60s]))' | jq -r '.[0].value[1]')
[ "$resets" = 0 ] || fail "counters went down $resets times"
echo "restart: series for pids $pids; counter resets: $resets"
stop_listen
kill -TERM "$all_pid"
exit 0

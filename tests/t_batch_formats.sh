# t_batch_formats.sh - batch text, CSV and JSON on this host (with or without VMs): they parse with standard
# tools, carry the documented fields, and each refresh is flushed as it happens.
. "$top_srcdir/tests/lib.sh"
need jq python3

ncpus=$(nproc --all 2>/dev/null || nproc)

limit 30 "$VMTOP" -b -n 2 -d 0.3 -o json >"$TEST_TMP/json" 2>"$TEST_TMP/err" || fail "json run: exit $?: $(cat "$TEST_TMP/err")"
[ "$(wc -l <"$TEST_TMP/json")" = 2 ] || fail "expected 2 JSON lines, got $(wc -l <"$TEST_TMP/json")"
# jq -s: every refresh and every VM is judged, not only the last value of the file
jq -s -e 'length == 2' "$TEST_TMP/json" >/dev/null || fail "JSON does not parse as 2 values"
jqall() {
	jq -s -e "$@" "$TEST_TMP/json" >/dev/null
}
jqall 'all(has("time") and has("interval") and has("host") and has("vms"))' || fail "JSON lacks time/interval/host/vms"
jqall 'all(.interval > 0.2 and .interval < 1.5)' || fail "interval not about 0.3 s"
jqall --argjson n "$ncpus" 'all(.host.ncpus >= 1 and .host.ncpus <= $n + 0)' || fail "host.ncpus wrong"
# host CPU shares sum to 100
jqall 'all(.host.cpu | [.user,.nice,.system,.guest,.irq,.softirq,.idle,.iowait,.steal] | add | (. > 99.5 and . < 100.5))' ||
	fail "host CPU shares do not sum to 100"
jqall 'all(.host.guest_time | IN("accounted","unknown","estimated"))' || fail "guest_time"
# every part names its source, or null with a reason; the host and VM parts always have one
jqall 'all(.host.sources | keys == ["balloon","domains","exits","mem","net","perf","stat","threads"]
	and .stat == "proc" and (.threads | IN("proc","bpf")) and .mem == "proc" and (.exits | IN("bpf","debugfs",null))
	and (.domains | IN("libvirt",null)))' ||
	fail "host.sources: $(jq -c .host.sources "$TEST_TMP/json" | head -1)"
jqall 'all(.host as $h | $h.sources | to_entries | all(.value != null or ($h.source_reasons[.key] | length > 0)))' ||
	fail "a part without a source has no reason: $(jq -c .host "$TEST_TMP/json" | head -1)"
jqall 'all(.vms | type == "array")' || fail "vms is not an array"
jqall 'all(.[].vms[]; (.cpu | has("total") and has("guest") and has("vmm_user") and has("kernel") and has("vhost")
	and has("ready")) and has("vcpu") and has("pid") and has("name") and has("vcpus"))' || fail "VM objects lack fields"

limit 30 "$VMTOP" -b -n 2 -d 0.3 -o csv >"$TEST_TMP/csv" || fail "csv run: exit $?"
python3 - "$TEST_TMP/csv" <<'PY' || fail "CSV does not parse"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
head = rows[0]
for col in ["time", "interval", "pid", "name", "vcpus", "total", "guest", "vmm_user", "kernel", "vhost", "ready"]:
    assert col in head, col
assert all(len(r) == len(head) for r in rows[1:]), "ragged rows"
assert sum(1 for r in rows if r == head) == 1, "header repeated"
PY

limit 30 "$VMTOP" -b -n 1 -d 0.3 >"$TEST_TMP/text" || fail "text run: exit $?"
grep -q '^vmtop - ' "$TEST_TMP/text" || fail "text: no top-like first line"
grep -q '^%Cpu(s):' "$TEST_TMP/text" || fail "text: no %Cpu(s) line"
grep -q 'PID *NAME *VCPU *TOTAL%' "$TEST_TMP/text" || fail "text: no column header"
grep -Eq '^Sources: stat=proc threads=(proc|bpf) perf=[a-z-]+ net=[a-z-]+ mem=proc domains=(libvirt|-) balloon=[a-z-]+ exits=(bpf|debugfs|-)$' \
	"$TEST_TMP/text" || fail "text: no Sources line"

# --sample-hz 0: sampling is off and JSON says why, as the source of the perf part too
timeout -k 5 30 "$VMTOP" -b -n 1 -d 0.2 -o json --sample-hz 0 | jq -e '.host.perf.enabled == false and (.host.perf.reason | length > 0)
	and .host.components == null and .host.sources.perf == null
	and .host.source_reasons.perf == .host.perf.reason' >/dev/null || fail "--sample-hz 0 not reported as off"
timeout -k 5 30 "$VMTOP" -b -n 1 -d 0.2 --sample-hz 0 | grep -q '^Sources: .* perf=- ' || fail "text: --sample-hz 0 but perf listed"

# Flushed every refresh: the first line arrives while vmtop is still running (it runs 60 s: one that held its
# output back until the end would give nothing in the 30 s waited, a loaded host or a sanitizer build's start
# included); SIGTERM then ends it with 143 (tests/t_batch_signals.sh stops it while its output is blocked).
mkfifo "$TEST_TMP/fifo"
"$VMTOP" -b -o json -d 0.3 -n 200 >"$TEST_TMP/fifo" &
pid=$!
exec 3<"$TEST_TMP/fifo"
read -r -t 30 line <&3 || { kill -KILL $pid; fail "no output within 30 s: not flushed per refresh"; }
kill -0 $pid 2>/dev/null || fail "vmtop ended before the test read its first refresh"
kill $pid
# keep reading, so that a vmtop that ignored SIGTERM is caught by the time limit, not by a full pipe
timeout 5 cat <&3 >/dev/null
exec 3<&-
wait_limit $pid 5 || fail "still running 5 s after SIGTERM"
[ "$wait_status" = 143 ] || fail "SIGTERM in batch mode: exit $wait_status, not 143"
echo "$line" | jq -e .time >/dev/null || fail "first flushed line is not JSON"
exit 0

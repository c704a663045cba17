# t_batch_formats.sh - batch text, CSV and JSON on this host (with or without VMs): they parse with standard
# tools, carry the documented fields, and each refresh is flushed as it happens.
. "$top_srcdir/tests/lib.sh"
need jq python3

ncpus=$(nproc --all 2>/dev/null || nproc)

"$VMTOP" -b -n 2 -d 0.3 -o json >"$TEST_TMP/json" 2>"$TEST_TMP/err" || fail "json run: exit $?: $(cat "$TEST_TMP/err")"
[ "$(wc -l <"$TEST_TMP/json")" = 2 ] || fail "expected 2 JSON lines, got $(wc -l <"$TEST_TMP/json")"
jq -e . "$TEST_TMP/json" >/dev/null || fail "JSON does not parse"
jq -e 'has("time") and has("interval") and has("host") and has("vms")' "$TEST_TMP/json" >/dev/null ||
	fail "JSON lacks time/interval/host/vms"
jq -e '.interval > 0.2 and .interval < 1.5' "$TEST_TMP/json" >/dev/null || fail "interval not about 0.3 s"
jq -e --argjson n "$ncpus" '.host.ncpus >= 1 and .host.ncpus <= $n + 0' "$TEST_TMP/json" >/dev/null ||
	fail "host.ncpus wrong"
# host CPU shares sum to 100
jq -e '.host.cpu | [.user,.nice,.system,.guest,.irq,.softirq,.idle,.iowait,.steal] | add | (. > 99.5 and . < 100.5)' \
	"$TEST_TMP/json" >/dev/null || fail "host CPU shares do not sum to 100"
jq -e '.host.guest_time | IN("accounted","unknown","estimated")' "$TEST_TMP/json" >/dev/null || fail "guest_time"
# every part names its source, or null with a reason; the host and VM parts always have one
jq -e '.host.sources | keys == ["exits","net","perf","stat","threads"] and .stat == "proc" and (.threads | IN("proc","bpf")) and (.exits | IN("bpf",null))' \
	"$TEST_TMP/json" >/dev/null || fail "host.sources: $(jq -c .host.sources "$TEST_TMP/json" | head -1)"
jq -e '.host as $h | $h.sources | to_entries | all(.value != null or ($h.source_reasons[.key] | length > 0))' \
	"$TEST_TMP/json" >/dev/null || fail "a part without a source has no reason: $(jq -c .host "$TEST_TMP/json" | head -1)"
jq -e '.vms | type == "array"' "$TEST_TMP/json" >/dev/null || fail "vms is not an array"
jq -e '.vms[] | (.cpu | has("total") and has("guest") and has("vmm_user") and has("kernel") and has("vhost")
	and has("ready")) and has("vcpu") and has("pid") and has("name") and has("vcpus")' "$TEST_TMP/json" \
	>/dev/null 2>&1 || [ "$(jq '.vms | length' "$TEST_TMP/json" | sort -u)" = 0 ] || fail "VM objects lack fields"

"$VMTOP" -b -n 2 -d 0.3 -o csv >"$TEST_TMP/csv" || fail "csv run: exit $?"
python3 - "$TEST_TMP/csv" <<'PY' || fail "CSV does not parse"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
head = rows[0]
for col in ["time", "interval", "pid", "name", "vcpus", "total", "guest", "vmm_user", "kernel", "vhost", "ready"]:
    assert col in head, col
assert all(len(r) == len(head) for r in rows[1:]), "ragged rows"
assert sum(1 for r in rows if r == head) == 1, "header repeated"
PY

"$VMTOP" -b -n 1 -d 0.3 >"$TEST_TMP/text" || fail "text run: exit $?"
grep -q '^vmtop - ' "$TEST_TMP/text" || fail "text: no top-like first line"
grep -q '^%Cpu(s):' "$TEST_TMP/text" || fail "text: no %Cpu(s) line"
grep -q 'PID *NAME *VCPU *TOTAL%' "$TEST_TMP/text" || fail "text: no column header"
grep -Eq '^Sources: stat=proc threads=(proc|bpf) perf=[a-z-]+ net=[a-z-]+ exits=(bpf|-)$' "$TEST_TMP/text" || fail "text: no Sources line"

# --sample-hz 0: sampling is off and JSON says why, as the source of the perf part too
"$VMTOP" -b -n 1 -d 0.2 -o json --sample-hz 0 | jq -e '.host.perf.enabled == false and (.host.perf.reason | length > 0)
	and .host.components == null and .host.sources.perf == null
	and .host.source_reasons.perf == .host.perf.reason' >/dev/null || fail "--sample-hz 0 not reported as off"
"$VMTOP" -b -n 1 -d 0.2 --sample-hz 0 | grep -q '^Sources: .* perf=- ' || fail "text: --sample-hz 0 but perf listed"

# Flushed every refresh: the first line arrives while vmtop is still running.
mkfifo "$TEST_TMP/fifo"
"$VMTOP" -b -o json -d 0.3 -n 50 >"$TEST_TMP/fifo" &
pid=$!
exec 3<"$TEST_TMP/fifo"
read -r -t 5 line <&3 || { kill $pid; fail "no output within 5 s: not flushed per refresh"; }
kill -0 $pid 2>/dev/null || fail "vmtop ended before the test read its first refresh"
kill $pid
wait $pid
status=$?
exec 3<&-
[ "$status" = 0 ] || [ "$status" = 143 ] || fail "SIGTERM in batch mode: exit $status"
echo "$line" | jq -e .time >/dev/null || fail "first flushed line is not JSON"
exit 0

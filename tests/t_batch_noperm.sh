# t_batch_noperm.sh - without privileges vmtop keeps working with what it can read, says once on stderr what
# is missing and why (which capability), and shows unknown values as null rather than 0.
. "$top_srcdir/tests/lib.sh"
need jq setpriv
[ "$(id -u)" = 0 ] || skip "needs root to drop to an unprivileged user"
user=nobody
id "$user" >/dev/null 2>&1 || skip "no user '$user'"
chmod 755 "$TEST_TMP"
limit 60 setpriv --reuid="$user" --regid="$(id -g "$user")" --clear-groups --inh-caps=-all \
	"$VMTOP" -b -n 2 -d 0.3 -o json >"$TEST_TMP/json" 2>"$TEST_TMP/err"
status=$?
[ "$status" = 0 ] || fail "unprivileged run: exit $status: $(cat "$TEST_TMP/err")"
jq -s -e 'length == 2' "$TEST_TMP/json" >/dev/null || fail "JSON does not parse as 2 refreshes"
paranoid=$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo 2)
if [ "$paranoid" -ge 0 ]; then
	grep -q 'CAP_PERFMON' "$TEST_TMP/err" || fail "perf refusal does not name CAP_PERFMON: $(cat "$TEST_TMP/err")"
	jq -s -e 'all(.host.perf.enabled == false and (.host.perf.reason | test("CAP_PERFMON")))' "$TEST_TMP/json" \
		>/dev/null || fail "JSON does not say why perf is off"
	jq -s -e 'all(.host.sources.perf == null and (.host.source_reasons.perf | test("CAP_PERFMON")))' "$TEST_TMP/json" \
		>/dev/null || fail "host.sources does not say why perf is off: $(jq -c .host.sources "$TEST_TMP/json" | head -1)"
	jq -s -e 'all(.host.components == null)' "$TEST_TMP/json" >/dev/null || fail "components not null without perf"
fi
grep -q 'CAP_SYS_PTRACE' "$TEST_TMP/err" || fail "unreadable descriptors not reported: $(cat "$TEST_TMP/err")"
# each problem said once, not once per refresh
[ "$(sort "$TEST_TMP/err" | uniq -d | wc -l)" = 0 ] || fail "a warning was repeated: $(cat "$TEST_TMP/err")"
exit 0

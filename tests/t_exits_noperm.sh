# t_exits_noperm.sh - the exits source where it cannot or must not run: without privileges (and built without
# eBPF) exits.source is null with the reason and every other figure is still there; --exits=off says so.
. "$top_srcdir/tests/lib.sh"
need jq setpriv
limit 60 "$VMTOP" -b -n 2 -d 0.3 --exits=off -o json >"$TEST_TMP/off" || fail "--exits=off: exit $?"
jq -s -e 'map(select(.interval > 0)) | length > 0 and all(.[]; .host.exits.source == null and
	(.host.exits.reason | test("--exits=off")) and .host.exits.rate == null and .host.sources.exits == null)' \
	"$TEST_TMP/off" >/dev/null ||
	fail "--exits=off: $(jq -c .host.exits "$TEST_TMP/off" | tail -1)"
limit 60 "$VMTOP" --exits=maybe -b -n 1 2>"$TEST_TMP/err" && fail "--exits=maybe accepted"
grep -q "invalid --exits 'maybe'" "$TEST_TMP/err" || fail "--exits=maybe: $(cat "$TEST_TMP/err")"
[ "$(id -u)" = 0 ] || skip "needs root to drop privileges"
chmod 755 "$TEST_TMP"
limit 60 setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups --inh-caps=-all \
	"$VMTOP" -b -n 2 -d 0.3 -o json >"$TEST_TMP/json" 2>"$TEST_TMP/err" || fail "unprivileged run failed"
jq -s -e 'map(select(.interval > 0)) | length > 0 and all(.[]; .host.exits.source == null and
	(.host.exits.reason | test("CAP_BPF|without eBPF")) and .host.exits.rate == null and (.host.cpu.idle != null) and
	([.vms[].exits.source] | all(. == null)))' \
	"$TEST_TMP/json" >/dev/null || fail "unprivileged: $(jq -c .host.exits "$TEST_TMP/json" | tail -1)"
grep -q 'exits: .*\(CAP_BPF\|without eBPF\)' "$TEST_TMP/err" || fail "the reason is not said on stderr: $(cat "$TEST_TMP/err")"
limit 60 setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups --inh-caps=-all "$VMTOP" -b -n 1 -d 0.3 \
	>"$TEST_TMP/text" 2>/dev/null
grep -q '^Sources: .* exits=-' "$TEST_TMP/text" || fail "text header does not say exits=-"
exit 0

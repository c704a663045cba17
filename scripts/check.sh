#!/bin/bash
# check.sh - runs the whole test suite (make check, the fast tests again under ASan+UBSan, then make distcheck)
# and ends with one summary line.
set -u
cd "$(dirname "$0")/.."
status=0
make -j"$(nproc)" check || status=1
# Every test's result, from automake's .trs files.
results=$(cat tests/*.trs 2>/dev/null | sed -n 's/^:test-result: //p')
for t in tests/*.log; do
	case $t in tests/test-suite.log) continue ;; esac
	grep -h -E '^SKIP:|^ok .* # SKIP' "$t" 2>/dev/null | sed "s|^|$(basename "$t" .log): |"
done
# why each failed test failed, here at the end where CI's tail shows it (its own FAIL lines, else its last lines)
for trs in tests/*.trs; do
	grep -q -E '^:test-result: (FAIL|ERROR|XPASS)' "$trs" || continue
	log=${trs%.trs}.log
	echo "--- why $(basename "$log" .log) failed:"
	grep -E '^(# )?(FAIL|ERROR|not ok|Bail out|in_box)' "$log" | tail -n 20 | cut -c1-600 | grep . || tail -n 15 "$log"
done
san_pass=0 san_fail=0 san_skip=0
if [ "$status" = 0 ]; then
	bash scripts/sanitize.sh >sanitize.log 2>&1 || { echo "sanitize.sh failed: see sanitize.log"; tail -40 sanitize.log; status=1; }
	echo "sanitizers: $(tail -n 1 sanitize.log)"
	read -r san_pass _ san_fail _ san_skip _ < <(tail -n 1 sanitize.log)
	case "$san_pass$san_fail$san_skip" in '' | *[!0-9]*) san_pass=0 san_fail=1 san_skip=0 ;; esac
fi
if [ "$status" = 0 ]; then
	# the KVM tests, the box's and this host's, ran in make check: distcheck's second run of the suite, which
	# proves the tarball builds and tests, skips them
	VMTOP_KVMBOX=off VMTOP_KVM=off make -j"$(nproc)" distcheck >distcheck.log 2>&1 || { echo "make distcheck failed: see distcheck.log"; tail -30 distcheck.log; status=1; }
	[ "$status" = 0 ] && echo "make distcheck: ok"
fi
pass=$(($(grep -c '^PASS' <<<"$results") + ${san_pass:-0}))
fail=$(($(grep -c -E '^(FAIL|ERROR|XPASS)' <<<"$results") + ${san_fail:-0}))
skip=$(($(grep -c '^SKIP' <<<"$results") + ${san_skip:-0}))
[ "$status" = 0 ] || [ "$fail" -gt 0 ] || fail=1
echo "$pass passed, $fail failed, $skip skipped"
exit "$status"

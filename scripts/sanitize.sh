#!/bin/bash
# sanitize.sh - the fast tests (unit, batch, curses view over fakehost and tui_fake) and the churn soak against an
# ASan+UBSan build made out of tree in a scratch directory; any sanitizer report fails the run. Ends with
# "N passed, N failed, N skipped".
# usage: scripts/sanitize.sh [SCRATCH_DIR]   (default: a new directory under ${TMPDIR:-/tmp}, removed when all pass)
#   SANITIZE_TESTS="tests/t_churn.sh" CHURN_SECONDS=1800 scripts/sanitize.sh   the 30-minute soak alone
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
scratch=${1:-$(mktemp -d "${TMPDIR:-/tmp}/vmtop-sanitize.XXXXXX")}
mkdir -p "$scratch" || exit 1
FAST_TESTS="tests/test_cmdline tests/test_model tests/test_fmt tests/test_threads tests/test_apportion
	tests/test_ksyms tests/test_perf_parse tests/test_perf_model tests/test_perf_funcs tests/test_exits tests/test_record
	tests/test_openmetrics tests/t_record_file.sh
	tests/t_options.sh tests/t_batch_formats.sh tests/t_batch_noperm.sh tests/t_batch_signals.sh tests/t_names_safe.sh
	tests/t_tui_basic.sh tests/t_tui_list.sh tests/t_tui_drill.sh tests/t_tui_funcs.sh tests/t_tui_resize.sh tests/t_tui_term.sh
	tests/t_metrics_listen.sh tests/t_churn.sh"
FAST_TESTS=${SANITIZE_TESTS:-$FAST_TESTS}

# A copy of the sources (the checkout may be configured in place, which an out-of-tree build refuses).
rm -rf "$scratch/src" "$scratch/build" "$scratch/reports"
mkdir -p "$scratch/src" "$scratch/build" "$scratch/reports"
# t_batch_noperm runs vmtop as nobody: it must be able to reach the build and write its reports
chmod 755 "$scratch" && chmod 1777 "$scratch/reports"
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$src" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$scratch/src")
else
	cp -a "$src/." "$scratch/src" && { [ ! -f "$scratch/src/Makefile" ] || make -C "$scratch/src" distclean >/dev/null; }
fi
log="$scratch/build.log"
(cd "$scratch/src" && autoreconf -fi) >"$log" 2>&1 &&
	(cd "$scratch/build" && "$scratch/src/configure" CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -g") \
		>>"$log" 2>&1 &&
	make -C "$scratch/build" -j"$(nproc)" >>"$log" 2>&1 ||
	{ tail -30 "$log"; echo "sanitize: the sanitizer build failed (see $log)"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

# Reports go to files as well as stderr, so that one in a process whose exit status a test does not judge still counts.
export ASAN_OPTIONS="log_path=$scratch/reports/asan:log_exe_name=1:detect_leaks=1:abort_on_error=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="log_path=$scratch/reports/ubsan:log_exe_name=1:print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
# time limits of tests that scale them: a sanitizer build runs some 2-3 times slower, and checks for leaks at exit
export TEST_SLOW=${TEST_SLOW:-3}
# the churn's PIDs, kept to match a report's file name (PIDs wrap in a long soak: the time says which)
export CHURN_LOG="$scratch/churn.log"
# shellcheck disable=SC2086
# a long soak (CHURN_SECONDS) gets its time on top of every test's limit
make -C "$scratch/build" -j"$(nproc)" check TESTS="$(echo $FAST_TESTS)" TEST_TIME_LIMIT=$((1800 + ${CHURN_SECONDS:-0})) \
	>"$scratch/check.log" 2>&1
status=$?
results=$(cat "$scratch"/build/tests/*.trs 2>/dev/null | sed -n 's/^:test-result: //p')
pass=$(grep -c '^PASS' <<<"$results")
fail=$(grep -c -E '^(FAIL|ERROR|XPASS)' <<<"$results")
skip=$(grep -c '^SKIP' <<<"$results")
grep -h -E '^(FAIL|ERROR|SKIP):' "$scratch"/build/tests/*.log 2>/dev/null | sort -u
reports=$(find "$scratch/reports" -type f | wc -l)
if [ "$reports" -gt 0 ]; then
	echo "sanitize: $reports sanitizer report(s):"
	for r in "$scratch"/reports/*; do echo "--- $r (written $(date -r "$r" +%T))"; head -40 "$r"; done
	fail=$((fail + reports))
fi
[ "$status" = 0 ] || [ "$fail" -gt 0 ] || fail=1
if [ "$fail" = 0 ] && [ $# -eq 0 ]; then
	rm -rf "$scratch"
else
	echo "sanitize: logs in $scratch"
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]

# t_options.sh - every bad option gives one clear line on stderr and exit 2; --help and --version work.
. "$top_srcdir/tests/lib.sh"

check_bad() {
	out="$TEST_TMP/out" err="$TEST_TMP/err"
	limit 20 "$VMTOP" "$@" >"$out" 2>"$err"
	status=$?
	[ "$status" = 2 ] || fail "vmtop $*: exit $status, expected 2"
	[ ! -s "$out" ] || fail "vmtop $*: wrote to stdout: $(cat "$out")"
	[ "$(wc -l <"$err")" = 1 ] || fail "vmtop $*: expected one line on stderr, got: $(cat "$err")"
	grep -q '^vmtop: ' "$err" || fail "vmtop $*: stderr does not start with 'vmtop: ': $(cat "$err")"
}

check_bad -d 0
check_bad -d abc
check_bad -d -1
check_bad -d 1e9
check_bad -n -1
check_bad -n 0
check_bad -n 2x
check_bad -o xml
check_bad -b -o
check_bad --bogus
check_bad -x
check_bad -p abc
check_bad -p 12,
check_bad -p 0
check_bad -s nope
timeout -k 5 20 "$VMTOP" -s nope 2>&1 | grep -q "ready, rss, swap" || fail "-s nope does not list rss"
for key in rss mem; do
	limit 20 "$VMTOP" -b -n 1 -d 0.1 -s $key >/dev/null 2>"$TEST_TMP/err" || fail "-s $key refused: $(cat "$TEST_TMP/err")"
done
check_bad --sample-hz -5
check_bad --sample-hz fast
check_bad -b stray-argument
check_bad --threads-source
check_bad --threads-source ebpf
timeout -k 5 20 "$VMTOP" --threads-source ebpf 2>&1 | grep -q "auto, bpf or proc" || fail "--threads-source ebpf does not say what is accepted"
# proc is used when asked for, without a word on stderr; bpf without a way to load it stops with the reason
limit 30 "$VMTOP" -b -n 1 -d 0.1 -o json --threads-source proc >"$TEST_TMP/json" 2>"$TEST_TMP/err" ||
	fail "--threads-source proc: exit $?"
grep -q '"sources":{[^}]*"threads":"proc"' "$TEST_TMP/json" || fail "--threads-source proc: $(grep -o '"sources":{[^}]*}' "$TEST_TMP/json")"
! grep -q 'threads' "$TEST_TMP/err" || fail "--threads-source proc: said $(cat "$TEST_TMP/err")"
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
	chmod 755 "$TEST_TMP"
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups --inh-caps=-all \
		timeout -k 5 20 "$VMTOP" -b -n 1 -d 0.1 --threads-source bpf >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	status=$?
	[ "$status" = 1 ] && [ ! -s "$TEST_TMP/out" ] && [ "$(wc -l <"$TEST_TMP/err")" = 1 ] &&
		grep -q 'no /proc fallback' "$TEST_TMP/err" || fail "--threads-source bpf, unprivileged: exit $status: $(cat "$TEST_TMP/err")"
fi
grep -q "invalid delay 'abc'" "$TEST_TMP/err" 2>/dev/null || true
timeout -k 5 20 "$VMTOP" -d abc 2>&1 | grep -q "invalid delay 'abc'" || fail "-d abc does not name the bad value"
timeout -k 5 20 "$VMTOP" -o xml 2>&1 | grep -q "text, csv, json or none" || fail "-o xml does not say what is accepted"

limit 20 "$VMTOP" --help >"$TEST_TMP/help" || fail "--help exit status $?"
grep -q '^Usage: vmtop' "$TEST_TMP/help" || fail "--help has no usage line"
sed 's/\\//g' "$top_srcdir/man/vmtop.1" >"$TEST_TMP/man"	# roff escapes hyphens as \-
for opt in --batch --iterations --delay --output --pid --sort --sample-hz --threads-source --no-color; do
	grep -q -- "$opt" "$TEST_TMP/help" || fail "--help does not mention $opt"
	grep -q -- "$opt" "$TEST_TMP/man" || fail "man page does not document $opt"
done
# every long option of --help heads an entry (.TP) of the man page's OPTIONS, and every one there is in --help
grep -o -- '--[a-z][a-z-]*' "$TEST_TMP/help" | sort -u >"$TEST_TMP/help.opts"
sed 's/\\f[BIRP]//g; s/\\//g' "$top_srcdir/man/vmtop.1" | sed -n '/^\.SH OPTIONS/,/^\.SH /{/^\.TP$/{n;p}}' |
	grep -o -- '--[a-z][a-z-]*' | sort -u >"$TEST_TMP/man.opts"
diff "$TEST_TMP/help.opts" "$TEST_TMP/man.opts" >"$TEST_TMP/opts.diff" ||
	fail "--help and the man page's OPTIONS differ (<: only in --help, >: only as a man entry): $(tr '\n' ' ' <"$TEST_TMP/opts.diff")"
timeout -k 5 20 "$VMTOP" --version | grep -q '^vmtop [0-9]' || fail "--version"
exit 0

# t_fuzz.sh - builds the libFuzzer targets of tests/fuzz/ with clang (ASan+UBSan) and runs each from its seed corpus
# for FUZZ_SECONDS (5 in make check, 600 by `make fuzz`; FUZZ_TARGETS="mem qmp" picks some); a crash fails with
# the input kept. SKIP without clang's fuzzer runtime (Debian: clang, libclang-rt-14-dev).
. "$top_srcdir/tests/lib.sh"
CLANG=${CLANG:-clang}
FUZZ_SECONDS=${FUZZ_SECONDS:-5}
out="$top_builddir/tests/fuzz-out"
mkdir -p "$out" || fail "cannot make $out"
need "$CLANG"
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }' >"$TEST_TMP/probe.c"
"$CLANG" -fsanitize=fuzzer "$TEST_TMP/probe.c" -o "$TEST_TMP/probe" 2>"$TEST_TMP/probe.err" ||
	skip "no libFuzzer runtime for $CLANG: $(head -n 1 "$TEST_TMP/probe.err")"

s="$top_srcdir/src"
# target: the parser sources it needs (each built into the target with coverage, not taken from libvmtop.a)
targets="proc_stat:$s/proc_stat.c
cmdline:$s/vm_cmdline.c $s/util.c
fdinfo:$s/vm_discovery.c $s/proc_stat.c $s/vm_cmdline.c $s/util.c
kallsyms:$s/ksyms.c $s/ksym_names.c $s/util.c
perf_record:$s/collect_perf.c $s/collect_perf_funcs.c $s/ksym_names.c $s/ksyms.c $s/sample.c $s/util.c
mem:$s/mem_parse.c $s/util.c
qmp:$s/qmp.c $s/util.c
recording:$s/record_read.c $s/record_codec.c $s/record_frame.c $s/sample.c $s/util.c
metrics:$top_srcdir/ui/batch_openmetrics.c $top_srcdir/ui/fmt.c $s/exit_names.c $s/sample.c $s/util.c"
failed=0
echo "$targets" | while IFS=: read -r name srcs; do
	# FUZZ_TARGETS="mem qmp" (make fuzz by hand): those alone
	case " ${FUZZ_TARGETS:-$name} " in *" $name "*) ;; *) continue ;; esac
	bin="$out/fuzz_$name"
	# shellcheck disable=SC2086
	"$CLANG" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -I"$top_builddir" -I"$top_builddir/src/bpf" -I"$s" -I"$top_srcdir/ui" \
		-I"$top_srcdir/tests/fuzz" ${PERF_CFLAGS:-} "$top_srcdir/tests/fuzz/fuzz_$name.c" $srcs -o "$bin" \
		${PERF_LIBS:-} -lzstd -lm 2>"$TEST_TMP/$name.build" || { cat "$TEST_TMP/$name.build" >&2; echo "FAIL: cannot build fuzz_$name" >&2; exit 1; }
	# new inputs go to a scratch corpus (the first directory), never into the repository's seeds
	mkdir -p "$TEST_TMP/corpus-$name"
	timeout -k 10 $((FUZZ_SECONDS + 120)) "$bin" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=1024 \
		-artifact_prefix="$out/crash-$name-" -print_final_stats=1 \
		"$TEST_TMP/corpus-$name" "$top_srcdir/tests/fuzz/corpus/$name" >"$TEST_TMP/$name.log" 2>&1
	st=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$TEST_TMP/$name.log")
	cov=$(grep -o 'cov: [0-9]*' "$TEST_TMP/$name.log" | tail -n 1)
	echo "fuzz_$name: ${runs:-?} runs in $FUZZ_SECONDS s, $cov, exit $st"
	if [ "$st" != 0 ]; then
		tail -n 40 "$TEST_TMP/$name.log" >&2
		echo "FAIL: fuzz_$name found a crash (input in $out/crash-$name-*; add it to tests/fuzz/corpus/$name/ with the fix)" >&2
		exit 1
	fi
done || failed=1
[ "$failed" = 0 ] || fail "a fuzz target failed (see above)"
exit 0

## Fuzzing: libFuzzer targets for the parsers of outside input (tests/fuzz/), a few seconds each in make check
## (SKIP without clang's fuzzer runtime), longer by `make fuzz` (FUZZ_SECONDS, default 600 per target).
TESTS += tests/t_fuzz.sh
EXTRA_DIST += tests/t_fuzz.sh tests/fuzz/fuzz.h tests/fuzz/fuzz_proc_stat.c tests/fuzz/fuzz_cmdline.c \
	tests/fuzz/fuzz_fdinfo.c tests/fuzz/fuzz_kallsyms.c tests/fuzz/fuzz_perf_record.c \
	tests/fuzz/fuzz_mem.c tests/fuzz/fuzz_qmp.c tests/fuzz/fuzz_recording.c tests/fuzz/fuzz_metrics.c tests/fuzz/corpus
FUZZ_SECONDS = 600

fuzz: all
	$(AM_TESTS_ENVIRONMENT) FUZZ_SECONDS='$(FUZZ_SECONDS)' FUZZ_TARGETS='$(FUZZ_TARGETS)' $(SHELL) $(srcdir)/tests/t_fuzz.sh

clean-local: clean-fuzz
clean-fuzz:
	rm -rf tests/fuzz-out
.PHONY: fuzz clean-fuzz

## Tests: unit tests of pure parts, shell tests that run vmtop against real KVM guests (skipped without /dev/kvm).
TEST_EXTENSIONS = .sh
# Every test ends within TEST_TIME_LIMIT seconds, whatever it waits for (KVM tests may queue on the rig's lock):
# timeout kills the test's process group, and the harness reports exit 124 as a failure.
TEST_TIME_LIMIT = 1800
SH_LOG_COMPILER = timeout -k 10 $(TEST_TIME_LIMIT) $(SHELL)
LOG_COMPILER = timeout -k 10 $(TEST_TIME_LIMIT)
AM_TESTS_ENVIRONMENT = top_builddir='$(abs_top_builddir)' top_srcdir='$(abs_top_srcdir)' QEMU='$(QEMU)' \
	PERF_CFLAGS='$(PERF_CFLAGS)' PERF_LIBS='$(PERF_LIBS)' \
	LSAN_OPTIONS="suppressions=$(abs_top_srcdir)/tests/lsan.supp:print_suppressions=0$${LSAN_OPTIONS:+:$$LSAN_OPTIONS}"; \
	export top_builddir top_srcdir QEMU LSAN_OPTIONS PERF_CFLAGS PERF_LIBS;
EXTRA_DIST += tests/lib.sh tests/net_lib.sh tests/lsan.supp

include tests/rig.mk
include tests/core.mk
include tests/perf.mk
include tests/net.mk
include tests/tui.mk
include tests/bpf.mk
include tests/metrics.mk
include tests/fuzz.mk

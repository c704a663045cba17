## perf tests: symbol classification, sample-record decoding, the perf model stage, live sampling (root, else SKIP).
check_PROGRAMS += tests/test_ksyms tests/test_perf_parse tests/test_perf_model tests/test_perf_live tests/test_perf_funcs
tests_test_ksyms_SOURCES = tests/test_ksyms.c tests/unit.h
tests_test_ksyms_LDADD = libvmtop.a $(VMTOP_LIBS)
tests_test_perf_parse_SOURCES = tests/test_perf_parse.c tests/unit.h
tests_test_perf_parse_LDADD = libvmtop.a $(VMTOP_LIBS)
tests_test_perf_model_SOURCES = tests/test_perf_model.c tests/unit.h
tests_test_perf_model_LDADD = libvmtop.a $(VMTOP_LIBS)
tests_test_perf_funcs_SOURCES = tests/test_perf_funcs.c tests/unit.h
tests_test_perf_funcs_LDADD = libvmtop.a $(VMTOP_LIBS)
tests_test_perf_live_SOURCES = tests/test_perf_live.c tests/unit.h
tests_test_perf_live_LDADD = libvmtop.a $(VMTOP_LIBS)
TESTS += tests/test_ksyms tests/test_perf_parse tests/test_perf_model tests/test_perf_live tests/test_perf_funcs

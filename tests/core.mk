## Core tests: unit tests of the split and parsers; shell tests of options, batch formats, real KVM guests.
check_PROGRAMS += tests/test_cmdline tests/test_model
tests_test_cmdline_SOURCES = tests/test_cmdline.c tests/unit.h
tests_test_cmdline_LDADD = libvmtop.a $(VMTOP_LIBS)
tests_test_model_SOURCES = tests/test_model.c tests/unit.h
tests_test_model_LDADD = libvmtop.a $(VMTOP_LIBS)
TESTS += tests/test_cmdline tests/test_model

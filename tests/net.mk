## net tests: apportioning and the network model stage (unit), tap counters in a test network namespace (root,
## else SKIP), and the 3:1 bandwidth split with two real guests (KVM, else SKIP).
check_PROGRAMS += tests/test_apportion
tests_test_apportion_SOURCES = tests/test_apportion.c tests/unit.h
tests_test_apportion_LDADD = libvmtop.a $(VMTOP_LIBS)
TESTS += tests/test_apportion
check_PROGRAMS += tests/test_collect_net
tests_test_collect_net_SOURCES = tests/test_collect_net.c tests/unit.h
tests_test_collect_net_LDADD = libvmtop.a $(VMTOP_LIBS)
TESTS += tests/test_collect_net.sh
EXTRA_DIST += tests/test_collect_net.sh
TESTS += tests/t_net_apportion.sh
EXTRA_DIST += tests/t_net_apportion.sh

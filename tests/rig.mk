## rig.mk - the real-KVM test rig: a tiny guest the suite builds (tests/guest), the rig library (tests/rig.sh),
## a minimal VMM (tests/minivmm) and a host simulator (tests/fakehost), with the rig's own self-tests.

# The guest is freestanding code, not a program of this host: built with a custom rule (no libc, own linker
# script), listed in check_SCRIPTS so `make check` builds it before any test runs.
RIG_GUEST_SRC = tests/guest/guest.S tests/guest/guest.ld
check_SCRIPTS = tests/guest/guest.elf
tests/guest/guest.elf: $(RIG_GUEST_SRC:%=$(srcdir)/%)
	@$(MKDIR_P) tests/guest
	$(AM_V_GEN)$(CC) -nostdlib -static -ffreestanding -fno-pic -no-pie -Wl,--build-id=none \
		-Wl,--no-warn-rwx-segments -Wl,-T,$(srcdir)/tests/guest/guest.ld -o $@ $(srcdir)/tests/guest/guest.S
CLEANFILES += tests/guest/guest.elf
EXTRA_DIST += $(RIG_GUEST_SRC)

# A minimal VMM that is not qemu, and the host simulator (fake VM processes for scale tests and benchmarks).
check_PROGRAMS += tests/minivmm tests/fakehost
tests_minivmm_SOURCES = tests/minivmm.c tests/argnum.h
tests_minivmm_LDADD = -lpthread
tests_fakehost_SOURCES = tests/fakehost.c tests/argnum.h
tests_fakehost_LDADD = -lpthread

RIG_TESTS = tests/t_rig_guest_tcg.sh tests/t_rig_fakehost.sh tests/t_rig_minivmm.sh tests/t_rig_fakehost_kvm.sh \
	tests/t_rig_kvm.sh
TESTS += $(RIG_TESTS)
EXTRA_DIST += tests/rig.sh $(RIG_TESTS)

# The test host in a box (tests/kvmbox): the KVM tests again inside an SVM host under qemu TCG, one TAP line each.
TEST_EXTENSIONS += .tap
TAP_LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
TAP_LOG_COMPILER = timeout -k 10 3600 $(SHELL)
TESTS += tests/t_kvmbox.tap
KVMBOX_FILES = tests/kvmbox/kvmbox tests/kvmbox/build.sh tests/kvmbox/initramfs-init tests/kvmbox/box-init \
	tests/kvmbox/packages tests/kvmbox/in_box.sh tests/kvmbox/selftest.sh
EXTRA_DIST += tests/t_kvmbox.tap $(KVMBOX_FILES)

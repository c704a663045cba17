## Core tests: unit tests of the split and parsers; shell tests of options, batch formats, real KVM guests.
check_PROGRAMS += tests/test_cmdline tests/test_model tests/test_fmt tests/test_threads tests/test_guest_accounting \
	tests/test_sources tests/test_mem tests/test_exits tests/test_record
tests_test_exits_SOURCES = tests/test_exits.c tests/unit.h
tests_test_exits_LDADD = libvmtop.a $(VMTOP_LIBS)
tests_test_record_SOURCES = tests/test_record.c tests/unit.h
tests_test_record_LDADD = libvmtop.a $(VMTOP_LIBS)
tests_test_guest_accounting_SOURCES = tests/test_guest_accounting.c tests/unit.h
tests_test_guest_accounting_LDADD = libvmtop.a $(VMTOP_LIBS)
tests_test_mem_SOURCES = tests/test_mem.c tests/unit.h
tests_test_mem_LDADD = libvmtop.a $(VMTOP_LIBS)
tests_test_sources_SOURCES = tests/test_sources.c tests/unit.h
tests_test_sources_LDADD = libvmtop.a $(VMTOP_LIBS)
tests_test_threads_SOURCES = tests/test_threads.c tests/unit.h
tests_test_threads_LDADD = libvmtop.a $(VMTOP_LIBS) -lpthread
tests_test_fmt_SOURCES = tests/test_fmt.c tests/unit.h
tests_test_fmt_LDADD = libvmtop.a $(VMTOP_LIBS)
tests_test_cmdline_SOURCES = tests/test_cmdline.c tests/unit.h
tests_test_cmdline_LDADD = libvmtop.a $(VMTOP_LIBS)
tests_test_model_SOURCES = tests/test_model.c tests/unit.h
tests_test_model_LDADD = libvmtop.a $(VMTOP_LIBS)
TESTS += tests/test_cmdline tests/test_model tests/test_fmt tests/test_threads tests/test_guest_accounting \
	tests/test_sources tests/test_mem tests/test_exits tests/test_record
TESTS += tests/t_potfiles.sh tests/t_options.sh tests/t_batch_formats.sh tests/t_batch_noperm.sh tests/t_batch_signals.sh \
	tests/t_names_safe.sh tests/t_kvm_split.sh tests/t_kvm_svm.sh tests/t_kvm_ready.sh tests/t_kvm_vanish.sh tests/t_kvm_filter.sh \
	tests/t_kvm_funcs.sh tests/t_kvm_guest_judge.sh tests/t_qmp_balloon.sh tests/t_ksm_guests.sh tests/t_balloon_guest.sh tests/t_balloon_inflate.sh \
	tests/t_record_replay.sh tests/t_record_file.sh tests/t_record_stall.sh tests/t_discovery_late.sh tests/t_mem_walk.sh
EXTRA_DIST += tests/t_potfiles.sh tests/t_options.sh tests/t_batch_formats.sh tests/t_batch_noperm.sh tests/t_batch_signals.sh \
	tests/t_names_safe.sh tests/t_kvm_split.sh tests/t_kvm_svm.sh tests/t_kvm_ready.sh tests/t_kvm_vanish.sh tests/t_kvm_filter.sh \
	tests/t_kvm_funcs.sh tests/t_kvm_guest_judge.sh tests/t_qmp_balloon.sh tests/t_ksm_guests.sh tests/t_balloon_guest.sh tests/t_balloon_inflate.sh \
	tests/t_record_replay.sh tests/t_record_file.sh tests/t_record_stall.sh tests/t_discovery_late.sh tests/t_mem_walk.sh tests/qmp_server.py
TESTS += tests/t_exits_minivmm.sh tests/t_exits_noperm.sh tests/t_exits_debugfs.sh tests/t_exits_many.sh tests/t_exits_guests.sh \
	tests/t_kvm_switch.sh tests/t_libvirt.sh
EXTRA_DIST += tests/t_exits_minivmm.sh tests/t_exits_noperm.sh tests/t_exits_debugfs.sh tests/t_exits_many.sh \
	tests/t_exits_guests.sh tests/t_kvm_switch.sh tests/t_libvirt.sh

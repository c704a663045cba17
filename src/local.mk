## vmtop: main.c over libvmtop.a (collectors, model, views), which unit tests link too.
bin_PROGRAMS += vmtop
noinst_LIBRARIES += libvmtop.a
libvmtop_a_SOURCES = \
	src/nls.h src/sample.h src/sample.c src/model.h src/model.c src/model_parts.h \
	src/options.h src/options.c src/session.h src/session.c \
	src/source.h src/collect.h src/collect.c src/collect_stat.h src/collect_stat.c \
	src/collect_vms.h src/collect_vms.c src/vm_discovery.h src/vm_discovery.c \
	src/guest_accounting.h src/guest_accounting.c src/vm_cmdline.h src/vm_cmdline.c \
	src/thread_role.h src/thread_role.c src/thread_reader.h src/thread_reader.c src/cputime.h src/cputime.c \
	src/proc_stat.h src/proc_stat.c src/util.h src/util.c \
	src/mem_parse.h src/mem_parse.c src/collect_mem.c src/model_mem.c src/model_totals.c src/qmp.h src/qmp.c \
	src/collect_qmp.c src/collect_libvirt.c src/collect_exits.c src/collect_exits_debugfs.c src/exit_names.h src/exit_names.c \
	src/model_exits.c src/record.h src/record_codec.c src/record_frame.c src/record_write.c src/record_read.c src/collect_replay.c
nodist_libvmtop_a_SOURCES = src/bpf/kvm_exit_names.h
BUILT_SOURCES += src/bpf/kvm_exit_names.h
CLEANFILES += src/bpf/kvm_exit_names.h
EXTRA_DIST += scripts/gen-kvm-exit-names.sh
# KVM_EXIT_* names from the build machine's <linux/kvm.h>: generated, not typed
src/bpf/kvm_exit_names.h: $(srcdir)/scripts/gen-kvm-exit-names.sh
	$(AM_V_GEN)$(MKDIR_P) src/bpf && $(SHELL) $(srcdir)/scripts/gen-kvm-exit-names.sh '$(CC) -E' >$@.tmp && mv $@.tmp $@
vmtop_SOURCES = src/main.c
vmtop_LDADD = libvmtop.a $(VMTOP_LIBS)

include src/perf.mk
include src/net.mk
include src/bpf.mk

## bpf.mk fragment: the eBPF sources. bpf/threads.bpf.c (the thread source) and bpf/exits.bpf.c (the exits source)
## are built with clang -target bpf against the small CO-RE header bpf/core.h (no vmlinux.h: any build machine will
## do) and linked into one object by bpftool, so vmtop parses the kernel's BTF once (bpf_load.c); its skeleton is
## generated at build time.
EXTRA_DIST += src/bpf/core.h src/bpf/threads_rec.h src/bpf/threads.bpf.c src/bpf/exits_events.h src/bpf/exits_rec.h \
	src/bpf/exits.bpf.c
if HAVE_BPF
libvmtop_a_SOURCES += src/bpf_load.h src/bpf_load.c src/thread_bpf.h src/thread_bpf.c
BUILT_SOURCES += src/bpf/vmtop.skel.h
CLEANFILES += src/bpf/threads.bpf.o src/bpf/exits.bpf.o src/bpf/vmtop.bpf.o src/bpf/vmtop.skel.h
# -g gives the BTF that CO-RE relocates by; llvm-strip drops the DWARF (the skeleton embeds the object)
src/bpf/threads.bpf.o: $(srcdir)/src/bpf/threads.bpf.c $(srcdir)/src/bpf/core.h $(srcdir)/src/bpf/threads_rec.h
	$(AM_V_GEN)$(MKDIR_P) src/bpf && \
	$(CLANG) -g -O2 -target bpf -I$(srcdir)/src/bpf -c $(srcdir)/src/bpf/threads.bpf.c -o $@ && \
	{ test -z "$(LLVM_STRIP)" || $(LLVM_STRIP) -g $@; }
# -mcpu=v3: the slot allocator's compare-and-swap and fetch-and-add (BPF atomics, kernel >= 5.12)
src/bpf/exits.bpf.o: $(srcdir)/src/bpf/exits.bpf.c $(srcdir)/src/bpf/core.h $(srcdir)/src/bpf/exits_events.h \
		$(srcdir)/src/bpf/exits_rec.h
	$(AM_V_GEN)$(MKDIR_P) src/bpf && \
	$(CLANG) -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_x86 -I$(srcdir)/src/bpf -c $(srcdir)/src/bpf/exits.bpf.c -o $@ && \
	{ test -z "$(LLVM_STRIP)" || $(LLVM_STRIP) -g $@; }
src/bpf/vmtop.bpf.o: src/bpf/threads.bpf.o src/bpf/exits.bpf.o
	$(AM_V_GEN)$(BPFTOOL) gen object $@ src/bpf/threads.bpf.o src/bpf/exits.bpf.o
src/bpf/vmtop.skel.h: src/bpf/vmtop.bpf.o
	$(AM_V_GEN)$(BPFTOOL) gen skeleton src/bpf/vmtop.bpf.o name vmtop_bpf >$@.tmp && mv $@.tmp $@
endif

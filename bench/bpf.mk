## bench/thread_read_cost (with the eBPF thread source): the two thread readers' CPU per refresh on the same
## processes; bench/threads_source_cost.sh: vmtop's with each threads source on the host simulator's VMs.
EXTRA_DIST += bench/threads_source_cost.sh bench/thread_read_cost.c
if HAVE_BPF
check_PROGRAMS += bench/thread_read_cost
bench_thread_read_cost_SOURCES = bench/thread_read_cost.c
bench_thread_read_cost_LDADD = libvmtop.a $(VMTOP_LIBS)
endif
## bench/exits_read_cost: the exits part's CPU per refresh (map read + model stage) with the map filled for the
## host simulator's VMs; bench/exits_event_cost.sh: what the exits programs cost the vCPU per event (minivmm pio).
## bench/noop_tp: do-nothing programs on the same tracepoints, exits_event_cost.sh's dispatch-only peer.
EXTRA_DIST += bench/exits_read_cost.c bench/exits_event_cost.sh bench/noop_tp.c bench/noop_tp.bpf.c
if HAVE_BPF
check_PROGRAMS += bench/exits_read_cost bench/noop_tp
bench_exits_read_cost_SOURCES = bench/exits_read_cost.c
bench_exits_read_cost_LDADD = libvmtop.a $(VMTOP_LIBS)
bench_noop_tp_SOURCES = bench/noop_tp.c
nodist_bench_noop_tp_SOURCES = bench/noop_tp.skel.h
bench_noop_tp_LDADD = $(VMTOP_LIBS)
BUILT_SOURCES += bench/noop_tp.skel.h
CLEANFILES += bench/noop_tp.bpf.o bench/noop_tp.skel.h
bench/noop_tp.bpf.o: $(srcdir)/bench/noop_tp.bpf.c
	$(AM_V_GEN)$(MKDIR_P) bench && $(CLANG) -g -O2 -target bpf -c $(srcdir)/bench/noop_tp.bpf.c -o $@ && \
	{ test -z "$(LLVM_STRIP)" || $(LLVM_STRIP) -g $@; }
bench/noop_tp.skel.h: bench/noop_tp.bpf.o
	$(AM_V_GEN)$(BPFTOOL) gen skeleton bench/noop_tp.bpf.o name noop_tp >$@.tmp && mv $@.tmp $@
endif

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
EXTRA_DIST += bench/exits_read_cost.c bench/exits_event_cost.sh
if HAVE_BPF
check_PROGRAMS += bench/exits_read_cost
bench_exits_read_cost_SOURCES = bench/exits_read_cost.c
bench_exits_read_cost_LDADD = libvmtop.a $(VMTOP_LIBS)
endif

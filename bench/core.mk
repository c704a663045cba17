## bench/refresh_cost.sh, bench/refresh_ab.sh (two builds side by side), bench/sampling_cost.sh, bench/record_cost.sh, bench/scrape_cost.sh: vmtop's CPU per refresh
## beside top's, what perf sampling and recording cost, what --listen and a scrape cost at 150 VMs (run by hand).
EXTRA_DIST += bench/refresh_cost.sh bench/refresh_ab.sh bench/per_refresh.sh bench/sampling_cost.sh bench/kvm_standin.c bench/record_cost.sh bench/scrape_cost.sh
## bench/mem_cost.sh over bench/mem_cost: the memory source's CPU per refresh at 150 simulated VMs (run by hand).
check_PROGRAMS += bench/mem_cost
bench_mem_cost_SOURCES = bench/mem_cost.c
bench_mem_cost_LDADD = libvmtop.a $(VMTOP_LIBS)
EXTRA_DIST += bench/mem_cost.sh

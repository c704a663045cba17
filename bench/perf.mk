## bench/perf_overhead: perf sampling's cost (collector CPU at 99/999 Hz, slow-down of a CPU-bound loop).
## Built by make check, run by hand as root: ./bench/perf_overhead [seconds]
check_PROGRAMS += bench/perf_overhead
bench_perf_overhead_SOURCES = bench/perf_overhead.c
bench_perf_overhead_LDADD = libvmtop.a $(VMTOP_LIBS)

## Benchmarks: programs that print figures (built with make check, run by hand).
include bench/core.mk
include bench/perf.mk
include bench/bpf.mk

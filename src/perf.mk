## perf.mk fragment

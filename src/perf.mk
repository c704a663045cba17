## perf sampling: libperf collector, kernel symbol classification, the perf stage of the model.
libvmtop_a_SOURCES += src/collect_perf.h src/collect_perf.c src/ksyms.h src/ksyms.c src/model_perf.c

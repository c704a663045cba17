## perf sampling: libperf collector, kernel symbol classification, the perf stage of the model.
libvmtop_a_SOURCES += src/collect_perf.h src/collect_perf.c src/ksyms.h src/ksyms.c src/model_perf.c \
	src/ksym_names.h src/ksym_names.c src/collect_perf_funcs.h src/collect_perf_funcs.c

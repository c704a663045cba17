## eBPF thread source: both readers on the same fake VM processes agree; without privileges /proc is used and said.
if HAVE_BPF
check_PROGRAMS += tests/threads_agree
tests_threads_agree_SOURCES = tests/threads_agree.c
tests_threads_agree_LDADD = libvmtop.a $(VMTOP_LIBS)
endif
TESTS += tests/t_threads_bpf.sh
EXTRA_DIST += tests/t_threads_bpf.sh

## UI tests: the real curses view driven in tmux, over the host (no VM needed), over a made-up model
## (tests/tui_fake: every list and drill-down feature without KVM) and over real KVM guests (skipped without KVM).
check_PROGRAMS += tests/tui_fake
tests_tui_fake_SOURCES = tests/tui_fake.c
tests_tui_fake_LDADD = libvmtop.a $(VMTOP_LIBS)
TUI_TESTS = tests/t_tui_basic.sh tests/t_tui_list.sh tests/t_tui_drill.sh tests/t_tui_mem.sh tests/t_tui_resize.sh tests/t_tui_term.sh \
	tests/t_tui_kvm.sh tests/t_churn.sh
TESTS += $(TUI_TESTS)
EXTRA_DIST += tests/tui_lib.sh $(TUI_TESTS) bench/tui_idle.sh

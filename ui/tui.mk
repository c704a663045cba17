## The interactive ncursesw view: loop and keys, header, VM table, drill-down views, prompts, help.
libvmtop_a_SOURCES += \
	ui/tui.h ui/tui_state.h ui/tui.c ui/tui_term.c ui/tui_theme.c ui/tui_draw.c ui/tui_bar.c ui/tui_header.c \
	ui/tui_list.c ui/tui_table.c ui/tui_grid.c ui/tui_status.c ui/tui_prompt.c ui/tui_drill.c \
	ui/tui_threads.c ui/tui_modules.c ui/tui_net.c ui/tui_mem.c ui/tui_exits.c ui/tui_help.c

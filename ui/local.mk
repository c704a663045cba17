## Views: batch output (text, CSV, JSON) and the curses UI (ui/tui.mk).
libvmtop_a_SOURCES += \
	ui/fmt.h ui/fmt.c ui/fmt_mem.h ui/fmt_mem.c ui/vm_sort.h ui/vm_sort.c \
	ui/batch.h ui/batch.c ui/batch_text.c ui/batch_csv.c ui/batch_json.c \
	ui/openmetrics.h ui/batch_openmetrics.c ui/export.h ui/export.c ui/http_listen.h ui/http_listen.c

include ui/tui.mk

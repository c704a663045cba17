/* tui_state.h - what the curses view's files share: the UI state, its colours and the drawing helpers. */
#ifndef VMTOP_TUI_STATE_H
#define VMTOP_TUI_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "session.h"
#include "vm_sort.h"

enum tui_mode { TUI_LIST, TUI_DRILL, TUI_HELP };
enum tui_prompt_kind { PROMPT_NONE, PROMPT_FILTER, PROMPT_DELAY };

/* Colour pairs (used only when colours are on; attributes alone otherwise). */
enum tui_pair {
	PAIR_NONE, PAIR_GUEST, PAIR_VMM, PAIR_KERNEL, PAIR_VHOST, PAIR_SHARE, PAIR_TITLE, PAIR_WARN,
	PAIR_HEAD, PAIR__COUNT
};

#define TUI_FILTER_MAX 64
#define TUI_MESSAGE_MAX 160
#define TUI_DRILL_VIEWS_MAX 9

/* Per drill-down view: its own sort and scroll position, kept while switching views. */
struct tui_view_state {
	int sort;
	bool reverse;
	size_t sel, top;
	int page;			/* rows the last draw showed: what PgUp/PgDn move */
};

struct tui {
	struct session *s;
	const struct options *opt;
	double delay;
	bool paused;
	bool color;
	bool utf8;
	char hostname[64];
	enum tui_mode mode;
	enum tui_mode help_from;	/* where h/? came from; the help screen returns there */
	/* The VM list: sort, pins, filter, selection (followed by pid) and scroll. */
	enum sort_key sort;
	bool reverse;
	pid_t *pins;
	size_t npins, pins_cap;
	char filter[TUI_FILTER_MAX];
	size_t *order;			/* visible VM indices, sorted and filtered */
	size_t norder, order_cap;
	pid_t sel_pid;
	size_t sel, top;
	int page;			/* rows the last draw showed: what PgUp/PgDn move */
	/* The line prompt (/ filter, d delay). */
	enum tui_prompt_kind prompt;
	char input[TUI_FILTER_MAX];
	/* The drill-down into one VM. */
	pid_t drill_pid;
	char drill_name[VM_NAME_MAX];
	int view;
	struct tui_view_state views[TUI_DRILL_VIEWS_MAX];
	/* A one-off line in the status bar, e.g. "VM 1234 (web) exited". */
	char message[TUI_MESSAGE_MAX];
	double message_until;
	bool quit;
};

/* A view of one VM inside the drill-down: threads, modules, ... (tui_drill.c lists them). */
struct tui_view {
	const char *name;		/* N_() */
	const char *const *sort_names;	/* column names its < > cycle through, N_() */
	int nsort;
	/* Rows the view has for this VM (for scrolling), then draws them from screen line y, h lines high. */
	size_t (*rows)(const struct tui *t, const struct vm_stat *v);
	void (*draw)(struct tui *t, const struct vm_stat *v, int y, int h);
};

/* tui.c */
double tui_now(void);
void tui_set_message(struct tui *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* tui_term.c: curses on; the terminal given back on exit and on stop or fatal signals. */
bool tui_term_start(struct tui *t);
void tui_term_restore(void);
int tui_term_stop_signal(void);	/* SIGINT, SIGTERM or SIGHUP when one arrived, else 0 */
/* Around a screen update: a stop signal while it writes (output stopped by ^S, a stalled terminal) gives the
 * terminal back from the handler and exits 128 + signal, since the write may never return. */
void tui_term_writing(bool on);

/* tui_list.c: the visible rows of the VM list and its selection. */
void tui_list_rebuild(struct tui *t);
bool tui_is_pinned(const struct tui *t, pid_t pid);
void tui_toggle_pin(struct tui *t, pid_t pid);
const struct vm_stat *tui_selected_vm(const struct tui *t);
void tui_move(size_t *sel, size_t *top, size_t nrows, int page, int delta);

/* tui_theme.c: colours and attributes. */
void tui_theme_init(struct tui *t);
int tui_attr(const struct tui *t, enum tui_pair pair, int mono_attr);

/* tui_draw.c: small drawing helpers that never wrap. */
void tui_put(int y, int x, int width, const char *s);
void tui_putf(int y, int x, int width, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void tui_fill_line(int y, int attr);

/* tui_header.c: the host summary; returns the number of lines drawn. */
int tui_header_draw(struct tui *t, int max_lines);
int tui_header_title(struct tui *t, int y);
int tui_header_notes(struct tui *t, int y, int max_y);

/* tui_table.c: the VM table. */
void tui_table_draw(struct tui *t, int y, int h);
const char *tui_sort_title(enum sort_key key);

/* tui_bar.c: the split bar. */
struct tui_bar_part {
	double value;
	enum tui_pair pair;
	char letter;			/* shown without colours */
};
void tui_bar_draw(const struct tui *t, int y, int x, int width, const struct tui_bar_part *parts, int nparts,
		  double scale);

/* tui_grid.c: fixed columns for the drill-down views. */
struct tui_col {
	const char *title;
	int width;			/* 0 = the rest of the line */
	bool left;			/* text left-aligned; numbers are right-aligned */
};
void tui_grid_titles(const struct tui *t, int y, const struct tui_col *cols, int n, int sorted);
void tui_grid_row(int y, const struct tui_col *cols, int n, const char *const *cells, bool selected);
int tui_grid_x(const struct tui_col *cols, int i);

/* tui_status.c */
void tui_status_draw(struct tui *t);

/* tui_help.c */
void tui_help_draw(struct tui *t);

/* tui_prompt.c: returns true when the key was taken by the prompt. */
void tui_prompt_start(struct tui *t, enum tui_prompt_kind kind);
bool tui_prompt_key(struct tui *t, int key);
void tui_prompt_draw(struct tui *t);

/* tui_drill.c: the drill-down framework, and what views use of it. */
extern const struct tui_view *const tui_views[];
extern const int tui_nviews;
void tui_drill_enter(struct tui *t, const struct vm_stat *v);
void tui_drill_leave(struct tui *t);
void tui_drill_draw(struct tui *t);
bool tui_drill_key(struct tui *t, int key);
/* After a refresh: back to the list with a message when the VM has gone. */
void tui_drill_check(struct tui *t);
const struct vm_stat *tui_drill_vm(const struct tui *t);
void tui_drill_state(const struct tui *t, char *buf, size_t len);
size_t tui_drill_scroll(struct tui *t, size_t nrows, int h);
void tui_drill_order(size_t *order, size_t n, int (*cmp)(const void *, const void *, void *), void *ctx);
int tui_cmp_num(double a, double b, int dir);

/* The views. */
extern const struct tui_view tui_view_threads;
extern const struct tui_view tui_view_modules;
extern const struct tui_view tui_view_net;
extern const struct tui_view tui_view_mem;
extern const struct tui_view tui_view_exits;

#endif

/* tui_drill.c - the drill-down into one VM: a table of views switched with Tab or digits, each with its own sort. */
#include "config.h"

#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "nls.h"
#include "tui_state.h"

#define KEY_ESC 27

/* New views plug in here; digit keys follow this order. */
const struct tui_view *const tui_views[] = { &tui_view_threads, &tui_view_modules, &tui_view_net,
						  &tui_view_mem, &tui_view_exits };
const int tui_nviews = sizeof(tui_views) / sizeof(tui_views[0]);

_Static_assert(sizeof(tui_views) / sizeof(tui_views[0]) <= TUI_DRILL_VIEWS_MAX, "digit keys reach 9 views");

void tui_drill_enter(struct tui *t, const struct vm_stat *v)
{
	t->drill_pid = v->pid;
	snprintf(t->drill_name, sizeof(t->drill_name), "%s", v->name);
	t->mode = TUI_DRILL;
	t->views[t->view].sel = t->views[t->view].top = 0;
	t->funcs_open = false;
}

void tui_drill_leave(struct tui *t)
{
	t->mode = TUI_LIST;
	t->sel_pid = t->drill_pid;	/* back on the VM we came from */
	tui_list_rebuild(t);
}

void tui_drill_check(struct tui *t)
{
	bool drilled = t->mode == TUI_DRILL || (t->mode == TUI_HELP && t->help_from == TUI_DRILL);
	if (!drilled || model_find_vm(&t->s->model, t->drill_pid))
		return;
	if (t->mode == TUI_HELP)
		t->help_from = TUI_LIST;
	else
		tui_drill_leave(t);
	tui_set_message(t, _("VM %d (%s) exited"), (int)t->drill_pid, t->drill_name);
}

const struct vm_stat *tui_drill_vm(const struct tui *t)
{
	return model_find_vm(&t->s->model, t->drill_pid);
}

void tui_drill_state(const struct tui *t, char *buf, size_t len)
{
	const struct tui_view *view = tui_views[t->view];
	const struct tui_view_state *vs = &t->views[t->view];
	snprintf(buf, len, _("VM %d %s  Sort: %s%s  Delay: %.2gs"), (int)t->drill_pid, _(view->name),
		 view->sort_names[vs->sort], vs->reverse ? _(" (reversed)") : "", t->delay);
}

/* "12.5%", or "-" alone for an unknown value. */
static const char *with_pct(char *buf, size_t len, const char *num)
{
	snprintf(buf, len, "%s%s", num, strcmp(num, "-") ? "%" : "");
	return buf;
}

/* Two lines about the VM: what it is and its split, so every view keeps the context. */
static int draw_vm_lines(const struct vm_stat *v, int y)
{
	char p[6][16], mem[2][16], q[6][20];
	/* rounded together so that the parts shown add up to the TOTAL shown */
	double split[4] = { v->guest, v->vmm_user, v->kernel, v->vhost };
	double total = fmt_round_split(v->total, split, 4, 0.1);
	fmt_guest(p[1], sizeof(p[1]), split[0], v->guest_estimated, v->guest_includes_switch);
	attrset(A_BOLD);
	tui_putf(y++, 0, COLS, _("VM %d %s (%s, %d vCPUs, RSS %s of %s)"), (int)v->pid, v->name, v->vmm, v->nr_vcpus,
		 fmt_kib(mem[0], 16, (long long)v->rss_kib), fmt_kib(mem[1], 16, v->mem_config_kib));
	attrset(A_NORMAL);
	tui_putf(y++, 0, COLS, _("TOTAL %s  GUEST %s  VMM %s  KERNEL %s  VHOST %s  READY %s"),
		 with_pct(q[0], 20, fmt_pct(p[0], 16, total)), with_pct(q[1], 20, p[1]),
		 with_pct(q[2], 20, fmt_pct(p[2], 16, split[1])), with_pct(q[3], 20, fmt_pct(p[3], 16, split[2])),
		 with_pct(q[4], 20, fmt_pct(p[4], 16, split[3])), with_pct(q[5], 20, fmt_pct(p[5], 16, v->ready)));
	return y;
}

static void draw_tabs(struct tui *t, int y)
{
	int x = 0;
	for (int i = 0; i < tui_nviews && x < COLS; i++) {
		char tab[64];
		snprintf(tab, sizeof(tab), " %d %s ", i + 1, _(tui_views[i]->name));
		attrset(i == t->view ? tui_attr(t, PAIR_HEAD, A_REVERSE) | A_BOLD : A_NORMAL);
		tui_put(y, x, COLS - x, tab);
		x = getcurx(stdscr) + 1;
		if (getcury(stdscr) != y)
			break;
	}
	attrset(A_NORMAL);
}

void tui_drill_draw(struct tui *t)
{
	const struct vm_stat *v = tui_drill_vm(t);
	int y = tui_header_title(t, 0);
	if (!v)
		return;		/* gone; the next refresh takes us back to the list */
	y = draw_vm_lines(v, y);
	draw_tabs(t, y++);
	tui_views[t->view]->draw(t, v, y, LINES - 1 - y);
}

/* Keeps the view's selection in its rows and on screen; returns the first row to draw. */
size_t tui_drill_scroll(struct tui *t, size_t nrows, int h)
{
	struct tui_view_state *vs = &t->views[t->view];
	vs->page = h;
	tui_move(&vs->sel, &vs->top, nrows, h, 0);
	return vs->top;
}

static void switch_view(struct tui *t, int view)
{
	if (view >= 0 && view < tui_nviews)
		t->view = view;
}

bool tui_drill_key(struct tui *t, int key)
{
	const struct tui_view *view = tui_views[t->view];
	struct tui_view_state *vs = &t->views[t->view];
	const struct vm_stat *v = tui_drill_vm(t);
	size_t nrows = v ? view->rows(t, v) : 0;
	int page = vs->page > 0 ? vs->page : 1;
	if (view->key && v && view->key(t, v, key))
		return true;
	switch (key) {
	case KEY_ESC:
	case KEY_BACKSPACE:
	case 127:
	case 8:
		tui_drill_leave(t);
		return true;
	case '\t': switch_view(t, (t->view + 1) % tui_nviews); return true;
	case KEY_BTAB: switch_view(t, (t->view + tui_nviews - 1) % tui_nviews); return true;
	case '<': vs->sort = vs->sort ? vs->sort - 1 : view->nsort - 1; vs->reverse = false; return true;
	case '>': vs->sort = (vs->sort + 1) % view->nsort; vs->reverse = false; return true;
	case 'R': vs->reverse = !vs->reverse; return true;
	case KEY_UP: tui_move(&vs->sel, &vs->top, nrows, page, -1); return true;
	case KEY_DOWN: tui_move(&vs->sel, &vs->top, nrows, page, 1); return true;
	case KEY_PPAGE: tui_move(&vs->sel, &vs->top, nrows, page, -page); return true;
	case KEY_NPAGE: tui_move(&vs->sel, &vs->top, nrows, page, page); return true;
	case KEY_HOME: tui_move(&vs->sel, &vs->top, nrows, page, -(int)nrows - 1); return true;
	case KEY_END: tui_move(&vs->sel, &vs->top, nrows, page, (int)nrows + 1); return true;
	}
	if (key >= '1' && key <= '9') {
		switch_view(t, key - '1');
		return true;
	}
	return false;
}

/* Row indices 0..n in the order of a view's compare (which reads the rows through ctx). */
void tui_drill_order(size_t *order, size_t n, int (*cmp)(const void *, const void *, void *), void *ctx)
{
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof(*order), cmp, ctx);
}

/* Compares two numbers for a view's sort: unknown last, then by dir (-1 high first). */
int tui_cmp_num(double a, double b, int dir)
{
	if (isnan(a) || isnan(b))
		return isnan(a) - isnan(b);
	return ((a > b) - (a < b)) * dir;
}

/* tui_modules.c - drill-down view 2: the VM's CPU by component (perf), its share of host network work, host totals. */
#include "config.h"

#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "nls.h"
#include "tui_state.h"

enum { K_COMP, K_VM, K_OWN, K_SHARE, K_HOST, K_TOVMS, K__COUNT };

static const char *const sort_names[K__COUNT] = { "COMPONENT", "VM%", "OWN%", "+SHARE%", "HOST%", "TO-VMS%" };

static const struct tui_col cols[] = {
	{ "COMPONENT", 12, true }, { "VM%", 7, false }, { "OWN%", 7, false }, { "+SHARE%", 7, false },
	{ "HOST%", 7, false }, { "TO-VMS%", 7, false }, { "SPLIT", 0, true },
};
#define NCOLS (int)(sizeof(cols) / sizeof(cols[0]))
#define BAR_MAX 40

struct order_ctx {
	const struct vm_stat *v;
	const struct host_stat *h;
	int key;
	bool reverse;
};

static double value(const struct vm_stat *v, const struct host_stat *h, int c, int key)
{
	switch (key) {
	case K_VM: return v->components[c] + v->apportioned[c];
	case K_OWN: return v->components[c];
	case K_SHARE: return v->apportioned[c];
	case K_HOST: return h->host_components[c];
	case K_TOVMS: return h->apportioned_components[c];
	default: return c;
	}
}

static int compare(const void *a, const void *b, void *arg)
{
	const struct order_ctx *o = arg;
	int i = (int)*(const size_t *)a, j = (int)*(const size_t *)b;
	int dir = o->key == K_COMP ? 1 : -1;
	if (o->reverse)
		dir = -dir;
	int r = tui_cmp_num(value(o->v, o->h, i, o->key), value(o->v, o->h, j, o->key), dir);
	return r ? r : (i > j) - (i < j);
}

/* The functions table: one component's top kernel functions in this VM (model.h struct func_stat). */
static const struct tui_col func_cols[] = {
	{ "FUNCTION", 34, true }, { "VIA", 28, true }, { "%CPU", 7, false }, { "SHARE%", 7, false },
};
#define NFUNC_COLS (int)(sizeof(func_cols) / sizeof(func_cols[0]))

static bool is_kernel(int c)
{
	return c == COMP_KVM || c == COMP_KVM_VENDOR || c == COMP_VHOST || c == COMP_TUN || c == COMP_BRIDGE ||
	       c == COMP_NIC || c == COMP_OTHER_KERNEL;
}

/* The VM's functions of comp: *first and the count (funcs are sorted by component). */
static size_t comp_funcs(const struct vm_stat *v, int comp, size_t *first)
{
	size_t i = 0, n = 0;
	while (i < v->nfuncs && v->funcs[i].comp != comp)
		i++;
	*first = i;
	while (i + n < v->nfuncs && v->funcs[i + n].comp == comp)
		n++;
	return n;
}

static size_t rows(const struct tui *t, const struct vm_stat *v)
{
	size_t first;
	if (t->funcs_open)
		return t->s->model.host.funcs_valid ? comp_funcs(v, t->funcs_comp, &first) : 0;
	return v->components_valid ? COMP__COUNT : 0;
}

/* What the user sees in place of the split, and why it is missing. */
static void draw_unavailable(struct tui *t, const struct vm_stat *v, int y)
{
	const struct host_stat *h = &t->s->model.host;
	(void)v;
	attrset(tui_attr(t, PAIR_WARN, A_BOLD));
	if (!h->perf_enabled)
		tui_putf(y, 1, COLS - 1, _("No module split: %s"),
			 h->perf_why_off[0] ? h->perf_why_off : _("perf sampling is off (--sample-hz 0)"));
	else
		tui_put(y, 1, COLS - 1, _("No module split for this VM yet: no perf samples of its threads"));
	attrset(A_NORMAL);
}

static void draw_row(struct tui *t, int y, const struct vm_stat *v, int c, double scale, bool selected)
{
	const struct host_stat *h = &t->s->model.host;
	char p[5][16], share[20];
	fmt_pct(p[2], 16, v->apportioned[c]);
	snprintf(share, sizeof(share), "%s%s", v->apportioned[c] > 0 ? "+" : "", p[2]);
	const char *cells[NCOLS] = {
		component_name((enum component)c), fmt_pct(p[0], 16, value(v, h, c, K_VM)),
		fmt_pct(p[1], 16, v->components[c]), share, fmt_pct(p[3], 16, h->host_components[c]),
		fmt_pct(p[4], 16, h->apportioned_components[c]), "",
	};
	tui_grid_row(y, cols, NCOLS, cells, selected);
	int x = tui_grid_x(cols, NCOLS - 1), w = COLS - x - 2;
	if (w > BAR_MAX)
		w = BAR_MAX;
	if (w < 4)
		return;
	/* The VM's own time stacked with its apportioned share ('+'), on one scale for every row. */
	const struct tui_bar_part parts[] = {
		{ v->components[c], c == COMP_GUEST ? PAIR_GUEST : c == COMP_VMM_USER ? PAIR_VMM
				   : c == COMP_VHOST || c == COMP_TUN ? PAIR_VHOST : PAIR_KERNEL, '#' },
		{ v->apportioned[c], PAIR_SHARE, '+' },
	};
	mvaddch(y, x, '[');
	mvaddch(y, x + w + 1, ']');
	tui_bar_draw(t, y, x + 1, w, parts, 2, scale);
}

static void draw_funcs(struct tui *t, const struct vm_stat *v, int y, int h)
{
	const struct host_stat *hs = &t->s->model.host;
	const struct tui_view_state *vs = &t->views[t->view];
	char pct[16];
	attrset(A_BOLD);
	tui_putf(y++, 1, COLS - 1, _("%s: %s%% of one CPU in this VM, top kernel functions (Esc: back to modules)"),
		 component_name((enum component)t->funcs_comp), fmt_pct(pct, sizeof(pct), v->components[t->funcs_comp]));
	attrset(A_NORMAL);
	h--;
	if (!hs->perf_enabled || !hs->funcs_valid) {
		attrset(tui_attr(t, PAIR_WARN, A_BOLD));
		if (!hs->perf_enabled)
			tui_putf(y, 1, COLS - 1, _("Functions unavailable: %s"),
				 hs->perf_why_off[0] ? hs->perf_why_off : _("perf sampling is off (--sample-hz 0)"));
		else if (hs->funcs_why[0])
			tui_putf(y, 1, COLS - 1, "%s", hs->funcs_why);
		else
			tui_put(y, 1, COLS - 1, _("Loading kernel function names: shown from the next refresh"));
		attrset(A_NORMAL);
		return;
	}
	size_t first, n = comp_funcs(v, t->funcs_comp, &first);
	if (!n) {
		tui_put(y, 1, COLS - 1, _("No kernel samples of this VM in this component in the last interval"));
		return;
	}
	tui_grid_titles(t, y++, func_cols, NFUNC_COLS, 2);
	h--;
	size_t top = tui_drill_scroll(t, n, h - 1);
	for (size_t i = top; i < n && i < top + (size_t)h - 1; i++) {
		const struct func_stat *f = &v->funcs[first + i];
		char p[2][16];
		const char *cells[NFUNC_COLS] = { f->func, f->via[0] ? f->via : "", fmt_pct(p[0], 16, f->pct),
						  fmt_pct(p[1], 16, f->share) };
		tui_grid_row(y++, func_cols, NFUNC_COLS, cells, i == vs->sel);
	}
	tui_putf(y, 1, COLS - 1, _("%%CPU: %% of one CPU; SHARE: of the component; VIA: the caller whose frame charged it"));
}

static void draw(struct tui *t, const struct vm_stat *v, int y, int h)
{
	const struct tui_view_state *vs = &t->views[t->view];
	if (h < 2)
		return;
	if (t->funcs_open) {
		draw_funcs(t, v, y, h);
		return;
	}
	if (!v->components_valid) {
		draw_unavailable(t, v, y);
		return;
	}
	tui_grid_titles(t, y++, cols, NCOLS, vs->sort);
	h--;
	size_t order[COMP__COUNT];
	struct order_ctx ctx = { v, &t->s->model.host, vs->sort, vs->reverse };
	tui_drill_order(order, COMP__COUNT, compare, &ctx);
	double scale = 100;
	for (int c = 0; c < COMP__COUNT; c++)
		if (value(v, ctx.h, c, K_VM) > scale)
			scale = value(v, ctx.h, c, K_VM);
	size_t first = tui_drill_scroll(t, COMP__COUNT, h - 1);
	for (size_t i = first; i < COMP__COUNT && i < first + (size_t)h - 1; i++)
		draw_row(t, y++, v, (int)order[i], scale, i == vs->sel);
	tui_putf(y, 1, COLS - 1, _("%% of one CPU; +SHARE: host network work (bridge, NIC, tun) apportioned by bytes"));
	if (y + 1 < LINES - 1)
		tui_put(y + 1, 1, COLS - 1, _("Enter: the component's top kernel functions in this VM"));
}

/* Enter opens the selected component's functions (asking the session for them), Esc goes back. */
static bool key(struct tui *t, const struct vm_stat *v, int k)
{
	struct tui_view_state *vs = &t->views[t->view];
	if (t->funcs_open && (k == 27 || k == KEY_BACKSPACE || k == 127 || k == 8)) {
		t->funcs_open = false;
		vs->sel = t->funcs_back_sel;
		vs->top = t->funcs_back_top;
		return true;
	}
	if (t->funcs_open || (k != '\n' && k != '\r' && k != KEY_ENTER) || !v->components_valid)
		return false;
	size_t order[COMP__COUNT];
	struct order_ctx ctx = { v, &t->s->model.host, vs->sort, vs->reverse };
	tui_drill_order(order, COMP__COUNT, compare, &ctx);
	int c = vs->sel < COMP__COUNT ? (int)order[vs->sel] : -1;
	if (c < 0 || !is_kernel(c)) {
		tui_set_message(t, _("%s is not host kernel code: Enter on kvm, kvm_vendor, ... other_kernel"),
				c < 0 ? "?" : component_name((enum component)c));
		return true;
	}
	session_want_functions(t->s);
	t->funcs_open = true;
	t->funcs_comp = c;
	t->funcs_back_sel = vs->sel;
	t->funcs_back_top = vs->top;
	vs->sel = vs->top = 0;
	return true;
}

const struct tui_view tui_view_modules = {
	.name = N_("modules"),
	.sort_names = sort_names,
	.nsort = K__COUNT,
	.rows = rows,
	.draw = draw,
	.key = key,
};

/* tui_table.c - the VM table: columns that fit the width, the selected row, pinned marks and the split bar. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "nls.h"
#include "tui_state.h"

enum col {
	C_PID, C_NAME, C_VCPU, C_TOTAL, C_GUEST, C_VMM, C_KERNEL, C_VHOST, C_READY, C_RSS, C_SWAP, C_KSM, C_BALLOON,
	C_EXITS, C_TOPEXIT, C_BAR, C__COUNT
};

struct column {
	const char *title;
	int width;		/* minimum; NAME and the bar grow into what is left */
	int drop;		/* narrow terminals lose the highest first; 0 never */
	int sort;		/* the sort key it shows, -1 none */
	int name_first;		/* NAME gets this width before the column shows (NAME_FIT when 0) */
};

#define NAME_FIT 14		/* columns go before NAME is cut below this: "web-frontend-12" stays readable */
#define NAME_PREFERRED 24
#define NAME_MAX_WIDTH 48
#define BAR_MAX_WIDTH 40

static const struct column columns[C__COUNT] = {
	[C_PID] = { "PID", 7, 0, SORT_PID },
	[C_NAME] = { "NAME", 10, 0, SORT_NAME },
	[C_VCPU] = { "VCPU", 4, 7, SORT_VCPUS },
	[C_TOTAL] = { "TOTAL%", 7, 0, SORT_TOTAL },
	[C_GUEST] = { "GUEST%", 7, 3, SORT_GUEST },
	[C_VMM] = { "VMM%", 6, 4, SORT_VMM },
	[C_KERNEL] = { "KERNEL%", 7, 2, SORT_KERNEL },
	[C_VHOST] = { "VHOST%", 6, 8, SORT_VHOST },
	[C_READY] = { "READY%", 6, 9, SORT_READY },
	[C_RSS] = { "RSS", 6, 5, SORT_RSS, 0 },
	/* dropped first, and shown only once NAME has its preferred width: EXITS/s from 112 columns, KSM from 119,
	 * SWAP from 126, BALLOON from 134, TOP EXIT from 149; up to 111 the table is as it was before they came */
	[C_SWAP] = { "SWAP", 6, 13, SORT_SWAP, NAME_PREFERRED },
	[C_KSM] = { "KSM", 6, 12, SORT_KSM, NAME_PREFERRED },
	[C_BALLOON] = { "BALLOON", 7, 14, SORT_BALLOON, NAME_PREFERRED },
	[C_EXITS] = { "EXITS/s", 8, 11, SORT_EXITS, NAME_PREFERRED },
	[C_TOPEXIT] = { "TOP EXIT", 14, 15, -1, NAME_PREFERRED },
	[C_BAR] = { "SPLIT", 12, 10, -1, 0 },
};

struct layout {
	int width[C__COUNT];	/* 0 = not shown */
	int x[C__COUNT];
};

/* The NAME width the columns shown in l wait for. */
static int name_wanted(const struct layout *l)
{
	int w = NAME_FIT;
	for (int c = 0; c < C__COUNT; c++)
		if (l->width[c] && columns[c].name_first > w)
			w = columns[c].name_first;
	return w;
}

/* Which columns fit in cols, and how wide: one column of pin marks, then columns with one space before each. */
static void layout_columns(struct layout *l, int cols)
{
	int need = 1 - 1;	/* the mark column, minus the space PID does not need */
	for (int c = 0; c < C__COUNT; c++) {
		l->width[c] = columns[c].width;
		need += 1 + columns[c].width;
	}
	/* one loop: the widest-dropping column goes until the rest and the NAME they wait for fit */
	while (need + name_wanted(l) - l->width[C_NAME] > cols) {
		int worst = -1;
		for (int c = 0; c < C__COUNT; c++)
			if (l->width[c] && columns[c].drop && (worst < 0 || columns[c].drop > columns[worst].drop))
				worst = c;
		if (worst < 0)
			break;
		need -= 1 + l->width[worst];
		l->width[worst] = 0;
	}
	int extra = cols > need ? cols - need : 0, grow;
	grow = extra < NAME_PREFERRED - l->width[C_NAME] ? extra : NAME_PREFERRED - l->width[C_NAME];
	l->width[C_NAME] += grow;
	extra -= grow;
	if (l->width[C_BAR]) {
		grow = extra < BAR_MAX_WIDTH - l->width[C_BAR] ? extra : BAR_MAX_WIDTH - l->width[C_BAR];
		l->width[C_BAR] += grow;
		extra -= grow;
	}
	grow = extra < NAME_MAX_WIDTH - l->width[C_NAME] ? extra : NAME_MAX_WIDTH - l->width[C_NAME];
	l->width[C_NAME] += grow;
	int x = 1;
	for (int c = 0; c < C__COUNT; c++) {
		if (!l->width[c])
			continue;
		l->x[c] = x;
		x += l->width[c] + 1;
	}
}

/* Right-aligned in its column, like numbers in top. */
static void put_right(const struct layout *l, int c, int y, const char *s)
{
	int w = l->width[c];
	if (!w)
		return;
	int len = (int)strlen(s);
	tui_put(y, l->x[c] + (len < w ? w - len : 0), w, s);
}

static void draw_legend(const struct tui *t, const struct layout *l, int y, int attr)
{
	static const struct { char letter; enum tui_pair pair; } legend[] = {
		{ 'G', PAIR_GUEST }, { 'U', PAIR_VMM }, { 'K', PAIR_KERNEL }, { 'V', PAIR_VHOST },
	};
	int x = l->x[C_BAR], w = l->width[C_BAR];
	tui_put(y, x, w, columns[C_BAR].title);
	x += 6;
	for (size_t i = 0; i < sizeof(legend) / sizeof(legend[0]) && x + 1 < l->x[C_BAR] + w; i++, x += 2)
		mvaddch(y, x, (chtype)legend[i].letter | (t->color ? (chtype)tui_attr(t, legend[i].pair, A_BOLD) : (chtype)attr));
	attrset(attr);
}

static void draw_titles(const struct tui *t, const struct layout *l, int y)
{
	int base = tui_attr(t, PAIR_HEAD, A_REVERSE);
	tui_fill_line(y, base);
	for (int c = 0; c < C__COUNT; c++) {
		if (!l->width[c])
			continue;
		bool sorted = columns[c].sort == (int)t->sort;
		attrset(sorted ? base | (int)(A_BOLD | A_UNDERLINE) : base);
		if (c == C_NAME || c == C_TOPEXIT)	/* text: left-aligned */
			tui_put(y, l->x[c], l->width[c], columns[c].title);
		else if (c == C_BAR)
			draw_legend(t, l, y, base);
		else
			put_right(l, c, y, columns[c].title);
	}
	attrset(A_NORMAL);
}

static void draw_bar(const struct tui *t, const struct layout *l, int y, const struct vm_stat *v)
{
	const struct tui_bar_part parts[] = {
		{ v->guest, PAIR_GUEST, 'G' }, { v->vmm_user, PAIR_VMM, 'U' },
		{ v->kernel, PAIR_KERNEL, 'K' }, { v->vhost, PAIR_VHOST, 'V' },
	};
	/* Full bar = every vCPU busy, so an idle VM shows a short bar and a busy one a long one. */
	double scale = 100.0 * (v->nr_vcpus > 0 ? v->nr_vcpus : 1);
	if (v->total > scale)
		scale = v->total;
	int x = l->x[C_BAR], w = l->width[C_BAR];
	mvaddch(y, x, '[');
	mvaddch(y, x + w - 1, ']');
	tui_bar_draw(t, y, x + 1, w - 2, parts, 4, scale);
}

/* GUEST% (guest, rounded with the rest of the split), marked as fmt_guest marks it. */
static const char *guest_cell(char *buf, size_t len, const struct vm_stat *v, double guest)
{
	return fmt_guest(buf, len, guest, v->guest_estimated, v->guest_includes_switch);
}

static void draw_row(const struct tui *t, const struct layout *l, int y, const struct vm_stat *v, bool selected)
{
	char b[11][24];
	int attr = selected ? A_REVERSE : A_NORMAL;
	tui_fill_line(y, attr);
	if (tui_is_pinned(t, v->pid))
		mvaddch(y, 0, '*' | (chtype)attr);
	snprintf(b[0], sizeof(b[0]), "%d", (int)v->pid);
	put_right(l, C_PID, y, b[0]);
	tui_put(y, l->x[C_NAME], l->width[C_NAME], v->name[0] ? v->name : "?");
	snprintf(b[0], sizeof(b[0]), "%d", v->nr_vcpus);
	put_right(l, C_VCPU, y, b[0]);
	/* rounded together so that the parts shown add up to the TOTAL shown */
	double split[4] = { v->guest, v->vmm_user, v->kernel, v->vhost };
	double total = fmt_round_split(v->total, split, 4, 0.1);
	put_right(l, C_TOTAL, y, fmt_pct(b[1], sizeof(b[1]), total));
	put_right(l, C_GUEST, y, guest_cell(b[2], sizeof(b[2]), v, split[0]));
	put_right(l, C_VMM, y, fmt_pct(b[3], sizeof(b[3]), split[1]));
	put_right(l, C_KERNEL, y, fmt_pct(b[4], sizeof(b[4]), split[2]));
	put_right(l, C_VHOST, y, fmt_pct(b[5], sizeof(b[5]), split[3]));
	put_right(l, C_READY, y, fmt_pct(b[6], sizeof(b[6]), v->ready));
	put_right(l, C_RSS, y, fmt_kib(b[7], sizeof(b[7]), (long long)v->rss_kib));
	put_right(l, C_SWAP, y, fmt_kib(b[8], sizeof(b[8]), v->mem.swap_kib));
	put_right(l, C_KSM, y, fmt_kib(b[9], sizeof(b[9]), v->mem.ksm_kib));
	put_right(l, C_BALLOON, y, fmt_kib(b[10], sizeof(b[10]), v->mem.balloon.actual_kib));
	/* kvm_exit/s; - where it is not observable (kvm_pvm: the header says so) */
	put_right(l, C_EXITS, y, fmt_per_s(b[0], sizeof(b[0]), v->exits.rate));
	/* its top kvm_exit reason; where kvm_exit is not seen its top exit to the VMM, as VMM:NAME */
	char name[48], top[56] = "-";
	if (v->exits.valid && fmt_exit_top(name, sizeof(name), v->exits.top_ev, v->exits.top))
		snprintf(top, sizeof(top), "%s%s", v->exits.top_ev == EXITS_EV_USER ? "VMM:" : "", name);
	if (l->width[C_TOPEXIT])
		tui_put(y, l->x[C_TOPEXIT], l->width[C_TOPEXIT], top);
	attrset(A_NORMAL);
	if (l->width[C_BAR])
		draw_bar(t, l, y, v);
}

void tui_table_draw(struct tui *t, int y, int h)
{
	if (h < 2)
		return;
	struct layout l;
	layout_columns(&l, COLS);
	draw_titles(t, &l, y++);
	h--;
	const struct model *m = &t->s->model;
	if (!t->norder) {
		if (t->filter[0])
			tui_putf(y, 1, COLS - 1, _("No VM name contains '%s' (Esc clears the filter)"), t->filter);
		else if (m->nvms == 0)
			tui_put(y, 1, COLS - 1, _("No KVM virtual machines are running"));
		return;
	}
	t->page = h;
	tui_move(&t->sel, &t->top, t->norder, h, 0);
	for (size_t i = t->top; i < t->norder && i < t->top + (size_t)h; i++)
		draw_row(t, &l, y++, &m->vms[t->order[i]], i == t->sel);
}

/* The column title a sort key shows, for the status line. */
const char *tui_sort_title(enum sort_key key)
{
	for (int c = 0; c < C__COUNT; c++)
		if (columns[c].sort == (int)key)
			return columns[c].title;
	return "?";
}

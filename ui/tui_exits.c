/* tui_exits.c - drill-down view "exits": the VM's exit reasons (rate, share, time), exits to the VMM, its busiest
 * ports, MMIO pages, MSRs, vectors and hypercalls, and one row per vCPU; each section sorted by rate or name. */
#include "config.h"

#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit_names.h"
#include "fmt.h"
#include "nls.h"
#include "tui_state.h"

enum { K_RATE, K_NAME, K__COUNT };

static const char *const sort_names[K__COUNT] = { "RATE/s", "NAME" };

static const struct tui_col cols[] = {
	{ "WHAT", 30, true }, { "RATE/s", 10, false }, { "SHARE%", 7, false }, { "TIME%", 7, false },
	{ "", 0, true },
};
#define NCOLS (int)(sizeof(cols) / sizeof(cols[0]))
static const int sort_col[K__COUNT] = { 1, 0 };

struct line {
	bool title;		/* a section's heading: what alone */
	char what[168];		/* a note fits whole: the view cuts it to the width */
	double rate, share, time;	/* NAN: unknown, '-' (nothing on a line of text) */
	char extra[64];
};

struct lines {
	struct line *l;
	size_t n, cap;
};

static struct line *add(struct lines *ls)
{
	if (ls->n == ls->cap) {
		ls->cap = ls->cap ? ls->cap * 2 : 64;
		struct line *l = realloc(ls->l, ls->cap * sizeof(*l));
		if (!l)
			return NULL;
		ls->l = l;
	}
	struct line *l = &ls->l[ls->n++];
	*l = (struct line){ .rate = NAN, .share = NAN, .time = NAN };
	return l;
}

static void title(struct lines *ls, const char *what)
{
	struct line *l = add(ls);
	if (l) {
		l->title = true;
		snprintf(l->what, sizeof(l->what), "%s", what);
	}
}

static int sort_key;

static int cmp_line(const void *a, const void *b)
{
	const struct line *x = a, *y = b;
	if (sort_key == K_NAME)
		return strcmp(x->what, y->what);
	return tui_cmp_num(x->rate, y->rate, -1);
}

/* What a key of event ev is called in its section. */
static void exits_key_label(int ev, unsigned long long arg, char *buf, size_t len)
{
	static const char *const mmio_types[] = { "read unsatisfied", "read", "write" };
	switch (ev) {
	case EXITS_EV_EXIT: exit_reason_name(arg, buf, len); break;
	case EXITS_EV_USER: exit_userspace_name(arg, buf, len); break;
	case EXITS_EV_PIO: snprintf(buf, len, "0x%04llx %s", arg & 0xffff, (arg >> 16) & 1 ? "out" : "in"); break;
	case EXITS_EV_MMIO:
		snprintf(buf, len, "0x%llx %s", (arg & 0xffffffffffffULL) << 12,
			 (arg >> 56) < 3 ? mmio_types[arg >> 56] : "?");
		break;
	case EXITS_EV_MSR: snprintf(buf, len, "0x%llx %s", arg & 0xffffffffULL, (arg >> 32) & 1 ? "write" : "read"); break;
	case EXITS_EV_WAKE: exit_wake_name(arg, buf, len); break;
	case EXITS_EV_PF: exit_fault_name(arg, buf, len); break;
	case EXITS_EV_EMUL: exit_emul_name(arg, buf, len); break;
	default:
		if (arg == EXITS_ARG_ALL)
			snprintf(buf, len, "%s", _("all"));
		else
			snprintf(buf, len, "%llu", arg);
		break;
	}
}

/* Why an event has no rows here: left out on purpose, or not attached; NULL when it is counted. */
static const char *not_counted(const struct host_stat *h, int ev)
{
	if (h->exits_off[ev])
		return _("not counted: --exits=all counts them");
	return h->exits_live[ev] ? NULL : _("not live on this kernel");
}

/* One section of an event's rows, sorted, its share of total (NAN: none); absent: why it has none (NULL: counted). */
static void section(struct lines *ls, const char *heading, const struct exits_stat *e, int ev, double total,
		    const char *absent)
{
	title(ls, heading);
	if (absent) {
		struct line *l = add(ls);
		if (l)
			snprintf(l->what, sizeof(l->what), "  %s", absent);
		return;
	}
	size_t from = ls->n;
	for (size_t i = 0; i < e->nrows[ev]; i++) {
		struct line *l = add(ls);
		if (!l)
			return;
		char name[56];
		exits_key_label(ev, e->rows[ev][i].arg, name, sizeof(name));
		snprintf(l->what, sizeof(l->what), "  %s", name);
		l->rate = e->rows[ev][i].rate;
		l->share = total > 0 ? l->rate / total * 100 : NAN;
		l->time = e->rows[ev][i].time_pct;
	}
	if (ls->n > from)
		qsort(&ls->l[from], ls->n - from, sizeof(*ls->l), cmp_line);
}

static void build(const struct tui *t, const struct vm_stat *v, struct lines *ls)
{
	const struct host_stat *h = &t->s->model.host;
	const struct exits_stat *e = &v->exits;
	sort_key = t->views[t->view].sort;
	ls->n = 0;
	if (!h->exits_valid) {
		struct line *l = add(ls);
		if (l)
			snprintf(l->what, sizeof(l->what), _("No exit counts: %s"), h->sources[PART_EXITS].why);
		return;
	}
	if (!e->valid) {
		struct line *l = add(ls);
		if (l)
			snprintf(l->what, sizeof(l->what), "%s", _("No interval yet for this VM"));
		return;
	}
	if (h->exits_observable && !h->exits_per_vcpu) {
		section(ls, _("Exits by kind (KVM's debugfs counters: per VM, not timed)"), e, EXITS_EV_EXIT, e->rate, NULL);
	} else if (h->exits_observable) {
		section(ls, _("Exit reasons (kvm_exit)"), e, EXITS_EV_EXIT, e->rate, NULL);
		/* beside the time each reason costs, the time between them: in the guest (with the switch) */
		struct line *l = h->exits_timed && e->nrows[EXITS_EV_ENTRY] ? add(ls) : NULL;
		if (l) {
			snprintf(l->what, sizeof(l->what), "  %s", _("(in the guest: kvm_entry to kvm_exit)"));
			l->rate = e->rows[EXITS_EV_ENTRY][0].rate;
			l->share = NAN;
			l->time = e->rows[EXITS_EV_ENTRY][0].time_pct;
		}
	} else {
		title(ls, _("Exit reasons (kvm_exit)"));
		struct line *l = add(ls);
		if (l)
			snprintf(l->what, sizeof(l->what), "  %s", h->exits_note);
	}
	section(ls, _("Exits to the VMM"), e, EXITS_EV_USER, e->userspace_rate, not_counted(h, EXITS_EV_USER));
	section(ls, _("I/O ports"), e, EXITS_EV_PIO, NAN, not_counted(h, EXITS_EV_PIO));
	section(ls, _("MMIO pages"), e, EXITS_EV_MMIO, NAN, not_counted(h, EXITS_EV_MMIO));
	section(ls, _("MSRs"), e, EXITS_EV_MSR, NAN, not_counted(h, EXITS_EV_MSR));
	section(ls, _("Injected vectors"), e, EXITS_EV_VIRQ, NAN, not_counted(h, EXITS_EV_VIRQ));
	section(ls, _("Vectors accepted by APICs"), e, EXITS_EV_APIC, NAN, not_counted(h, EXITS_EV_APIC));
	section(ls, _("Hypercalls"), e, EXITS_EV_HCALL, NAN, not_counted(h, EXITS_EV_HCALL));
	section(ls, _("Halts (kvm_vcpu_wakeup; TIME%: halted)"), e, EXITS_EV_WAKE, NAN,
		not_counted(h, EXITS_EV_WAKE));
	section(ls, _("Guest page faults KVM handled"), e, EXITS_EV_PF, NAN, not_counted(h, EXITS_EV_PF));
	section(ls, _("Emulated instructions"), e, EXITS_EV_EMUL, NAN, not_counted(h, EXITS_EV_EMUL));
	title(ls, _("vCPUs (rate: kvm_exit/s; to the VMM /s and top reason on the right)"));
	if (!h->exits_per_vcpu) {
		struct line *l = add(ls);
		if (l)
			snprintf(l->what, sizeof(l->what), "  %s", _("not counted per vCPU by debugfs"));
		return;
	}
	for (size_t i = 0; i < v->nthreads; i++) {
		const struct thread_stat *th = &v->threads[i];
		if (th->role != ROLE_VCPU)
			continue;
		struct line *l = add(ls);
		if (!l)
			return;
		snprintf(l->what, sizeof(l->what), "  vCPU %d (%d)", th->vcpu_index, (int)th->tid);
		l->rate = th->exits_rate;
		l->share = e->rate > 0 && !isnan(th->exits_rate) ? th->exits_rate / e->rate * 100 : NAN;
		char top[48] = "-";
		if (th->exits_top_ev >= 0)
			exits_key_label(th->exits_top_ev, th->exits_top, top, sizeof(top));
		if (isnan(th->exits_userspace))
			snprintf(l->extra, sizeof(l->extra), "- %s", top);
		else
			snprintf(l->extra, sizeof(l->extra), "%.0f %s", th->exits_userspace, top);
	}
}

static size_t rows(const struct tui *t, const struct vm_stat *v)
{
	struct lines ls = { 0 };
	build(t, v, &ls);
	size_t n = ls.n;
	free(ls.l);
	return n;
}

/* A figure of a row; unknown is '-' on a data row, nothing on a line of text (a title, a note: no figure at all). */
static const char *num(char *buf, size_t len, double v, const char *fmt, bool text)
{
	if (isnan(v))
		return text ? "" : "-";
	snprintf(buf, len, fmt, v);
	return buf;
}

static void draw(struct tui *t, const struct vm_stat *v, int y, int h)
{
	const struct tui_view_state *vs = &t->views[t->view];
	if (h < 2)
		return;
	tui_grid_titles(t, y++, cols, NCOLS, sort_col[vs->sort]);
	h--;
	struct lines ls = { 0 };
	build(t, v, &ls);
	size_t first = tui_drill_scroll(t, ls.n, h);
	for (size_t i = first; i < ls.n && i < first + (size_t)h; i++) {
		const struct line *l = &ls.l[i];
		char r[24], s[16], tm[16];
		bool text = l->title || (isnan(l->rate) && isnan(l->share) && isnan(l->time) && !l->extra[0]);
		const char *cells[NCOLS] = { l->what, num(r, sizeof(r), l->rate, "%.0f", text),
					     num(s, sizeof(s), l->share, "%.1f", text),
					     num(tm, sizeof(tm), l->time, "%.1f", text), l->extra };
		if (l->title) {
			/* a section's title has no figures: the whole line, not the WHAT column's width */
			int base = i == vs->sel ? A_REVERSE : A_NORMAL;
			tui_fill_line(y, base);
			attrset(base | A_BOLD);
			tui_put(y++, 0, COLS, l->what);
			attrset(A_NORMAL);
			continue;
		}
		tui_grid_row(y++, cols, NCOLS, cells, i == vs->sel);
	}
	free(ls.l);
}

const struct tui_view tui_view_exits = {
	.name = N_("exits"),
	.sort_names = sort_names,
	.nsort = K__COUNT,
	.rows = rows,
	.draw = draw,
};

/* tui_threads.c - drill-down view 1: the VM's threads by role, vCPUs first, with their own sort. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "nls.h"
#include "tui_state.h"

enum { K_ROLE, K_TID, K_TOTAL, K_GUEST, K_KERNEL, K_USER, K_READY, K_EXITS, K_CPU, K_COMM, K__COUNT };

static const char *const sort_names[K__COUNT] = {
	"ROLE", "TID", "TOTAL%", "GUEST%", "KERNEL%", "USER%", "READY%", "EXITS/s", "CPU", "COMM",
};

static const struct tui_col cols[] = {
	{ "ROLE", 6, true }, { "#", 3, false }, { "TID", 7, false }, { "TOTAL%", 7, false },
	{ "GUEST%", 7, false }, { "KERNEL%", 7, false }, { "USER%", 6, false }, { "READY%", 6, false },
	{ "EXITS/s", 8, false }, { "CPU", 3, false }, { "COMM", 0, true },
};
#define NCOLS (int)(sizeof(cols) / sizeof(cols[0]))

/* The column each sort key marks. */
static const int sort_col[K__COUNT] = { 0, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

struct order_ctx {
	const struct thread_stat *th;
	int key;
	bool reverse;
};

static int compare(const void *a, const void *b, void *arg)
{
	const struct order_ctx *c = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const struct thread_stat *x = &c->th[i], *y = &c->th[j];
	int down = c->reverse ? 1 : -1, up = -down, r = 0;
	switch (c->key) {
	case K_TID: r = tui_cmp_num(x->tid, y->tid, up); break;
	case K_TOTAL: r = tui_cmp_num(x->total, y->total, down); break;
	case K_GUEST: r = tui_cmp_num(x->guest, y->guest, down); break;
	case K_KERNEL: r = tui_cmp_num(x->kernel, y->kernel, down); break;
	case K_USER: r = tui_cmp_num(x->user, y->user, down); break;
	case K_READY: r = tui_cmp_num(x->ready, y->ready, down); break;
	case K_EXITS: r = tui_cmp_num(x->exits_rate, y->exits_rate, down); break;
	case K_CPU: r = tui_cmp_num(x->last_cpu, y->last_cpu, up); break;
	case K_COMM: r = strcmp(x->comm, y->comm) * up; break;
	default: break;
	}
	if (r)
		return r;
	/* The model's own order: vCPUs by index, then vhost, io, kvm, other. */
	return ((i > j) - (i < j)) * (c->key == K_ROLE ? up : 1);
}

static size_t rows(const struct tui *t, const struct vm_stat *v)
{
	(void)t;
	return v->nthreads;
}

static void draw_row(int y, const struct thread_stat *th, bool selected)
{
	char idx[12], tid[16], p[5][16], cpu[12], guest[18], exits[16];
	if (th->role == ROLE_VCPU && th->vcpu_index >= 0)
		snprintf(idx, sizeof(idx), "%d", th->vcpu_index);
	else
		snprintf(idx, sizeof(idx), "-");
	snprintf(tid, sizeof(tid), "%d", (int)th->tid);
	if (th->last_cpu >= 0)
		snprintf(cpu, sizeof(cpu), "%d", th->last_cpu);
	else
		snprintf(cpu, sizeof(cpu), "-");
	/* rounded together so that GUEST + KERNEL + USER shown add up to the TOTAL shown */
	double split[3] = { th->guest, th->kernel, th->user };
	double total = fmt_round_split(th->total, split, 3, 0.1);
	/* marked as on the VM's row: estimated from perf samples (its gtime disagreed), or partly the switch */
	fmt_guest(guest, sizeof(guest), split[0], th->guest_estimated, th->guest_includes_switch);
	fmt_per_s(exits, sizeof(exits), th->exits_rate);
	const char *cells[NCOLS] = {
		thread_role_name(th->role), idx, tid, fmt_pct(p[0], 16, total), guest,
		fmt_pct(p[2], 16, split[1]), fmt_pct(p[3], 16, split[2]), fmt_pct(p[4], 16, th->ready), exits, cpu,
		th->comm,
	};
	tui_grid_row(y, cols, NCOLS, cells, selected);
}

static void draw(struct tui *t, const struct vm_stat *v, int y, int h)
{
	const struct tui_view_state *vs = &t->views[t->view];
	if (h < 2)
		return;
	tui_grid_titles(t, y++, cols, NCOLS, sort_col[vs->sort]);
	h--;
	if (!v->nthreads) {
		tui_put(y, 1, COLS - 1, _("No threads read for this VM yet"));
		return;
	}
	size_t *order = malloc(v->nthreads * sizeof(*order));
	if (!order)
		return;
	struct order_ctx ctx = { v->threads, vs->sort, vs->reverse };
	tui_drill_order(order, v->nthreads, compare, &ctx);
	size_t first = tui_drill_scroll(t, v->nthreads, h);
	for (size_t i = first; i < v->nthreads && i < first + (size_t)h; i++)
		draw_row(y++, &v->threads[order[i]], i == t->views[t->view].sel);
	free(order);
}

const struct tui_view tui_view_threads = {
	.name = N_("threads"),
	.sort_names = sort_names,
	.nsort = K__COUNT,
	.rows = rows,
	.draw = draw,
};

/* tui_list.c - the VM list's rows: sorted with pinned VMs first, filtered by name, the selection following its VM. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tui_state.h"

bool tui_is_pinned(const struct tui *t, pid_t pid)
{
	for (size_t i = 0; i < t->npins; i++)
		if (t->pins[i] == pid)
			return true;
	return false;
}

static bool pinned_cb(pid_t pid, void *ctx)
{
	return tui_is_pinned(ctx, pid);
}

void tui_toggle_pin(struct tui *t, pid_t pid)
{
	for (size_t i = 0; i < t->npins; i++) {
		if (t->pins[i] == pid) {
			t->pins[i] = t->pins[--t->npins];
			return;
		}
	}
	if (t->npins == t->pins_cap) {
		size_t cap = t->pins_cap ? t->pins_cap * 2 : 8;
		pid_t *p = realloc(t->pins, cap * sizeof(*p));
		if (!p)
			return;
		t->pins = p;
		t->pins_cap = cap;
	}
	t->pins[t->npins++] = pid;
}

/* Pins of VMs that are gone would pin a new VM that reuses the pid: drop them. */
static void forget_gone_pins(struct tui *t, const struct model *m)
{
	for (size_t i = 0; i < t->npins;) {
		if (model_find_vm(m, t->pins[i]))
			i++;
		else
			t->pins[i] = t->pins[--t->npins];
	}
}

const struct vm_stat *tui_selected_vm(const struct tui *t)
{
	if (t->sel >= t->norder)
		return NULL;
	return &t->s->model.vms[t->order[t->sel]];
}

/* Moves a selection by delta rows within nrows, keeping it on a page of page rows that starts at *top. */
void tui_move(size_t *sel, size_t *top, size_t nrows, int page, int delta)
{
	if (nrows == 0) {
		*sel = *top = 0;
		return;
	}
	long s = (long)*sel + delta;
	if (s < 0)
		s = 0;
	if (s >= (long)nrows)
		s = (long)nrows - 1;
	*sel = (size_t)s;
	if (page < 1)
		page = 1;
	if (*sel < *top)
		*top = *sel;
	if (*sel >= *top + (size_t)page)
		*top = *sel - (size_t)page + 1;
	if (*top + (size_t)page > nrows)
		*top = nrows > (size_t)page ? nrows - (size_t)page : 0;
}

void tui_list_rebuild(struct tui *t)
{
	const struct model *m = &t->s->model;
	forget_gone_pins(t, m);
	if (m->nvms > t->order_cap) {
		size_t *o = realloc(t->order, m->nvms * sizeof(*o));
		if (!o) {
			t->norder = 0;
			return;
		}
		t->order = o;
		t->order_cap = m->nvms;
	}
	if (m->nvms)
		vm_sort(m, t->sort, t->reverse, pinned_cb, t, t->order);
	size_t n = 0;
	for (size_t i = 0; i < m->nvms; i++)
		if (!t->filter[0] || strcasestr(m->vms[t->order[i]].name, t->filter))
			t->order[n++] = t->order[i];
	t->norder = n;
	/* The selection stays on its VM; if the VM left the rows, on the same line. */
	for (size_t i = 0; i < n; i++) {
		if (m->vms[t->order[i]].pid == t->sel_pid) {
			t->sel = i;
			break;
		}
	}
	if (t->sel >= n)
		t->sel = n ? n - 1 : 0;
	t->sel_pid = n ? m->vms[t->order[t->sel]].pid : 0;
}

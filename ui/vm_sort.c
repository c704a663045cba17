/* vm_sort.c - the VM table's columns as sort keys, and the ordering shared by batch and curses views. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vm_sort.h"

static const char *const key_names[SORT__COUNT] = {
	[SORT_PID] = "pid", [SORT_NAME] = "name", [SORT_VCPUS] = "vcpus", [SORT_TOTAL] = "total",
	[SORT_GUEST] = "guest", [SORT_VMM] = "vmm", [SORT_KERNEL] = "kernel", [SORT_VHOST] = "vhost",
	[SORT_READY] = "ready", [SORT_RSS] = "rss", [SORT_SWAP] = "swap",
	[SORT_KSM] = "ksm", [SORT_BALLOON] = "balloon", [SORT_EXITS] = "exits",
};

int sort_key_from_name(const char *name)
{
	if (!strcmp(name, "mem"))
		return SORT_RSS;	/* the old name of the column, still accepted */
	for (int k = 0; k < SORT__COUNT; k++)
		if (!strcmp(name, key_names[k]))
			return k;
	return -1;
}

const char *sort_key_name(enum sort_key key)
{
	return key < SORT__COUNT ? key_names[key] : "?";
}

bool sort_key_descending(enum sort_key key)
{
	return key != SORT_PID && key != SORT_NAME;
}

static double value_of(const struct vm_stat *v, enum sort_key key)
{
	switch (key) {
	case SORT_PID: return v->pid;
	case SORT_VCPUS: return v->nr_vcpus;
	case SORT_TOTAL: return v->total;
	case SORT_GUEST: return v->guest;
	case SORT_VMM: return v->vmm_user;
	case SORT_KERNEL: return v->kernel;
	case SORT_VHOST: return v->vhost;
	case SORT_READY: return v->ready;
	case SORT_RSS: return (double)v->rss_kib;
	/* unknown (-1) sorts last as NAN */
	case SORT_SWAP: return v->mem.swap_kib >= 0 ? (double)v->mem.swap_kib : NAN;
	case SORT_KSM: return v->mem.ksm_kib >= 0 ? (double)v->mem.ksm_kib : NAN;
	case SORT_BALLOON: return v->mem.balloon.actual_kib >= 0 ? (double)v->mem.balloon.actual_kib : NAN;
	/* kvm_exit/s where observable, else exits to the VMM */
	case SORT_EXITS: return isnan(v->exits.rate) ? v->exits.userspace_rate : v->exits.rate;
	default: return 0;
	}
}

struct sort_ctx {
	const struct model *m;
	enum sort_key key;
	int dir;		/* +1 ascending, -1 descending */
	bool (*pinned)(pid_t, void *);
	void *pctx;
};

static int compare(const void *a, const void *b, void *arg)
{
	const struct sort_ctx *c = arg;
	const struct vm_stat *x = &c->m->vms[*(const size_t *)a], *y = &c->m->vms[*(const size_t *)b];
	if (c->pinned) {
		bool px = c->pinned(x->pid, c->pctx), py = c->pinned(y->pid, c->pctx);
		if (px != py)
			return px ? -1 : 1;
	}
	int r;
	if (c->key == SORT_NAME) {
		r = strcmp(x->name, y->name) * c->dir;
	} else {
		double vx = value_of(x, c->key), vy = value_of(y, c->key);
		if (isnan(vx) || isnan(vy))
			r = isnan(vx) - isnan(vy);	/* unknown last, whatever the direction */
		else
			r = ((vx > vy) - (vx < vy)) * c->dir;
	}
	if (r)
		return r;
	return (x->pid > y->pid) - (x->pid < y->pid);	/* stable across refreshes */
}

void vm_sort(const struct model *m, enum sort_key key, bool reverse,
	     bool (*pinned)(pid_t pid, void *ctx), void *ctx, size_t *order)
{
	struct sort_ctx c = { m, key, sort_key_descending(key) ? -1 : 1, pinned, ctx };
	if (reverse)
		c.dir = -c.dir;
	for (size_t i = 0; i < m->nvms; i++)
		order[i] = i;
	qsort_r(order, m->nvms, sizeof(*order), compare, &c);
}

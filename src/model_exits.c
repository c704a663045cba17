/* model_exits.c - the exits stage: per-thread count deltas of the exits part turned into rates per VM and vCPU, the
 * exit-to-entry time as % of one CPU, the top reason; ports, pages, MSRs and vectors cut to the busiest; which
 * vCPUs exit so often that their GUEST is partly the world switch, and GUEST from the traced entry-to-exit time of
 * the others. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_parts.h"
#include "nls.h"
#include "util.h"

void model_exits_free(struct exits_stat *e)
{
	for (int ev = 0; ev < EXITS_EV__COUNT; ev++)
		free(e->rows[ev]);
	memset(e, 0, sizeof(*e));
}

/* The counts of id in c[0..n) (sorted by tid): [*lo, return). *at is where the last search ended, and the next
 * starts from it when id lies past it, a step or two away: the stage asks VM by VM, and their threads' TIDs mostly
 * rise (two binary searches over 2,400 counts for each of 750 threads were most of the stage at 150 VMs). */
static size_t id_range(const struct exit_count *c, size_t n, pid_t id, size_t *lo, size_t *at)
{
	size_t a = 0, b = n;
	if (*at == 0 || c[*at - 1].tid < id) {
		/* galloping: every count before a is another thread's, and c[b] is id's or past it (or b is n) */
		size_t step = 1;
		a = *at;
		b = a;
		while (b < n && c[b].tid < id) {
			a = b + 1;
			b = a + step;
			step *= 2;
		}
		if (b > n)
			b = n;
	} else {
		b = *at;	/* id is before where the last search ended */
	}
	while (a < b) {
		size_t mid = a + (b - a) / 2;
		if (c[mid].tid < id)
			a = mid + 1;
		else
			b = mid;
	}
	*lo = a;
	b = a;
	while (b < n && c[b].tid == id)
		b++;
	*at = b;
	return b;
}

static int cmp_key(const struct exit_count *x, const struct exit_count *y)
{
	if (x->ev != y->ev)
		return (x->ev > y->ev) - (x->ev < y->ev);
	return (x->arg > y->arg) - (x->arg < y->arg);
}

/* What one thread (or VM, in vm_counts) did over the interval, key by key, appended to *out (counts = deltas). A
 * key it had before counts what it grew by; a new key all it has; a key that went back (the map lost it and made
 * it again) is left out, and false returned: what it did in the interval is not known whole. */
static bool id_deltas(const struct exit_count *ac, size_t an, const struct exit_count *bc, size_t bn, pid_t id,
		      size_t at[2], struct exit_count **out, size_t *n, size_t *cap)
{
	size_t alo, blo;
	size_t ahi = id_range(ac, an, id, &alo, &at[0]), bhi = id_range(bc, bn, id, &blo, &at[1]);
	bool whole = true;
	for (size_t j = blo, i = alo; j < bhi; j++) {
		const struct exit_count *c = &bc[j];
		while (i < ahi && cmp_key(&ac[i], c) < 0)
			i++;
		struct exit_count d = *c;
		if (i < ahi && cmp_key(&ac[i], c) == 0) {
			if (c->count < ac[i].count) {
				whole = false;
				continue;
			}
			d.count = c->count - ac[i].count;
			d.ns = c->ns >= ac[i].ns ? c->ns - ac[i].ns : 0;
		}
		if (!d.count && !d.ns)
			continue;
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 64;
			*out = xrealloc(*out, *cap * sizeof(**out));
		}
		(*out)[(*n)++] = d;
	}
	return whole;
}

/* Whether c[0..n) has the key (id, ev, arg). */
static bool has_key(const struct exit_count *c, size_t n, pid_t id, unsigned ev, unsigned long long arg)
{
	size_t lo, at = 0, hi = id_range(c, n, id, &lo, &at);
	for (size_t i = lo; i < hi; i++)
		if (c[i].ev == ev && c[i].arg == arg)
			return true;
	return false;
}

static int cmp_delta(const void *x, const void *y)
{
	return cmp_key(x, y);
}

static int cmp_rate(const void *x, const void *y)
{
	const struct exit_row *a = x, *b = y;
	if (a->rate != b->rate)
		return a->rate < b->rate ? 1 : -1;
	return (a->arg > b->arg) - (a->arg < b->arg);
}

/* The VM's rows from all its threads' deltas (sorted here by event and key); timed: EXIT rows have their time. */
static void vm_rows(struct exits_stat *e, struct exit_count *d, size_t n, double interval, bool timed)
{
	if (n)	/* d is NULL until a VM had a delta */
		qsort(d, n, sizeof(*d), cmp_delta);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		unsigned long long count = 0, ns = 0;
		while (j < n && cmp_key(&d[j], &d[i]) == 0) {
			count += d[j].count;
			ns += d[j].ns;
			j++;
		}
		unsigned ev = d[i].ev;
		if (ev < EXITS_EV__COUNT && count) {
			e->rows[ev] = xrealloc(e->rows[ev], (e->nrows[ev] + 1) * sizeof(*e->rows[ev]));
			e->rows[ev][e->nrows[ev]++] = (struct exit_row){
				.arg = d[i].arg, .rate = count / interval,
				/* WAKE's time comes from its tracepoint, whatever the source timed */
				.time_pct = ((ev == EXITS_EV_EXIT || ev == EXITS_EV_ENTRY) && timed) || ev == EXITS_EV_WAKE ?
						    ns / (interval * 1e9) * 100 : NAN,
			};
		}
		i = j;
	}
	for (int ev = 0; ev < EXITS_EV__COUNT; ev++) {
		if (e->nrows[ev])
			qsort(e->rows[ev], e->nrows[ev], sizeof(*e->rows[ev]), cmp_rate);
		if (ev != EXITS_EV_EXIT && ev != EXITS_EV_USER && e->nrows[ev] > EXITS_TOP)
			e->nrows[ev] = EXITS_TOP;
	}
}

#define TRACED_MIN_ENTRIES 20	/* stretches in the guest an interval for their sum to stand for its guest time */
#define TRACED_SLACK 1.0	/* % of one CPU the traced sum may pass the thread's time by (the two intervals' edges) */

/* One thread's rates from its deltas [d, d + n) (sorted by event and key); unknown when not whole. */
static void thread_rates(struct thread_stat *t, const struct exit_count *d, size_t n, double interval,
			 const struct host_stat *h, bool whole)
{
	if (!whole)
		return;		/* stays unknown (unknown_vm) */
	unsigned long long exits = 0, user = 0, top_exit = 0, top_user = 0, entries = 0, in_guest_ns = 0;
	t->exits_top_ev = -1;
	for (size_t i = 0; i < n; i++) {
		if (d[i].ev == EXITS_EV_EXIT) {
			exits += d[i].count;
			if (d[i].count > top_exit) {
				top_exit = d[i].count;
				t->exits_top_ev = EXITS_EV_EXIT;
				t->exits_top = d[i].arg;
			}
		} else if (d[i].ev == EXITS_EV_ENTRY) {
			entries += d[i].count;
			in_guest_ns += d[i].ns;
		} else if (d[i].ev == EXITS_EV_USER) {
			user += d[i].count;
			if (!top_exit && d[i].count > top_user) {
				top_user = d[i].count;
				t->exits_top_ev = EXITS_EV_USER;
				t->exits_top = d[i].arg;
			}
		}
	}
	t->exits_rate = h->exits_observable ? exits / interval : NAN;
	t->exits_userspace = h->exits_live[EXITS_EV_USER] ? user / interval : NAN;
	/* a stretch in the guest counts when its exit comes: with few exits the one still open is a good part */
	t->guest_traced = h->exits_observable && h->exits_timed && entries >= TRACED_MIN_ENTRIES ?
				  in_guest_ns / (interval * 1e9) * 100 : NAN;
}

static void unknown_vm(struct vm_stat *v)
{
	v->exits = (struct exits_stat){ .rate = NAN, .time_pct = NAN, .userspace_rate = NAN, .top_ev = -1 };
	v->guest_traced = NAN;
	for (size_t t = 0; t < v->nthreads; t++) {
		v->threads[t].exits_rate = v->threads[t].exits_userspace = v->threads[t].guest_traced = NAN;
		v->threads[t].guest_is_traced = false;
		v->threads[t].exits_top_ev = -1;
	}
}

static void exits_rates(struct model *m, const struct host_sample *prev, const struct host_sample *cur)
{
	struct host_stat *h = &m->host;
	const struct exits_sample *b = &cur->exits;
	h->exits_valid = b->valid;
	h->exits_rate = h->exits_userspace_rate = NAN;
	memcpy(h->exits_live, b->live, sizeof(h->exits_live));
	memcpy(h->exits_off, b->off, sizeof(h->exits_off));
	h->exits_drops = b->drops;
	h->exits_per_vcpu = b->valid && b->per_thread;
	h->exits_timed = b->valid && b->timed;
	h->exits_observable = b->valid && b->live[EXITS_EV_EXIT] && strcmp(cur->kvm_backend, "kvm_pvm") != 0;
	h->exits_note[0] = '\0';
	if (b->valid && !strcmp(cur->kvm_backend, "kvm_pvm"))
		snprintf(h->exits_note, sizeof(h->exits_note), "%s",
			 _("kvm_pvm emits no kvm_exit: exit reasons are not observable, exits to the VMM are"));
	else if (b->valid && !b->live[EXITS_EV_EXIT])
		snprintf(h->exits_note, sizeof(h->exits_note), "%s", _("this kernel has no kvm_exit tracepoint"));
	for (size_t i = 0; i < m->nvms; i++)
		unknown_vm(&m->vms[i]);
	const struct exits_sample *a = prev ? &prev->exits : NULL;
	h->exits_time = b->valid ? b->realtime : NAN;
	h->exits_interval = NAN;
	if (!b->valid || !a || !a->valid || b->mono <= a->mono)
		return;
	/* the counters' own interval: the map is read after the threads, whose reading time varies */
	double interval = h->exits_interval = b->mono - a->mono;
	double rate = 0, user = 0;
	struct exit_count *d = NULL;
	size_t cap = 0, at_thread[2] = { 0, 0 }, at_vm[2] = { 0, 0 };
	const unsigned long long all_key = (unsigned long long)EXITS_ISA_STAT << 32 | EXITS_STAT_ALL;
	for (size_t i = 0; i < m->nvms; i++) {
		struct vm_stat *v = &m->vms[i];
		const struct vm_sample *vb = host_sample_find_vm(cur, v->pid, i);
		const struct vm_sample *va = host_sample_find_vm(prev, v->pid, i);
		if (!vb || !va || va->start_ticks != vb->start_ticks)
			continue;	/* a new VM (or its PID reused): no interval yet */
		size_t n = 0;
		for (size_t t = 0; b->per_thread && t < vb->nthreads; t++) {
			const struct thread_sample *tb = &vb->threads[t];
			const struct thread_sample *ta = vm_sample_find_thread(va, tb->tid, t);
			if (!ta || ta->start_ticks != tb->start_ticks)
				continue;	/* new thread, or its TID reused: unknown this interval */
			size_t from = n;
			bool whole = id_deltas(a->counts, a->ncounts, b->counts, b->ncounts, tb->tid, at_thread, &d, &n,
					       &cap);
			if (t < v->nthreads && v->threads[t].tid == tb->tid)
				thread_rates(&v->threads[t], d + from, n - from, interval, h, whole);
		}
		/* per-VM counts (debugfs): all exits in one counter, the kinds beside it; without it the VM is unknown */
		double all = NAN;
		if (!b->per_thread) {
			if (!has_key(a->vm_counts, a->nvm_counts, v->pid, EXITS_EV_EXIT, all_key) ||
			    !has_key(b->vm_counts, b->nvm_counts, v->pid, EXITS_EV_EXIT, all_key))
				continue;
			size_t from = n;
			if (!id_deltas(a->vm_counts, a->nvm_counts, b->vm_counts, b->nvm_counts, v->pid, at_vm, &d, &n,
				       &cap))
				continue;	/* a counter went back: not this VM's whole interval */
			all = 0;
			for (size_t k = from; k < n; k++)
				if (d[k].ev == EXITS_EV_EXIT && d[k].arg == all_key) {
					all = (double)d[k].count;
					d[k] = d[--n];	/* not a row: the kinds and "other" are */
					break;
				}
			double kinds = 0;
			for (size_t k = from; k < n; k++)
				if (d[k].ev == EXITS_EV_EXIT)
					kinds += (double)d[k].count;
			if (all > kinds) {
				if (n == cap) {
					cap = cap ? cap * 2 : 64;
					d = xrealloc(d, cap * sizeof(*d));
				}
				d[n++] = (struct exit_count){ .tid = v->pid, .ev = EXITS_EV_EXIT,
							      .arg = (unsigned long long)EXITS_ISA_STAT << 32 | EXITS_STAT_OTHER,
							      .count = (unsigned long long)(all - kinds) };
			}
		}
		struct exits_stat *e = &v->exits;
		e->valid = true;
		vm_rows(e, d, n, interval, b->timed);
		double r = 0, tp = 0, u = 0;
		for (size_t k = 0; k < e->nrows[EXITS_EV_EXIT]; k++) {
			r += e->rows[EXITS_EV_EXIT][k].rate;
			tp += e->rows[EXITS_EV_EXIT][k].time_pct;
		}
		if (!isnan(all))
			r = all / interval;	/* the kinds need not cover every exit; the counter does */
		for (size_t k = 0; k < e->nrows[EXITS_EV_USER]; k++)
			u += e->rows[EXITS_EV_USER][k].rate;
		e->rate = h->exits_observable ? r : NAN;
		e->time_pct = h->exits_observable && b->timed ? tp : NAN;
		e->userspace_rate = h->exits_live[EXITS_EV_USER] ? u : NAN;
		if (e->nrows[EXITS_EV_EXIT]) {
			e->top_ev = EXITS_EV_EXIT;
			e->top = e->rows[EXITS_EV_EXIT][0].arg;
		} else if (e->nrows[EXITS_EV_USER]) {
			e->top_ev = EXITS_EV_USER;
			e->top = e->rows[EXITS_EV_USER][0].arg;
		}
		rate += r;
		user += u;
	}
	free(d);
	h->exits_rate = h->exits_observable ? rate : NAN;
	h->exits_userspace_rate = h->exits_live[EXITS_EV_USER] ? user : NAN;
}

/* GUEST from the exits source's traced time in the guest where it has it: exact, where the kernel's guest time is
 * sampled at its ticks (the box's pio guest: traced 32-34% beside 27-35% of ticks and 28-33% of perf samples; its
 * spin guest: 90% beside 91%, and 85% beside 78% where the box lost ticks). The thread's TOTAL stays; what is not
 * guest is VMM and KERNEL in the ratio the kernel split them (a spin vCPU's VMM 9% of lost guest ticks becomes
 * 1.5%). */
static void guest_from_traces(struct vm_stat *v)
{
	double sum = NAN;
	for (size_t t = 0; t < v->nthreads; t++) {
		struct thread_stat *th = &v->threads[t];
		if (th->role != ROLE_VCPU || isnan(th->guest_traced))
			continue;
		sum = isnan(sum) ? th->guest_traced : sum + th->guest_traced;
		if (isnan(th->guest) || isnan(th->kernel) || isnan(th->total) || th->guest_estimated)
			continue;
		/* more time in the guest than the thread ran is no measurement (seen in the box, nested under TCG, while
		 * vmtop started on its one CPU): the kernel's figure stays */
		if (th->guest_traced > th->total + TRACED_SLACK)
			continue;
		double all = th->guest + th->user + th->kernel, rest = th->user + th->kernel;
		double g = th->guest_traced < all ? th->guest_traced : all;
		double user = rest > 0 ? (all - g) * th->user / rest : 0, kernel = all - g - user;
		if (!isnan(v->guest) && !isnan(v->vmm_user) && !isnan(v->kernel)) {
			v->guest += g - th->guest;
			v->vmm_user += user - th->user;
			v->kernel += kernel - th->kernel;
		}
		th->guest = g;
		th->user = user;
		th->kernel = kernel;
		th->guest_is_traced = true;
	}
	v->guest_traced = sum;
}

/* The kernel accounts guest time around each VM entry, so GUEST holds entering and leaving the guest too. That switch
 * takes about 1 us an exit with VMX/SVM on bare metal, and some 10 us or more where it is software (kvm_pvm) or the
 * host is itself a guest (each entry and exit emulated beneath it; 50-80 us in the test box). A vCPU whose exits
 * at that cost make SWITCH_SHARE of its GUEST or more is marked: what it shows as guest is partly the switch. */
#define SWITCH_SHARE 0.05
#define SWITCH_MIN_RATE 1000.0	/* exits/s: an idle vCPU's timer exits make no such part */
#define SWITCH_MIN_GUEST 1.0	/* % of one CPU: a GUEST too small to mislead */

double model_switch_us(const char *guest_switch)
{
	return guest_switch && strcmp(guest_switch, "hardware") ? 10.0 : 1.0;
}

int model_guest_includes_switch(double guest, double exits_rate, double switch_us)
{
	if (isnan(guest) || isnan(exits_rate))
		return -1;
	return guest >= SWITCH_MIN_GUEST && exits_rate >= SWITCH_MIN_RATE &&
	       exits_rate * switch_us * 1e-4 >= SWITCH_SHARE * guest;	/* both in % of one CPU */
}

/* kvm_exit where it is observable; else exits to the VMM, each one a switch too (fewer than all: a lower bound) */
static double switch_rate(double exits, double userspace)
{
	return isnan(exits) ? userspace : exits;
}

/* Marks the VM's vCPUs (the VM where counted per VM only); returns how many were marked. */
static int mark_switch(struct vm_stat *v, bool per_vcpu, double switch_us)
{
	/* counted per VM only (debugfs): judged on the VM's average vCPU */
	if (!per_vcpu) {
		v->guest_includes_switch = model_guest_includes_switch(v->guest, switch_rate(v->exits.rate,
							v->exits.userspace_rate), switch_us);
		for (size_t t = 0; t < v->nthreads; t++)
			v->threads[t].guest_includes_switch = -1;
		return v->guest_includes_switch == 1;
	}
	int marked = 0;
	v->guest_includes_switch = -1;
	for (size_t t = 0; t < v->nthreads; t++) {
		struct thread_stat *th = &v->threads[t];
		th->guest_includes_switch = th->role != ROLE_VCPU ? 0 :
			model_guest_includes_switch(th->guest, switch_rate(th->exits_rate, th->exits_userspace), switch_us);
		if (th->role == ROLE_VCPU && th->guest_includes_switch > v->guest_includes_switch)
			v->guest_includes_switch = th->guest_includes_switch;
		marked += th->guest_includes_switch == 1;
	}
	return marked;
}

void model_exits_update(struct model *m, const struct host_sample *prev, const struct host_sample *cur)
{
	exits_rates(m, prev, cur);
	struct host_stat *h = &m->host;
	bool vmx_svm = !strcmp(cur->kvm_backend, "kvm_intel") || !strcmp(cur->kvm_backend, "kvm_amd");
	h->guest_switch = !strcmp(cur->kvm_backend, "kvm_pvm") ? "software" :
			  vmx_svm ? (cur->host_is_guest ? "nested" : "hardware") : NULL;
	double switch_us = model_switch_us(h->guest_switch);
	h->guest_switch_vcpus = 0;
	for (size_t i = 0; i < m->nvms; i++) {
		h->guest_switch_vcpus += mark_switch(&m->vms[i], h->exits_per_vcpu, switch_us);
		guest_from_traces(&m->vms[i]);
	}
}

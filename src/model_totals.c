/* model_totals.c - what each VM used since vmtop first saw it, kept across model updates, for views that export
 * counters (a Prometheus counter must only grow; a VM restarted under the same name is a new PID and a new entry). */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model_parts.h"
#include "util.h"

static void totals_free_one(struct vm_totals *t)
{
	free(t->vcpu_cpu);
	free(t->vcpu_ready);
}

void model_totals_free(struct model *m)
{
	for (size_t i = 0; i < m->ntotals; i++)
		totals_free_one(&m->totals[i]);
	free(m->totals);
	m->totals = NULL;
	m->ntotals = 0;
}

static int by_pid(const void *a, const void *b)
{
	pid_t x = ((const struct vm_totals *)a)->pid, y = ((const struct vm_totals *)b)->pid;
	return (x > y) - (x < y);
}

/* The entry of pid, at index hint first: the VMs mostly are the last refresh's, in the same order. */
static struct vm_totals *find(struct vm_totals *t, size_t n, pid_t pid, size_t hint)
{
	if (hint < n && t[hint].pid == pid)
		return &t[hint];
	struct vm_totals key = { .pid = pid };
	return n ? bsearch(&key, t, n, sizeof(*t), by_pid) : NULL;	/* bsearch takes no NULL array */
}

/* Adds a figure in % of one CPU over interval seconds; unknown (NAN) adds nothing, and nothing below 0 is added. */
static void add(double *acc, double pct, double interval)
{
	if (!(pct >= 0) || isinf(pct))
		return;
	*acc = (isnan(*acc) ? 0 : *acc) + pct * interval / 100.0;
}

static struct vm_totals fresh(const struct vm_stat *vs, double now)
{
	struct vm_totals t = { .pid = vs->pid, .start_ticks = vs->start_ticks, .created = now };
	t.guest = t.vmm_user = t.kernel = t.vhost = t.ready = NAN;
	for (int c = 0; c < COMP__COUNT; c++)
		t.components[c] = t.apportioned[c] = NAN;
	return t;
}

static void add_vcpu(struct vm_totals *t, const struct thread_stat *ts, double interval)
{
	int i = ts->vcpu_index;
	if (i < 0 || i >= VCPU_TOTALS_MAX)
		return;
	if (i >= t->nvcpus) {
		t->vcpu_cpu = xrealloc(t->vcpu_cpu, (size_t)(i + 1) * sizeof(double));
		t->vcpu_ready = xrealloc(t->vcpu_ready, (size_t)(i + 1) * sizeof(double));
		for (int k = t->nvcpus; k <= i; k++)
			t->vcpu_cpu[k] = t->vcpu_ready[k] = NAN;
		t->nvcpus = i + 1;
	}
	add(&t->vcpu_cpu[i], ts->total, interval);
	add(&t->vcpu_ready[i], ts->ready, interval);
}

/* Adds an interval's rows (all the reasons the source saw: the exits stage cuts only ports, pages and the like). */
static void add_exits(struct exit_totals *t, const struct exit_row *rows, size_t n, double interval)
{
	t->known = true;
	for (size_t i = 0; i < n; i++) {
		double c = rows[i].rate * interval;
		if (!(c > 0) || isinf(c))
			continue;
		size_t k = 0;
		while (k < t->n && t->by[k].arg != rows[i].arg)
			k++;
		if (k == t->n && t->n < EXIT_TOTALS_MAX)
			t->by[t->n++] = (struct exit_total){ .arg = rows[i].arg };
		if (k < t->n)
			t->by[k].count += c;
		else
			t->other += c;
	}
}

/* What vs did over the model's interval, added to its totals. */
static void add_interval(struct vm_totals *t, const struct vm_stat *vs, const struct model *m)
{
	double dt = m->interval;
	add(&t->guest, vs->guest, dt);
	add(&t->vmm_user, vs->vmm_user, dt);
	add(&t->kernel, vs->kernel, dt);
	add(&t->vhost, vs->vhost, dt);
	add(&t->ready, vs->ready, dt);
	if (vs->components_valid)
		for (int c = 0; c < COMP__COUNT; c++) {
			add(&t->components[c], vs->components[c], dt);
			add(&t->apportioned[c], vs->apportioned[c], dt);
		}
	for (size_t k = 0; k < vs->nthreads; k++)
		if (vs->threads[k].role == ROLE_VCPU)
			add_vcpu(t, &vs->threads[k], dt);
	const struct exits_stat *e = &vs->exits;
	if (e->valid && m->host.exits_observable)
		add_exits(&t->exits, e->rows[EXITS_EV_EXIT], e->nrows[EXITS_EV_EXIT], dt);
	if (e->valid && m->host.exits_live[EXITS_EV_USER])
		add_exits(&t->userspace, e->rows[EXITS_EV_USER], e->nrows[EXITS_EV_USER], dt);
}

/* Whether the model's VMs are those of the totals, in their order (most refreshes): then they are added to in
 * place (copying each 1.3-KB entry to a new table was most of this stage at 500 VMs). */
static bool same_vms(const struct model *m)
{
	if (m->ntotals != m->nvms)
		return false;
	for (size_t i = 0; i < m->nvms; i++)
		if (m->totals[i].pid != m->vms[i].pid || m->totals[i].start_ticks != m->vms[i].start_ticks)
			return false;
	return true;
}

void model_totals_update(struct model *m)
{
	if (m->nvms && same_vms(m)) {
		for (size_t i = 0; i < m->nvms; i++) {
			add_interval(&m->totals[i], &m->vms[i], m);
			m->vms[i].totals = &m->totals[i];
		}
		return;
	}
	/* every entry is written below: no calloc of 1.3 KB a VM */
	struct vm_totals *old = m->totals, *now = xmalloc((m->nvms ? m->nvms : 1) * sizeof(*now));
	size_t nold = m->ntotals, n = 0;
	for (size_t i = 0; i < m->nvms; i++) {
		const struct vm_stat *vs = &m->vms[i];
		struct vm_totals *o = find(old, nold, vs->pid, i);
		struct vm_totals *t = &now[n++];
		if (o && o->start_ticks == vs->start_ticks) {
			*t = *o;
			o->vcpu_cpu = o->vcpu_ready = NULL;	/* moved */
			o->start_ticks = ~0ULL;	/* taken (the pid stays: old is searched by it) */
			add_interval(t, vs, m);
		} else {
			*t = fresh(vs, m->time);	/* its first figures are rates over an interval it was not seen in */
		}
	}
	for (size_t i = 0; i < nold; i++)
		totals_free_one(&old[i]);
	free(old);
	size_t sorted = 1;	/* the VMs come by PID from discovery: qsort of 1.3-KB entries only when they do not */
	while (sorted < n && now[sorted - 1].pid < now[sorted].pid)
		sorted++;
	if (sorted < n)
		qsort(now, n, sizeof(*now), by_pid);
	m->totals = now;
	m->ntotals = n;
	for (size_t i = 0; i < m->nvms; i++)
		m->vms[i].totals = find(now, n, m->vms[i].pid, i);
}

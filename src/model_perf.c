/* model_perf.c - perf samples to per-VM components (by the VM's TIDs), host-wide components, and the guest
 * estimate where the kernel does not account guest time. */
#include "config.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "model_parts.h"
#include "util.h"

static const struct perf_thread_counts *find_counts(const struct perf_sample *ps, pid_t tid, size_t *index)
{
	size_t lo = 0, hi = ps->nthreads;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ps->threads[mid].tid == tid) {
			*index = mid;
			return &ps->threads[mid];
		}
		if (ps->threads[mid].tid < tid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static unsigned long sum_counts(const unsigned long counts[COMP__COUNT])
{
	unsigned long n = 0;
	for (int c = 0; c < COMP__COUNT; c++)
		n += counts[c];
	return n;
}

/* Moves the sampled guest share of total out of kernel (where a backend that does not account guest time
 * puts it), never more than kernel holds, so the split still adds up. Returns the guest value set. */
static double estimate_guest(double total, double *kernel, unsigned long guest_samples, unsigned long samples)
{
	if (isnan(total) || isnan(*kernel))
		return NAN;
	if (!samples)
		return total > 0 ? NAN : 0;	/* nothing sampled: no basis unless the thread did nothing */
	double guest = total * guest_samples / samples;
	if (guest > *kernel)
		guest = *kernel;
	*kernel -= guest;
	return guest;
}

/* Samples below this tell too little to judge a thread's gtime by. */
#define GTIME_JUDGE_MIN_SAMPLES 10

int model_gtime_agrees(double gtime, double total, unsigned long guest_samples, unsigned long samples,
		       double tick_pct)
{
	if (samples < GTIME_JUDGE_MIN_SAMPLES || isnan(gtime) || isnan(total) || !(total > 0))
		return -1;
	double p = (double)guest_samples / samples, kernel_share = gtime / total;
	/* three standard errors of the sampled share, one tick of the thread's time, and 5 points */
	double tol = 3 * sqrt((p * (1 - p) + 1.0 / samples) / samples) + tick_pct / total + 0.05;
	return fabs(kernel_share - p) <= tol;
}

/* One non-vhost thread's guest where the backend may not account it (thread_split put its gtime in kernel), for
 * this interval: its gtime where its samples agree with it, else the samples' share. NAN: nothing to go by. */
static double judge_guest(struct thread_stat *ts, const struct perf_thread_counts *pc, double tick_pct)
{
	unsigned long guest = pc ? pc->counts[COMP_GUEST] : 0, n = pc ? sum_counts(pc->counts) : 0;
	ts->guest_estimated = false;
	if (model_gtime_agrees(ts->gtime, ts->total, guest, n, tick_pct) == 1 && !isnan(ts->kernel)) {
		double g = ts->gtime < ts->kernel ? ts->gtime : ts->kernel;
		ts->kernel -= g;
		return ts->guest = g;
	}
	ts->guest = estimate_guest(ts->total, &ts->kernel, guest, n);
	ts->guest_estimated = !isnan(ts->guest) && n > 0;
	return ts->guest;
}

/* How a thread of the sample is claimed: by no VM, by a VM, or as a VM's vCPU. */
enum claim { CLAIM_NONE, CLAIM_VM, CLAIM_VCPU };

/* The component a thread's sample of comp (an enum component or PERF_COMP_IOCTL) counts in: a vCPU thread's ioctls
 * are KVM's (KVM_RUN and the vCPU's other calls), so kernel code of none under them is kvm's there. */
static int charged_comp(int comp, enum claim claim)
{
	if (comp != PERF_COMP_IOCTL)
		return comp;
	return claim == CLAIM_VCPU ? COMP_KVM : COMP_OTHER_KERNEL;
}

/* A thread's counts with its ioctl samples moved to where charged_comp puts them. */
static void charged_counts(const struct perf_thread_counts *pc, enum claim claim, unsigned long out[COMP__COUNT])
{
	memcpy(out, pc->counts, COMP__COUNT * sizeof(out[0]));
	unsigned long ioctl = pc->ioctl <= out[COMP_OTHER_KERNEL] ? pc->ioctl : out[COMP_OTHER_KERNEL];
	out[COMP_OTHER_KERNEL] -= ioctl;
	out[charged_comp(PERF_COMP_IOCTL, claim)] += ioctl;
}

static void vm_components(struct vm_stat *vs, const struct perf_sample *ps, double samples_per_pct,
			  unsigned char *claimed, bool estimate, double tick_pct)
{
	unsigned long vm_counts[COMP__COUNT] = { 0 };
	double guest = NAN, moved = 0;	/* judged per thread: what the threads' guest took out of kernel */
	bool estimated = false;
	for (size_t t = 0; t < vs->nthreads; t++) {
		struct thread_stat *ts = &vs->threads[t];
		size_t idx;
		const struct perf_thread_counts *pc = find_counts(ps, ts->tid, &idx);
		if (pc) {
			claimed[idx] = ts->role == ROLE_VCPU ? CLAIM_VCPU : CLAIM_VM;
			unsigned long counts[COMP__COUNT];
			charged_counts(pc, claimed[idx], counts);
			for (int c = 0; c < COMP__COUNT; c++)
				vm_counts[c] += counts[c];
		}
		/* vhost threads' time is in vs->vhost, not kernel, and never the guest's */
		if (!estimate || ts->role == ROLE_VHOST || isnan(ts->total))
			continue;
		double g = judge_guest(ts, pc, tick_pct);
		if (isnan(g))
			continue;	/* ran without a sample: its guest is unknown, its time stays where it is */
		guest = isnan(guest) ? g : guest + g;
		moved += g;
		estimated |= ts->guest_estimated;
	}
	/* the samples tell the shares, the threads' counters the time: a sample lost (a busy host, perf's timer late
	 * in a VM: a third of them in the test box) or one too many is no time the VM did not run */
	unsigned long sampled = 0;
	for (int c = 0; c < COMP__COUNT; c++)
		sampled += vm_counts[c];
	vs->components_scale = sampled && vs->total > 0 ? vs->total * samples_per_pct / (double)sampled : 1;
	for (int c = 0; c < COMP__COUNT; c++)
		vs->components[c] = vm_counts[c] / samples_per_pct * vs->components_scale;
	vs->components_valid = true;
	if (estimate && !isnan(vs->kernel)) {
		double rest = vs->total - (isnan(vs->vhost) ? 0 : vs->vhost);
		if (isnan(guest) && !(rest > 0))
			guest = 0;	/* did nothing */
		vs->guest = guest;
		if (!isnan(guest))
			vs->kernel = vs->kernel > moved ? vs->kernel - moved : 0;
		vs->guest_estimated = estimated;
	}
}

/* A thread's function count and the component it is charged to (charged_comp). */
struct charged_func {
	int comp;
	const struct perf_func_count *f;
};

static int cmp_func_name(const void *x, const void *y)
{
	const struct charged_func *a = x, *b = y;
	int r = a->comp - b->comp;
	if (!r)
		r = strcmp(a->f->func, b->f->func);
	return r ? r : strcmp(a->f->via, b->f->via);
}

static int cmp_func_top(const void *x, const void *y)
{
	const struct func_stat *a = x, *b = y;
	if (a->comp != b->comp)
		return a->comp - b->comp;
	if (a->pct != b->pct)
		return a->pct < b->pct ? 1 : -1;
	int r = strcmp(a->func, b->func);
	return r ? r : strcmp(a->via, b->via);
}

/* First entry of tid in ps->funcs (sorted by tid), or ps->nfuncs. */
static size_t first_func(const struct perf_sample *ps, pid_t tid)
{
	size_t lo = 0, hi = ps->nfuncs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ps->funcs[mid].tid < tid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The VM's kernel functions: its threads' counts summed per (component, function, via), the top
 * MODEL_FUNCS_PER_COMP of each component kept, as % of one CPU and as a share of the component. */
static void vm_funcs(struct vm_stat *vs, const struct perf_sample *ps, double samples_per_pct)
{
	size_t n = 0, cap = 0;
	struct charged_func *mine = NULL;
	for (size_t t = 0; t < vs->nthreads; t++) {
		enum claim claim = vs->threads[t].role == ROLE_VCPU ? CLAIM_VCPU : CLAIM_VM;
		for (size_t i = first_func(ps, vs->threads[t].tid); i < ps->nfuncs && ps->funcs[i].tid == vs->threads[t].tid;
		     i++) {
			if (n == cap)
				mine = xrealloc(mine, (cap = cap ? 2 * cap : 64) * sizeof(*mine));
			mine[n++] = (struct charged_func){ charged_comp(ps->funcs[i].comp, claim), &ps->funcs[i] };
		}
	}
	if (!n) {
		vs->funcs = NULL;
		vs->nfuncs = 0;
		return;
	}
	qsort(mine, n, sizeof(*mine), cmp_func_name);
	struct func_stat *all = xcalloc(n, sizeof(*all));
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (k && !cmp_func_name(&mine[i - 1], &mine[i])) {
			all[k - 1].pct += mine[i].f->count;	/* counts until scaled below */
			continue;
		}
		all[k] = (struct func_stat){ .comp = mine[i].comp, .pct = (double)mine[i].f->count };
		str_copy(all[k].func, mine[i].f->func, sizeof(all[k].func));
		str_copy(all[k].via, mine[i].f->via, sizeof(all[k].via));
		k++;
	}
	free(mine);
	for (size_t i = 0; i < k; i++) {
		double comp = vs->components[all[i].comp];
		all[i].pct *= vs->components_scale / samples_per_pct;
		all[i].share = comp > 0 ? 100.0 * all[i].pct / comp : NAN;
	}
	qsort(all, k, sizeof(*all), cmp_func_top);
	size_t kept = 0, in_comp = 0;
	for (size_t i = 0; i < k; i++) {
		in_comp = i && all[i].comp == all[i - 1].comp ? in_comp + 1 : 0;
		if (in_comp < MODEL_FUNCS_PER_COMP)
			all[kept++] = all[i];
	}
	vs->funcs = xrealloc(all, kept * sizeof(*all));
	vs->nfuncs = kept;
}

/* Kernel samples could not be classified (hidden addresses): those components are unknown, not 0. */
static void forget_kernel_split(struct model *m)
{
	static const enum component kernel[] = { COMP_KVM, COMP_KVM_VENDOR, COMP_VHOST, COMP_TUN, COMP_BRIDGE,
						  COMP_NIC, COMP_OTHER_KERNEL };
	for (size_t k = 0; k < sizeof(kernel) / sizeof(kernel[0]); k++) {
		m->host.host_components[kernel[k]] = NAN;
		for (size_t v = 0; v < m->nvms; v++)
			m->vms[v].components[kernel[k]] = NAN;
	}
}

void model_perf_update(struct model *m, const struct host_sample *prev, const struct host_sample *cur)
{
	if (!prev)
		return;	/* sampling is judged over an interval */
	const struct perf_sample *ps = &cur->perf;
	struct host_stat *h = &m->host;
	h->perf_enabled = ps->enabled;
	h->sample_hz = ps->sample_hz;
	str_copy(h->perf_why_off, ps->enabled ? "" : cur->sources[PART_PERF].why, sizeof(h->perf_why_off));
	str_copy(h->kvm_vendor, ps->vendor, sizeof(h->kvm_vendor));
	str_copy(h->kernel_split_by, ps->kernel_split ? ps->split_by : "", sizeof(h->kernel_split_by));
	h->perf_samples = ps->total_samples;
	h->perf_lost = ps->lost_samples;
	h->funcs_wanted = ps->funcs_wanted;	/* set by the collector while sampling is off too */
	h->funcs_valid = false;
	str_copy(h->funcs_why, !ps->enabled ? h->perf_why_off : ps->funcs_why, sizeof(h->funcs_why));
	for (int c = 0; c < COMP__COUNT; c++)
		h->host_components[c] = NAN;
	if (!ps->enabled || !ps->sample_hz || !(m->interval > 0))
		return;

	double samples_per_pct = ps->sample_hz * m->interval / 100.0;
	/* without symbol addresses the VM-entry routine cannot be told from other kernel code */
	bool estimate = h->guest_unknown && ps->kernel_split;
	unsigned char *claimed = xcalloc(ps->nthreads ? ps->nthreads : 1, sizeof(*claimed));	/* enum claim */
	double tick_pct = 100.0 / (clk_tck() * m->interval);	/* one USER_HZ tick, % of one CPU */
	bool any_estimated = false;
	for (size_t v = 0; v < m->nvms; v++) {
		vm_components(&m->vms[v], ps, samples_per_pct, claimed, estimate, tick_pct);
		any_estimated |= m->vms[v].guest_estimated;
	}
	h->funcs_valid = ps->funcs_valid && ps->kernel_split;
	for (size_t v = 0; h->funcs_valid && v < m->nvms; v++)
		vm_funcs(&m->vms[v], ps, samples_per_pct);

	unsigned long host[COMP__COUNT];
	memcpy(host, ps->host_counts, sizeof(host));
	for (size_t i = 0; i < ps->nthreads; i++) {
		unsigned long counts[COMP__COUNT];
		charged_counts(&ps->threads[i], claimed[i], counts);
		for (int c = 0; c < COMP__COUNT; c++) {
			/* user space of a thread no VM owns is the host's, not a VMM's */
			int to = (c == COMP_VMM_USER && claimed[i] == CLAIM_NONE) ? COMP_HOST_USER : c;
			host[to] += counts[c];
		}
	}
	free(claimed);
	for (int c = 0; c < COMP__COUNT; c++)
		h->host_components[c] = host[c] / samples_per_pct;
	if (!ps->kernel_split)
		forget_kernel_split(m);
	if (estimate) {
		/* judged per thread: estimated where some thread's gtime disagreed with its samples, else accounted */
		h->guest_unknown = false;
		h->guest_estimated = any_estimated;
	}
}

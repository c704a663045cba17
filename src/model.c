/* model.c - turns two host samples into per-VM CPU splits and a host summary (then runs the perf and network
 * stages of model_parts.h). */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "model_parts.h"
#include "util.h"

void model_init(struct model *m)
{
	memset(m, 0, sizeof(*m));
}

void model_vm_free(struct vm_stat *v)
{
	free(v->threads);
	free(v->taps);
	model_exits_free(&v->exits);
	free(v->funcs);
	v->threads = NULL;
	v->taps = NULL;
	v->funcs = NULL;
	v->nfuncs = 0;
}

static void free_vms(struct model *m)
{
	for (size_t i = 0; i < m->nvms; i++)
		model_vm_free(&m->vms[i]);
	free(m->vms);
	m->vms = NULL;
	m->nvms = 0;
}

void model_free(struct model *m)
{
	free_vms(m);
	free(m->host.cpus);
	model_totals_free(m);
	memset(m, 0, sizeof(*m));
}

const struct vm_stat *model_find_vm(const struct model *m, pid_t pid)
{
	for (size_t i = 0; i < m->nvms; i++)
		if (m->vms[i].pid == pid)
			return &m->vms[i];
	return NULL;
}

static unsigned long long delta(unsigned long long now, unsigned long long before)
{
	return now > before ? now - before : 0;
}

/* Shares of one /proc/stat line. The kernel counts guest time inside user (and guest_nice inside nice):
 * account_guest_time() in kernel/sched/cputime.c adds to both CPUTIME_USER and CPUTIME_GUEST. So guest is
 * taken out of user here and the fields sum to 100. */
static void cpu_pct(const struct cpu_ticks *a, const struct cpu_ticks *b, struct cpu_pct *out)
{
	double guest = delta(b->guest, a->guest), guest_nice = delta(b->guest_nice, a->guest_nice);
	double user = delta(b->user, a->user) - guest, nice = delta(b->nice, a->nice) - guest_nice;
	if (user < 0)
		user = 0;
	if (nice < 0)
		nice = 0;
	double system = delta(b->system, a->system), idle = delta(b->idle, a->idle);
	double iowait = delta(b->iowait, a->iowait), irq = delta(b->irq, a->irq);
	double softirq = delta(b->softirq, a->softirq), steal = delta(b->steal, a->steal);
	double all = user + nice + system + idle + iowait + irq + softirq + steal + guest + guest_nice;
	if (all <= 0) {
		*out = (struct cpu_pct){ NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN };
		return;
	}
	double k = 100.0 / all;
	*out = (struct cpu_pct){ user * k, nice * k, system * k, idle * k, iowait * k, irq * k, softirq * k,
				 steal * k, (guest + guest_nice) * k };
}

/* Stage of PART_STAT: host CPU shares, memory, load, uptime. */
static void stat_stage(struct model *m, const struct host_sample *prev, const struct host_sample *cur)
{
	struct host_stat *h = &m->host;
	/* offline CPUs (nosmt, hotplug) run no vCPU: the ratio is to the online ones */
	h->ncpus = cur->ncpus_online > 0 ? cur->ncpus_online : cur->ncpus;
	h->ncpu_ids = cur->ncpus;
	h->cpus = xcalloc(cur->ncpus > 0 ? cur->ncpus : 1, sizeof(*h->cpus));
	if (prev && prev->ncpus == cur->ncpus) {
		cpu_pct(&prev->cpu_total, &cur->cpu_total, &h->cpu);
		for (int i = 0; i < cur->ncpus; i++)
			cpu_pct(&prev->cpus[i], &cur->cpus[i], &h->cpus[i]);
	} else {
		struct cpu_ticks zero = { 0 };
		cpu_pct(&zero, &cur->cpu_total, &h->cpu);	/* since boot, until there are two samples */
		for (int i = 0; i < cur->ncpus; i++)
			cpu_pct(&zero, &cur->cpus[i], &h->cpus[i]);
	}
	h->ticks = cur->cpu_total;
	h->mem_total_kib = cur->mem_total_kib;
	h->mem_avail_kib = cur->mem_avail_kib;
	memcpy(h->loadavg, cur->loadavg, sizeof(h->loadavg));
	h->uptime = cur->uptime;
}

static double add_known(double sum, double v)
{
	return isnan(v) ? sum : (isnan(sum) ? v : sum + v);
}

/* One thread's split. Kernel rule (account_guest_time): guest time is also counted in utime, so
 * user outside the guest is utime - gtime. */
static void thread_split(struct thread_stat *ts, const struct thread_sample *a, const struct thread_sample *b,
			 double ticks_per_pct, double ns_per_pct, bool guest_unknown)
{
	double du = delta(b->utime, a->utime), ds = delta(b->stime, a->stime), dg = delta(b->gtime, a->gtime);
	if (dg > du)
		dg = du;	/* utime and gtime are scaled separately; keep the rule guest <= user */
	ts->total = (du + ds) / ticks_per_pct;
	ts->gtime = dg / ticks_per_pct;
	if (guest_unknown) {
		/* the backend charges most guest execution as system time: keep what it did call guest there */
		ts->guest = NAN;
		ts->user = (du - dg) / ticks_per_pct;
		ts->kernel = (ds + dg) / ticks_per_pct;
	} else {
		ts->guest = dg / ticks_per_pct;
		ts->user = (du - dg) / ticks_per_pct;
		ts->kernel = ds / ticks_per_pct;
	}
	ts->ready = a->run_delay_valid && b->run_delay_valid
			    ? delta(b->run_delay_ns, a->run_delay_ns) / ns_per_pct : NAN;
}

static void vm_split(struct vm_stat *vs, const struct vm_sample *cur, const struct vm_sample *prev,
		     double interval, double prev_uptime, bool guest_unknown, long hz)
{
	double ticks_per_pct = hz * interval / 100.0, ns_per_pct = 1e9 * interval / 100.0;
	vs->total = vs->guest = vs->vmm_user = vs->kernel = vs->vhost = vs->ready = NAN;
	vs->threads = xcalloc(cur->nthreads, sizeof(*vs->threads));
	vs->nthreads = cur->nthreads;
	if (prev) {
		vs->total = vs->vmm_user = vs->kernel = vs->vhost = 0;
		vs->guest = guest_unknown ? NAN : 0;
	}
	for (size_t i = 0; i < cur->nthreads; i++) {
		const struct thread_sample *b = &cur->threads[i];
		struct thread_stat *ts = &vs->threads[i];
		ts->tid = b->tid;
		ts->role = b->role;
		ts->vcpu_index = b->vcpu_index;
		ts->last_cpu = b->last_cpu;
		str_copy(ts->comm, b->comm, sizeof(ts->comm));
		ts->total = ts->guest = ts->user = ts->kernel = ts->ready = ts->gtime = NAN;
		if (!prev)
			continue;
		const struct thread_sample *a = vm_sample_find_thread(prev, b->tid, i);
		struct thread_sample born = { .start_ticks = b->start_ticks };
		if (a && a->start_ticks != b->start_ticks)
			a = NULL;	/* TID reused */
		if (!a && prev_uptime > 0 && b->start_ticks >= prev_uptime * hz)
			a = &born;	/* started during the interval: all its time is in it */
		if (!a)
			continue;
		thread_split(ts, a, b, ticks_per_pct, ns_per_pct, guest_unknown);
		if (b->role == ROLE_VHOST) {
			vs->vhost += ts->total;
		} else {
			if (!guest_unknown)
				vs->guest += ts->guest;
			vs->vmm_user += ts->user;
			vs->kernel += ts->kernel;
		}
		if (b->role == ROLE_VCPU)
			vs->ready = add_known(vs->ready, ts->ready);
	}
	if (prev)
		vs->total = (isnan(vs->guest) ? 0 : vs->guest) + vs->vmm_user + vs->kernel + vs->vhost;
}

/* Stage of PART_THREADS: the VMs, each split from its threads' counters, and the host's VM totals. */
static void threads_stage(struct model *m, const struct host_sample *prev, const struct host_sample *cur)
{
	struct host_stat *h = &m->host;
	h->nvms = cur->nvms;
	long long guest_kib = 0;
	bool mem_known = false;
	for (size_t i = 0; i < cur->nvms; i++) {
		h->nvcpus += cur->vms[i].nr_vcpus;
		if (cur->vms[i].mem_config_kib >= 0) {
			guest_kib += cur->vms[i].mem_config_kib;
			mem_known = true;
		}
	}
	h->vcpu_ratio = h->ncpus > 0 ? (double)h->nvcpus / h->ncpus : NAN;
	h->mem_ratio = mem_known && cur->mem_total_kib ? (double)guest_kib / cur->mem_total_kib : NAN;
	h->guest_unknown = cur->guest_time_unreliable;
	str_copy(h->guest_why, cur->guest_time_why, sizeof(h->guest_why));

	m->vms = xcalloc(cur->nvms, sizeof(*m->vms));
	m->nvms = cur->nvms;
	for (size_t i = 0; i < cur->nvms; i++) {
		const struct vm_sample *b = &cur->vms[i];
		struct vm_stat *vs = &m->vms[i];
		const struct vm_sample *a = prev ? host_sample_find_vm(prev, b->pid, i) : NULL;
		if (a && a->start_ticks != b->start_ticks)
			a = NULL;	/* PID reused by another VM */
		vs->pid = b->pid;
		vs->start_ticks = b->start_ticks;
		str_copy(vs->name, b->name, sizeof(vs->name));
		str_copy(vs->uuid, b->uuid, sizeof(vs->uuid));
		str_copy(vs->vmm, b->vmm, sizeof(vs->vmm));
		vs->nr_vcpus = b->nr_vcpus;
		vs->mem_config_kib = b->mem_config_kib;
		vs->rss_kib = b->rss_kib;
		vm_split(vs, b, a, m->interval, prev ? prev->uptime : 0, h->guest_unknown,
			 cur->clk_tck > 0 ? cur->clk_tck : clk_tck());
		for (int c = 0; c < COMP__COUNT; c++)
			vs->components[c] = vs->apportioned[c] = NAN;
		vs->components_scale = 1;
		vs->net = (struct net_stat){ false, NAN, NAN, NAN, NAN };
	}
}

/* The stage that reads each part of the sample (the parts' source is in collect.c), run in the parts' order:
 * a stage may use what an earlier one made (net apportions the host components perf found). */
static void (*const stages[PART__COUNT])(struct model *, const struct host_sample *, const struct host_sample *) = {
	[PART_STAT] = stat_stage,
	[PART_THREADS] = threads_stage,
	[PART_PERF] = model_perf_update,
	[PART_NET] = model_net_update,
	[PART_MEM] = model_mem_update,
	[PART_DOMAINS] = model_domains_update,
	[PART_BALLOON] = model_balloon_update,
	[PART_EXITS] = model_exits_update,
};

void model_update(struct model *m, const struct host_sample *prev, const struct host_sample *cur)
{
	free_vms(m);
	m->time = cur->realtime;
	m->interval = prev ? cur->mono - prev->mono : 0;
	if (m->interval <= 0)
		prev = NULL;
	struct host_stat *h = &m->host;
	free(h->cpus);
	memset(h, 0, sizeof(*h));
	memcpy(h->warnings, cur->warnings, sizeof(h->warnings));
	h->nwarnings = cur->nwarnings;
	memcpy(h->sources, cur->sources, sizeof(h->sources));
	for (int c = 0; c < COMP__COUNT; c++)
		h->host_components[c] = h->apportioned_components[c] = NAN;
	for (int p = 0; p < PART__COUNT; p++)
		stages[p](m, prev, cur);
	model_totals_update(m);
}

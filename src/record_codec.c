/* record_codec.c - a host sample as bytes and back: one encoder and decoder per sample part, in a table. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "util.h"

/* --- bytes: varints (zigzag for signed), doubles as their 8 bytes, strings with their length ---------------- */

void rec_buf_add(struct rec_buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 256;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void put_u(struct rec_buf *b, uint64_t v)
{
	unsigned char t[10];
	size_t n = 0;
	do {
		t[n++] = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	rec_buf_add(b, t, n);
}

static void put_i(struct rec_buf *b, int64_t v)
{
	put_u(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

static void put_d(struct rec_buf *b, double d)
{
	uint64_t v;
	memcpy(&v, &d, 8);
	unsigned char t[8];
	for (int i = 0; i < 8; i++)
		t[i] = (unsigned char)(v >> (8 * i));
	rec_buf_add(b, t, 8);
}

static void put_s(struct rec_buf *b, const char *s)
{
	size_t n = strlen(s);
	put_u(b, n);
	rec_buf_add(b, s, n);
}

/* Reading: any overrun marks the input bad and yields zeros, so a decoder checks once at its end. */
struct rec_in {
	const unsigned char *p, *end;
	bool bad;
};

static uint64_t get_u(struct rec_in *in)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (in->p >= in->end) {
			in->bad = true;
			return 0;
		}
		unsigned char c = *in->p++;
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return v;
	}
	in->bad = true;
	return 0;
}

static int64_t get_i(struct rec_in *in)
{
	uint64_t v = get_u(in);
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static double get_d(struct rec_in *in)
{
	if (in->end - in->p < 8) {
		in->bad = true;
		in->p = in->end;
		return 0;
	}
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)in->p[i] << (8 * i);
	in->p += 8;
	double d;
	memcpy(&d, &v, 8);
	return d;
}

/* A string into dst of size cap; longer than dst holds is damage (vmtop never wrote it). */
static void get_s(struct rec_in *in, char *dst, size_t cap)
{
	uint64_t n = get_u(in);
	dst[0] = '\0';
	if (in->bad || n >= cap || n > (uint64_t)(in->end - in->p) || memchr(in->p, '\0', n)) {
		in->bad = true;
		return;
	}
	memcpy(dst, in->p, n);
	dst[n] = '\0';
	in->p += n;
}

/* A count of elements that each take at least min_bytes: more than the input could hold is damage. */
static size_t get_count(struct rec_in *in, size_t min_bytes)
{
	uint64_t n = get_u(in);
	if (in->bad || n > (uint64_t)(in->end - in->p) / min_bytes) {
		in->bad = true;
		return 0;
	}
	return (size_t)n;
}

static void *get_array(struct rec_in *in, size_t *n, size_t min_bytes, size_t size)
{
	*n = get_count(in, min_bytes);
	return *n ? xcalloc(*n, size) : NULL;
}

/* --- the parts ----------------------------------------------------------------------------------------------- */

/* What every sample carries beyond its parts: clocks, the host's constants, sources, warnings. */
static void core_put(struct rec_buf *b, const struct host_sample *s)
{
	put_d(b, s->mono);
	put_d(b, s->realtime);
	put_i(b, s->clk_tck);
	put_i(b, s->page_size);
	put_u(b, PART__COUNT);
	for (int p = 0; p < PART__COUNT; p++) {
		put_s(b, sample_part_name((enum sample_part)p));	/* by name: a later vmtop may add parts */
		put_s(b, s->sources[p].name);
		put_s(b, s->sources[p].why);
	}
	put_u(b, (uint64_t)s->nwarnings);
	for (int i = 0; i < s->nwarnings; i++)
		put_s(b, s->warnings[i]);
}

static void core_get(struct rec_in *in, struct host_sample *s)
{
	s->mono = get_d(in);
	s->realtime = get_d(in);
	s->clk_tck = (long)get_i(in);
	s->page_size = (long)get_i(in);
	size_t n = get_count(in, 3);
	for (size_t i = 0; i < n && !in->bad; i++) {
		char part[32], name[sizeof(s->sources[0].name)], why[sizeof(s->sources[0].why)];
		get_s(in, part, sizeof(part));
		get_s(in, name, sizeof(name));
		get_s(in, why, sizeof(why));
		for (int p = 0; p < PART__COUNT; p++)
			if (!strcmp(part, sample_part_name((enum sample_part)p))) {
				str_copy(s->sources[p].name, name, sizeof(name));
				str_copy(s->sources[p].why, why, sizeof(why));
			}
	}
	size_t nw = get_count(in, 1);
	int max = (int)(sizeof(s->warnings) / sizeof(s->warnings[0]));
	for (size_t i = 0; i < nw && !in->bad; i++) {
		char w[sizeof(s->warnings[0])];
		get_s(in, w, sizeof(w));
		if (s->nwarnings < max)
			str_copy(s->warnings[s->nwarnings++], w, sizeof(w));
	}
}

static void ticks_put(struct rec_buf *b, const struct cpu_ticks *t)
{
	const unsigned long long v[] = { t->user, t->nice, t->system, t->idle, t->iowait, t->irq, t->softirq,
					 t->steal, t->guest, t->guest_nice };
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		put_u(b, v[i]);
}

static void ticks_get(struct rec_in *in, struct cpu_ticks *t)
{
	unsigned long long *v[] = { &t->user, &t->nice, &t->system, &t->idle, &t->iowait, &t->irq, &t->softirq,
				    &t->steal, &t->guest, &t->guest_nice };
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		*v[i] = get_u(in);
}

static void stat_put(struct rec_buf *b, const struct host_sample *s)
{
	put_d(b, s->uptime);
	put_i(b, s->ncpus_online);
	ticks_put(b, &s->cpu_total);
	put_u(b, s->cpus ? (uint64_t)(s->ncpus > 0 ? s->ncpus : 0) : 0);
	for (int i = 0; s->cpus && i < s->ncpus; i++)
		ticks_put(b, &s->cpus[i]);
	put_i(b, s->ncpus);
	put_u(b, s->mem_total_kib);
	put_u(b, s->mem_avail_kib);
	for (int i = 0; i < 3; i++)
		put_d(b, s->loadavg[i]);
}

static void stat_get(struct rec_in *in, struct host_sample *s)
{
	s->uptime = get_d(in);
	s->ncpus_online = (int)get_i(in);
	ticks_get(in, &s->cpu_total);
	size_t n;
	s->cpus = get_array(in, &n, 10, sizeof(*s->cpus));
	for (size_t i = 0; i < n; i++)
		ticks_get(in, &s->cpus[i]);
	int64_t ncpus = get_i(in);
	if (ncpus < 0 || ncpus > 65536 || (n && (uint64_t)ncpus != n))
		in->bad = true;	/* the model indexes cpus[] up to ncpus */
	s->ncpus = in->bad ? 0 : (int)ncpus;
	s->mem_total_kib = get_u(in);
	s->mem_avail_kib = get_u(in);
	for (int i = 0; i < 3; i++)
		s->loadavg[i] = get_d(in);
	if (!s->cpus)
		s->ncpus = 0;
}

static void threads_put(struct rec_buf *b, const struct host_sample *s)
{
	put_u(b, s->guest_time_unreliable);
	put_s(b, s->guest_time_why);
	put_s(b, s->kvm_backend);
	put_u(b, s->schedstat_valid);
	put_u(b, s->nvms);
	for (size_t i = 0; i < s->nvms; i++) {
		const struct vm_sample *v = &s->vms[i];
		put_i(b, v->pid);
		put_u(b, v->start_ticks);
		put_s(b, v->name);
		put_s(b, v->uuid);
		put_s(b, v->vmm);
		put_i(b, v->nr_vcpus);
		put_i(b, v->mem_config_kib);
		put_u(b, v->rss_kib);
		put_s(b, v->qmp_path);
		put_u(b, v->uses_vhost_net);
		put_u(b, v->netns_ino);
		put_u(b, v->ntaps);
		for (size_t k = 0; k < v->ntaps; k++)
			put_s(b, v->taps[k].ifname);
		put_u(b, v->nthreads);
		for (size_t k = 0; k < v->nthreads; k++) {
			const struct thread_sample *t = &v->threads[k];
			put_i(b, t->tid);
			put_u(b, t->role);
			put_i(b, t->vcpu_index);
			put_s(b, t->comm);
			put_u(b, t->utime);
			put_u(b, t->stime);
			put_u(b, t->gtime);
			put_u(b, t->start_ticks);
			put_u(b, t->run_delay_ns);
			put_u(b, t->run_delay_valid);
			put_i(b, t->last_cpu);
		}
	}
}

static void threads_get(struct rec_in *in, struct host_sample *s)
{
	s->guest_time_unreliable = get_u(in) != 0;
	get_s(in, s->guest_time_why, sizeof(s->guest_time_why));
	get_s(in, s->kvm_backend, sizeof(s->kvm_backend));
	s->schedstat_valid = get_u(in) != 0;
	s->vms = get_array(in, &s->nvms, 13, sizeof(*s->vms));
	for (size_t i = 0; i < s->nvms && !in->bad; i++) {
		struct vm_sample *v = &s->vms[i];
		v->pid = (pid_t)get_i(in);
		v->start_ticks = get_u(in);
		get_s(in, v->name, sizeof(v->name));
		get_s(in, v->uuid, sizeof(v->uuid));
		get_s(in, v->vmm, sizeof(v->vmm));
		v->nr_vcpus = (int)get_i(in);
		v->mem_config_kib = get_i(in);
		v->rss_kib = get_u(in);
		get_s(in, v->qmp_path, sizeof(v->qmp_path));
		v->uses_vhost_net = get_u(in) != 0;
		v->netns_ino = get_u(in);
		v->taps = get_array(in, &v->ntaps, 1, sizeof(*v->taps));
		for (size_t k = 0; k < v->ntaps; k++)
			get_s(in, v->taps[k].ifname, sizeof(v->taps[k].ifname));
		v->threads = get_array(in, &v->nthreads, 11, sizeof(*v->threads));
		for (size_t k = 0; k < v->nthreads && !in->bad; k++) {
			struct thread_sample *t = &v->threads[k];
			t->tid = (pid_t)get_i(in);
			uint64_t role = get_u(in);
			t->role = role < ROLE__COUNT ? (enum thread_role)role : ROLE_OTHER;
			t->vcpu_index = (int)get_i(in);
			get_s(in, t->comm, sizeof(t->comm));
			t->utime = get_u(in);
			t->stime = get_u(in);
			t->gtime = get_u(in);
			t->start_ticks = get_u(in);
			t->run_delay_ns = get_u(in);
			t->run_delay_valid = get_u(in) != 0;
			t->last_cpu = (int)get_i(in);
		}
	}
}

/* The components' counts, then `extra` more (a thread's ioctl count): one array, so that a file with fewer or
 * more of them than this build knows still reads (those missing are 0). */
static void comps_put(struct rec_buf *b, const unsigned long *c, const unsigned long *extra, size_t nextra)
{
	put_u(b, COMP__COUNT + nextra);
	for (int k = 0; k < COMP__COUNT; k++)
		put_u(b, c[k]);
	for (size_t k = 0; k < nextra; k++)
		put_u(b, extra[k]);
}

static void comps_get(struct rec_in *in, unsigned long *c, unsigned long *extra, size_t nextra)
{
	size_t n = get_count(in, 1);
	for (size_t k = 0; k < n; k++) {
		uint64_t v = get_u(in);
		if (k < COMP__COUNT)
			c[k] = (unsigned long)v;
		else if (k - COMP__COUNT < nextra)
			extra[k - COMP__COUNT] = (unsigned long)v;
	}
}

static void perf_put(struct rec_buf *b, const struct host_sample *s)
{
	const struct perf_sample *p = &s->perf;
	put_u(b, p->enabled);
	put_u(b, p->sample_hz);
	put_s(b, p->vendor);
	put_s(b, p->split_by);
	put_u(b, p->kernel_split);
	put_u(b, p->total_samples);
	put_u(b, p->lost_samples);
	put_u(b, p->sample_bytes);
	comps_put(b, p->host_counts, NULL, 0);
	put_u(b, p->nthreads);
	for (size_t i = 0; i < p->nthreads; i++) {
		put_i(b, p->threads[i].tid);
		comps_put(b, p->threads[i].counts, &p->threads[i].ioctl, 1);
	}
}

static void perf_get(struct rec_in *in, struct host_sample *s)
{
	struct perf_sample *p = &s->perf;
	p->enabled = get_u(in) != 0;
	p->sample_hz = (unsigned)get_u(in);
	get_s(in, p->vendor, sizeof(p->vendor));
	get_s(in, p->split_by, sizeof(p->split_by));
	p->kernel_split = get_u(in) != 0;
	p->total_samples = (unsigned long)get_u(in);
	p->lost_samples = (unsigned long)get_u(in);
	p->sample_bytes = (unsigned long)get_u(in);
	comps_get(in, p->host_counts, NULL, 0);
	p->threads = get_array(in, &p->nthreads, 2, sizeof(*p->threads));
	for (size_t i = 0; i < p->nthreads && !in->bad; i++) {
		p->threads[i].tid = (pid_t)get_i(in);
		comps_get(in, p->threads[i].counts, &p->threads[i].ioctl, 1);
	}
}

/* The perf part's kernel functions (--functions or the functions view): a section of its own, so files from
 * before it replay with none. */
static void perf_funcs_put(struct rec_buf *b, const struct host_sample *s)
{
	const struct perf_sample *p = &s->perf;
	put_u(b, p->funcs_wanted);
	put_u(b, p->funcs_valid);
	put_s(b, p->funcs_why);
	put_u(b, p->nfuncs);
	for (size_t i = 0; i < p->nfuncs; i++) {
		const struct perf_func_count *f = &p->funcs[i];
		put_i(b, f->tid);
		put_i(b, f->comp);
		put_u(b, f->count);
		put_s(b, f->func);
		put_s(b, f->via);
	}
}

static void perf_funcs_get(struct rec_in *in, struct host_sample *s)
{
	struct perf_sample *p = &s->perf;
	p->funcs_wanted = get_u(in) != 0;
	p->funcs_valid = get_u(in) != 0;
	get_s(in, p->funcs_why, sizeof(p->funcs_why));
	p->funcs = get_array(in, &p->nfuncs, 5, sizeof(*p->funcs));
	for (size_t i = 0; i < p->nfuncs && !in->bad; i++) {
		struct perf_func_count *f = &p->funcs[i];
		f->tid = (pid_t)get_i(in);
		int64_t comp = get_i(in);
		f->comp = (comp >= 0 && comp < COMP__COUNT) || comp == PERF_COMP_IOCTL ? (int)comp : COMP_OTHER_KERNEL;
		f->count = (unsigned long)get_u(in);
		get_s(in, f->func, sizeof(f->func));
		get_s(in, f->via, sizeof(f->via));
	}
}

/* The parts after threads describe the VMs threads listed, in its order: a count that differs is damage. */
static bool same_vms(struct rec_in *in, const struct host_sample *s)
{
	if (get_u(in) != s->nvms)
		in->bad = true;
	return !in->bad;
}

static void net_put(struct rec_buf *b, const struct host_sample *s)
{
	put_u(b, s->nvms);
	for (size_t i = 0; i < s->nvms; i++)
		for (size_t k = 0; k < s->vms[i].ntaps; k++) {
			const struct tap_sample *t = &s->vms[i].taps[k];
			put_s(b, t->bridge);
			put_u(b, t->counters_valid);
			put_u(b, t->rx_bytes);
			put_u(b, t->tx_bytes);
			put_u(b, t->rx_packets);
			put_u(b, t->tx_packets);
		}
}

static void net_get(struct rec_in *in, struct host_sample *s)
{
	if (!same_vms(in, s))
		return;
	for (size_t i = 0; i < s->nvms; i++)
		for (size_t k = 0; k < s->vms[i].ntaps; k++) {
			struct tap_sample *t = &s->vms[i].taps[k];
			get_s(in, t->bridge, sizeof(t->bridge));
			t->counters_valid = get_u(in) != 0;
			t->rx_bytes = get_u(in);
			t->tx_bytes = get_u(in);
			t->rx_packets = get_u(in);
			t->tx_packets = get_u(in);
		}
}

static void mem_put(struct rec_buf *b, const struct host_sample *s)
{
	const struct host_mem_sample *h = &s->mem;
	put_u(b, h->valid);
	put_u(b, KSM__COUNT);
	for (int k = 0; k < KSM__COUNT; k++)
		put_i(b, h->ksm[k]);
	put_s(b, h->thp_enabled);
	put_u(b, (uint64_t)(h->npools > 0 ? h->npools : 0));
	for (int k = 0; k < h->npools; k++) {
		put_i(b, h->pools[k].size_kib);
		put_i(b, h->pools[k].total);
		put_i(b, h->pools[k].free);
	}
	put_i(b, h->swap_total_kib);
	put_i(b, h->swap_free_kib);
	put_d(b, h->psi_some_avg10);
	put_d(b, h->psi_full_avg10);
	put_u(b, h->psi_some_total_us);
	put_u(b, h->psi_full_total_us);
	put_u(b, h->psi_valid);
	put_u(b, s->nvms);
	for (size_t i = 0; i < s->nvms; i++) {
		const struct vm_mem_sample *m = &s->vms[i].mem;
		const long long v[] = { m->anon_kib, m->file_kib, m->shmem_kib, m->swap_kib, m->thp_kib,
					m->hugetlb_kib, m->majflt, m->majflt_prev, m->ksm_merging_pages,
					m->ksm_rmap_items, m->ksm_zero_pages, m->ksm_profit_bytes };
		for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++)
			put_i(b, v[k]);
		put_d(b, m->majflt_mono);
		put_d(b, m->majflt_prev_mono);
		put_i(b, m->nnodes);
		for (int k = 0; k < m->nnodes && k < MEM_NODES_MAX; k++)
			put_i(b, m->node_kib[k]);
	}
	/* added later, after all the rest: an older reader stops before them */
	for (size_t i = 0; i < s->nvms; i++) {
		put_i(b, s->vms[i].mem.ksm_mergeable);
		put_i(b, s->vms[i].mem.ksm_merge_any);
	}
	put_u(b, (uint64_t)h->ncpu_node);
	for (int c = 0; c < h->ncpu_node && c < MEM_CPUS_MAX; c++)
		put_i(b, h->cpu_node[c]);
}

/* 1 yes, 0 no, -1 unknown; anything else is unknown too */
static signed char get_tristate(struct rec_in *in)
{
	int64_t v = get_i(in);
	return v < -1 || v > 1 ? -1 : (signed char)v;
}

static void mem_get(struct rec_in *in, struct host_sample *s)
{
	struct host_mem_sample *h = &s->mem;
	h->valid = get_u(in) != 0;
	size_t nk = get_count(in, 1);
	for (size_t k = 0; k < nk; k++) {
		int64_t v = get_i(in);
		if (k < KSM__COUNT)
			h->ksm[k] = v;
	}
	for (size_t k = nk; k < KSM__COUNT; k++)
		h->ksm[k] = MEM_UNKNOWN_SIGNED;
	get_s(in, h->thp_enabled, sizeof(h->thp_enabled));
	size_t np = get_count(in, 3);
	if (np > HUGEPAGE_POOLS_MAX)
		in->bad = true;
	h->npools = in->bad ? 0 : (int)np;
	for (int k = 0; k < h->npools; k++) {
		h->pools[k].size_kib = get_i(in);
		h->pools[k].total = get_i(in);
		h->pools[k].free = get_i(in);
	}
	h->swap_total_kib = get_i(in);
	h->swap_free_kib = get_i(in);
	h->psi_some_avg10 = get_d(in);
	h->psi_full_avg10 = get_d(in);
	h->psi_some_total_us = get_u(in);
	h->psi_full_total_us = get_u(in);
	h->psi_valid = get_u(in) != 0;
	if (!same_vms(in, s))
		return;
	for (size_t i = 0; i < s->nvms && !in->bad; i++) {
		struct vm_mem_sample *m = &s->vms[i].mem;
		long long *v[] = { &m->anon_kib, &m->file_kib, &m->shmem_kib, &m->swap_kib, &m->thp_kib,
				   &m->hugetlb_kib, &m->majflt, &m->majflt_prev, &m->ksm_merging_pages,
				   &m->ksm_rmap_items, &m->ksm_zero_pages, &m->ksm_profit_bytes };
		for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++)
			*v[k] = get_i(in);
		m->majflt_mono = get_d(in);
		m->majflt_prev_mono = get_d(in);
		int64_t nn = get_i(in);
		if (nn < -1 || nn > MEM_NODES_MAX)
			in->bad = true;
		m->nnodes = in->bad ? -1 : (int)nn;
		for (int k = 0; k < m->nnodes; k++)
			m->node_kib[k] = get_i(in);
		m->ksm_mergeable = m->ksm_merge_any = -1;
	}
	if (in->bad || in->p == in->end)
		return;		/* recorded before the KSM flags */
	for (size_t i = 0; i < s->nvms && !in->bad; i++) {
		s->vms[i].mem.ksm_mergeable = get_tristate(in);
		s->vms[i].mem.ksm_merge_any = get_tristate(in);
	}
	if (in->bad || in->p == in->end)
		return;		/* recorded before the CPUs' nodes */
	size_t nc = get_count(in, 1);
	if (nc > MEM_CPUS_MAX)
		in->bad = true;
	h->ncpu_node = in->bad ? 0 : (int)nc;
	for (int c = 0; c < h->ncpu_node; c++) {
		int64_t node = get_i(in);
		h->cpu_node[c] = node < -1 || node >= MEM_NODES_MAX ? -1 : (signed char)node;
	}
}

static void balloon_put(struct rec_buf *b, const struct host_sample *s)
{
	put_u(b, s->nvms);
	for (size_t i = 0; i < s->nvms; i++) {
		const struct balloon_sample *l = &s->vms[i].balloon;
		put_s(b, l->source);
		put_i(b, l->actual_kib);
		put_i(b, l->target_kib);
		put_s(b, l->reason);
	}
}

static void balloon_get(struct rec_in *in, struct host_sample *s)
{
	if (!same_vms(in, s))
		return;
	for (size_t i = 0; i < s->nvms && !in->bad; i++) {
		struct balloon_sample *l = &s->vms[i].balloon;
		get_s(in, l->source, sizeof(l->source));
		l->actual_kib = get_i(in);
		l->target_kib = get_i(in);
		get_s(in, l->reason, sizeof(l->reason));
	}
}

/* libvirt's domain names and the guests' balloon statistics (older files have neither: left unknown) */
static void domains_put(struct rec_buf *b, const struct host_sample *s)
{
	put_u(b, s->nvms);
	for (size_t i = 0; i < s->nvms; i++) {
		const struct vm_sample *v = &s->vms[i];
		put_s(b, v->domain);
		put_u(b, v->balloon.stats_known);
		for (int k = 0; k < BSTAT__COUNT; k++)
			put_i(b, v->balloon.stats[k]);
	}
}

static void domains_get(struct rec_in *in, struct host_sample *s)
{
	if (!same_vms(in, s))
		return;
	for (size_t i = 0; i < s->nvms && !in->bad; i++) {
		struct vm_sample *v = &s->vms[i];
		get_s(in, v->domain, sizeof(v->domain));
		v->balloon.stats_known = (unsigned)get_u(in) & ((1u << BSTAT__COUNT) - 1);
		for (int k = 0; k < BSTAT__COUNT; k++)
			v->balloon.stats[k] = get_i(in);
	}
}

static void exit_counts_put(struct rec_buf *b, const struct exit_count *c, size_t n)
{
	put_u(b, n);
	for (size_t i = 0; i < n; i++) {
		put_i(b, c[i].tid);
		put_u(b, c[i].ev);
		put_u(b, c[i].arg);
		put_u(b, c[i].count);
		put_u(b, c[i].ns);
	}
}

/* An event number this vmtop does not know is damage: the model indexes by it. */
static struct exit_count *exit_counts_get(struct rec_in *in, size_t *n)
{
	struct exit_count *c = get_array(in, n, 5, sizeof(*c));
	for (size_t i = 0; i < *n && !in->bad; i++) {
		c[i].tid = (pid_t)get_i(in);
		uint64_t ev = get_u(in);
		if (ev >= EXITS_EV__COUNT)
			in->bad = true;
		c[i].ev = in->bad ? 0 : (unsigned)ev;
		c[i].arg = get_u(in);
		c[i].count = get_u(in);
		c[i].ns = get_u(in);
	}
	return c;
}

/* One flag per exits event, with their count: a file from a vmtop with fewer or more events reads as far as both go. */
static void event_flags_put(struct rec_buf *b, const bool *f)
{
	put_u(b, EXITS_EV__COUNT);
	for (int k = 0; k < EXITS_EV__COUNT; k++)
		put_u(b, f[k]);
}

static void event_flags_get(struct rec_in *in, bool *f)
{
	size_t n = get_count(in, 1);
	for (size_t k = 0; k < n; k++) {
		bool v = get_u(in) != 0;
		if (k < EXITS_EV__COUNT)
			f[k] = v;
	}
}

static void exits_put(struct rec_buf *b, const struct host_sample *s)
{
	const struct exits_sample *e = &s->exits;
	put_u(b, e->valid);
	put_d(b, e->mono);
	put_d(b, e->realtime);
	event_flags_put(b, e->live);
	put_u(b, e->per_thread);
	put_u(b, e->timed);
	put_u(b, e->drops);
	exit_counts_put(b, e->counts, e->ncounts);
	exit_counts_put(b, e->vm_counts, e->nvm_counts);
	event_flags_put(b, e->off);
}

static void exits_get(struct rec_in *in, struct host_sample *s)
{
	struct exits_sample *e = &s->exits;
	e->valid = get_u(in) != 0;
	e->mono = get_d(in);
	e->realtime = get_d(in);
	event_flags_get(in, e->live);
	e->per_thread = get_u(in) != 0;
	e->timed = get_u(in) != 0;
	e->drops = get_u(in);
	e->counts = exit_counts_get(in, &e->ncounts);
	if (!in->bad)
		e->vm_counts = exit_counts_get(in, &e->nvm_counts);
	if (in->bad || in->p == in->end)
		return;		/* recorded before events could be left out on purpose */
	event_flags_get(in, e->off);
}

/* Whether the host is itself a guest (added after the threads part: older files lack it, read as no). */
static void host_cpu_put(struct rec_buf *b, const struct host_sample *s)
{
	put_u(b, s->host_is_guest);
}

static void host_cpu_get(struct rec_in *in, struct host_sample *s)
{
	s->host_is_guest = get_u(in) != 0;
}

/* One entry per part, named as sample_part_name() says (the name is what the file holds, not the enum's
 * number); core first. A part added later adds one entry here; an older file without it leaves it empty. */
static const struct part_codec {
	const char *name;
	void (*put)(struct rec_buf *b, const struct host_sample *s);
	void (*get)(struct rec_in *in, struct host_sample *s);
} codecs[] = {
	{ "core", core_put, core_get },
	{ "stat", stat_put, stat_get },
	{ "threads", threads_put, threads_get },
	{ "perf", perf_put, perf_get },
	{ "net", net_put, net_get },
	{ "mem", mem_put, mem_get },
	{ "balloon", balloon_put, balloon_get },
	{ "exits", exits_put, exits_get },
	{ "perf_funcs", perf_funcs_put, perf_funcs_get },
	{ "host_cpu", host_cpu_put, host_cpu_get },
	{ "domains", domains_put, domains_get },
};
#define NCODECS (sizeof(codecs) / sizeof(codecs[0]))

/* Sections: name, length, bytes; a reader skips a section it does not know (one a later vmtop added). */
void rec_encode_sample(struct rec_buf *b, const struct host_sample *s)
{
	struct rec_buf part = { 0 };
	for (size_t i = 0; i < NCODECS; i++) {
		part.len = 0;
		codecs[i].put(&part, s);
		put_s(b, codecs[i].name);
		put_u(b, part.len);
		rec_buf_add(b, part.p, part.len);
	}
	free(part.p);
}

bool rec_decode_sample(const unsigned char *data, size_t len, struct host_sample *s, char *why, size_t whylen)
{
	struct rec_in in = { data, data + len, false };
	size_t next = 0;	/* sections come in the table's order: later ones read what earlier ones made */
	while (in.p < in.end && !in.bad) {
		char name[32];
		get_s(&in, name, sizeof(name));
		uint64_t n = get_u(&in);
		if (in.bad || n > (uint64_t)(in.end - in.p)) {
			in.bad = true;
			break;
		}
		struct rec_in sec = { in.p, in.p + n, false };
		in.p += n;
		for (size_t i = next; i < NCODECS; i++)
			if (!strcmp(name, codecs[i].name)) {
				codecs[i].get(&sec, s);
				if (sec.bad) {
					snprintf(why, whylen, "part %s does not decode", name);
					return false;
				}
				next = i + 1;
				break;
			}
	}
	if (in.bad) {
		snprintf(why, whylen, "%s", "sample does not decode");
		return false;
	}
	if (next < 3) {
		snprintf(why, whylen, "%s", "sample without its core, stat and threads parts");
		return false;
	}
	return true;
}

/* model_mem.c - the memory stages: per-VM figures from the memory source, major faults per second, and the
 * host's KSM savings with the overcommit ratio after them; libvirt's domain names; the balloons. */
#include "config.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

#include "model_parts.h"
#include "util.h"

static void unknown(struct vm_mem_stat *s, const struct vm_stat *vs)
{
	s->config_kib = vs->mem_config_kib;
	s->rss_kib = (long long)vs->rss_kib;
	s->anon_kib = s->file_kib = s->shmem_kib = s->swap_kib = s->thp_kib = s->hugetlb_kib = -1;
	s->majflt_rate = NAN;
	s->majflt = -1;
	s->nnodes = -1;
	s->ksm_merging_pages = s->ksm_rmap_items = s->ksm_zero_pages = s->ksm_kib = -1;
	s->ksm_profit_bytes = MEM_UNKNOWN_SIGNED;
	s->ksm_mergeable = s->ksm_merge_any = -1;
	s->vcpu_nodes_known = false;
	memset(s->vcpu_nodes, 0, sizeof(s->vcpu_nodes));
	s->balloon = BALLOON_UNKNOWN;
}

/* Each vCPU counted on the node of the CPU it last ran on. */
static void vcpu_nodes(struct vm_mem_stat *s, const struct vm_stat *vs, const struct host_mem_sample *hm)
{
	if (hm->ncpu_node <= 0)
		return;
	s->vcpu_nodes_known = true;
	for (size_t t = 0; t < vs->nthreads; t++) {
		const struct thread_stat *th = &vs->threads[t];
		if (th->role != ROLE_VCPU || th->last_cpu < 0 || th->last_cpu >= hm->ncpu_node)
			continue;
		int node = hm->cpu_node[th->last_cpu];
		if (node >= 0 && node < MEM_NODES_MAX)
			s->vcpu_nodes[node]++;
	}
}

void model_mem_update(struct model *m, const struct host_sample *prev, const struct host_sample *cur)
{
	(void)prev;
	struct host_stat *h = &m->host;
	long long page_kib = (cur->page_size > 0 ? cur->page_size : sysconf(_SC_PAGESIZE)) / 1024;
	h->page_kib = page_kib;
	h->mem = cur->mem;
	h->ksm_saved_kib = -1;
	h->mem_ratio_after_ksm = NAN;
	for (size_t i = 0; i < m->nvms; i++) {
		struct vm_stat *vs = &m->vms[i];
		unknown(&vs->mem, vs);
		if (!cur->mem.valid)
			continue;
		const struct vm_mem_sample *a = &cur->vms[i].mem;
		struct vm_mem_stat *s = &vs->mem;
		s->anon_kib = a->anon_kib;
		s->file_kib = a->file_kib;
		s->shmem_kib = a->shmem_kib;
		s->swap_kib = a->swap_kib;
		s->thp_kib = a->thp_kib;
		s->hugetlb_kib = a->hugetlb_kib;
		s->majflt = a->majflt;
		/* the last two readings of the counter, whenever they were made (they are a few seconds apart) */
		if (a->majflt >= 0 && a->majflt_prev >= 0 && a->majflt_mono > a->majflt_prev_mono &&
		    a->majflt_prev_mono > 0 && a->majflt >= a->majflt_prev)
			s->majflt_rate = (a->majflt - a->majflt_prev) / (a->majflt_mono - a->majflt_prev_mono);
		s->nnodes = a->nnodes;
		memcpy(s->node_kib, a->node_kib, sizeof(s->node_kib));
		s->ksm_merging_pages = a->ksm_merging_pages;
		s->ksm_rmap_items = a->ksm_rmap_items;
		s->ksm_zero_pages = a->ksm_zero_pages;
		s->ksm_profit_bytes = a->ksm_profit_bytes;
		s->ksm_kib = a->ksm_merging_pages >= 0 ? a->ksm_merging_pages * page_kib : -1;
		s->ksm_mergeable = a->ksm_mergeable;
		s->ksm_merge_any = a->ksm_merge_any;
		vcpu_nodes(s, vs, &cur->mem);
	}
	if (!cur->mem.valid)
		return;
	const long long *k = cur->mem.ksm;
	if (k[KSM_PAGES_SHARING] != MEM_UNKNOWN_SIGNED)
		h->ksm_saved_kib = (k[KSM_PAGES_SHARING] + (k[KSM_ZERO_PAGES] != MEM_UNKNOWN_SIGNED ? k[KSM_ZERO_PAGES] : 0)) * page_kib;
	long long guest_kib = 0;
	bool known = false;
	for (size_t i = 0; i < cur->nvms; i++)
		if (cur->vms[i].mem_config_kib >= 0) {
			guest_kib += cur->vms[i].mem_config_kib;
			known = true;
		}
	if (known && cur->mem_total_kib && h->ksm_saved_kib >= 0)
		h->mem_ratio_after_ksm = (double)(guest_kib - h->ksm_saved_kib) / cur->mem_total_kib;
}

/* libvirt names its domains: that name stands for the VM (its balloon is the balloon stage's) */
void model_domains_update(struct model *m, const struct host_sample *prev, const struct host_sample *cur)
{
	(void)prev;
	for (size_t i = 0; i < m->nvms; i++)
		if (cur->vms[i].domain[0]) {
			str_copy(m->vms[i].name, cur->vms[i].domain, sizeof(m->vms[i].name));
			m->vms[i].libvirt = true;
		}
}

void model_balloon_update(struct model *m, const struct host_sample *prev, const struct host_sample *cur)
{
	(void)prev;
	const char *why = cur->sources[PART_BALLOON].why;
	for (size_t i = 0; i < m->nvms; i++) {
		struct balloon_sample *b = &m->vms[i].mem.balloon;
		if (cur->sources[PART_BALLOON].name[0] || cur->vms[i].domain[0])	/* QMP's or libvirt's */
			*b = cur->vms[i].balloon;
		else
			str_copy(b->reason, why, sizeof(b->reason));	/* no balloon source: e.g. --no-qmp */
	}
}

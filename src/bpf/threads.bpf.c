// SPDX-License-Identifier: GPL-2.0
/* threads.bpf.c - iter/task: one vmtop_thread_rec for every thread whose process (tgid) is in vm_tgids. */
#include "core.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#include "threads_rec.h"

char LICENSE[] SEC("license") = "GPL";

/* VMM processes and vhost workers, kept current by user space from discovery */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u8);
} vm_tgids SEC(".maps");

/* file + anon + shmem pages (MM_FILEPAGES, MM_ANONPAGES, MM_SHMEMPAGES), as get_mm_rss() adds them. The iterator's
 * task is a BTF pointer: its fields, and those of what it points to, are read by plain loads the verifier guards
 * (a probe-read helper's call was a tenth of vmtop's CPU at 150 VMs: this runs for every VM thread each refresh);
 * but before 6.2 the counters are atomic_long_t, which that kernel's verifier does not walk into: read as before. */
static __s64 rss_pages(struct mm_struct *mm)
{
	if (bpf_core_type_exists(struct mm_rss_stat)) {
		struct mm_struct___old *old = (void *)mm;
		return BPF_CORE_READ(old, rss_stat.count[0].counter) + BPF_CORE_READ(old, rss_stat.count[1].counter) +
		       BPF_CORE_READ(old, rss_stat.count[3].counter);
	}
	return mm->rss_stat[0].count + mm->rss_stat[1].count + mm->rss_stat[3].count;
}

/* What /proc/PID/status, stat and ksm_stat add: CO-RE flavours of the kernel's types, read where the field is. */
typedef struct {
	__s64 counter;
} atomic_long___v;

struct signal_struct___v {
	unsigned long maj_flt;
} __attribute__((preserve_access_index));

struct task_struct___v {
	unsigned long maj_flt;
	struct signal_struct___v *signal;
} __attribute__((preserve_access_index));

struct mm_struct___v {
	atomic_long___v hugetlb_usage;		/* pages (4.4) */
	unsigned long ksm_merging_pages;	/* 6.1 */
	unsigned long ksm_rmap_items;		/* 6.1 */
} __attribute__((preserve_access_index));

struct mm_struct___zl {
	unsigned long ksm_zero_pages;		/* 6.10 */
} __attribute__((preserve_access_index));

struct mm_struct___za {
	atomic_long___v ksm_zero_pages;		/* later an atomic */
} __attribute__((preserve_access_index));

struct ksm_rmap_item {
	int x;
} __attribute__((preserve_access_index));

/* get_mm_counter(): the shared count, never below 0 (percpu_counter_read_positive); a constant index, as CO-RE
 * relocates the whole access path */
#define MM_COUNTER(mm, i) ({									\
	__s64 v_ = bpf_core_type_exists(struct mm_rss_stat) ?					\
		BPF_CORE_READ((struct mm_struct___old *)(mm), rss_stat.count[i].counter) :	\
		BPF_CORE_READ(mm, rss_stat[i].count);						\
	v_ > 0 ? v_ : 0;									\
})

static void process_counters(struct task_struct *t, struct vmtop_thread_rec *r)
{
	struct task_struct___v *tv = (void *)t;
	r->sig_maj_flt = BPF_CORE_READ(tv, signal, maj_flt);
	r->mm_file = r->mm_anon = r->mm_swap = r->mm_shmem = r->hugetlb_pages = -1;
	r->ksm_merging_pages = r->ksm_rmap_items = r->ksm_zero_pages = -1;
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	if (!mm)
		return;
	/* MM_FILEPAGES, MM_ANONPAGES, MM_SWAPENTS, MM_SHMEMPAGES */
	r->mm_file = MM_COUNTER(mm, 0);
	r->mm_anon = MM_COUNTER(mm, 1);
	r->mm_swap = MM_COUNTER(mm, 2);
	r->mm_shmem = MM_COUNTER(mm, 3);
	struct mm_struct___v *mv = (void *)mm;
	if (bpf_core_field_exists(mv->hugetlb_usage))
		r->hugetlb_pages = BPF_CORE_READ(mv, hugetlb_usage.counter);
	if (bpf_core_field_exists(mv->ksm_merging_pages))
		r->ksm_merging_pages = BPF_CORE_READ(mv, ksm_merging_pages);
	if (bpf_core_field_exists(mv->ksm_rmap_items))
		r->ksm_rmap_items = BPF_CORE_READ(mv, ksm_rmap_items);
	if (bpf_core_field_exists(((struct mm_struct___zl *)mm)->ksm_zero_pages))
		r->ksm_zero_pages = BPF_CORE_READ((struct mm_struct___zl *)mm, ksm_zero_pages);
	else if (bpf_core_field_exists(((struct mm_struct___za *)mm)->ksm_zero_pages))
		r->ksm_zero_pages = BPF_CORE_READ((struct mm_struct___za *)mm, ksm_zero_pages.counter);
	if (bpf_core_type_exists(struct ksm_rmap_item))
		r->ksm_rmap_item_size = bpf_core_type_size(struct ksm_rmap_item);
}

SEC("iter/task")
int vm_threads(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *t = ctx->task;
	if (!t)
		return 0;
	__u32 tgid = t->tgid;
	if (!bpf_map_lookup_elem(&vm_tgids, &tgid))
		return 0;
	struct vmtop_thread_rec r;
	__builtin_memset(&r, 0, sizeof(r));
	r.tid = t->pid;
	r.tgid = tgid;
	__builtin_memcpy(r.comm, t->comm, sizeof(r.comm));
	r.utime = t->utime;
	r.stime = t->stime;
	r.gtime = t->gtime;
	r.sum_exec_runtime = t->se.sum_exec_runtime;
	if (bpf_core_field_exists(t->sched_info)) {
		r.run_delay = t->sched_info.run_delay;
		r.has_sched_info = 1;
	}
	r.start_boottime = t->start_boottime;
	struct mm_struct *mm = t->mm;
	r.rss_pages = mm ? rss_pages(mm) : 0;
	if (bpf_core_field_exists(t->thread_info.cpu))
		r.cpu = t->thread_info.cpu;
	else
		r.cpu = BPF_CORE_READ((struct task_struct___old *)t, cpu);
	if (bpf_core_field_exists(t->__state))
		r.state = t->__state;
	else
		r.state = BPF_CORE_READ((struct task_struct___old *)t, state);
	r.exit_state = t->exit_state;
	r.flags = t->flags;
	r.maj_flt = ((struct task_struct___v *)t)->maj_flt;
	if (r.tid == tgid) {
		r.is_leader = 1;
		process_counters(t, &r);
	}
	bpf_seq_write(seq, &r, sizeof(r));
	return 0;
}

/* Discovery's news: the processes that create a KVM vCPU, so that user space reads the descriptors of those
 * alone instead of rescanning every young process. x86 KVM sets a new vCPU's TSC offset in KVM_CREATE_VCPU
 * (kvm_arch_vcpu_postcreate), in the VMM's thread; a guest's TSC write fires it too: one more rescan, no harm. A
 * raw tracepoint is attached by name: where there is none (no kvm loaded, not x86) loading still works. */
struct {
	__uint(type, 27);	/* BPF_MAP_TYPE_RINGBUF */
	__uint(max_entries, 16384);
} kvm_news SEC(".maps");

/* news the ring had no room for: user space then falls back to rescanning young processes */
__u64 kvm_news_lost;

SEC("raw_tp/kvm_write_tsc_offset")
int kvm_vcpu_news(void *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	if (bpf_ringbuf_output(&kvm_news, &tgid, sizeof(tgid), 0) < 0)
		__sync_fetch_and_add(&kvm_news_lost, 1);
	return 0;
}

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

/* file + anon + shmem pages (MM_FILEPAGES, MM_ANONPAGES, MM_SHMEMPAGES), as get_mm_rss() adds them */
static __s64 rss_pages(struct task_struct *t)
{
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	if (!mm)
		return 0;
	if (bpf_core_type_exists(struct mm_rss_stat)) {
		struct mm_struct___old *old = (void *)mm;
		return BPF_CORE_READ(old, rss_stat.count[0].counter) + BPF_CORE_READ(old, rss_stat.count[1].counter) +
		       BPF_CORE_READ(old, rss_stat.count[3].counter);
	}
	return BPF_CORE_READ(mm, rss_stat[0].count) + BPF_CORE_READ(mm, rss_stat[1].count) +
	       BPF_CORE_READ(mm, rss_stat[3].count);
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
	bpf_probe_read_kernel_str(r.comm, sizeof(r.comm), t->comm);
	r.utime = t->utime;
	r.stime = t->stime;
	r.gtime = t->gtime;
	r.sum_exec_runtime = t->se.sum_exec_runtime;
	if (bpf_core_field_exists(t->sched_info)) {
		r.run_delay = t->sched_info.run_delay;
		r.has_sched_info = 1;
	}
	r.start_boottime = t->start_boottime;
	r.rss_pages = rss_pages(t);
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

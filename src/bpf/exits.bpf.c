// SPDX-License-Identifier: GPL-2.0
/* exits.bpf.c - raw_tp programs counting KVM tracepoints per (vCPU thread, event, key) in slots of an array user
 * space maps (it reads them without a system call), found by a hash; kvm_exit reads the vendor's exit code from the
 * vCPU with CO-RE and adds the time since the entry before it (time in the guest), kvm_entry adds the time since
 * that exit (its handling). Linked with threads.bpf.c into one object: its programs are named on_<tracepoint> and
 * its maps exit_<what>, by which bpf_load.c tells its part from the threads'. */
#include "core.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "exits_events.h"
#include "exits_rec.h"

char LICENSE[] SEC("license") = "GPL";

/* One slot per key, not per CPU: a key is one thread's, and a thread runs on one CPU at a time, so its atomic adds
 * do not contend. A slot holds its key (tid 0: free), so user space reads the array alone. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, EXITS_MAX_KEYS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct exits_slot);
} exit_slots SEC(".maps");

/* key -> its slot; an entry whose slot holds another key since (user space freed it) is stale */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, EXITS_MAX_KEYS);
	__type(key, struct exits_key);
	__type(value, __u32);
} exit_index SEC(".maps");

/* Slots user space freed (their threads gone), taken from free_head up to free_tail, which user space advances;
 * then the never used ones from next_slot on. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, EXITS_MAX_KEYS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, __u32);
} exit_free SEC(".maps");

__u64 next_slot, free_head, free_tail;

/* keys that found every slot taken (or the index full) */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} exit_drops SEC(".maps");

/* A point in a vCPU thread's run: when, its CPU time, its context switches and its wait for a CPU then. */
struct mark {
	__u64 ts;		/* 0: none */
	__u64 runtime;		/* se.sum_exec_runtime */
	__u64 switches;		/* nvcsw + nivcsw */
	__u64 run_delay;	/* sched_info.run_delay; ~0: the kernel has no sched_info */
};

/* per vCPU thread: the exit not yet followed by an entry, and the entry not yet followed by an exit */
struct inflight {
	__u64 arg;
	struct mark exit, entry;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct inflight);
} exit_inflight SEC(".maps");

/* A slot for a key first seen: a freed one if there is one (a lost race for it takes a new one), else a new one;
 * its number, or -1 counted as a drop when all are taken. Only the key's own thread makes it: no other CPU makes
 * the same. */
static __noinline long new_slot(const struct exits_key *k)
{
	__u32 i;
	__u64 h = free_head;
	if (h < *(volatile __u64 *)&free_tail && __sync_val_compare_and_swap(&free_head, h, h + 1) == h) {
		__u32 at = (__u32)(h % EXITS_MAX_KEYS);
		__u32 *f = bpf_map_lookup_elem(&exit_free, &at);
		if (!f)
			goto drop;
		i = *f;
	} else {
		__u64 n = __sync_fetch_and_add(&next_slot, 1);
		if (n >= EXITS_MAX_KEYS)
			goto drop;
		i = (__u32)n;
	}
	struct exits_slot *s = bpf_map_lookup_elem(&exit_slots, &i);
	if (!s)
		goto drop;
	s->val.count = 0;
	s->val.ns = 0;
	s->key = *k;
	/* an index full of stale entries: the slot stays its key's, uncounted, until user space frees it */
	if (bpf_map_update_elem(&exit_index, k, &i, BPF_ANY))
		goto drop;
	return i;
drop:;
	__u32 z = 0;
	__u64 *d = bpf_map_lookup_elem(&exit_drops, &z);
	if (d)
		(*d)++;
	return -1;
}

static __always_inline struct exits_slot *slot_of(__u32 i, __u32 tid, __u32 ev, __u64 arg)
{
	struct exits_slot *s = bpf_map_lookup_elem(&exit_slots, &i);
	return s && s->key.tid == tid && s->key.ev == ev && s->key.arg == arg ? s : NULL;
}

static __always_inline struct exits_val *slot(__u32 tid, __u32 ev, __u64 arg)
{
	struct exits_key k = { .tid = tid, .ev = ev, .arg = arg };
	struct exits_slot *s;
	__u32 *found = bpf_map_lookup_elem(&exit_index, &k);
	if (found && (s = slot_of(*found, tid, ev, arg)))
		return &s->val;
	long i = new_slot(&k);
	return i >= 0 && (s = slot_of((__u32)i, tid, ev, arg)) ? &s->val : NULL;
}

static __always_inline void count(__u32 ev, __u64 arg)
{
	struct exits_val *v = slot((__u32)bpf_get_current_pid_tgid(), ev, arg);
	if (v)
		__sync_fetch_and_add(&v->count, 1);
}

/* The vendor's exit code: SVM's vmcb->control.exit_code, VMX's exit_reason (flag bits kept: user space masks). */
static __always_inline __u32 exit_code(struct kvm_vcpu *vcpu, __u32 isa)
{
	if (isa == EXITS_ISA_SVM && bpf_core_type_exists(struct vcpu_svm)) {
		struct vmcb *vmcb = BPF_CORE_READ((struct vcpu_svm *)vcpu, vmcb);
		return vmcb ? BPF_CORE_READ(vmcb, control.exit_code) : EXITS_CODE_UNREAD;
	}
	if (isa == EXITS_ISA_VMX && bpf_core_type_exists(struct vcpu_vmx))
		return BPF_CORE_READ((struct vcpu_vmx *)vcpu, exit_reason.full);
	return EXITS_CODE_UNREAD;
}

/* The current task as a BTF pointer (Linux 5.11): its fields are plain loads, where probe-read helpers cost a call
 * each at every exit and entry. */
static __always_inline struct mark mark_now(void)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct mark m = {
		.ts = bpf_ktime_get_ns(),
		.runtime = t->se.sum_exec_runtime,
		.switches = t->nvcsw + t->nivcsw,
		.run_delay = ~0ULL,
	};
	if (bpf_core_field_exists(t->sched_info))
		m.run_delay = t->sched_info.run_delay;
	return m;
}

/* From an entry a to its exit b, the time in the guest: the wall time less what the thread waited for a CPU
 * meanwhile. It does not sleep there, but it can be preempted when it leaves the guest (SVM traces kvm_exit after
 * preemption is enabled again), and then another task's run is no part of it. sum_exec_runtime would not do: it
 * is brought up to date at ticks and switches, not at the entry, so it counted up to a tick before the entry. */
static __always_inline __u64 in_guest(const struct mark *a, const struct mark *b)
{
	__u64 wall = b->ts - a->ts;
	if (a->switches == b->switches)
		return wall;
	if (a->run_delay == ~0ULL || b->run_delay == ~0ULL)
		return b->runtime > a->runtime ? b->runtime - a->runtime : 0;
	__u64 waited = b->run_delay - a->run_delay;
	return wall > waited ? wall - waited : 0;
}

/* From mark a to now b: wall time where the thread kept its CPU; where it slept or was preempted meanwhile (a HLT,
 * an exit to the VMM that blocked), the CPU time it ran, so the sums stay within the vCPU's CPU time. */
static __always_inline __u64 since(const struct mark *a, const struct mark *b)
{
	if (a->switches == b->switches)
		return b->ts - a->ts;
	return b->runtime > a->runtime ? b->runtime - a->runtime : 0;
}

/* The clock is read first at an exit and last at an entry: this program's own work, dear where it is emulated (in
 * the box it put the pio vCPU's traced time 4-9 points over the kernel's 30%), is host time, not the guest's. */
SEC("raw_tp/kvm_exit")
int BPF_PROG(on_kvm_exit, struct kvm_vcpu *vcpu, __u32 isa)
{
	struct mark now = mark_now();
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 arg = (__u64)isa << 32 | exit_code(vcpu, isa);
	struct exits_val *v = slot(tid, EXITS_EV_EXIT, arg);
	if (v)
		__sync_fetch_and_add(&v->count, 1);
	struct inflight *was = bpf_map_lookup_elem(&exit_inflight, &tid);
	if (!was) {
		struct inflight first = { .arg = arg, .exit = now };
		bpf_map_update_elem(&exit_inflight, &tid, &first, BPF_ANY);
		return 0;
	}
	if (was->entry.ts) {
		struct exits_val *g = slot(tid, EXITS_EV_ENTRY, 0);
		if (g) {
			__sync_fetch_and_add(&g->count, 1);
			__sync_fetch_and_add(&g->ns, in_guest(&was->entry, &now));
		}
	}
	/* in place: the thread's own record, which only its CPU writes (an update would take the LRU's locks, a
	 * good part of each exit's cost where they are emulated) */
	was->arg = arg;
	was->exit = now;
	was->entry.ts = 0;
	return 0;
}

SEC("raw_tp/kvm_entry")
int BPF_PROG(on_kvm_entry)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct inflight *f = bpf_map_lookup_elem(&exit_inflight, &tid);
	if (!f) {
		struct inflight first = { .entry = mark_now() };
		bpf_map_update_elem(&exit_inflight, &tid, &first, BPF_ANY);
		return 0;
	}
	struct exits_val *v = f->exit.ts ? slot(tid, EXITS_EV_EXIT, f->arg) : NULL;
	struct mark now = mark_now();
	if (v)
		__sync_fetch_and_add(&v->ns, since(&f->exit, &now));
	f->exit.ts = 0;
	f->entry = now;
	return 0;
}

SEC("raw_tp/kvm_userspace_exit")
int BPF_PROG(on_kvm_userspace_exit, __u32 reason, int err)
{
	count(EXITS_EV_USER, err < 0 ? EXITS_USER_ERROR : reason);
	return 0;
}

SEC("raw_tp/kvm_pio")
int BPF_PROG(on_kvm_pio, unsigned int rw, unsigned int port)
{
	count(EXITS_EV_PIO, (__u64)(rw & 1) << 16 | (port & 0xffff));
	return 0;
}

SEC("raw_tp/kvm_mmio")
int BPF_PROG(on_kvm_mmio, int type, int len, __u64 gpa)
{
	count(EXITS_EV_MMIO, (__u64)(type & 0xff) << 56 | ((gpa >> 12) & 0xffffffffffffULL));
	return 0;
}

SEC("raw_tp/kvm_msr")
int BPF_PROG(on_kvm_msr, unsigned int write, __u32 ecx)
{
	count(EXITS_EV_MSR, (__u64)(write & 1) << 32 | ecx);
	return 0;
}

SEC("raw_tp/kvm_inj_virq")
int BPF_PROG(on_kvm_inj_virq, unsigned int vector)
{
	count(EXITS_EV_VIRQ, vector & 0xff);
	return 0;
}

SEC("raw_tp/kvm_apic_accept_irq")
int BPF_PROG(on_kvm_apic_accept_irq, __u32 apicid, __u16 dm, __u16 tm, __u8 vec)
{
	count(EXITS_EV_APIC, vec);
	return 0;
}

SEC("raw_tp/kvm_hypercall")
int BPF_PROG(on_kvm_hypercall, unsigned long nr)
{
	count(EXITS_EV_HCALL, nr);
	return 0;
}

SEC("raw_tp/kvm_vcpu_wakeup")
int BPF_PROG(on_kvm_vcpu_wakeup, __u64 ns, __u8 waited, __u8 valid)
{
	struct exits_val *v = slot((__u32)bpf_get_current_pid_tgid(), EXITS_EV_WAKE,
				   (waited ? EXITS_WAKE_WAITED : 0) | (valid ? 0 : EXITS_WAKE_SPURIOUS));
	if (v) {
		__sync_fetch_and_add(&v->count, 1);
		__sync_fetch_and_add(&v->ns, ns);
	}
	return 0;
}

/* (vcpu, address, error): a kernel whose tracepoint has no vcpu yet (address, error) does not attach it */
SEC("raw_tp/kvm_page_fault")
int BPF_PROG(on_kvm_page_fault, struct kvm_vcpu *vcpu, __u64 address, __u64 error)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct inflight *f = bpf_map_lookup_elem(&exit_inflight, &tid);
	__u64 isa = f ? f->arg >> 32 : 0;
	count(EXITS_EV_PF, isa << 32 | (error & 0x3f));
	return 0;
}

SEC("raw_tp/kvm_emulate_insn")
int BPF_PROG(on_kvm_emulate_insn, struct kvm_vcpu *vcpu, __u8 failed)
{
	count(EXITS_EV_EMUL, failed ? 1 : 0);
	return 0;
}

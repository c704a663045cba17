/* core.h - the few kernel types vmtop's BPF programs read, declared by hand for CO-RE: libbpf relocates each
 * field against the running kernel's BTF at load, so no vmlinux.h from the build machine is needed. */
#ifndef VMTOP_BPF_CORE_H
#define VMTOP_BPF_CORE_H

typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef signed char __s8;
typedef short __s16;
typedef int __s32;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;

/* include/uapi/linux/bpf.h: the values these programs use */
enum bpf_map_type {
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_ARRAY = 2,
	BPF_MAP_TYPE_PERCPU_HASH = 5,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_LRU_HASH = 9,
};
enum { BPF_ANY = 0, BPF_NOEXIST = 1 };
enum { BPF_F_MMAPABLE = 1U << 10 };	/* an array user space may mmap */

struct sched_entity {
	__u64 sum_exec_runtime;
} __attribute__((preserve_access_index));

struct sched_info {
	unsigned long pcount;
	unsigned long long run_delay;
} __attribute__((preserve_access_index));

struct thread_info {
	__u32 cpu;
} __attribute__((preserve_access_index));

/* mm counters: an array of percpu_counter since 6.2 (read as /proc reads it: the shared count) */
struct percpu_counter {
	__s64 count;
} __attribute__((preserve_access_index));

struct mm_struct {
	struct percpu_counter rss_stat[4];
} __attribute__((preserve_access_index));

/* before 6.2: atomic counters in struct mm_rss_stat */
struct mm_rss_stat {
	struct {
		__s64 counter;
	} count[4];
} __attribute__((preserve_access_index));

struct mm_struct___old {
	struct mm_rss_stat rss_stat;
} __attribute__((preserve_access_index));

struct task_struct {
	struct thread_info thread_info;
	unsigned int __state;
	unsigned int flags;
	int exit_state;
	struct sched_entity se;
	struct sched_info sched_info;
	struct mm_struct *mm;
	int pid;
	int tgid;
	__u64 utime;
	__u64 stime;
	__u64 gtime;
	__u64 start_boottime;
	char comm[16];
	unsigned long nvcsw;
	unsigned long nivcsw;
} __attribute__((preserve_access_index));

/* before 5.14 (__state) and 5.16 on x86 (thread_info.cpu) */
struct task_struct___old {
	long state;
	unsigned int cpu;
} __attribute__((preserve_access_index));

struct seq_file;

struct bpf_iter_meta {
	struct seq_file *seq;
} __attribute__((preserve_access_index));

struct bpf_iter__task {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
} __attribute__((preserve_access_index));

/* KVM: the vCPU as kvm_exit hands it over; each vendor's vCPU begins with it (kvm_amd's and kvm_intel's BTF) */
struct kvm_vcpu;

struct vmcb_control_area {
	__u32 exit_code;
} __attribute__((preserve_access_index));

struct vmcb {
	struct vmcb_control_area control;
} __attribute__((preserve_access_index));

struct vcpu_svm {
	struct vmcb *vmcb;
} __attribute__((preserve_access_index));

union vmx_exit_reason {
	__u32 full;
} __attribute__((preserve_access_index));

struct vcpu_vmx {
	union vmx_exit_reason exit_reason;
} __attribute__((preserve_access_index));

#endif

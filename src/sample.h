/* sample.h - raw counters read from the host at one instant: what collectors fill and the model reads. */
#ifndef VMTOP_SAMPLE_H
#define VMTOP_SAMPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

#include "bpf/exits_events.h"

#define VM_NAME_MAX 128
#define COMM_MAX 32
#define IFNAME_MAX 16

/* What a thread of a VM process does for the VM. */
enum thread_role {
	ROLE_VCPU,	/* runs KVM_RUN for one vCPU */
	ROLE_VHOST,	/* vhost worker (kernel thread vhost-PID or vhost task in the process) */
	ROLE_IO,	/* VMM I/O thread (qemu "IO ...", "worker") */
	ROLE_KVM,	/* KVM's own worker living in the process (kvm-nx-lpage-re, kvm-pit) */
	ROLE_OTHER,	/* main loop, emulator, everything else */
	ROLE__COUNT
};

/* Cumulative counters of one thread (clock ticks of USER_HZ unless noted). */
struct thread_sample {
	pid_t tid;
	enum thread_role role;
	int vcpu_index;			/* -1 unless role == ROLE_VCPU */
	char comm[COMM_MAX];
	unsigned long long utime;	/* includes guest time (kernel rule) */
	unsigned long long stime;
	unsigned long long gtime;
	unsigned long long start_ticks;	/* since boot; tells a reused TID apart */
	unsigned long long run_delay_ns;	/* schedstat: time runnable, waiting for a CPU */
	bool run_delay_valid;
	int last_cpu;
};

/* A tap (or other tun/tap) device a VM holds, with its counters (collect_net). */
struct tap_sample {
	char ifname[IFNAME_MAX];
	char bridge[IFNAME_MAX];	/* master device, "" when none */
	bool counters_valid;
	unsigned long long rx_bytes, tx_bytes, rx_packets, tx_packets;
};

#define MEM_NODES_MAX 16
#define MEM_CPUS_MAX 1024		/* CPUs whose NUMA node is kept */
/* Unknown for the signed figures that can be negative (KSM profits). */
#define MEM_UNKNOWN_SIGNED LLONG_MIN

/* Where a VM's memory is (collect_mem): KiB; -1 where unknown (not read yet, or the kernel lacks the field). */
struct vm_mem_sample {
	long long anon_kib, file_kib, shmem_kib, swap_kib;	/* /proc/PID/status */
	long long thp_kib, hugetlb_kib;			/* smaps_rollup, read every few seconds */
	long long majflt, majflt_prev;			/* the process's major faults (all its threads): */
	double majflt_mono, majflt_prev_mono;		/* the last two readings and when (0: none) */
	int nnodes;					/* numa_maps nodes read, -1 unknown */
	long long node_kib[MEM_NODES_MAX];
	long long ksm_merging_pages, ksm_rmap_items, ksm_zero_pages;	/* ksm_stat */
	long long ksm_profit_bytes;	/* MEM_UNKNOWN_SIGNED unknown: negative when the rmap items cost more */
	/* ksm_stat's ksm_mergeable (some of its memory is offered to KSM: qemu's mem-merge) and ksm_merge_any (all of
	 * it, prctl PR_SET_MEMORY_MERGE): 1 yes, 0 no, -1 unknown (kernels before 6.6 do not say) */
	signed char ksm_mergeable, ksm_merge_any;
};

/* A VM process's memory counters as its threads source read them: the eBPF iterator reads the kernel's own (what
 * /proc/PID/status, stat and ksm_stat print), so the memory source need not read those files; valid false from
 * /proc, where the memory source reads them. -1 unknown (MEM_UNKNOWN_SIGNED for the profit). */
struct vm_mm_counters {
	bool valid;
	long long anon_kib, file_kib, shmem_kib, swap_kib, hugetlb_kib, majflt;
	long long ksm_merging_pages, ksm_rmap_items, ksm_zero_pages, ksm_profit_bytes;
};

/* What a guest's balloon driver says of its memory, where it reports statistics, in one table:
 * X(ID, JSON's key, libvirt's balloon stat, qemu's guest-stats key, 1 where qemu gives bytes) */
#define BALLOON_STATS(X)                                                                   \
	X(UNUSED_KIB, "unused_kib", "balloon.unused", "stat-free-memory", 1)               \
	X(AVAILABLE_KIB, "available_kib", "balloon.available", "stat-total-memory", 1)     \
	X(USABLE_KIB, "usable_kib", "balloon.usable", "stat-available-memory", 1)          \
	X(DISK_CACHES_KIB, "disk_caches_kib", "balloon.disk_caches", "stat-disk-caches", 1) \
	X(SWAP_IN_KIB, "swap_in_kib", "balloon.swap_in", "stat-swap-in", 1)                \
	X(SWAP_OUT_KIB, "swap_out_kib", "balloon.swap_out", "stat-swap-out", 1)            \
	X(MAJOR_FAULTS, "major_faults", "balloon.major_fault", "stat-major-faults", 0)     \
	X(MINOR_FAULTS, "minor_faults", "balloon.minor_fault", "stat-minor-faults", 0)     \
	X(LAST_UPDATE, "last_update", "balloon.last-update", "last-update", 0)
#define BSTAT_ENUM(id, json, libvirt, qemu, bytes) BSTAT_##id,
enum balloon_stat { BALLOON_STATS(BSTAT_ENUM) BSTAT__COUNT };
#undef BSTAT_ENUM

/* A VM's balloon as its VMM (collect_qmp) or libvirt (collect_libvirt) reports it. */
struct balloon_sample {
	char source[8];			/* "qmp", "libvirt", "" when unknown (reason says why) */
	long long actual_kib, target_kib;	/* -1 unknown */
	char reason[96];
	unsigned stats_known;		/* bit (1 << enum balloon_stat) per statistic the guest reported */
	long long stats[BSTAT__COUNT];
};
#define BALLOON_UNKNOWN ((struct balloon_sample){ .source = "", .actual_kib = -1, .target_kib = -1 })

/* One statistic of b, -1 when the guest did not report it (all are sizes or counts: none is below 0). */
static inline long long balloon_stat(const struct balloon_sample *b, enum balloon_stat k)
{
	return b->stats_known >> k & 1 ? b->stats[k] : -1;
}

/* One KVM virtual machine: a process holding an anon_inode:kvm-vm descriptor. */
struct vm_sample {
	pid_t pid;
	unsigned long long start_ticks;
	char name[VM_NAME_MAX];
	char uuid[40];			/* libvirt/qemu -uuid, "" when none */
	char domain[VM_NAME_MAX];	/* its libvirt domain's name, "" when libvirt does not manage it */
	char vmm[COMM_MAX];		/* process comm: qemu-system-x86, firecracker, ... */
	int nr_vcpus;			/* kvm-vcpu descriptors */
	int vm_fd;			/* its kvm-vm descriptor number, -1 unknown (KVM's debugfs: PID-FD) */
	long long mem_config_kib;	/* configured guest RAM, -1 when unknown */
	unsigned long long rss_kib;
	char qmp_path[108];		/* the VMM's QMP unix socket from its command line, "" when none */
	struct vm_mem_sample mem;
	struct vm_mm_counters mm;	/* from the threads source, for the memory source */
	struct balloon_sample balloon;
	bool uses_vhost_net;
	unsigned long long netns_ino;	/* network namespace of the process, 0 unknown */
	struct thread_sample *threads;	/* vCPUs first, by index; then the rest */
	size_t nthreads;
	struct tap_sample *taps;
	size_t ntaps;
};

/* /proc/stat tick counters of one CPU line. */
struct cpu_ticks {
	unsigned long long user, nice, system, idle, iowait, irq, softirq, steal, guest, guest_nice;
};

/* Components of the perf module split (collect_perf, ksyms). */
enum component {
	COMP_GUEST,
	COMP_VMM_USER,
	COMP_KVM,
	COMP_KVM_VENDOR,
	COMP_VHOST,
	COMP_TUN,
	COMP_BRIDGE,
	COMP_NIC,
	COMP_OTHER_KERNEL,
	COMP_HOST_USER,		/* user space of processes that are not VMs */
	COMP__COUNT
};

/* Samples one thread earned in one interval, by component. */
struct perf_thread_counts {
	pid_t tid;
	unsigned long counts[COMP__COUNT];
	unsigned long ioctl;	/* of counts[COMP_OTHER_KERNEL]: reached through the ioctl system call (KSYM_IOCTL) */
};

/* perf_func_count.comp of those: the model charges them to kvm on a vCPU thread, whose ioctls are KVM's (KVM_RUN),
 * else to other_kernel. Fixed, not COMP__COUNT, so that recordings keep their meaning if components are added. */
#define PERF_COMP_IOCTL 64

#define KFUNC_NAME_MAX 64

/* Kernel samples of one thread in one component by function (collected only when asked, names copied so that
 * a recording holds them): the leaf function, and the caller whose frame charged the component when the leaf is
 * code of none (via, "" when the leaf itself belongs to the component). */
struct perf_func_count {
	pid_t tid;
	int comp;			/* enum component, or PERF_COMP_IOCTL */
	unsigned long count;
	char func[KFUNC_NAME_MAX];
	char via[KFUNC_NAME_MAX];
};

/* What system-wide sampling saw in the interval ending at this sample. */
struct perf_sample {
	bool enabled;			/* sampling is running (when not, sources[PART_PERF].why says why) */
	unsigned sample_hz;
	char vendor[32];		/* kvm_intel, kvm_amd, kvm_pvm, or "" */
	char split_by[16];		/* how kernel IPs are told apart: "modules" or "symbol names" */
	bool kernel_split;		/* kernel samples split by component: symbol addresses readable */
	unsigned long total_samples;
	unsigned long lost_samples;
	unsigned long sample_bytes;	/* ring bytes the samples took (callchains make them vary): the cost */
	unsigned long host_counts[COMP__COUNT];	/* samples in no VM's thread (swapper, softirq on others) */
	struct perf_thread_counts *threads;	/* sorted by tid */
	size_t nthreads;
	/* Kernel functions (source_args.kernel_functions): wanted; valid when this whole interval was split by
	 * function; why says what stops or delays it ("" when valid). */
	bool funcs_wanted, funcs_valid;
	char funcs_why[160];
	struct perf_func_count *funcs;	/* sorted by tid */
	size_t nfuncs;
};

/* The exits part (collect_exits.c: source "bpf"; collect_exits_debugfs.c: "debugfs"). Counts are cumulative since
 * the source first saw the key; the model turns two samples into rates (model_exits.c). The keys' meaning is
 * bpf/exits_events.h's: ev an enum exits_event, arg what that header says for it. */

/* One count: events of one kind and key, by one vCPU thread (counts) or by one whole VM (vm_counts). */
struct exit_count {
	pid_t tid;			/* the thread; in vm_counts the VM's PID */
	unsigned ev;			/* enum exits_event */
	unsigned long long arg;		/* the key (bpf/exits_events.h); EXITS_ARG_ALL: every key together */
	unsigned long long count;
	unsigned long long ns;		/* EXIT: summed exit-to-entry time, 0 where the source cannot time exits */
};

/* The order counts and vm_counts are kept in: tid, ev, arg (qsort's form; inline: the bpf source's insertion
 * sort calls it per step). */
static inline int exit_count_cmp(const void *a, const void *b)
{
	const struct exit_count *x = a, *y = b;
	if (x->tid != y->tid)
		return (x->tid > y->tid) - (x->tid < y->tid);
	if (x->ev != y->ev)
		return (x->ev > y->ev) - (x->ev < y->ev);
	return (x->arg > y->arg) - (x->arg < y->arg);
}

/* What the exits source counted up to this sample; valid false (sources[PART_EXITS].why says why) when none. */
struct exits_sample {
	bool valid;			/* a source filled it */
	double mono, realtime;		/* when its counters were read (later than the sample's start) */
	bool live[EXITS_EV__COUNT];	/* the source counts this event here (bpf: the tracepoint is attached) */
	bool off[EXITS_EV__COUNT];	/* left out on purpose: kvm_emulate_insn without --exits=all */
	bool per_thread;		/* counts are per vCPU thread; false: only vm_counts (debugfs) */
	bool timed;			/* EXIT counts carry their exit-to-entry time (ns) */
	unsigned long long drops;	/* events whose key found the map full, since start */
	struct exit_count *counts;	/* per thread, sorted by tid, ev, arg */
	size_t ncounts;
	struct exit_count *vm_counts;	/* per VM where the source cannot tell threads apart, sorted likewise */
	size_t nvm_counts;
};

/* The parts of a sample, in the order they are filled (a part may use what an earlier one read: net the taps
 * discovery found). Each is filled by one source (collect.c) and read by one model stage (model.c). */
enum sample_part {
	PART_STAT,	/* /proc/stat CPU ticks, memory, uptime, load */
	PART_THREADS,	/* the VMs and their threads' counters */
	PART_PERF,	/* perf samples by thread and component */
	PART_NET,	/* the VMs' tap counters and bridges */
	PART_MEM,	/* the VMs' memory (status, smaps_rollup, numa_maps, ksm_stat) and the host's KSM, THP, swap */
	PART_DOMAINS,	/* the libvirt domains among the VMs: names, balloons (before the QMP balloons: not asked twice) */
	PART_BALLOON,	/* the VMs' balloons (QMP) */
	PART_EXITS,	/* KVM events per vCPU thread: exit reasons, exits to the VMM, ports, MMIO, MSRs, vectors */
	PART__COUNT
};

/* Which source filled a part: name "" when none could (why says why); why is also set when the part fell
 * back from a source it prefers (e.g. "bpf: needs CAP_BPF" with name "proc"). */
struct source_status {
	char name[16];
	char why[160];
};

/* /sys/kernel/mm/ksm files, in this order; MEM_UNKNOWN_SIGNED where the kernel has none. */
enum ksm_field {
	KSM_RUN, KSM_PAGES_TO_SCAN, KSM_SLEEP_MS, KSM_PAGES_SHARED, KSM_PAGES_SHARING, KSM_PAGES_UNSHARED,
	KSM_PAGES_VOLATILE, KSM_FULL_SCANS, KSM_GENERAL_PROFIT, KSM_ZERO_PAGES, KSM_MERGE_ACROSS_NODES, KSM__COUNT
};

#define HUGEPAGE_POOLS_MAX 4

/* The host's memory state beyond meminfo's totals (collect_mem). */
struct host_mem_sample {
	bool valid;			/* the memory source ran */
	long long ksm[KSM__COUNT];
	char thp_enabled[16];		/* the bracketed word of transparent_hugepage/enabled, "" unknown */
	int npools;
	struct { long long size_kib, total, free; } pools[HUGEPAGE_POOLS_MAX];
	long long swap_total_kib, swap_free_kib;	/* -1 unknown */
	double psi_some_avg10, psi_full_avg10;		/* % of time, NAN unknown */
	unsigned long long psi_some_total_us, psi_full_total_us;
	bool psi_valid;
	int ncpu_node;			/* CPUs in cpu_node: 0 when the host's NUMA layout is unknown */
	signed char cpu_node[MEM_CPUS_MAX];	/* the NUMA node of each CPU (/sys/devices/system/node), -1 unknown */
};

/* Everything read at one refresh. */
struct host_sample {
	double mono;			/* CLOCK_MONOTONIC seconds when sampled */
	double realtime;		/* wall clock, seconds since the epoch */
	double uptime;
	int ncpus;			/* highest CPU id + 1 */
	int ncpus_online;		/* CPUs in /proc/stat: fewer than ncpus when some are offline; 0 unknown */
	long clk_tck, page_size;	/* the host's USER_HZ and page size (the stat source's; a recording's) */
	struct cpu_ticks cpu_total;
	struct cpu_ticks *cpus;		/* ncpus entries, indexed by CPU id (zero for offline CPUs) */
	unsigned long long mem_total_kib, mem_avail_kib;
	double loadavg[3];
	struct vm_sample *vms;
	size_t nvms;
	/* Guest-time accounting of this KVM backend (collect_vms). */
	bool guest_time_unreliable;
	char guest_time_why[160];
	char kvm_backend[32];		/* kvm_intel, kvm_amd, kvm_pvm, ... "" unknown */
	bool host_is_guest;		/* the host runs under a hypervisor itself (cpuinfo's hypervisor flag): its VM
					 * entries and exits are emulated beneath it, tens of times slower */
	bool schedstat_valid;
	struct perf_sample perf;
	struct host_mem_sample mem;
	struct exits_sample exits;
	struct source_status sources[PART__COUNT];
	/* One line per source that could not be read, e.g. "perf: needs CAP_PERFMON". */
	char warnings[8][160];
	int nwarnings;
};

void host_sample_init(struct host_sample *s);
void host_sample_clear(struct host_sample *s);
void host_sample_warn(struct host_sample *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The VM of PID pid in s, looked for at index hint first (the caller's own index of it); NULL when none. */
const struct vm_sample *host_sample_find_vm(const struct host_sample *s, pid_t pid, size_t hint);
/* Thread tid of vm, looked for at index hint first (the caller's index of it in another sample); NULL when none. */
const struct thread_sample *vm_sample_find_thread(const struct vm_sample *vm, pid_t tid, size_t hint);
const char *thread_role_name(enum thread_role role);
const char *component_name(enum component c);
const char *sample_part_name(enum sample_part p);	/* "stat", "threads", "perf", "net", "mem", "domains", ... */
const char *balloon_stat_name(enum balloon_stat b);	/* JSON's key: "unused_kib", "major_faults", ... */

#endif

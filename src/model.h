/* model.h - rates and splits computed from two host samples; what every view reads. */
#ifndef VMTOP_MODEL_H
#define VMTOP_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "sample.h"

/*
 * Every percentage is % of one CPU over the interval (top's convention: a VM
 * with 4 busy vCPUs shows 400). NAN means unknown: views print "-" or null.
 */

struct thread_stat {
	pid_t tid;
	enum thread_role role;
	int vcpu_index;
	char comm[COMM_MAX];
	double total, guest, user, kernel, ready;
	double gtime;			/* the kernel's accounted guest time (gtime), whether guest trusts it or not */
	bool guest_estimated;		/* guest from perf samples this interval: the backend's gtime disagreed */
	int guest_includes_switch;	/* 1: exits so frequent that entering and leaving the guest is a material part
					 * of guest (model_exits.c); 0 not; -1 unknown (no guest or exit rate) */
	int last_cpu;
	/* exits (model_exits.c): per second, NAN unknown (no source, a new thread, kvm_exit not observable) */
	double exits_rate, exits_userspace;
	double guest_traced;		/* kvm_entry to kvm_exit, % of one CPU (the exits source); NAN unknown */
	bool guest_is_traced;		/* guest is guest_traced (model_exits.c), not the kernel's tick-sampled gtime */
	int exits_top_ev;		/* EXITS_EV_EXIT or EXITS_EV_USER; -1 none */
	unsigned long long exits_top;	/* its key */
};

/* One key of one event over the interval (model_exits.c). */
struct exit_row {
	unsigned long long arg;		/* the key (bpf/exits_events.h) */
	double rate;			/* per second */
	double time_pct;		/* EXIT: exit-to-entry time, WAKE: time halted, % of one CPU; NAN for the others */
};

#define EXITS_TOP 10			/* rows kept of ports, pages, MSRs, vectors, hypercalls */

struct exits_stat {
	bool valid;			/* a source counted this VM's events over the interval */
	double rate;			/* kvm_exit/s; NAN where kvm_exit is not observable */
	double time_pct;		/* all reasons' exit-to-entry time, % of one CPU */
	double userspace_rate;		/* exits to the VMM /s */
	struct exit_row *rows[EXITS_EV__COUNT];	/* most frequent first */
	size_t nrows[EXITS_EV__COUNT];
	int top_ev;			/* EXITS_EV_EXIT (the top reason) or EXITS_EV_USER; -1 none */
	unsigned long long top;
};

struct net_stat {
	bool valid;
	double rx_bytes, tx_bytes, rx_packets, tx_packets;	/* per second */
};

/* Where a VM's memory is: KiB, -1 unknown; rates NAN unknown. */
struct vm_mem_stat {
	long long config_kib, rss_kib, anon_kib, file_kib, shmem_kib, swap_kib, thp_kib, hugetlb_kib;
	double majflt_rate;		/* major faults per second of all its threads */
	int nnodes;			/* -1 unknown */
	long long node_kib[MEM_NODES_MAX];
	long long ksm_merging_pages, ksm_rmap_items, ksm_zero_pages;
	long long ksm_profit_bytes;	/* MEM_UNKNOWN_SIGNED unknown */
	long long ksm_kib;		/* merging pages in KiB */
	signed char ksm_mergeable, ksm_merge_any;	/* as vm_mem_sample: 1 yes, 0 no, -1 unknown */
	/* vCPUs whose last host CPU is on each node (beside node_kib: is it where its memory is?); unknown when
	 * the host's NUMA layout is */
	bool vcpu_nodes_known;
	int vcpu_nodes[MEM_NODES_MAX];
	long long majflt;		/* the process's major faults since it started, as read; -1 unknown */
	struct balloon_sample balloon;
};

/* One kernel function's part of a VM's component (perf, when asked): % of one CPU over the VM's threads. */
struct func_stat {
	int comp;			/* enum component */
	double pct;
	double share;			/* % of the VM's component; NAN when the component is unknown or 0 */
	char func[KFUNC_NAME_MAX];	/* the leaf */
	char via[KFUNC_NAME_MAX];	/* the caller whose frame charged comp, "" when the leaf did */
};

/* Functions kept per component and VM. */
#define MODEL_FUNCS_PER_COMP 20

/* What a VM used since vmtop first saw it (model_totals.c), for views that export counters: seconds; NAN until a
 * figure is first known. Only known, non-negative interval figures are added, so each one only grows. */
#define VCPU_TOTALS_MAX 256		/* vCPUs kept per VM (by index): bounds what an exporter labels */
#define EXIT_TOTALS_MAX 32		/* exit reasons counted apart per VM and kind; the rest go to other */
/* Exits of one kind (kvm_exit by reason, or exits to the VMM by KVM_EXIT_*) since vmtop first saw the VM. */
struct exit_totals {
	bool known;			/* a source counted them over at least one interval */
	size_t n;
	struct exit_total { unsigned long long arg; double count; } by[EXIT_TOTALS_MAX];	/* arg: the key */
	double other;			/* reasons past the first EXIT_TOTALS_MAX */
};
struct vm_totals {
	pid_t pid;
	unsigned long long start_ticks;
	double created;			/* wall clock of the sample that first listed the VM */
	double guest, vmm_user, kernel, vhost, ready;
	double components[COMP__COUNT], apportioned[COMP__COUNT];
	int nvcpus;			/* entries of vcpu_cpu and vcpu_ready: highest vCPU index seen + 1 */
	double *vcpu_cpu, *vcpu_ready;
	struct exit_totals exits, userspace;
};

struct vm_stat {
	pid_t pid;
	unsigned long long start_ticks;
	char name[VM_NAME_MAX];		/* its libvirt domain's name where it is one, else from its command line */
	char uuid[40];
	bool libvirt;			/* a libvirt domain (its name and balloon from libvirtd) */
	char vmm[COMM_MAX];
	int nr_vcpus;
	long long mem_config_kib;
	unsigned long long rss_kib;
	/* The split: guest + vmm_user + kernel + vhost == total. */
	double total, guest, vmm_user, kernel, vhost, ready;
	bool guest_estimated;		/* guest came from perf samples, not the kernel's accounting */
	double guest_traced;		/* its vCPUs' kvm_entry to kvm_exit, % of one CPU; NAN unknown */
	int guest_includes_switch;	/* 1: a vCPU's guest includes a material world switch, 0 none does, -1 unknown */
	struct thread_stat *threads;	/* vCPUs first by index, then vhost, io, kvm, other */
	size_t nthreads;
	/* Perf split of the VM's own threads (TOTAL in the shares of their samples), and its share of host-side
	 * network work. */
	bool components_valid;
	double components[COMP__COUNT];
	double components_scale;	/* what the samples' own figures were multiplied by to add up to TOTAL */
	double apportioned[COMP__COUNT];	/* only bridge, nic, tun are ever non-zero */
	struct net_stat net;
	struct vm_mem_stat mem;
	struct tap_sample *taps;	/* copies, with bridge names */
	size_t ntaps;
	struct exits_stat exits;
	/* Top kernel functions per component (host_stat.funcs_valid): by component, then pct high first. */
	struct func_stat *funcs;
	size_t nfuncs;
	const struct vm_totals *totals;	/* in model.totals: valid until the next model_update */
};

struct cpu_pct {
	double user, nice, system, idle, iowait, irq, softirq, steal, guest;
};

struct host_stat {
	int ncpus;			/* online CPUs */
	struct cpu_ticks ticks;		/* /proc/stat's all-CPU line as read (cumulative), for views that export counters */
	struct cpu_pct cpu;		/* all CPUs, each field % of all CPUs (sums to 100) */
	int ncpu_ids;			/* entries of cpus: highest CPU id + 1 */
	struct cpu_pct *cpus;		/* per CPU, by id (NAN for an offline one) */
	size_t nvms;
	int nvcpus;
	double vcpu_ratio;		/* vCPUs per host CPU */
	double mem_ratio;		/* configured guest RAM / host RAM, NAN if unknown */
	unsigned long long mem_total_kib, mem_avail_kib;
	double loadavg[3];
	double uptime;
	bool guest_unknown;		/* backend does not account guest time, no estimate */
	bool guest_estimated;		/* guest comes from perf samples */
	char guest_why[160];
	/* perf */
	bool perf_enabled;
	unsigned sample_hz;
	char perf_why_off[160];
	char kvm_vendor[32];
	char kernel_split_by[16];	/* "modules" or "symbol names"; "" when kernel samples are not split */
	unsigned long perf_samples, perf_lost;
	double host_components[COMP__COUNT];	/* all samples host-wide by component, % of one CPU */
	double apportioned_components[COMP__COUNT];	/* the part of those given to VMs */
	/* The split by kernel function: wanted (--functions, the functions view), valid this interval, else why. */
	bool funcs_wanted, funcs_valid;
	char funcs_why[160];
	struct host_mem_sample mem;	/* KSM, THP, pools, swap, PSI as read */
	long long page_kib;		/* the sampled host's page size: KSM counts pages */
	long long ksm_saved_kib;	/* pages_sharing (+ ksm_zero_pages) in KiB, -1 unknown */
	double mem_ratio_after_ksm;	/* (configured guest RAM - ksm_saved_kib) / host RAM, NAN unknown */
	struct source_status sources[PART__COUNT];	/* which source filled each part, and why not */
	/* exits: which events are live, whether kvm_exit is observable, the host's totals */
	bool exits_valid;
	bool exits_live[EXITS_EV__COUNT];
	bool exits_off[EXITS_EV__COUNT];	/* not counted on purpose (kvm_emulate_insn without --exits=all) */
	bool exits_observable;		/* kvm_exit fires here (not under kvm_pvm) */
	bool exits_per_vcpu;		/* counted per vCPU thread (bpf); debugfs: per VM only */
	bool exits_timed;		/* reasons carry their exit-to-entry time (bpf) */
	char exits_note[160];		/* why kvm_exit is not observable, "" when it is */
	const char *guest_switch;	/* how the backend enters and leaves a guest: "hardware" (VMX/SVM), "nested"
					 * (VMX/SVM of a host that is a guest itself), "software" (kvm_pvm), NULL unknown */
	int guest_switch_vcpus;		/* vCPUs (VMs where counted per VM) whose guest includes the switch */
	unsigned long long exits_drops;
	double exits_time, exits_interval;	/* when the counters were read (wall clock), and since the last read */
	double exits_rate, exits_userspace_rate;
	char warnings[8][160];
	int nwarnings;
};

struct model {
	double time;			/* wall clock of the newer sample */
	double interval;		/* seconds between the two samples */
	struct host_stat host;
	struct vm_stat *vms;
	size_t nvms;
	struct vm_totals *totals;	/* every VM of the last sample (before -p), sorted by pid */
	size_t ntotals;
};

void model_init(struct model *m);
void model_free(struct model *m);
/* What one VM of the model holds (threads, taps, exit rows): for a view that drops VMs from it (-p). */
void model_vm_free(struct vm_stat *v);
/* Turns two samples of the same host into rates; prev may be NULL (first refresh: no rates). */
void model_update(struct model *m, const struct host_sample *prev, const struct host_sample *cur);
const struct vm_stat *model_find_vm(const struct model *m, pid_t pid);
/* What one entry and exit of a guest is taken to cost, in us, by how the backend switches (host_stat.guest_switch). */
double model_switch_us(const char *guest_switch);
/* Whether a GUEST of guest % of one CPU, with exits_rate exits/s of switch_us each, is partly the world switch
 * (model_exits.c): 1 yes, 0 no, -1 unknown (either NAN). */
int model_guest_includes_switch(double guest, double exits_rate, double switch_us);

#endif

/* threads_rec.h - one record per VM thread, as threads.bpf.c writes it and collect_bpf.c reads it. */
#ifndef VMTOP_BPF_THREADS_REC_H
#define VMTOP_BPF_THREADS_REC_H

/* Raw kernel values: times in ns (utime and stime before the kernel's cputime_adjust), rss in pages. */
struct vmtop_thread_rec {
	__u32 tid, tgid;
	char comm[16];
	__u64 utime, stime, gtime;
	__u64 sum_exec_runtime;
	__u64 run_delay;
	__u64 start_boottime;
	__s64 rss_pages;
	__u32 cpu;
	__u32 state;			/* __state (or state before 5.14) */
	__u32 exit_state;
	__u32 flags;
	__u32 has_sched_info;		/* CONFIG_SCHED_INFO: run_delay is real */
	__u32 is_leader;		/* tid == tgid: the process's counters below are filled */
	__u64 maj_flt;			/* this thread's major faults */
	/* the process's, in the leader's record: what /proc/PID/status, stat and ksm_stat print, -1 unknown */
	__u64 sig_maj_flt;		/* major faults of its threads that exited */
	__s64 mm_file, mm_anon, mm_swap, mm_shmem;	/* pages */
	__s64 hugetlb_pages;
	__s64 ksm_merging_pages, ksm_rmap_items, ksm_zero_pages;
	__u32 ksm_rmap_item_size;	/* sizeof(struct ksm_rmap_item), 0 unknown: for ksm_process_profit */
	__u32 pad;
};

#endif

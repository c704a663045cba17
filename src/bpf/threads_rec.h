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
	__u32 pad;
};

#endif

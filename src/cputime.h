/* cputime.h - a thread's exact run time split into user, system and guest time as the kernel does it for /proc, with
 * guest time scaled alike (for the eBPF thread source, which reads the raw counters). */
#ifndef VMTOP_CPUTIME_H
#define VMTOP_CPUTIME_H

/* Per thread, what the kernel's cputime_adjust keeps in prev_cputime (ns already reported: the split never goes
 * back), and the guest time reported with the tick-sampled counters it was scaled from. */
struct cputime_prev {
	unsigned long long utime, stime, gtime;
	unsigned long long raw_utime, raw_gtime;
};

/* Splits sum_exec_runtime RT (ns) in the ratio of the tick-sampled UTIME and STIME (ns) into P's utime and stime;
 * GTIME, sampled within UTIME, gets the scale this call gave utime's growth. */
void cputime_adjust(struct cputime_prev *p, unsigned long long rt, unsigned long long utime, unsigned long long stime,
		    unsigned long long gtime);

#endif

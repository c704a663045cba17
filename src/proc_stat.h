/* proc_stat.h - the fields vmtop uses from a /proc/PID/stat or /proc/PID/task/TID/stat line. */
#ifndef VMTOP_PROC_STAT_H
#define VMTOP_PROC_STAT_H

#include <stdbool.h>

#include "sample.h"

struct proc_stat {
	char comm[COMM_MAX];
	char state;				/* R, S, D, Z, ... */
	unsigned long flags;			/* PF_* (PF_KTHREAD marks kernel threads) */
	unsigned long long majflt;		/* major faults: of the whole thread group in /proc/PID/stat */
	unsigned long long utime, stime;	/* ticks; utime includes guest time (kernel rule) */
	unsigned long long gtime;		/* ticks in guest mode */
	unsigned long long start_ticks;		/* since boot */
	long num_threads;			/* of its process */
	unsigned long long rss_pages;		/* of its process (threads share it) */
	int processor;				/* the CPU it last ran on */
};

/* Parses a stat line (NUL-terminated). The name may hold spaces and parentheses: it ends at the last ')'. */
bool proc_stat_parse(const char *line, struct proc_stat *ps);

#endif

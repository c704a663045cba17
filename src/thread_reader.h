/* thread_reader.h - the threads of chosen processes (VMMs, vhost workers) with their stat and schedstat, read
 * refresh after refresh through descriptors kept open, re-reading stat only for threads that ran. */
#ifndef VMTOP_THREAD_READER_H
#define VMTOP_THREAD_READER_H

#include <stdbool.h>
#include <sys/types.h>

#include "proc_stat.h"
#include "sample.h"

struct thread_info {
	pid_t tid;
	struct proc_stat stat;
	bool run_delay_valid;			/* schedstat readable (CONFIG_SCHED_INFO) */
	unsigned long long run_delay_ns;	/* time runnable, waiting for a CPU */
	struct vm_mm_counters mm;		/* the process's, in its leader's (eBPF only: not valid from /proc) */
};

struct thread_reader;

/* One read of schedstat: on-CPU ns, run delay ns, arrivals on a CPU. */
struct sched_seen {
	unsigned long long exec_ns, delay_ns, pcount;
};
/* Whether a thread may have run since schedstat read prev (then its stat must be read again): the schedstat
 * moved, or stat last showed it running (state R). schedstat's on-CPU time moves only at scheduler events; on
 * a nohz_full CPU a vCPU that runs on has none but the remote tick, once a second, while its stat is current. */
bool thread_reader_may_have_run(const struct sched_seen *prev, const struct sched_seen *cur, char last_state);

struct thread_reader *thread_reader_new(void);
/* The live threads of process PID (a kernel thread: itself), sorted by TID; 0 when it is gone. *out is valid
 * until the next call for the same PID or thread_reader_end. *replaced: the PID now belongs to another process
 * than at the last read (its threads are the new process's). */
size_t thread_reader_read(struct thread_reader *tr, pid_t pid, const struct thread_info **out, bool *replaced);
/* Ends a refresh: processes not read since the previous end are forgotten and their descriptors closed. */
void thread_reader_end(struct thread_reader *tr);
/* Descriptors held open now (for tests and the fd budget). */
long thread_reader_fds(const struct thread_reader *tr);
void thread_reader_free(struct thread_reader *tr);

#endif

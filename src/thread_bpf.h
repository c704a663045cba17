/* thread_bpf.h - the threads of chosen processes (VMMs, vhost workers) read in one eBPF task-iterator pass per
 * refresh: the same thread_info as thread_reader.c gives from /proc, at a fraction of its system calls. */
#ifndef VMTOP_THREAD_BPF_H
#define VMTOP_THREAD_BPF_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "thread_reader.h"

struct thread_bpf;

/* Loads the iterator, with the eBPF parts also names (bpf_load.h) if it is the first to load. NULL with why set
 * where it cannot run: no BTF, kernel before 5.8, no CAP_BPF and CAP_PERFMON, or the kernel refused the program. */
struct thread_bpf *thread_bpf_new(unsigned also, char *why, size_t whylen);
/* Starts a refresh: the processes to read (their tgids go into the iterator's map), then one pass over the
 * host's tasks. 0, or -errno when the pass failed (reads then find nothing). */
int thread_bpf_begin(struct thread_bpf *tb, const pid_t *pids, size_t n);
/* As thread_reader_read: the threads of PID from this refresh's pass, sorted by TID; 0 when it is gone. */
size_t thread_bpf_read(struct thread_bpf *tb, pid_t pid, const struct thread_info **out, bool *replaced);
/* Ends a refresh: processes not read in it are forgotten. */
void thread_bpf_end(struct thread_bpf *tb);
/* The processes that created a KVM vCPU since the last call (a PID may come more than once; the descriptor is
 * installed a moment after): 0, or -1 when there is no such news here (no tracepoint for it) or some was lost
 * (then rescan as without it). */
int thread_bpf_news(struct thread_bpf *tb, const pid_t **pids, size_t *n);
void thread_bpf_free(struct thread_bpf *tb);

#endif

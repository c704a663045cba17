/* thread_read_cost.c - CPU per refresh of reading the threads of given processes with each reader, in one run,
 * interleaved: thread_reader.c (/proc, descriptors kept open) and thread_bpf.c (one task-iterator pass).
 * usage: thread_read_cost REFRESHES PID...   (as root; prints figures, asserts nothing) */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "thread_bpf.h"
#include "thread_reader.h"
#include "util.h"

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One refresh with either reader; returns the threads read. */
static size_t refresh(struct thread_reader *tr, struct thread_bpf *tb, const pid_t *pids, int n)
{
	size_t threads = 0;
	if (tb)
		thread_bpf_begin(tb, pids, (size_t)n);
	for (int i = 0; i < n; i++) {
		const struct thread_info *ti;
		bool replaced;
		threads += tb ? thread_bpf_read(tb, pids[i], &ti, &replaced) : thread_reader_read(tr, pids[i], &ti, &replaced);
	}
	if (tb)
		thread_bpf_end(tb);
	else
		thread_reader_end(tr);
	return threads;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: thread_read_cost REFRESHES PID...\n");
		return 2;
	}
	int rounds = atoi(argv[1]), n = argc - 2;
	pid_t *pids = xcalloc((size_t)n, sizeof(*pids));
	for (int i = 0; i < n; i++)
		pids[i] = (pid_t)atoi(argv[i + 2]);
	char why[160];
	double t0 = cpu_now();
	struct thread_bpf *tb = thread_bpf_new(0, why, sizeof(why));
	double load = cpu_now() - t0;
	if (!tb) {
		printf("eBPF reader not available: %s\n", why);
		return 77;
	}
	struct thread_reader *tr = thread_reader_new();
	size_t nt[2] = { refresh(tr, NULL, pids, n), refresh(NULL, tb, pids, n) };	/* first reads open files */
	double cost[2] = { 0, 0 };
	for (int r = 0; r < rounds; r++)
		for (int k = 0; k < 2; k++) {
			double a = cpu_now();
			nt[k] = refresh(k ? NULL : tr, k ? tb : NULL, pids, n);
			cost[k] += cpu_now() - a;
		}
	printf("%d processes, %d refreshes each, interleaved; eBPF load and attach %.1f ms\n", n, rounds, load * 1e3);
	printf("proc: %zu threads, %.3f ms CPU per refresh\n", nt[0], cost[0] / rounds * 1e3);
	printf("bpf:  %zu threads, %.3f ms CPU per refresh\n", nt[1], cost[1] / rounds * 1e3);
	thread_reader_free(tr);
	thread_bpf_free(tb);
	free(pids);
	return 0;
}

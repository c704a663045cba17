/* threads_agree.c - reads the same processes' threads with both readers (/proc: thread_reader.c, eBPF:
 * thread_bpf.c) at two instants and checks they agree: the same threads, names, start times and states, and per
 * thread the growth of utime and stime within one tick, gtime within a tenth (eBPF's is scaled), run_delay within
 * one tick's ns.
 * Each eBPF pass is taken between two /proc reads, and its growth must lie within what they allow.
 * usage: threads_agree SECONDS PID...   exit 0 agree, 1 disagree, 77 when the eBPF reader cannot load here. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "thread_bpf.h"
#include "thread_reader.h"
#include "util.h"

#define MAX_THREADS 4096

struct snap {
	struct thread_info t[MAX_THREADS];
	pid_t tgid[MAX_THREADS];
	size_t n;
};

static void take(struct snap *s, struct thread_reader *tr, struct thread_bpf *tb, pid_t *pids, int npids, bool bpf)
{
	s->n = 0;
	if (bpf)
		thread_bpf_begin(tb, pids, (size_t)npids);
	for (int i = 0; i < npids; i++) {
		const struct thread_info *ti;
		bool replaced;
		size_t n = bpf ? thread_bpf_read(tb, pids[i], &ti, &replaced) : thread_reader_read(tr, pids[i], &ti, &replaced);
		for (size_t k = 0; k < n && s->n < MAX_THREADS; k++) {
			s->tgid[s->n] = pids[i];
			s->t[s->n++] = ti[k];
		}
	}
	if (bpf)
		thread_bpf_end(tb);
	else
		thread_reader_end(tr);
}

static const struct thread_info *find(const struct snap *s, pid_t tid)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->t[i].tid == tid)
			return &s->t[i];
	return NULL;
}

/* Counter k of a thread: utime, stime, gtime in ticks, run_delay in ns. */
static long long counter(const struct thread_info *t, int k)
{
	switch (k) {
	case 0: return (long long)t->stat.utime;
	case 1: return (long long)t->stat.stime;
	case 2: return (long long)t->stat.gtime;
	default: return (long long)t->run_delay_ns;
	}
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: threads_agree SECONDS PID...\n");
		return 2;
	}
	double seconds = atof(argv[1]);
	int npids = argc - 2;
	pid_t *pids = xcalloc((size_t)npids, sizeof(*pids));
	for (int i = 0; i < npids; i++)
		pids[i] = (pid_t)atoi(argv[i + 2]);
	char why[160] = "";
	struct thread_bpf *tb = thread_bpf_new(0, why, sizeof(why));
	if (!tb) {
		printf("eBPF reader not available: %s\n", why);
		return 77;
	}
	struct thread_reader *tr = thread_reader_new();
	/* each eBPF pass between two /proc reads: a thread's counters may grow while the readers take turns
	 * (run_delay in one lump when a thread that waited gets a CPU), so eBPF's growth over the interval must
	 * lie within what /proc's readings around it allow, give or take one tick */
	static struct snap pa0, b0, pb0, pa1, b1, pb1;
	take(&pa0, tr, tb, pids, npids, false);
	take(&b0, tr, tb, pids, npids, true);
	take(&pb0, tr, tb, pids, npids, false);
	struct timespec ts = { (time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9) };
	nanosleep(&ts, NULL);
	take(&pa1, tr, tb, pids, npids, false);
	take(&b1, tr, tb, pids, npids, true);
	take(&pb1, tr, tb, pids, npids, false);

	long long tick_ns = 1000000000LL / clk_tck();
	int bad = 0, compared = 0;
	long long worst = 0, ran = 0;
	if (pa0.n != b0.n || pa1.n != b1.n) {
		printf("thread counts differ: /proc %zu then %zu, eBPF %zu then %zu\n", pa0.n, pa1.n, b0.n, b1.n);
		bad++;
	}
	static const char *const what[] = { "utime", "stime", "gtime", "run_delay" };
	for (size_t i = 0; i < pa1.n; i++) {
		pid_t tid = pa1.t[i].tid;
		const struct thread_info *p[4] = { find(&pa0, tid), find(&pb0, tid), &pa1.t[i], find(&pb1, tid) };
		const struct thread_info *ba = find(&b0, tid), *bb = find(&b1, tid);
		if (!p[0] || !p[1] || !p[3] || !ba || !bb) {
			printf("tid %d (of %d): not seen by both readers each time\n", (int)tid, (int)pa1.tgid[i]);
			bad++;
			continue;
		}
		if (strcmp(p[2]->stat.comm, bb->stat.comm) || p[2]->stat.start_ticks != bb->stat.start_ticks ||
		    (p[2]->stat.state == 'Z') != (bb->stat.state == 'Z')) {
			printf("tid %d: /proc '%s' start %llu state %c, eBPF '%s' start %llu state %c\n", (int)tid,
			       p[2]->stat.comm, p[2]->stat.start_ticks, p[2]->stat.state, bb->stat.comm,
			       bb->stat.start_ticks, bb->stat.state);
			bad++;
		}
		if (p[2]->run_delay_valid != bb->run_delay_valid) {
			printf("tid %d: run_delay valid for one reader only\n", (int)tid);
			bad++;
		}
		ran += counter(p[2], 0) + counter(p[2], 1) - counter(p[0], 0) - counter(p[0], 1);
		for (int k = 0; k < 4; k++) {
			if (k == 3 && !bb->run_delay_valid)
				continue;
			long long lo = counter(p[2], k) - counter(p[1], k), hi = counter(p[3], k) - counter(p[0], k);
			long long got = counter(bb, k) - counter(ba, k);
			/* gtime: /proc's is as sampled, eBPF's scaled as utime is to the exact run time (scale_gtime):
			 * off by what the ticks missed or added, a few percent */
			long long tol = k == 3 ? tick_ns : k == 2 ? 1 + hi / 10 : 1;
			long long off = got < lo ? lo - got : got > hi ? got - hi : 0;
			if (k < 3 && off > worst)
				worst = off;
			if (off > tol) {
				printf("tid %d (%s): %s grew by %lld under eBPF, by %lld to %lld under /proc\n", (int)tid,
				       p[2]->stat.comm, what[k], got, lo, hi);
				bad++;
			}
		}
		if (counter(bb, 2) - counter(ba, 2) > counter(bb, 0) - counter(ba, 0)) {
			printf("tid %d (%s): gtime grew more than utime under eBPF\n", (int)tid, p[2]->stat.comm);
			bad++;
		}
		compared++;
	}
	printf("%d threads of %d processes compared over %.1f s (%lld ticks run): worst difference %lld tick(s), "
	       "%d disagreements\n", compared, npids, seconds, ran, worst, bad);
	thread_reader_free(tr);
	thread_bpf_free(tb);
	free(pids);
	return bad || !compared ? 1 : 0;
}

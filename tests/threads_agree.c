/* threads_agree.c - reads the same processes' threads with both readers (/proc: thread_reader.c, eBPF:
 * thread_bpf.c) at two instants and checks they agree: the same threads, names, start times and states, and per
 * thread the growth of utime, stime and gtime within one tick, run_delay within one tick's ns.
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

static long long grow(unsigned long long b, unsigned long long a)
{
	return (long long)(b - a);
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
	struct thread_bpf *tb = thread_bpf_new(why, sizeof(why));
	if (!tb) {
		printf("eBPF reader not available: %s\n", why);
		return 77;
	}
	struct thread_reader *tr = thread_reader_new();
	static struct snap p0, b0, p1, b1;
	take(&p0, tr, tb, pids, npids, false);
	take(&b0, tr, tb, pids, npids, true);
	struct timespec ts = { (time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9) };
	nanosleep(&ts, NULL);
	take(&p1, tr, tb, pids, npids, false);
	take(&b1, tr, tb, pids, npids, true);

	long long tick_ns = 1000000000LL / clk_tck();
	int bad = 0, compared = 0;
	long long worst = 0, ran = 0;
	if (p0.n != b0.n || p1.n != b1.n) {
		printf("thread counts differ: /proc %zu then %zu, eBPF %zu then %zu\n", p0.n, p1.n, b0.n, b1.n);
		bad++;
	}
	for (size_t i = 0; i < p1.n; i++) {
		const struct thread_info *pb = &p1.t[i], *pa = find(&p0, pb->tid);
		const struct thread_info *bb = find(&b1, pb->tid), *ba = find(&b0, pb->tid);
		if (!pa || !bb || !ba) {
			printf("tid %d (of %d): not seen by both readers twice\n", (int)pb->tid, (int)p1.tgid[i]);
			bad++;
			continue;
		}
		if (strcmp(pb->stat.comm, bb->stat.comm) || pb->stat.start_ticks != bb->stat.start_ticks ||
		    (pb->stat.state == 'Z') != (bb->stat.state == 'Z')) {
			printf("tid %d: /proc '%s' start %llu state %c, eBPF '%s' start %llu state %c\n", (int)pb->tid,
			       pb->stat.comm, pb->stat.start_ticks, pb->stat.state, bb->stat.comm, bb->stat.start_ticks,
			       bb->stat.state);
			bad++;
		}
		long long d[4] = {
			grow(pb->stat.utime, pa->stat.utime) - grow(bb->stat.utime, ba->stat.utime),
			grow(pb->stat.stime, pa->stat.stime) - grow(bb->stat.stime, ba->stat.stime),
			grow(pb->stat.gtime, pa->stat.gtime) - grow(bb->stat.gtime, ba->stat.gtime),
			0,
		};
		if (pb->run_delay_valid != bb->run_delay_valid) {
			printf("tid %d: run_delay valid for one reader only\n", (int)pb->tid);
			bad++;
		} else if (pb->run_delay_valid) {
			long long dd = grow(pb->run_delay_ns, pa->run_delay_ns) - grow(bb->run_delay_ns, ba->run_delay_ns);
			d[3] = llabs(dd) > tick_ns ? 2 : 0;
		}
		ran += grow(pb->stat.utime + pb->stat.stime, pa->stat.utime + pa->stat.stime);
		for (int k = 0; k < 4; k++) {
			if (llabs(d[k]) > worst && k < 3)
				worst = llabs(d[k]);
			if (llabs(d[k]) > 1) {
				static const char *const what[] = { "utime", "stime", "gtime", "run_delay" };
				printf("tid %d (%s): %s grew by %lld ticks more under /proc than under eBPF\n", (int)pb->tid,
				       pb->stat.comm, what[k], d[k]);
				bad++;
			}
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

/* test_perf_live.c - real system-wide sampling on this host: a child burns user CPU for 1 s at 99 Hz and its
 * TID gets about 99 user samples; a tiny ring at 999 Hz loses samples and counts them; hz 0 is "off".
 * Needs permission for system-wide perf (root, CAP_PERFMON or perf_event_paranoid -1): else SKIP (77). */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "collect_perf.h"
#include "ksyms.h"
#include "unit.h"

/* Burns `seconds` of its own CPU time, not wall time, so a loaded host (or ASan) doesn't thin the samples. */
static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static pid_t burn(double seconds)
{
	pid_t pid = fork();
	if (pid == 0) {
		volatile unsigned long x = 0;
		double end = cpu_now() + seconds;
		while (cpu_now() < end)
			for (int i = 0; i < 100000; i++)
				x += i;
		_exit(0);
	}
	return pid;
}

static unsigned long user_samples(const struct perf_sample *s, pid_t tid)
{
	for (size_t i = 0; i < s->nthreads; i++)
		if (s->threads[i].tid == tid)
			return s->threads[i].counts[COMP_VMM_USER];
	return 0;
}

/* All of a thread's samples, user and kernel: its CPU time includes the interrupts it took (slow under TCG). */
static unsigned long all_samples(const struct perf_sample *s, pid_t tid)
{
	unsigned long n = 0;
	for (size_t i = 0; i < s->nthreads; i++)
		if (s->threads[i].tid == tid)
			for (int c = 0; c < COMP__COUNT; c++)
				n += s->threads[i].counts[c];
	return n;
}

int main(void)
{
	char why[160] = "";
	CHECK(perf_collector_open(0, why, sizeof(why)) == NULL);
	CHECK(strstr(why, "off") != NULL);

	/* perf first: its reason (capability, paranoid level) is the one a user needs */
	struct perf_collector *pc = perf_collector_open(99, why, sizeof(why));
	if (!pc) {
		printf("SKIP: %s\n", why);
		return 77;
	}
	struct ksyms *ks = ksyms_load(why, sizeof(why));
	if (!ks) {
		printf("SKIP: %s\n", why);
		perf_collector_close(pc);
		return 77;
	}
	struct perf_sample s = { 0 };
	perf_collector_read(pc, ks, &s);	/* start of the interval */
	pid_t child = burn(1.0);
	waitpid(child, NULL, 0);
	perf_collector_read(pc, ks, &s);
	unsigned long got = all_samples(&s, child), user = user_samples(&s, child);
	printf("99 Hz, 1 s of CPU: %lu samples for the child (%lu in user mode), %lu in all, %lu lost, vendor \"%s\"\n",
	       got, user, s.total_samples, s.lost_samples, s.vendor);
	CHECK(s.enabled);
	CHECK(s.sample_hz == 99);
	CHECK(got >= 85 && got <= 110);
	CHECK(user >= got / 2);		/* it spins in user mode */
	CHECK(s.lost_samples == 0);
	perf_collector_close(pc);

	/* one page per CPU holds ~120 records: 999 Hz for 1.5 s on the busy CPU overflows it */
	pc = perf_collector_open_ring(999, 1, why, sizeof(why));
	CHECK(pc != NULL);
	if (pc) {
		perf_collector_read(pc, ks, &s);
		child = burn(1.5);
		waitpid(child, NULL, 0);
		perf_collector_read(pc, ks, &s);
		unsigned long kept = user_samples(&s, child), lost = s.lost_samples;
		/* the kernel writes the LOST record once the ring has room again: at the next samples */
		child = burn(0.2);
		waitpid(child, NULL, 0);
		perf_collector_read(pc, ks, &s);
		lost += s.lost_samples;
		printf("999 Hz, 1-page rings: %lu samples kept for the child, %lu lost\n", kept, lost);
		CHECK(lost > 0);
		perf_collector_close(pc);
	}
	free(s.threads);
	ksyms_free(ks);
	return unit_done("test_perf_live");
}

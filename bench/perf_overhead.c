/* perf_overhead.c - what perf sampling costs: the collector's own CPU per second at 99 and 999 Hz with every
 * CPU busy (so there is something to sample), the symbol table's load time, and the slow-down of a CPU-bound
 * loop with sampling on vs off (the kernel's sampling interrupts are charged to the task they interrupt).
 * Prints figures; it is not a test. Build with `make check` (or `make bench/perf_overhead`), run as root:
 *   ./bench/perf_overhead [seconds per measurement, default 5]
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "collect_perf.h"
#include "ksyms.h"

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double self_cpu(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void spin_forever(void)
{
	volatile unsigned long x = 0;
	for (;;)
		x++;
}

/* Fixed work, so its CPU time shows any slow-down. */
static void work(unsigned long iterations)
{
	volatile unsigned long x = 0;
	for (unsigned long i = 0; i < iterations; i++)
		x += i ^ (x >> 3);
}

static pid_t *start_burners(int n)
{
	pid_t *pids = calloc(n, sizeof(*pids));
	for (int i = 0; i < n; i++)
		if ((pids[i] = fork()) == 0)
			spin_forever();
	return pids;
}

static void stop_burners(pid_t *pids, int n)
{
	for (int i = 0; i < n; i++) {
		kill(pids[i], SIGKILL);
		waitpid(pids[i], NULL, 0);
	}
	free(pids);
}

/* The collector's CPU per second of wall time, reading once a second like vmtop's refresh. */
static void collector_cost(unsigned hz, double seconds, const struct ksyms *ks, int ncpus)
{
	char why[160];
	struct perf_collector *pc = perf_collector_open(hz, why, sizeof(why));
	if (!pc) {
		printf("  %4u Hz: %s\n", hz, why);
		return;
	}
	pid_t *burners = start_burners(ncpus);
	struct perf_sample s = { 0 };
	perf_collector_read(pc, ks, &s);
	unsigned long samples = 0, lost = 0, bytes = 0;
	double c0 = self_cpu(), t0 = mono(), reads = 0;
	while (mono() - t0 < seconds) {
		usleep(1000000);
		perf_collector_read(pc, ks, &s);
		samples += s.total_samples;
		lost += s.lost_samples;
		bytes += s.sample_bytes;
		reads++;
	}
	double cpu = self_cpu() - c0, wall = mono() - t0;
	stop_burners(burners, ncpus);
	perf_collector_close(pc);
	free(s.threads);
	printf("  %4u Hz: %.3f ms CPU per second (%.3f%% of one CPU), %.0f samples/s of %.0f bytes, %lu lost, "
	       "%.1f us per read\n", hz, cpu / wall * 1e3, cpu / wall * 100, samples / wall,
	       samples ? (double)bytes / samples : 0.0, lost, cpu / reads * 1e6);
}

/* CPU time of the fixed work in a child, with a collector at hz (0: none) reading once a second. */
static double timed_work(unsigned hz, unsigned long iterations, const struct ksyms *ks)
{
	char why[160];
	struct perf_collector *pc = hz ? perf_collector_open(hz, why, sizeof(why)) : NULL;
	struct perf_sample s = { 0 };
	pid_t child = fork();
	if (child == 0) {
		work(iterations);
		_exit(0);
	}
	int status;
	struct rusage ru;
	while (wait4(child, &status, WNOHANG, &ru) == 0) {
		usleep(200000);
		if (pc)
			perf_collector_read(pc, ks, &s);
	}
	if (pc)
		perf_collector_close(pc);
	free(s.threads);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static double best_of(int n, unsigned hz, unsigned long iterations, const struct ksyms *ks)
{
	double best = 1e30;
	for (int i = 0; i < n; i++) {
		double t = timed_work(hz, iterations, ks);
		if (t < best)
			best = t;
	}
	return best;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 5;
	if (seconds <= 0) {
		fprintf(stderr, "usage: %s [seconds per measurement]\n", argv[0]);
		return 2;
	}
	int ncpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	char why[160];
	double t0 = mono();
	struct ksyms *ks = ksyms_load(why, sizeof(why));
	if (!ks) {
		fprintf(stderr, "perf_overhead: %s\n", why);
		return 1;
	}
	printf("ksyms_load: %.1f ms, %zu address ranges kept, vendor \"%s\"\n", (mono() - t0) * 1e3,
	       ksyms_nranges(ks), ksyms_vendor(ks));

	printf("collector's own CPU, %d CPUs all busy, one read per second, %.0f s each:\n", ncpus, seconds);
	collector_cost(99, seconds, ks, ncpus);
	collector_cost(999, seconds, ks, ncpus);

	/* calibrate the work to about `seconds` of CPU */
	unsigned long iterations = 10000000;
	double t;
	while ((t = timed_work(0, iterations, ks)) < 0.5)
		iterations *= 2;
	iterations = (unsigned long)(iterations * seconds / t);
	double off = best_of(3, 0, iterations, ks);
	double on99 = best_of(3, 99, iterations, ks);
	double on999 = best_of(3, 999, iterations, ks);
	printf("CPU-bound loop, CPU time (best of 3): off %.3f s, 99 Hz %.3f s (%+.2f%%), 999 Hz %.3f s (%+.2f%%)\n",
	       off, on99, (on99 / off - 1) * 100, on999, (on999 / off - 1) * 100);
	ksyms_free(ks);
	return 0;
}

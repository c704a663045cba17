/* mem_cost.c - the memory source's own CPU per refresh over the VMs on this host (start tests/fakehost first, or
 * use bench/mem_cost.sh): the VM list comes from the stat and threads sources, then only mem_source.sample is
 * timed (thread CPU time), refresh after refresh in real time, so its every-2 s and every-10 s files fall due as
 * they would in vmtop; beside it, as a peer measured in the same run on the same VMs, the stat and threads sources
 * that every refresh already pays for.   usage: bench/mem_cost [DELAY_S [SECONDS]]   (prints figures, asserts nothing) */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "collect.h"
#include "util.h"

static double thread_cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double delay = argc > 1 ? atof(argv[1]) : 2.0, seconds = argc > 2 ? atof(argv[2]) : 60;
	const struct source *const table[] = { &stat_source, &vms_source };
	struct source_args args = { 0 };
	char why[256] = "";
	struct collector *c = collector_open(table, 2, &args, why, sizeof(why));
	void *mem = mem_source.open(&args, why, sizeof(why));
	if (!c || !mem) {
		fprintf(stderr, "mem_cost: %s\n", why);
		return 1;
	}
	int n = 0;
	double total = 0, worst = 0, first = 0, peer = 0;
	size_t nvms = 0;
	for (double end = clock_mono() + seconds; clock_mono() < end; n++) {
		struct host_sample s;
		host_sample_init(&s);
		double p0 = thread_cpu();
		collector_sample(c, &s);
		if (n > 0)
			peer += thread_cpu() - p0;
		double t0 = thread_cpu();
		mem_source.sample(mem, &s, why, sizeof(why));
		double dt = thread_cpu() - t0;
		if (n == 0)
			first = dt;	/* every file of every VM at once: start-up, not a refresh */
		else
			total += dt, worst = dt > worst ? dt : worst;
		nvms = s.nvms;
		host_sample_clear(&s);
		usleep((useconds_t)(delay * 1e6));
	}
	printf("VMs %zu  delay %.2f s  refreshes %d  mem source: %.3f ms/refresh amortised, worst %.3f ms, first %.3f ms"
	       " (%.2f us per VM per refresh); peer: stat + threads sources %.3f ms/refresh\n", nvms, delay, n - 1,
	       n > 1 ? total / (n - 1) * 1e3 : 0, worst * 1e3, first * 1e3, n > 1 && nvms ? total / (n - 1) / nvms * 1e6 : 0,
	       n > 1 ? peer / (n - 1) * 1e3 : 0);
	mem_source.close(mem);
	collector_close(c);
	return 0;
}

/* mem_cost.c - the memory source's own CPU per refresh over the VMs on this host (start tests/fakehost first, or
 * use bench/mem_cost.sh): the VM list comes from the stat and threads sources, then only mem_source.sample is
 * timed (thread CPU time), refresh after refresh in real time, so its every-2 s and every-10 s files fall due as
 * they would in vmtop; beside it, as a peer measured in the same run on the same VMs, the stat and threads sources
 * that every refresh already pays for. THREADS=proc: with the /proc threads source (its figures read from files).
 * DETAIL=figures: as for the TUI (no VM's mappings walked), DETAIL=none: as for the text table (no VM's files); by
 * default as for JSON (everything; start-up then lasts until every VM's mappings were walked once, else 10 s).
 *   usage: bench/mem_cost [DELAY_S [SECONDS]]   (prints figures, asserts nothing) */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "collect.h"
#include "util.h"

int main(int argc, char **argv)
{
	double delay = argc > 1 ? atof(argv[1]) : 2.0, seconds = argc > 2 ? atof(argv[2]) : 60;
	/* as vmtop reads threads: the eBPF source where it loads (its counters spare the memory source files), else
	 * /proc; THREADS=proc for the fallback's figure */
	const struct source *const table[] = { &stat_source,
#ifdef HAVE_BPF
		&vms_bpf_source,
#endif
		&vms_source };
	const char *threads = getenv("THREADS");
	const char *detail = getenv("DETAIL");
	struct source_args args = { .threads_proc_only = threads && !strcmp(threads, "proc"),
				    .mem_detail = !detail || !strcmp(detail, "all") ? MEM_DETAIL_ALL :
						  !strcmp(detail, "figures") ? MEM_DETAIL_FIGURES : MEM_DETAIL_NONE };
	char why[256] = "";
	struct collector *c = collector_open(table, sizeof(table) / sizeof(table[0]), &args, why, sizeof(why));
	void *mem = mem_source.open(&args, why, sizeof(why));
	if (!c || !mem) {
		fprintf(stderr, "mem_cost: %s\n", why);
		return 1;
	}
	/* start-up: until every VM has had its first slow reading (paid at most MEM_FIRST_BUDGET_S a refresh); the
	 * steady state: refreshes after it, where the readings come round again within their share of a CPU */
	int n = 0, nstart = 0, nsteady = 0;
	double start = 0, steady = 0, worst = 0, first = 0, peer = 0;
	size_t nvms = 0;
	char threads_name[16] = "";
	bool all_read = false;
	double began = clock_mono();
	for (double end = began + seconds; clock_mono() < end; n++) {
		struct host_sample s;
		host_sample_init(&s);
		double p0 = clock_thread_cpu();
		collector_sample(c, &s);
		if (n > 0)
			peer += clock_thread_cpu() - p0;
		double t0 = clock_thread_cpu();
		mem_source.sample(mem, &s, why, sizeof(why));
		double dt = clock_thread_cpu() - t0;
		if (n == 0) {
			first = dt;
		} else if (all_read) {
			steady += dt, nsteady++;
			worst = dt > worst ? dt : worst;
		} else {
			start += dt, nstart++;
		}
		all_read = s.nvms > 0;
		if (args.mem_detail == MEM_DETAIL_ALL)
			for (size_t i = 0; i < s.nvms; i++)
				all_read &= s.vms[i].mem.nnodes >= 0 || s.vms[i].mem.thp_kib >= 0;
		else
			all_read &= clock_mono() - began >= 10;
		nvms = s.nvms;
		str_copy(threads_name, s.sources[PART_THREADS].name, sizeof(threads_name));
		host_sample_clear(&s);
		usleep((useconds_t)(delay * 1e6));
	}
	printf("VMs %zu  threads %s  detail %s  delay %.2f s: first refresh %.3f ms, start-up %.3f ms/refresh over %d more until "
	       "each VM was read once; then %.3f ms/refresh (%.2f us per VM) over %d, worst %.3f ms; peer: stat + "
	       "threads sources %.3f ms/refresh\n", nvms, threads_name, detail ? detail : "all", delay, first * 1e3,
	       nstart ? start / nstart * 1e3 : 0, nstart, nsteady ? steady / nsteady * 1e3 : 0,
	       nsteady && nvms ? steady / nsteady / nvms * 1e6 : 0, nsteady, worst * 1e3, n > 1 ? peer / (n - 1) * 1e3 : 0);
	mem_source.close(mem);
	collector_close(c);
	return 0;
}

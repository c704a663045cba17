/* exits_read_cost - CPU per refresh of the exits part at scale: the exits source's read (its mapped slot array,
 * radix sort by thread) and the model's exits stage, with the slots filled with KEYS keys per vCPU thread of the
 * VMs found (run tests/fakehost first: its VMs never run, so the map is filled here as busy vCPUs would fill it).
 * usage: bench/exits_read_cost [KEYS [ROUNDS]]     (as root; KEYS 12, ROUNDS 200)
 * Prints figures; it asserts nothing. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>

#include "bpf/exits_rec.h"
#include "collect.h"
#include "model.h"
#include "source.h"

static double cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	int keys = argc > 1 ? atoi(argv[1]) : 12, rounds = argc > 2 ? atoi(argv[2]) : 200;
	static const struct source *const table[] = { &stat_source, &vms_source };
	struct source_args args = { 0 };
	char why[256] = "";
	struct collector *c = collector_open(table, 2, &args, why, sizeof(why));
	if (!c) {
		fprintf(stderr, "exits_read_cost: %s\n", why);
		return 1;
	}
	struct host_sample base;
	host_sample_init(&base);
	collector_sample(c, &base);
	void *st = exits_bpf_source.open(&args, why, sizeof(why));
	if (!st) {
		fprintf(stderr, "exits_read_cost: exits source: %s\n", why);
		return 77;
	}
	int ncpus = libbpf_num_possible_cpus();
	size_t nvcpus = 0, filled = 0, refused = 0;
	for (size_t i = 0; i < base.nvms; i++)
		for (size_t t = 0; t < base.vms[i].nthreads; t++) {
			if (base.vms[i].threads[t].role != ROLE_VCPU)
				continue;
			nvcpus++;
			for (int k = 0; k < keys; k++) {
				/* a spread like a busy guest's: reasons, a port, MMIO pages */
				struct exits_key key = { .tid = (__u32)base.vms[i].threads[t].tid,
							 .ev = k % 3 == 0 ? EXITS_EV_EXIT : k % 3 == 1 ? EXITS_EV_PIO : EXITS_EV_MMIO,
							 .arg = (__u64)EXITS_ISA_SVM << 32 | (__u64)k };
				struct exits_val val = { .count = (__u64)(k + 1) * 1000, .ns = 1000 };
				if (exits_bpf_inject(st, &key, &val))
					filled++;
				else
					refused++;
			}
		}
	printf("%zu VMs, %zu vCPU threads, %zu keys in the map (%zu refused: slots full at %d), %d possible CPUs\n",
	       base.nvms, nvcpus, filled, refused, EXITS_MAX_KEYS, ncpus);
	struct host_sample s[2];
	struct model m;
	model_init(&m);
	double read_ms = 0, model_ms = 0;
	size_t counts = 0;
	for (int r = 0; r <= rounds; r++) {
		struct host_sample *cur = &s[r % 2], *prev = &s[(r + 1) % 2];
		*cur = base;	/* the same VMs each round; only the exits part is read again */
		cur->exits = (struct exits_sample){ 0 };
		cur->mono = base.mono + r;
		double t0 = cpu_ms();
		if (!exits_bpf_source.sample(st, cur, why, sizeof(why))) {
			fprintf(stderr, "exits_read_cost: %s\n", why);
			return 1;
		}
		double t1 = cpu_ms();
		if (r > 0) {
			model_update(&m, prev, cur);
			model_ms += cpu_ms() - t1;
			read_ms += t1 - t0;
			counts = cur->exits.ncounts;
		}
		if (r > 0)
			free(prev->exits.counts);
	}
	/* the same model without the exits part: what the exits stage adds is the difference */
	double bare_ms = 0;
	struct exits_sample keep[2] = { s[0].exits, s[1].exits };
	s[0].exits.valid = s[1].exits.valid = false;
	for (int r = 0; r < rounds; r++) {
		double t0 = cpu_ms();
		model_update(&m, &s[r % 2], &s[(r + 1) % 2]);
		bare_ms += cpu_ms() - t0;
	}
	s[0].exits = keep[0];
	s[1].exits = keep[1];
	printf("map read: %.3f ms CPU per refresh (%zu counts); exits model stage: %.3f ms per refresh "
	       "(model %.3f with it, %.3f without)\n", read_ms / rounds, counts, (model_ms - bare_ms) / rounds,
	       model_ms / rounds, bare_ms / rounds);
	free(s[rounds % 2].exits.counts);
	model_free(&m);
	exits_bpf_source.close(st);
	collector_close(c);
	host_sample_clear(&base);
	return 0;
}

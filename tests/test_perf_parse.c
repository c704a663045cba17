/* test_perf_parse.c - sample records as the ring buffer holds them, fed to the collector's own decoder:
 * each cpumode, idle dropped, the idle task's work kept as host time, lost records, per-TID aggregation. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect_perf.h"
#include "ksyms.h"
#include "unit.h"

/* The layout PERF_COLLECT_SAMPLE_TYPE produces. */
struct sample_rec {
	struct perf_event_header h;
	uint64_t ip;
	uint32_t pid, tid;
	uint32_t cpu, res;
};

struct lost_rec {
	struct perf_event_header h;
	uint64_t id, lost;
};

enum {
	IP_KVM = 0x1100, IP_VENDOR = 0x1300, IP_ENTRY = 0x1400, IP_IDLE = 0x1500, IP_BRIDGE = 0x1600,
	IP_OTHER = 0x1700, IP_USER = 0x401000,
};

static struct ksyms *test_ksyms(void)
{
	static const char text[] =
		"0000000000001000 T schedule\n"
		"0000000000001100 T kvm_arch_vcpu_ioctl_run\n"
		"0000000000001300 T pvm_vcpu_run\n"
		"0000000000001400 T pvm_do_event_irqoff\n"
		"0000000000001500 T default_idle\n"
		"0000000000001600 T br_handle_frame\n"
		"0000000000001700 T tcp_sendmsg\n";
	char why[160];
	FILE *f = fmemopen((void *)text, sizeof(text) - 1, "r");
	struct ksyms *ks = ksyms_parse(f, NULL, NULL, why, sizeof(why));
	fclose(f);
	return ks;
}

static void add_sample(struct perf_agg *a, const struct ksyms *ks, uint16_t mode, uint64_t ip, uint32_t tid)
{
	struct sample_rec r = {
		.h = { .type = PERF_RECORD_SAMPLE, .misc = mode, .size = sizeof(r) },
		.ip = ip, .pid = tid, .tid = tid, .cpu = 1,
	};
	perf_agg_add(a, &r, ks);
}

static const struct perf_thread_counts *find(const struct perf_sample *s, pid_t tid)
{
	for (size_t i = 0; i < s->nthreads; i++)
		if (s->threads[i].tid == tid)
			return &s->threads[i];
	return NULL;
}

static void test_modes(const struct ksyms *ks)
{
	struct perf_agg *a = perf_agg_new();
	struct perf_sample out = { 0 };
	add_sample(a, ks, PERF_RECORD_MISC_USER, IP_USER, 200);
	add_sample(a, ks, PERF_RECORD_MISC_USER, IP_USER, 200);
	add_sample(a, ks, PERF_RECORD_MISC_GUEST_KERNEL, 0xffffffff81000000ull, 200);
	add_sample(a, ks, PERF_RECORD_MISC_GUEST_USER, 0x400000, 200);
	add_sample(a, ks, PERF_RECORD_MISC_KERNEL, IP_KVM + 4, 200);
	add_sample(a, ks, PERF_RECORD_MISC_KERNEL, IP_VENDOR + 4, 200);
	add_sample(a, ks, PERF_RECORD_MISC_KERNEL, IP_ENTRY + 4, 100);	/* guest seen at VM entry */
	add_sample(a, ks, PERF_RECORD_MISC_KERNEL, IP_OTHER, 100);
	add_sample(a, ks, PERF_RECORD_MISC_HYPERVISOR, 0x10, 100);
	add_sample(a, ks, PERF_RECORD_MISC_KERNEL, IP_IDLE + 8, 0);	/* idle loop: dropped */
	add_sample(a, ks, PERF_RECORD_MISC_KERNEL, IP_IDLE, 0);
	add_sample(a, ks, PERF_RECORD_MISC_KERNEL, IP_BRIDGE, 0);	/* softirq on the idle task */
	add_sample(a, ks, PERF_RECORD_MISC_KERNEL, IP_OTHER, 0);

	struct lost_rec lost = { .h = { .type = PERF_RECORD_LOST, .size = sizeof(lost) }, .id = 1, .lost = 7 };
	perf_agg_add(a, &lost, ks);
	struct { struct perf_event_header h; uint64_t lost; } lost_samples = {
		.h = { .type = PERF_RECORD_LOST_SAMPLES, .size = sizeof(lost_samples) }, .lost = 3 };
	perf_agg_add(a, &lost_samples, ks);
	struct { struct perf_event_header h; uint32_t pid, tid; char comm[16]; } comm = {
		.h = { .type = PERF_RECORD_COMM, .size = sizeof(comm) }, .pid = 5, .tid = 5, .comm = "x" };
	perf_agg_add(a, &comm, ks);
	struct sample_rec shortrec = { .h = { .type = PERF_RECORD_SAMPLE, .size = 12 }, .tid = 300 };
	perf_agg_add(a, &shortrec, ks);	/* truncated: ignored */
	/* a LOST record cut to its header (the fuzz target's find): its count is not read from what follows */
	struct lost_rec cut = { .h = { .type = PERF_RECORD_LOST, .size = sizeof(cut.h) }, .id = 1, .lost = 1000 };
	perf_agg_add(a, &cut, ks);
	struct lost_rec cut2 = { .h = { .type = PERF_RECORD_LOST_SAMPLES, .size = sizeof(cut2.h) + 4 }, .lost = 1000 };
	perf_agg_add(a, &cut2, ks);

	perf_agg_finish(a, &out);
	CHECK(out.total_samples == 13);
	CHECK(out.lost_samples == 10);
	CHECK(out.nthreads == 2);
	CHECK(out.nthreads == 2 && out.threads[0].tid == 100 && out.threads[1].tid == 200);
	const struct perf_thread_counts *t200 = find(&out, 200), *t100 = find(&out, 100);
	CHECK(t200 && t200->counts[COMP_VMM_USER] == 2);
	CHECK(t200 && t200->counts[COMP_GUEST] == 2);
	CHECK(t200 && t200->counts[COMP_KVM] == 1);
	CHECK(t200 && t200->counts[COMP_KVM_VENDOR] == 1);
	CHECK(t200 && t200->counts[COMP_HOST_USER] == 0);
	CHECK(t100 && t100->counts[COMP_GUEST] == 1);
	CHECK(t100 && t100->counts[COMP_OTHER_KERNEL] == 2);
	CHECK(out.host_counts[COMP_BRIDGE] == 1);
	CHECK(out.host_counts[COMP_OTHER_KERNEL] == 1);
	unsigned long host = 0;
	for (int c = 0; c < COMP__COUNT; c++)
		host += out.host_counts[c];
	CHECK(host == 2);	/* the two idle-loop samples are nowhere */

	/* the next interval starts empty */
	free(out.threads);
	memset(&out, 0, sizeof(out));
	perf_agg_finish(a, &out);
	CHECK(out.total_samples == 0 && out.lost_samples == 0 && out.nthreads == 0);
	free(out.threads);
	perf_agg_free(a);
}

/* Many TIDs in a scrambled order: the index grows, each TID gets exactly its samples, output is sorted. */
static void test_many(const struct ksyms *ks)
{
	struct perf_agg *a = perf_agg_new();
	enum { N = 5000 };
	for (int round = 0; round < 2; round++) {
		for (uint32_t i = 0; i < N; i++) {
			uint32_t tid = 1 + (i * 7919u) % N;	/* a permutation of 1..N */
			for (uint32_t k = 0; k < tid % 3 + 1; k++)
				add_sample(a, ks, PERF_RECORD_MISC_USER, IP_USER, tid);
		}
		struct perf_sample out = { 0 };
		perf_agg_finish(a, &out);
		CHECK(out.nthreads == N);
		int sorted = 1, exact = 1;
		for (size_t i = 0; i < out.nthreads; i++) {
			if (i && out.threads[i - 1].tid >= out.threads[i].tid)
				sorted = 0;
			if (out.threads[i].counts[COMP_VMM_USER] != (unsigned long)(out.threads[i].tid % 3 + 1))
				exact = 0;
		}
		CHECK(sorted);
		CHECK(exact);
		free(out.threads);
	}
	perf_agg_free(a);
}

/* Many refreshes of a few colliding TIDs: each interval starts from an empty index (a stale slot once made the
 * lookup spin forever), and each interval's samples all land on its own TIDs. */
static void test_refreshes(const struct ksyms *ks)
{
	struct perf_agg *a = perf_agg_new();
	unsigned seed = 1;
	bool ok = true;
	alarm(30);	/* a regression hangs: let SIGALRM fail the test instead */
	for (int round = 0; round < 1000 && ok; round++) {
		for (int k = 0; k < 60; k++) {
			seed = seed * 1103515245u + 12345u;
			add_sample(a, ks, PERF_RECORD_MISC_USER, IP_USER, 1 + (seed >> 8) % 4000000);
		}
		struct perf_sample out = { 0 };
		perf_agg_finish(a, &out);
		unsigned long sum = 0;
		for (size_t i = 0; i < out.nthreads; i++)
			for (int c = 0; c < COMP__COUNT; c++)
				sum += out.threads[i].counts[c];
		ok = sum == 60 && out.nthreads <= 60;
		free(out.threads);
	}
	CHECK(ok);
	perf_agg_free(a);
}

int main(void)
{
	struct ksyms *ks = test_ksyms();
	CHECK(ks != NULL);
	if (!ks)
		return unit_done("test_perf_parse");
	test_modes(ks);
	test_many(ks);
	test_refreshes(ks);
	ksyms_free(ks);
	return unit_done("test_perf_parse");
}

/* test_perf_parse.c - sample records as the ring buffer holds them, fed to the collector's own decoder:
 * each cpumode, idle dropped, the idle task's work kept as host time, lost records, per-TID aggregation, and
 * kernel samples charged through their callchains (built-in code by name, modules by range, hidden, truncated). */
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
	IP_OTHER = 0x1700, IP_OTHER2 = 0x1800, IP_IOCTL = 0x1a00, IP_SYSCALL = 0x1b00, IP_USER = 0x401000,
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
		"0000000000001700 T tcp_sendmsg\n"
		"0000000000001800 T cr4_set_bits\n"
		"0000000000001900 T cpu_startup_entry\n"
		"0000000000001a00 T __x64_sys_ioctl\n"
		"0000000000001b00 T do_syscall_64\n";
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
	CHECK(out.sample_bytes == 13 * sizeof(struct sample_rec));
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

/* One kernel sample of tid 1 with its callchain (PERF_CONTEXT_KERNEL, the leaf, its callers); the record says nr
 * frames but holds only `held` of them (all when held < 0). Returns the component it was charged to; *ioctl
 * (when not NULL) whether it counted as reached through the ioctl system call. */
static enum component chain_sample_ioctl(const struct ksyms *ks, const uint64_t *frames, int nr, int held,
					 bool *ioctl)
{
	struct {
		struct sample_rec s;
		uint64_t nr, ips[PERF_COLLECT_STACK + 1];
	} r = { .s = { .h = { .type = PERF_RECORD_SAMPLE, .misc = PERF_RECORD_MISC_KERNEL },
		       .ip = frames[0], .pid = 1, .tid = 1 } };
	r.nr = (uint64_t)nr + 1;
	r.ips[0] = PERF_CONTEXT_KERNEL;
	memcpy(r.ips + 1, frames, (size_t)nr * sizeof(uint64_t));
	r.s.h.size = (uint16_t)(sizeof(r.s) + 8 + 8 * (held < 0 ? nr + 1 : held));
	struct perf_agg *a = perf_agg_new();
	perf_agg_add(a, &r, ks);
	struct perf_sample out = { 0 };
	perf_agg_finish(a, &out);
	enum component got = COMP__COUNT;
	for (int c = 0; out.nthreads == 1 && c < COMP__COUNT; c++)
		if (out.threads[0].counts[c])
			got = c;
	if (ioctl)
		*ioctl = out.nthreads == 1 && out.threads[0].ioctl == 1;
	free(out.threads);
	perf_agg_free(a);
	return got;
}

static enum component chain_sample(const struct ksyms *ks, const uint64_t *frames, int nr, int held)
{
	return chain_sample_ioctl(ks, frames, nr, held, NULL);
}

static void test_callchains(const struct ksyms *ks)
{
	/* a helper the vendor's world switch calls is the vendor's (kvm_pvm: cr4_set_bits, native_read_msr) */
	uint64_t helper[] = { IP_OTHER2 + 8, IP_OTHER + 4, IP_VENDOR + 0x20, IP_KVM + 0x10 };
	CHECK(chain_sample(ks, helper, 4, -1) == COMP_KVM_VENDOR);
	/* the innermost component wins: kvm code called from the vendor's is kvm's */
	uint64_t inner[] = { IP_OTHER2, IP_KVM + 8, IP_VENDOR + 8 };
	CHECK(chain_sample(ks, inner, 3, -1) == COMP_KVM);
	/* a leaf of a component is that component whatever called it */
	uint64_t leaf[] = { IP_BRIDGE + 4, IP_VENDOR + 8 };
	CHECK(chain_sample(ks, leaf, 2, -1) == COMP_BRIDGE);
	/* idle and guest entry up the chain are where an interrupt came in: not what the sample was doing */
	uint64_t in_idle[] = { IP_OTHER, IP_IDLE + 4, IP_OTHER2 + 0x100 };
	CHECK(chain_sample(ks, in_idle, 3, -1) == COMP_OTHER_KERNEL);
	uint64_t past_entry[] = { IP_OTHER, IP_ENTRY + 4, IP_VENDOR };
	CHECK(chain_sample(ks, past_entry, 3, -1) == COMP_KVM_VENDOR);
	/* the leaf still says idle (dropped) and guest entry */
	uint64_t idle_leaf[] = { IP_IDLE + 4, IP_OTHER };
	CHECK(chain_sample(ks, idle_leaf, 2, -1) == COMP__COUNT);
	uint64_t entry_leaf[] = { IP_ENTRY + 4, IP_VENDOR };
	CHECK(chain_sample(ks, entry_leaf, 2, -1) == COMP_GUEST);
	/* no component anywhere: other_kernel */
	uint64_t none[] = { IP_OTHER, IP_OTHER2 };
	CHECK(chain_sample(ks, none, 2, -1) == COMP_OTHER_KERNEL);
	/* truncated: the record says 4 frames and holds the marker and 2 of them; the vendor frame is beyond */
	CHECK(chain_sample(ks, helper, 4, 3) == COMP_OTHER_KERNEL);
	/* under the ioctl system call, code of no component is other_kernel marked as reached through ioctl (the model
	 * charges it to kvm on a vCPU thread): a helper it calls, or its own code; a component frame still wins */
	bool ioctl;
	uint64_t under_ioctl[] = { IP_OTHER, IP_IOCTL + 8, IP_SYSCALL + 4 };
	CHECK(chain_sample_ioctl(ks, under_ioctl, 3, -1, &ioctl) == COMP_OTHER_KERNEL && ioctl);
	uint64_t ioctl_leaf[] = { IP_IOCTL + 8, IP_SYSCALL + 4 };
	CHECK(chain_sample_ioctl(ks, ioctl_leaf, 2, -1, &ioctl) == COMP_OTHER_KERNEL && ioctl);
	uint64_t kvm_under_ioctl[] = { IP_OTHER, IP_KVM + 8, IP_IOCTL + 8, IP_SYSCALL + 4 };
	CHECK(chain_sample_ioctl(ks, kvm_under_ioctl, 4, -1, &ioctl) == COMP_KVM && !ioctl);
	uint64_t syscall_only[] = { IP_OTHER, IP_SYSCALL + 4 };
	CHECK(chain_sample_ioctl(ks, syscall_only, 2, -1, &ioctl) == COMP_OTHER_KERNEL && !ioctl);
	/* a chain longer than the collector asked for is read as far as it asked */
	uint64_t deep[PERF_COLLECT_STACK];
	for (int i = 0; i < PERF_COLLECT_STACK; i++)
		deep[i] = IP_OTHER;
	deep[PERF_COLLECT_STACK - 1] = IP_VENDOR;
	CHECK(chain_sample(ks, deep, PERF_COLLECT_STACK, -1) == COMP_KVM_VENDOR);

	/* modules: kvm_amd's range decides, whatever its symbols are called */
	static const char text[] =
		"ffffffff81000000 T native_read_msr\n"
		"ffffffff81001000 T schedule\n"
		"ffffffffc0300000 t handle_exit_helper\t[kvm_amd]\n"
		"ffffffffc0400000 t some_kvm_function\t[kvm]\n";
	char why[160];
	FILE *f = fmemopen((void *)text, sizeof(text) - 1, "r");
	struct ksyms *mods = ksyms_parse(f, "kvm_amd 65536 0 - Live 0xffffffffc0300000\n"
				      "kvm 65536 1 kvm_amd, Live 0xffffffffc0400000\n", " svm", why, sizeof(why));
	fclose(f);
	CHECK(mods != NULL);
	uint64_t amd[] = { 0xffffffff81000010ull, 0xffffffffc0308000ull, 0xffffffffc0400100ull };
	CHECK(mods && chain_sample(mods, amd, 3, -1) == COMP_KVM_VENDOR);
	uint64_t kvm[] = { 0xffffffff81000010ull, 0xffffffffc040f000ull };
	CHECK(mods && chain_sample(mods, kvm, 2, -1) == COMP_KVM);
	ksyms_free(mods);

	/* hidden addresses (kptr_restrict): nothing is told apart, the chain included */
	static const char zeros[] = "0000000000000000 T schedule\n0000000000000000 t svm_vcpu_run\n";
	f = fmemopen((void *)zeros, sizeof(zeros) - 1, "r");
	struct ksyms *hidden = ksyms_parse(f, NULL, NULL, why, sizeof(why));
	fclose(f);
	uint64_t any[] = { 0xffffffff81000010ull, 0xffffffffc0308000ull };
	CHECK(hidden && chain_sample(hidden, any, 2, -1) == COMP_OTHER_KERNEL);
	ksyms_free(hidden);
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
	test_callchains(ks);
	test_many(ks);
	test_refreshes(ks);
	ksyms_free(ks);
	return unit_done("test_perf_parse");
}

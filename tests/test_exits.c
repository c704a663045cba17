/* test_exits.c - exit reasons decoded by vendor (VMX flag bits masked, SVM codes, KVM_EXIT_* names), and the exits
 * stage: rates per VM and vCPU, time %, top reason, a vanished TID, a reused TID, a counter that goes back, a VM
 * without events, kvm_exit not observable under kvm_pvm; the debugfs source's per-VM counts. */
#include "config.h"

#include <stdlib.h>

#include "exit_names.h"
#include "model.h"
#include "unit.h"
#include "util.h"

static void test_names(void)
{
	char b[48];
	/* VMX: 30 is IO_INSTRUCTION; bit 31 (failed entry) and bit 27 (enclave) are flags on the basic reason */
	CHECK_STR(exit_reason_name((unsigned long long)EXITS_ISA_VMX << 32 | 30, b, sizeof(b)), "IO_INSTRUCTION");
	CHECK_STR(exit_reason_name((unsigned long long)EXITS_ISA_VMX << 32 | 0x80000021, b, sizeof(b)),
		  "INVALID_STATE");
	CHECK_STR(exit_reason_name((unsigned long long)EXITS_ISA_VMX << 32 | 0x08000030, b, sizeof(b)), "EPT_VIOLATION");
	CHECK_STR(exit_reason_name((unsigned long long)EXITS_ISA_VMX << 32 | 12, b, sizeof(b)), "HLT");
	CHECK_STR(exit_reason_name((unsigned long long)EXITS_ISA_VMX << 32 | 0xfff0, b, sizeof(b)), "VMX_0xfff0");
	/* SVM: 0x7b IOIO, 0x400 NPF, 0x78 HLT, 0x60 INTR; the 32-bit -1 is SVM_EXIT_ERR */
	CHECK_STR(exit_reason_name((unsigned long long)EXITS_ISA_SVM << 32 | 0x7b, b, sizeof(b)), "io");
	CHECK_STR(exit_reason_name((unsigned long long)EXITS_ISA_SVM << 32 | 0x400, b, sizeof(b)), "npf");
	CHECK_STR(exit_reason_name((unsigned long long)EXITS_ISA_SVM << 32 | 0x78, b, sizeof(b)), "hlt");
	CHECK_STR(exit_reason_name((unsigned long long)EXITS_ISA_SVM << 32 | 0x60, b, sizeof(b)), "interrupt");
	CHECK_STR(exit_reason_name((unsigned long long)EXITS_ISA_SVM << 32 | 0xffffffff, b, sizeof(b)), "invalid");
	CHECK_STR(exit_reason_name((unsigned long long)EXITS_ISA_SVM << 32 | 0x3ff, b, sizeof(b)), "SVM_0x3ff");
	CHECK_STR(exit_reason_name((unsigned long long)EXITS_ISA_SVM << 32 | EXITS_CODE_UNREAD, b, sizeof(b)), "unread");
	/* exits to the VMM, without the KVM_EXIT_ prefix; the IO_IN/IO_OUT sub-codes are not reasons */
	CHECK_STR(exit_userspace_name(2, b, sizeof(b)), "IO");
	CHECK_STR(exit_userspace_name(6, b, sizeof(b)), "MMIO");
	CHECK_STR(exit_userspace_name(1, b, sizeof(b)), "EXCEPTION");
	CHECK_STR(exit_userspace_name(10, b, sizeof(b)), "INTR");
	CHECK_STR(exit_userspace_name(EXITS_USER_ERROR, b, sizeof(b)), "ERROR");
	CHECK_STR(exit_userspace_name(999, b, sizeof(b)), "KVM_EXIT_999");
	/* halts: halt polling caught the wakeup, or the vCPU slept */
	CHECK_STR(exit_wake_name(0, b, sizeof(b)), "polled");
	CHECK_STR(exit_wake_name(EXITS_WAKE_WAITED, b, sizeof(b)), "waited");
	CHECK_STR(exit_wake_name(EXITS_WAKE_WAITED | EXITS_WAKE_SPURIOUS, b, sizeof(b)), "waited_spurious");
	/* page faults: a #PF error code (SVM's NPF: P 1, W 2, RSVD 8, FETCH 16; also shadow paging, isa 0) */
	CHECK_STR(exit_fault_name((unsigned long long)EXITS_ISA_SVM << 32 | 0x6, b, sizeof(b)), "write_missing");
	CHECK_STR(exit_fault_name((unsigned long long)EXITS_ISA_SVM << 32 | 0x7, b, sizeof(b)), "write_protect");
	CHECK_STR(exit_fault_name((unsigned long long)EXITS_ISA_SVM << 32 | 0xf, b, sizeof(b)), "write_mmio");
	CHECK_STR(exit_fault_name((unsigned long long)EXITS_ISA_SVM << 32 | 0x14, b, sizeof(b)), "fetch_missing");
	CHECK_STR(exit_fault_name(0x9, b, sizeof(b)), "read_mmio");
	/* VMX's EPT violation qualification: access in bits 0-2, what the entry allowed in 3-5 */
	CHECK_STR(exit_fault_name((unsigned long long)EXITS_ISA_VMX << 32 | 0x1, b, sizeof(b)), "read_missing");
	CHECK_STR(exit_fault_name((unsigned long long)EXITS_ISA_VMX << 32 | 0xa, b, sizeof(b)), "write_protect");
	CHECK_STR(exit_fault_name((unsigned long long)EXITS_ISA_VMX << 32 | 0x4, b, sizeof(b)), "fetch_missing");
}

static struct thread_sample th(pid_t tid, enum thread_role role, int idx, unsigned long long start)
{
	struct thread_sample t = { .tid = tid, .role = role, .vcpu_index = idx, .start_ticks = start };
	snprintf(t.comm, sizeof(t.comm), "t%d", (int)tid);
	return t;
}

static void host(struct host_sample *h, double mono, size_t nvms, const char *backend)
{
	host_sample_init(h);
	h->mono = mono;
	h->realtime = 1e9 + mono;
	h->ncpus = 2;
	h->cpus = xcalloc(2, sizeof(*h->cpus));
	h->vms = xcalloc(nvms, sizeof(*h->vms));
	h->nvms = nvms;
	snprintf(h->kvm_backend, sizeof(h->kvm_backend), "%s", backend);
	h->exits.valid = true;
	h->exits.mono = mono;
	h->exits.realtime = 1e9 + mono;
	for (int ev = 0; ev < EXITS_EV__COUNT; ev++)
		h->exits.live[ev] = true;
	h->exits.per_thread = h->exits.timed = true;
	str_copy(h->sources[PART_EXITS].name, "bpf", sizeof(h->sources[PART_EXITS].name));
}

static void vm(struct vm_sample *v, pid_t pid, const struct thread_sample *t, size_t n)
{
	v->pid = pid;
	v->start_ticks = 50;
	snprintf(v->name, sizeof(v->name), "vm%d", (int)pid);
	v->threads = xcalloc(n, sizeof(*t));
	memcpy(v->threads, t, n * sizeof(*t));
	v->nthreads = n;
	for (size_t i = 0; i < n; i++)
		v->nr_vcpus += t[i].role == ROLE_VCPU;
}

/* counts must be given sorted by tid, ev, arg, as the source sorts them */
static void counts(struct host_sample *h, const struct exit_count *c, size_t n)
{
	h->exits.counts = xcalloc(n ? n : 1, sizeof(*c));
	memcpy(h->exits.counts, c, n * sizeof(*c));
	h->exits.ncounts = n;
}

#define SVM(code) ((unsigned long long)EXITS_ISA_SVM << 32 | (code))
#define IO 2ULL
#define PIO_OUT(port) (1ULL << 16 | (port))

static const struct exit_row *row(const struct vm_stat *v, int ev, unsigned long long arg)
{
	for (size_t i = 0; i < v->exits.nrows[ev]; i++)
		if (v->exits.rows[ev][i].arg == arg)
			return &v->exits.rows[ev][i];
	return NULL;
}

/* Two VMs over 2 s on SVM. VM 100: vCPU 101 (io exits, 0.5 s of exit time), vCPU 102 (hlt, its counter went
 * back: the map made it again), vCPU 103 reused its TID (another start time). VM 200 has no events at all. A
 * thread of VM 100 in the first sample only (vanished) leaves no trace. */
static void test_rates(void)
{
	struct host_sample a, b;
	host(&a, 10, 2, "kvm_amd");
	host(&b, 12, 2, "kvm_amd");
	struct thread_sample ta[] = { th(101, ROLE_VCPU, 0, 5), th(102, ROLE_VCPU, 1, 5), th(103, ROLE_VCPU, 2, 5),
				      th(104, ROLE_OTHER, -1, 5) };
	struct thread_sample tb[] = { th(101, ROLE_VCPU, 0, 5), th(102, ROLE_VCPU, 1, 5), th(103, ROLE_VCPU, 2, 9) };
	struct thread_sample t2[] = { th(201, ROLE_VCPU, 0, 5) };
	vm(&a.vms[0], 100, ta, 4);
	vm(&b.vms[0], 100, tb, 3);
	vm(&a.vms[1], 200, t2, 1);
	vm(&b.vms[1], 200, t2, 1);
	struct exit_count ca[] = {
		{ 101, EXITS_EV_EXIT, SVM(0x7b), 1000, 100000000 },
		{ 101, EXITS_EV_USER, IO, 1000, 0 },
		{ 101, EXITS_EV_PIO, PIO_OUT(0x80), 1000, 0 },
		{ 101, EXITS_EV_WAKE, EXITS_WAKE_WAITED, 100, 3000000000 },
		{ 101, EXITS_EV_PF, SVM(0xf), 10, 0 },
		{ 102, EXITS_EV_EXIT, SVM(0x78), 5000, 0 },
		{ 103, EXITS_EV_EXIT, SVM(0x7b), 100, 0 },
		{ 104, EXITS_EV_EXIT, SVM(0x7b), 77, 0 },
	};
	struct exit_count cb[] = {
		{ 101, EXITS_EV_EXIT, SVM(0x60), 40, 0 },	/* new key: all of it is in the interval */
		{ 101, EXITS_EV_EXIT, SVM(0x7b), 21000, 600000000 },
		{ 101, EXITS_EV_USER, IO, 21000, 0 },
		{ 101, EXITS_EV_PIO, PIO_OUT(0x80), 21000, 0 },
		{ 101, EXITS_EV_WAKE, 0, 300, 100000000 },		/* new: polled */
		{ 101, EXITS_EV_WAKE, EXITS_WAKE_WAITED, 1100, 4000000000 },
		{ 101, EXITS_EV_PF, SVM(0xf), 2010, 0 },
		{ 102, EXITS_EV_EXIT, SVM(0x78), 10, 0 },	/* went back: unknown, not a negative rate */
		{ 103, EXITS_EV_EXIT, SVM(0x7b), 100000, 0 },	/* another thread behind the same TID */
	};
	counts(&a, ca, sizeof(ca) / sizeof(ca[0]));
	counts(&b, cb, sizeof(cb) / sizeof(cb[0]));
	struct model m;
	model_init(&m);
	model_update(&m, &a, &b);
	const struct vm_stat *v = model_find_vm(&m, 100), *w = model_find_vm(&m, 200);
	CHECK(m.host.exits_observable);
	CHECK(v && v->exits.valid);
	CHECK_NEAR(v->exits.rate, (20000 + 40) / 2.0, 1e-9);
	CHECK_NEAR(v->exits.userspace_rate, 10000, 1e-9);
	CHECK(v->exits.top_ev == EXITS_EV_EXIT && v->exits.top == SVM(0x7b));
	const struct exit_row *r = row(v, EXITS_EV_EXIT, SVM(0x7b));
	CHECK(r && fabs(r->rate - 10000) < 1e-9 && fabs(r->time_pct - 25) < 1e-9);	/* 0.5 s of 2 s */
	CHECK(row(v, EXITS_EV_EXIT, SVM(0x60)) && fabs(row(v, EXITS_EV_EXIT, SVM(0x60))->rate - 20) < 1e-9);
	CHECK(!row(v, EXITS_EV_EXIT, SVM(0x78)));
	CHECK(row(v, EXITS_EV_PIO, PIO_OUT(0x80)) && fabs(row(v, EXITS_EV_PIO, PIO_OUT(0x80))->rate - 10000) < 1e-9);
	CHECK_NEAR(v->exits.time_pct, 25, 1e-9);
	/* halts with the time halted (from the tracepoint), page faults by kind; neither is an exit */
	r = row(v, EXITS_EV_WAKE, EXITS_WAKE_WAITED);
	CHECK(r && fabs(r->rate - 500) < 1e-9 && fabs(r->time_pct - 50) < 1e-9);	/* 1 s halted of 2 s */
	r = row(v, EXITS_EV_WAKE, 0);
	CHECK(r && fabs(r->rate - 150) < 1e-9 && fabs(r->time_pct - 5) < 1e-9);
	r = row(v, EXITS_EV_PF, SVM(0xf));
	CHECK(r && fabs(r->rate - 1000) < 1e-9 && isnan(r->time_pct));
	/* per vCPU: 101 known; 102 unknown (its key went back: the interval is not whole); 103 reused: unknown */
	CHECK(v->nthreads == 3);
	CHECK(v->threads[0].tid == 101);
	CHECK_NEAR(v->threads[0].exits_rate, 10020, 1e-9);
	CHECK_NEAR(v->threads[0].exits_userspace, 10000, 1e-9);
	CHECK(v->threads[0].exits_top_ev == EXITS_EV_EXIT && v->threads[0].exits_top == SVM(0x7b));
	CHECK(v->threads[1].tid == 102);
	CHECK(isnan(v->threads[1].exits_rate) && isnan(v->threads[1].exits_userspace));
	CHECK(v->threads[1].exits_top_ev == -1);
	CHECK(v->threads[2].tid == 103);
	CHECK(isnan(v->threads[2].exits_rate));
	/* a VM without events: zero rates, known (the source watched it), no top */
	CHECK(w && w->exits.valid);
	CHECK_NEAR(w->exits.rate, 0, 1e-9);
	CHECK_NEAR(w->exits.userspace_rate, 0, 1e-9);
	CHECK(w->exits.top_ev == -1);
	CHECK_NEAR(m.host.exits_rate, 10020, 1e-9);
	model_free(&m);
	host_sample_clear(&a);
	host_sample_clear(&b);
}

/* Threads asked in any order find their own counts: VMs listed with falling PIDs, threads with falling TIDs, one
 * thread without counts between two with, counts of a thread no VM lists (the stage's searches start where the
 * last ended). */
static void test_order(void)
{
	struct host_sample a, b;
	host(&a, 10, 2, "kvm_amd");
	host(&b, 11, 2, "kvm_amd");
	struct thread_sample t4[] = { th(405, ROLE_VCPU, 1, 5), th(402, ROLE_VCPU, 0, 5), th(400, ROLE_OTHER, -1, 5) };
	struct thread_sample t3[] = { th(303, ROLE_VCPU, 1, 5), th(302, ROLE_OTHER, -1, 5), th(301, ROLE_VCPU, 0, 5) };
	for (int s = 0; s < 2; s++) {
		struct host_sample *h = s ? &b : &a;
		vm(&h->vms[0], 400, t4, 3);
		vm(&h->vms[1], 300, t3, 3);
	}
	struct exit_count ca[] = {
		{ 301, EXITS_EV_USER, IO, 10, 0 }, { 303, EXITS_EV_USER, IO, 10, 0 }, { 350, EXITS_EV_USER, IO, 10, 0 },
		{ 402, EXITS_EV_USER, IO, 10, 0 }, { 405, EXITS_EV_USER, IO, 10, 0 },
	};
	struct exit_count cb[] = {
		{ 301, EXITS_EV_USER, IO, 11, 0 }, { 303, EXITS_EV_USER, IO, 13, 0 }, { 350, EXITS_EV_USER, IO, 99, 0 },
		{ 402, EXITS_EV_USER, IO, 12, 0 }, { 405, EXITS_EV_USER, IO, 15, 0 },
	};
	counts(&a, ca, sizeof(ca) / sizeof(ca[0]));
	counts(&b, cb, sizeof(cb) / sizeof(cb[0]));
	struct model m;
	model_init(&m);
	model_update(&m, &a, &b);
	const struct vm_stat *v4 = model_find_vm(&m, 400), *v3 = model_find_vm(&m, 300);
	CHECK(v4 && v3 && v4->nthreads == 3 && v3->nthreads == 3);
	for (size_t t = 0; v4 && v3 && t < 3; t++) {
		const struct thread_stat *x = &v4->threads[t], *y = &v3->threads[t];
		CHECK_NEAR(x->exits_userspace, x->tid == 400 ? 0 : x->tid - 400, 1e-9);
		CHECK_NEAR(y->exits_userspace, y->tid == 302 ? 0 : y->tid - 300, 1e-9);
	}
	CHECK(v4 && fabs(v4->exits.userspace_rate - 7) < 1e-9);
	CHECK(v3 && fabs(v3->exits.userspace_rate - 4) < 1e-9);
	model_free(&m);
	host_sample_clear(&a);
	host_sample_clear(&b);
}

/* kvm_pvm: kvm_exit is attached but never fires: its rate is unknown (null), exits to the VMM are known. */
static void test_pvm(void)
{
	struct host_sample a, b;
	host(&a, 10, 1, "kvm_pvm");
	host(&b, 11, 1, "kvm_pvm");
	struct thread_sample t[] = { th(301, ROLE_VCPU, 0, 5) };
	vm(&a.vms[0], 300, t, 1);
	vm(&b.vms[0], 300, t, 1);
	struct exit_count ca[] = { { 301, EXITS_EV_USER, IO, 10, 0 } }, cb[] = { { 301, EXITS_EV_USER, IO, 510, 0 } };
	counts(&a, ca, 1);
	counts(&b, cb, 1);
	struct model m;
	model_init(&m);
	model_update(&m, &a, &b);
	const struct vm_stat *v = model_find_vm(&m, 300);
	CHECK(!m.host.exits_observable && m.host.exits_note[0]);
	CHECK(v && isnan(v->exits.rate) && isnan(v->threads[0].exits_rate));
	CHECK_NEAR(v->exits.userspace_rate, 500, 1e-9);
	CHECK(v->exits.top_ev == EXITS_EV_USER && v->exits.top == IO);
	model_free(&m);
	host_sample_clear(&a);
	host_sample_clear(&b);
	/* no source at all: nothing known */
	host(&a, 10, 1, "kvm_amd");
	host(&b, 11, 1, "kvm_amd");
	a.exits.valid = b.exits.valid = false;
	vm(&a.vms[0], 300, t, 1);
	vm(&b.vms[0], 300, t, 1);
	model_init(&m);
	model_update(&m, &a, &b);
	v = model_find_vm(&m, 300);
	CHECK(v && !v->exits.valid && isnan(v->exits.rate) && isnan(v->exits.userspace_rate));
	CHECK(isnan(m.host.exits_rate));
	model_free(&m);
	host_sample_clear(&a);
	host_sample_clear(&b);
}

#define STAT(s) ((unsigned long long)EXITS_ISA_STAT << 32 | (s))

/* The debugfs source: counts per VM (tid = the VM's PID). VM 400 over 2 s: 3000 exits, 1000 io_exits and 600
 * halt_exits, so 1400 other; 200 irq_injections. VM 500 has no "exits" file (no counts): unknown, not 0. VM 600's
 * exits went back (its counters are another VM's: the PID-FD matched a new one): unknown too. */
static void test_debugfs(void)
{
	struct host_sample a, b;
	host(&a, 10, 3, "kvm_amd");
	host(&b, 12, 3, "kvm_amd");
	for (struct host_sample *h = &a; h; h = h == &a ? &b : NULL) {
		h->exits.per_thread = h->exits.timed = false;
		memset(h->exits.live, 0, sizeof(h->exits.live));
		h->exits.live[EXITS_EV_EXIT] = h->exits.live[EXITS_EV_VIRQ] = h->exits.live[EXITS_EV_HCALL] = true;
		str_copy(h->sources[PART_EXITS].name, "debugfs", sizeof(h->sources[PART_EXITS].name));
	}
	struct thread_sample t4[] = { th(401, ROLE_VCPU, 0, 5), th(402, ROLE_VCPU, 1, 5) };
	struct thread_sample t5[] = { th(501, ROLE_VCPU, 0, 5) }, t6[] = { th(601, ROLE_VCPU, 0, 5) };
	vm(&a.vms[0], 400, t4, 2);
	vm(&b.vms[0], 400, t4, 2);
	vm(&a.vms[1], 500, t5, 1);
	vm(&b.vms[1], 500, t5, 1);
	vm(&a.vms[2], 600, t6, 1);
	vm(&b.vms[2], 600, t6, 1);
	struct exit_count ca[] = {
		{ 400, EXITS_EV_EXIT, STAT(EXITS_STAT_ALL), 1000, 0 },
		{ 400, EXITS_EV_EXIT, STAT(EXITS_STAT_IO), 500, 0 },
		{ 400, EXITS_EV_EXIT, STAT(EXITS_STAT_HLT), 0, 0 },
		{ 400, EXITS_EV_VIRQ, EXITS_ARG_ALL, 100, 0 },
		{ 600, EXITS_EV_EXIT, STAT(EXITS_STAT_ALL), 90000, 0 },
	};
	struct exit_count cb[] = {
		{ 400, EXITS_EV_EXIT, STAT(EXITS_STAT_ALL), 4000, 0 },
		{ 400, EXITS_EV_EXIT, STAT(EXITS_STAT_IO), 1500, 0 },
		{ 400, EXITS_EV_EXIT, STAT(EXITS_STAT_HLT), 600, 0 },
		{ 400, EXITS_EV_VIRQ, EXITS_ARG_ALL, 300, 0 },
		{ 600, EXITS_EV_EXIT, STAT(EXITS_STAT_ALL), 10, 0 },
	};
	a.exits.vm_counts = xcalloc(5, sizeof(*ca));
	memcpy(a.exits.vm_counts, ca, sizeof(ca));
	a.exits.nvm_counts = 5;
	b.exits.vm_counts = xcalloc(5, sizeof(*cb));
	memcpy(b.exits.vm_counts, cb, sizeof(cb));
	b.exits.nvm_counts = 5;
	struct model m;
	model_init(&m);
	model_update(&m, &a, &b);
	const struct vm_stat *v = model_find_vm(&m, 400);
	CHECK(m.host.exits_observable && !m.host.exits_per_vcpu && !m.host.exits_timed);
	CHECK(v && v->exits.valid);
	CHECK_NEAR(v->exits.rate, 1500, 1e-9);
	CHECK(isnan(v->exits.time_pct) && isnan(v->exits.userspace_rate));
	const struct exit_row *r = row(v, EXITS_EV_EXIT, STAT(EXITS_STAT_IO));
	CHECK(r && fabs(r->rate - 500) < 1e-9 && isnan(r->time_pct));
	r = row(v, EXITS_EV_EXIT, STAT(EXITS_STAT_HLT));
	CHECK(r && fabs(r->rate - 300) < 1e-9);
	CHECK(row(v, EXITS_EV_EXIT, STAT(EXITS_STAT_OTHER)) &&
	      fabs(row(v, EXITS_EV_EXIT, STAT(EXITS_STAT_OTHER))->rate - 700) < 1e-9);
	CHECK(!row(v, EXITS_EV_EXIT, STAT(EXITS_STAT_ALL)));	/* the total is the rate, not a row */
	CHECK(row(v, EXITS_EV_VIRQ, EXITS_ARG_ALL) && fabs(row(v, EXITS_EV_VIRQ, EXITS_ARG_ALL)->rate - 100) < 1e-9);
	CHECK(v->exits.top_ev == EXITS_EV_EXIT && v->exits.top == STAT(EXITS_STAT_OTHER));
	/* no per-vCPU split from debugfs: unknown, never 0 */
	CHECK(v->nthreads == 2 && isnan(v->threads[0].exits_rate) && isnan(v->threads[1].exits_rate));
	const struct vm_stat *w = model_find_vm(&m, 500), *z = model_find_vm(&m, 600);
	CHECK(w && !w->exits.valid && isnan(w->exits.rate));
	CHECK(z && !z->exits.valid && isnan(z->exits.rate));
	CHECK_NEAR(m.host.exits_rate, 1500, 1e-9);
	char buf[48];
	CHECK(!strcmp(exit_reason_name(STAT(EXITS_STAT_HLT), buf, sizeof(buf)), "halt_exits"));
	CHECK(!strcmp(exit_reason_name(STAT(EXITS_STAT_OTHER), buf, sizeof(buf)), "other"));
	CHECK(!strcmp(exit_reason_name(STAT(99), buf, sizeof(buf)), "STAT_0x63"));
	model_free(&m);
	host_sample_clear(&a);
	host_sample_clear(&b);
}

/* GUEST partly the world switch: the rule, then through the model on nested SVM over 1 s. vCPU 701 runs 45% in the
 * guest and exits 20,000 times (marked), vCPU 702 runs 90% and exits 500 times (not), vCPU 703 has no guest time
 * (its GUEST is 0%: nothing to mislead). */
static void test_switch(void)
{
	CHECK(model_switch_us("hardware") == 1 && model_switch_us("nested") == 10 && model_switch_us("software") == 10);
	CHECK(model_switch_us(NULL) == 1);	/* unknown: the cheapest, the fewest marks */
	CHECK(model_guest_includes_switch(NAN, 5000, 1) == -1);
	CHECK(model_guest_includes_switch(40, NAN, 1) == -1);
	CHECK(model_guest_includes_switch(40, 999, 10) == 0);	/* under 1,000 exits/s */
	CHECK(model_guest_includes_switch(40, 37000, 1) == 1);	/* bare metal: 3.7 of GUEST 40 */
	CHECK(model_guest_includes_switch(40, 15000, 1) == 0);	/* 1.5 of 40: under 5% */
	CHECK(model_guest_includes_switch(32, 3000, 10) == 1);	/* nested: 3 of 32 (the box's pio guest) */
	CHECK(model_guest_includes_switch(0.5, 1e6, 10) == 0);	/* GUEST under 1% */
	struct host_sample a, b;
	host(&a, 10, 1, "kvm_amd");
	host(&b, 11, 1, "kvm_amd");
	a.clk_tck = b.clk_tck = 100;
	b.host_is_guest = true;
	struct thread_sample ta[] = { th(701, ROLE_VCPU, 0, 5), th(702, ROLE_VCPU, 1, 5), th(703, ROLE_VCPU, 2, 5) };
	struct thread_sample tb[] = { th(701, ROLE_VCPU, 0, 5), th(702, ROLE_VCPU, 1, 5), th(703, ROLE_VCPU, 2, 5) };
	tb[0].utime = 50, tb[0].gtime = 40, tb[0].stime = 50;
	tb[1].utime = 95, tb[1].gtime = 90, tb[1].stime = 5;
	tb[2].stime = 100;
	vm(&a.vms[0], 700, ta, 3);
	vm(&b.vms[0], 700, tb, 3);
	/* traced stretches in the guest: 701's 20,000 took 0.45 s (its ticks said 0.4), 702's 500 took 0.93 s (ticks:
	 * 0.9); 703's 10 are too few to stand for its guest time */
	struct exit_count ca[] = { { 701, EXITS_EV_EXIT, SVM(0x7b), 0, 0 }, { 701, EXITS_EV_ENTRY, 0, 0, 0 },
				   { 702, EXITS_EV_EXIT, SVM(0x60), 0, 0 }, { 702, EXITS_EV_ENTRY, 0, 0, 0 },
				   { 703, EXITS_EV_EXIT, SVM(0x7b), 0, 0 }, { 703, EXITS_EV_ENTRY, 0, 0, 0 } };
	struct exit_count cb[] = { { 701, EXITS_EV_EXIT, SVM(0x7b), 20000, 0 }, { 701, EXITS_EV_ENTRY, 0, 20000, 450000000 },
				   { 702, EXITS_EV_EXIT, SVM(0x60), 500, 0 }, { 702, EXITS_EV_ENTRY, 0, 500, 930000000 },
				   { 703, EXITS_EV_EXIT, SVM(0x7b), 90000, 0 }, { 703, EXITS_EV_ENTRY, 0, 10, 500000000 } };
	counts(&a, ca, 6);
	counts(&b, cb, 6);
	struct model m;
	model_init(&m);
	model_update(&m, &a, &b);
	const struct vm_stat *v = model_find_vm(&m, 700);
	CHECK(v && v->nthreads == 3);
	CHECK(m.host.guest_switch && !strcmp(m.host.guest_switch, "nested"));
	/* 702: GUEST from its traced stretches; the 7 points left VMM and KERNEL in the kernel's ratio (5:5) */
	CHECK_NEAR(v->threads[1].guest_traced, 93, 1e-9);
	CHECK(v->threads[1].guest_is_traced);
	CHECK_NEAR(v->threads[1].guest, 93, 1e-9);
	CHECK_NEAR(v->threads[1].kernel, 3.5, 1e-9);
	CHECK_NEAR(v->threads[1].user, 3.5, 1e-9);
	/* 701 exits often enough to be marked (below), and its GUEST is its traced time all the same: the 5 points
	 * more than its ticks come out of VMM and KERNEL in the kernel's ratio (10:50) */
	CHECK_NEAR(v->threads[0].guest_traced, 45, 1e-9);
	CHECK(v->threads[0].guest_is_traced);
	CHECK_NEAR(v->threads[0].guest, 45, 1e-9);
	CHECK_NEAR(v->threads[0].user, 55.0 / 6, 1e-9);
	CHECK_NEAR(v->vmm_user, 55.0 / 6 + 3.5, 1e-9);
	CHECK(isnan(v->threads[2].guest_traced) && !v->threads[2].guest_is_traced);
	CHECK_NEAR(v->guest, 138, 1e-9);
	CHECK_NEAR(v->guest + v->vmm_user + v->kernel + v->vhost, v->total, 1e-9);
	CHECK(v->threads[0].guest_includes_switch == 1);
	CHECK(v->threads[1].guest_includes_switch == 0);
	CHECK(v->threads[2].guest_includes_switch == 0);
	CHECK(v->guest_includes_switch == 1);
	CHECK(m.host.guest_switch_vcpus == 1);
	model_free(&m);
	host_sample_clear(&b);
	/* without the exits part: unknown, not "no" */
	host(&b, 11, 1, "kvm_amd");
	b.clk_tck = 100;
	b.exits.valid = false;
	vm(&b.vms[0], 700, tb, 3);
	model_init(&m);
	model_update(&m, &a, &b);
	v = model_find_vm(&m, 700);
	CHECK(v && v->threads[0].guest_includes_switch == -1 && v->guest_includes_switch == -1);
	CHECK(m.host.guest_switch_vcpus == 0);
	model_free(&m);
	host_sample_clear(&a);
	host_sample_clear(&b);
}

int main(void)
{
	test_names();
	test_rates();
	test_order();
	test_pvm();
	test_debugfs();
	test_switch();
	return unit_done("test_exits");
}

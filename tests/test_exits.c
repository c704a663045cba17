/* test_exits.c - exit reasons decoded by vendor (VMX flag bits masked, SVM codes, KVM_EXIT_* names), and the exits
 * stage: rates per VM and vCPU, time %, top reason, a vanished TID, a reused TID, a counter that goes back, a VM
 * without events, kvm_exit not observable under kvm_pvm. */
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
		{ 102, EXITS_EV_EXIT, SVM(0x78), 5000, 0 },
		{ 103, EXITS_EV_EXIT, SVM(0x7b), 100, 0 },
		{ 104, EXITS_EV_EXIT, SVM(0x7b), 77, 0 },
	};
	struct exit_count cb[] = {
		{ 101, EXITS_EV_EXIT, SVM(0x60), 40, 0 },	/* new key: all of it is in the interval */
		{ 101, EXITS_EV_EXIT, SVM(0x7b), 21000, 600000000 },
		{ 101, EXITS_EV_USER, IO, 21000, 0 },
		{ 101, EXITS_EV_PIO, PIO_OUT(0x80), 21000, 0 },
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
	/* per vCPU: 101 known; 102 known with no exits counted (its key went back); 103 reused: unknown */
	CHECK(v->nthreads == 3);
	CHECK(v->threads[0].tid == 101);
	CHECK_NEAR(v->threads[0].exits_rate, 10020, 1e-9);
	CHECK_NEAR(v->threads[0].exits_userspace, 10000, 1e-9);
	CHECK(v->threads[0].exits_top_ev == EXITS_EV_EXIT && v->threads[0].exits_top == SVM(0x7b));
	CHECK(v->threads[1].tid == 102);
	CHECK_NEAR(v->threads[1].exits_rate, 0, 1e-9);
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

int main(void)
{
	test_names();
	test_rates();
	test_pvm();
	return unit_done("test_exits");
}

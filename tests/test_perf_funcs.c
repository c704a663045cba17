/* test_perf_funcs.c - the split by kernel function on recorded inputs: kallsyms text to a name table (modules,
 * padding, aliases, hidden addresses), sample records with callchains to (tid, component, leaf, via) counts (leaf
 * in a module, a built-in leaf charged via the vendor module's frame, built-in kernel, hidden addresses, a chain
 * the record truncates), and the model's top functions per VM and component (summed over threads, sorted,
 * bounded, shares), and the ioctl path charged by whose thread made the call. */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect_perf.h"
#include "ksym_names.h"
#include "ksyms.h"
#include "model.h"
#include "model_parts.h"
#include "unit.h"

/* As /proc/kallsyms on an SVM host (6.x): padding symbols, aliases, data symbols, module text with [module]. */
static const char kallsyms[] =
	"ffffffff81000000 T _stext\n"
	"ffffffff81000000 T _text\n"
	"ffffffff81000ff0 T __pfx_native_read_msr\n"
	"ffffffff81001000 T native_read_msr\n"
	"ffffffff81001ff0 T __pfx_cr4_set_bits\n"
	"ffffffff81002000 t cr4_set_bits\n"
	"ffffffff81003000 T schedule\n"
	"ffffffff81004000 T tcp_sendmsg\n"
	"ffffffff82000000 D jiffies\n"
	"ffffffffc0300000 t svm_vcpu_run\t[kvm_amd]\n"
	"ffffffffc0301000 t svm_handle_exit\t[kvm_amd]\n"
	"ffffffffc0400000 T kvm_arch_vcpu_ioctl_run\t[kvm]\n"
	"ffffffffc0401000 t vcpu_enter_guest.constprop.0\t[kvm]\n";
static const char modules[] =
	"kvm_amd 65536 0 - Live 0xffffffffc0300000\n"
	"kvm 65536 1 kvm_amd, Live 0xffffffffc0400000\n";

enum {
	A_READ_MSR = 0x10, A_CR4 = 0x20, A_SCHED = 0x30, A_TCP = 0x40,
};
static const uint64_t read_msr = 0xffffffff81001010ull, cr4 = 0xffffffff81002020ull, sched = 0xffffffff81003030ull,
	tcp = 0xffffffff81004040ull, svm_run = 0xffffffffc0300100ull, svm_exit = 0xffffffffc0301100ull,
	kvm_run = 0xffffffffc0400100ull, enter_guest = 0xffffffffc0401100ull;

static struct ksym_names *names_of(const char *text, char *why, size_t len)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct ksym_names *n = ksym_names_parse(f, why, len);
	fclose(f);
	return n;
}

static struct ksyms *ksyms_of(const char *text, const char *mods)
{
	char why[160];
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct ksyms *ks = ksyms_parse(f, mods, " svm", why, sizeof(why));
	fclose(f);
	return ks;
}

static void test_names(void)
{
	char why[160] = "";
	struct ksym_names *n = names_of(kallsyms, why, sizeof(why));
	CHECK(n != NULL);
	if (!n)
		return;
	/* 12 text symbols less the two padding ones and one of the two aliases (the data symbol is not text) */
	CHECK(ksym_names_count(n) == 9);
	CHECK(ksym_names_bytes(n) > 0);
	CHECK_STR(ksym_names_name(n, ksym_names_find(n, read_msr)), "native_read_msr");
	CHECK_STR(ksym_names_name(n, ksym_names_find(n, 0xffffffff81001000ull)), "native_read_msr");
	/* in a function's padding: the function before it, not "__pfx_" */
	CHECK_STR(ksym_names_name(n, ksym_names_find(n, 0xffffffff81001ff4ull)), "native_read_msr");
	CHECK_STR(ksym_names_name(n, ksym_names_find(n, 0xffffffff81000004ull)), "_stext");
	CHECK_STR(ksym_names_name(n, ksym_names_find(n, svm_run)), "svm_vcpu_run");
	CHECK_STR(ksym_names_name(n, ksym_names_find(n, enter_guest)), "vcpu_enter_guest.constprop.0");
	CHECK(ksym_names_find(n, 0x1000) == -1);
	CHECK_STR(ksym_names_name(n, -1), "?");
	ksym_names_free(n);

	/* kptr_restrict: every address 0, no table and a reason */
	n = names_of("0000000000000000 T schedule\n0000000000000000 t svm_vcpu_run\t[kvm_amd]\n", why, sizeof(why));
	CHECK(n == NULL);
	CHECK(strstr(why, "hidden") != NULL);
	n = names_of("ffffffff82000000 D jiffies\n", why, sizeof(why));
	CHECK(n == NULL);
	CHECK(strstr(why, "no kernel text symbols") != NULL);
}

/* A kernel sample of tid with its callchain (context marker, frames); the record holds only `held` of the
 * nr + 1 entries when held >= 0. */
static void chain(struct perf_agg *a, const struct ksyms *ks, uint32_t tid, const uint64_t *frames, int nr, int held)
{
	struct {
		struct perf_event_header h;
		uint64_t ip;
		uint32_t pid, tid, cpu, res;
		uint64_t nr, ips[PERF_COLLECT_STACK + 1];
	} r = { .h = { .type = PERF_RECORD_SAMPLE, .misc = PERF_RECORD_MISC_KERNEL }, .ip = frames[0], .pid = tid,
		.tid = tid };
	r.nr = (uint64_t)nr + 1;
	r.ips[0] = PERF_CONTEXT_KERNEL;
	memcpy(r.ips + 1, frames, (size_t)nr * sizeof(uint64_t));
	r.h.size = (uint16_t)(8 + 8 + 16 + 8 + 8 * (held < 0 ? nr + 1 : held));
	perf_agg_add(a, &r, ks);
}

static const struct perf_func_count *func(const struct perf_sample *s, pid_t tid, int comp, const char *f,
					  const char *via)
{
	for (size_t i = 0; i < s->nfuncs; i++)
		if (s->funcs[i].tid == tid && s->funcs[i].comp == comp && !strcmp(s->funcs[i].func, f) &&
		    !strcmp(s->funcs[i].via, via))
			return &s->funcs[i];
	return NULL;
}

static void test_collect(void)
{
	char why[160];
	struct ksyms *ks = ksyms_of(kallsyms, modules);
	struct ksym_names *n = names_of(kallsyms, why, sizeof(why));
	CHECK(ks && n);
	if (!ks || !n)
		return;
	struct perf_agg *a = perf_agg_new();
	struct perf_sample out = { 0 };
	/* not asked: no functions */
	const uint64_t vendor_leaf[] = { svm_exit, kvm_run };
	chain(a, ks, 7, vendor_leaf, 2, -1);
	perf_agg_finish(a, &out);
	CHECK(out.nfuncs == 0 && out.funcs == NULL);
	free(out.threads);

	perf_agg_set_names(a, n);
	memset(&out, 0, sizeof(out));
	chain(a, ks, 7, vendor_leaf, 2, -1);			/* leaf in the vendor module: no via */
	chain(a, ks, 7, vendor_leaf, 2, -1);
	const uint64_t msr[] = { read_msr, svm_run, enter_guest, kvm_run };
	chain(a, ks, 7, msr, 4, -1);				/* built-in leaf charged by svm_vcpu_run's frame */
	chain(a, ks, 7, msr, 4, -1);
	chain(a, ks, 7, msr, 4, -1);
	const uint64_t cr[] = { cr4, sched, enter_guest };	/* via kvm: the innermost component frame */
	chain(a, ks, 8, cr, 3, -1);
	const uint64_t plain[] = { tcp, sched };		/* built-in kernel, no component up the chain */
	chain(a, ks, 8, plain, 2, -1);
	chain(a, ks, 8, msr, 4, 2);				/* truncated: only the leaf held, no caller */
	const uint64_t in_kvm[] = { kvm_run };
	chain(a, ks, 9, in_kvm, 1, -1);
	perf_agg_finish(a, &out);
	const struct perf_func_count *f;
	CHECK((f = func(&out, 7, COMP_KVM_VENDOR, "svm_handle_exit", "")) && f->count == 2);
	CHECK((f = func(&out, 7, COMP_KVM_VENDOR, "native_read_msr", "svm_vcpu_run")) && f->count == 3);
	CHECK((f = func(&out, 8, COMP_KVM, "cr4_set_bits", "vcpu_enter_guest.constprop.0")) && f->count == 1);
	CHECK((f = func(&out, 8, COMP_OTHER_KERNEL, "tcp_sendmsg", "")) && f->count == 1);
	CHECK((f = func(&out, 8, COMP_OTHER_KERNEL, "native_read_msr", "")) && f->count == 1);
	CHECK((f = func(&out, 9, COMP_KVM, "kvm_arch_vcpu_ioctl_run", "")) && f->count == 1);
	CHECK(out.nfuncs == 6);
	for (size_t i = 1; i < out.nfuncs; i++)
		CHECK(out.funcs[i - 1].tid <= out.funcs[i].tid);
	/* the function counts are the component counts */
	unsigned long kernel7 = out.threads[0].counts[COMP_KVM_VENDOR];
	CHECK(out.threads[0].tid == 7 && kernel7 == 5);
	free(out.threads);
	free(out.funcs);

	/* a next interval starts over */
	memset(&out, 0, sizeof(out));
	chain(a, ks, 9, in_kvm, 1, -1);
	perf_agg_finish(a, &out);
	CHECK(out.nfuncs == 1 && out.funcs[0].count == 1);
	free(out.threads);
	free(out.funcs);
	perf_agg_free(a);
	ksym_names_free(n);
	ksyms_free(ks);

	/* hidden addresses: the names cannot load (the perf source says why), and nothing is split by component */
	static const char zeros[] = "0000000000000000 T native_read_msr\n0000000000000000 t svm_vcpu_run\t[kvm_amd]\n";
	CHECK(names_of(zeros, why, sizeof(why)) == NULL);
}

static struct perf_func_count fc(pid_t tid, int comp, unsigned long count, const char *f, const char *via)
{
	struct perf_func_count c = { .tid = tid, .comp = comp, .count = count };
	snprintf(c.func, sizeof(c.func), "%s", f);
	snprintf(c.via, sizeof(c.via), "%s", via);
	return c;
}

static void test_model(void)
{
	/* as much time as samples (100 and 20 at 100 Hz over 1 s): the components are the samples' own figures */
	struct thread_stat threads[] = { { .tid = 10, .role = ROLE_VCPU, .total = 100, .kernel = 100 },
					 { .tid = 11, .role = ROLE_OTHER, .total = 20, .kernel = 20 } };
	struct vm_stat vs = { .pid = 1, .threads = threads, .nthreads = 2, .total = 120, .kernel = 120, .guest = 0 };
	struct perf_thread_counts pt[] = { { .tid = 10 }, { .tid = 11 }, { .tid = 30 } };
	pt[0].counts[COMP_KVM_VENDOR] = 40;
	pt[0].counts[COMP_KVM] = 60;
	pt[1].counts[COMP_KVM] = 20;
	pt[2].counts[COMP_KVM] = 6;
	/* 25 distinct functions in kvm on tid 10: the top 20 kept */
	struct perf_func_count fs[40];
	size_t n = 0;
	fs[n++] = fc(10, COMP_KVM_VENDOR, 30, "native_read_msr", "svm_vcpu_run");
	fs[n++] = fc(10, COMP_KVM_VENDOR, 10, "svm_handle_exit", "");
	fs[n++] = fc(10, COMP_KVM, 20, "kvm_arch_vcpu_ioctl_run", "");
	for (int i = 0; i < 24; i++) {
		char name[32];
		snprintf(name, sizeof(name), "kvm_f%02d", i);
		fs[n++] = fc(10, COMP_KVM, i < 8 ? 2 : 1, name, "");
	}
	fs[n++] = fc(11, COMP_KVM, 20, "kvm_arch_vcpu_ioctl_run", "");	/* summed with tid 10's */
	fs[n++] = fc(30, COMP_KVM, 6, "kvm_vm_ioctl", "");		/* no thread of this VM */
	struct host_sample cur;
	host_sample_init(&cur);
	cur.perf = (struct perf_sample){ .enabled = true, .sample_hz = 100, .kernel_split = true, .threads = pt,
					 .nthreads = 3, .funcs_wanted = true, .funcs_valid = true, .funcs = fs,
					 .nfuncs = n };
	struct model m;
	memset(&m, 0, sizeof(m));
	m.interval = 1.0;	/* 100 samples = 100% of one CPU */
	m.vms = &vs;
	m.nvms = 1;
	model_perf_update(&m, &cur, &cur);
	CHECK(m.host.funcs_wanted && m.host.funcs_valid);
	CHECK(vs.nfuncs == 2 + MODEL_FUNCS_PER_COMP);
	size_t nkvm = 0;
	double sum = 0;
	for (size_t i = 0; i < vs.nfuncs; i++) {
		const struct func_stat *f = &vs.funcs[i];
		CHECK(f->comp == COMP_KVM || f->comp == COMP_KVM_VENDOR);
		CHECK(strcmp(f->func, "kvm_vm_ioctl") != 0);	/* another VM's thread */
		if (i)
			CHECK(f->comp > vs.funcs[i - 1].comp ||
			      (f->comp == vs.funcs[i - 1].comp && f->pct <= vs.funcs[i - 1].pct));
		if (f->comp == COMP_KVM) {
			nkvm++;
			sum += f->pct;
		}
	}
	CHECK(nkvm == MODEL_FUNCS_PER_COMP);
	CHECK(sum <= vs.components[COMP_KVM] + 1e-9);
	const struct func_stat *top = &vs.funcs[0];	/* kvm first (enum order), its top: both threads summed */
	CHECK_STR(top->func, "kvm_arch_vcpu_ioctl_run");
	CHECK_NEAR(top->pct, 40, 1e-9);
	CHECK_NEAR(top->share, 50, 1e-9);		/* of kvm's 80 */
	const struct func_stat *v0 = &vs.funcs[nkvm];
	CHECK(v0->comp == COMP_KVM_VENDOR);
	CHECK_STR(v0->func, "native_read_msr");
	CHECK_STR(v0->via, "svm_vcpu_run");
	CHECK_NEAR(v0->pct, 30, 1e-9);
	CHECK_NEAR(v0->share, 75, 1e-9);
	free(vs.funcs);

	/* not valid this interval (names loading): none, and the reason passed on */
	cur.perf.funcs_valid = false;
	snprintf(cur.perf.funcs_why, sizeof(cur.perf.funcs_why), "loading");
	memset(&m, 0, sizeof(m));
	m.interval = 1.0;
	m.vms = &vs;
	m.nvms = 1;
	vs.funcs = NULL;
	vs.nfuncs = 0;
	model_perf_update(&m, &cur, &cur);
	CHECK(m.host.funcs_wanted && !m.host.funcs_valid && vs.nfuncs == 0);
	CHECK_STR(m.host.funcs_why, "loading");
}

/* Kernel code of no component under the ioctl system call: kvm's on a vCPU thread (KVM_RUN), other_kernel on any
 * other, in the components, the host's components and the functions alike. */
static void test_ioctl_path(void)
{
	struct thread_stat threads[] = { { .tid = 10, .role = ROLE_VCPU, .total = 50, .kernel = 50 },
					 { .tid = 11, .role = ROLE_OTHER, .total = 20, .kernel = 20 } };
	struct vm_stat vs = { .pid = 1, .threads = threads, .nthreads = 2, .total = 70, .kernel = 70, .guest = 0 };
	struct perf_thread_counts pt[] = { { .tid = 10, .ioctl = 8 }, { .tid = 11, .ioctl = 5 } };
	pt[0].counts[COMP_KVM] = 30;
	pt[0].counts[COMP_OTHER_KERNEL] = 20;	/* 8 of them under ioctl */
	pt[1].counts[COMP_OTHER_KERNEL] = 20;	/* 5 of them under ioctl */
	struct perf_func_count fs[] = {
		fc(10, COMP_KVM, 30, "kvm_arch_vcpu_ioctl_run", ""),
		fc(10, PERF_COMP_IOCTL, 8, "fput", "__x64_sys_ioctl"),
		fc(10, COMP_OTHER_KERNEL, 12, "syscall_enter_from_user_mode", ""),
		fc(11, PERF_COMP_IOCTL, 5, "fput", "__x64_sys_ioctl"),
		fc(11, COMP_OTHER_KERNEL, 15, "schedule", ""),
	};
	struct host_sample cur;
	host_sample_init(&cur);
	cur.perf = (struct perf_sample){ .enabled = true, .sample_hz = 100, .kernel_split = true, .threads = pt,
					 .nthreads = 2, .funcs_wanted = true, .funcs_valid = true, .funcs = fs,
					 .nfuncs = sizeof(fs) / sizeof(fs[0]) };
	struct model m;
	memset(&m, 0, sizeof(m));
	m.interval = 1.0;
	m.vms = &vs;
	m.nvms = 1;
	model_perf_update(&m, &cur, &cur);
	CHECK_NEAR(vs.components[COMP_KVM], 38, 1e-9);
	CHECK_NEAR(vs.components[COMP_OTHER_KERNEL], 32, 1e-9);
	CHECK_NEAR(m.host.host_components[COMP_KVM], 38, 1e-9);
	CHECK_NEAR(m.host.host_components[COMP_OTHER_KERNEL], 32, 1e-9);
	bool in_kvm = false, in_other = false;
	for (size_t i = 0; i < vs.nfuncs; i++) {
		const struct func_stat *f = &vs.funcs[i];
		CHECK(f->comp == COMP_KVM || f->comp == COMP_OTHER_KERNEL);
		if (strcmp(f->func, "fput"))
			continue;
		CHECK_STR(f->via, "__x64_sys_ioctl");
		if (f->comp == COMP_KVM) {
			in_kvm = true;
			CHECK_NEAR(f->pct, 8, 1e-9);
		} else {
			in_other = true;
			CHECK_NEAR(f->pct, 5, 1e-9);
		}
	}
	CHECK(in_kvm && in_other);
	free(vs.funcs);
}

int main(void)
{
	test_names();
	test_collect();
	test_model();
	test_ioctl_path();
	return unit_done("test_perf_funcs");
}

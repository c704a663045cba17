/* test_model.c - the per-VM split: parts add up to the total, the kernel's guest-in-user rule, unknown guest,
 * ready time, vhost, threads born or reused in the interval, VMs that vanish, host CPU shares. */
#include "config.h"

#include <stdlib.h>
#include <unistd.h>

#include "model.h"
#include "unit.h"
#include "util.h"

static long hz;

static struct thread_sample th(pid_t tid, enum thread_role role, int idx, unsigned long long u,
			       unsigned long long s, unsigned long long g, unsigned long long delay_ns)
{
	struct thread_sample t = { .tid = tid, .role = role, .vcpu_index = idx, .utime = u, .stime = s, .gtime = g,
				   .start_ticks = 100, .run_delay_ns = delay_ns, .run_delay_valid = true };
	snprintf(t.comm, sizeof(t.comm), "t%d", (int)tid);
	return t;
}

static void host(struct host_sample *h, double mono, size_t nvms)
{
	host_sample_init(h);
	h->mono = mono;
	h->realtime = 1e9 + mono;
	h->uptime = 1000 + mono;
	h->ncpus = 2;
	h->cpus = xcalloc(2, sizeof(*h->cpus));
	h->mem_total_kib = 8 * 1024 * 1024;
	h->vms = xcalloc(nvms, sizeof(*h->vms));
	h->nvms = nvms;
}

static void vm(struct vm_sample *v, pid_t pid, const struct thread_sample *t, size_t n)
{
	v->pid = pid;
	v->start_ticks = 50;
	snprintf(v->name, sizeof(v->name), "vm%d", (int)pid);
	v->nr_vcpus = 0;
	v->mem_config_kib = 1024 * 1024;
	v->threads = xcalloc(n, sizeof(*t));
	memcpy(v->threads, t, n * sizeof(*t));
	v->nthreads = n;
	for (size_t i = 0; i < n; i++)
		v->nr_vcpus += t[i].role == ROLE_VCPU;
}

static void check_adds_up(const struct vm_stat *v)
{
	double sum = (isnan(v->guest) ? 0 : v->guest) + v->vmm_user + v->kernel + v->vhost;
	CHECK_NEAR(sum, v->total, 1e-9);
}

/* 1 s interval; vCPU: 90 ticks user of which 80 guest, 10 system; main thread 5+5; vhost 20 system. */
static void test_split_accounted(void)
{
	struct host_sample a, b;
	host(&a, 10, 1);
	host(&b, 11, 1);
	struct thread_sample ta[] = { th(101, ROLE_VCPU, 0, 100, 50, 40, 1000000),
				      th(100, ROLE_OTHER, -1, 10, 10, 0, 0), th(900, ROLE_VHOST, -1, 0, 7, 0, 0) };
	struct thread_sample tb[] = { th(101, ROLE_VCPU, 0, 100 + 90, 50 + 10, 40 + 80, 1000000 + 250000000),
				      th(100, ROLE_OTHER, -1, 15, 15, 0, 0), th(900, ROLE_VHOST, -1, 0, 27, 0, 0) };
	vm(&a.vms[0], 100, ta, 3);
	vm(&b.vms[0], 100, tb, 3);
	struct model m;
	model_init(&m);
	model_update(&m, &a, &b);
	CHECK(m.nvms == 1);
	const struct vm_stat *v = &m.vms[0];
	double k = 100.0 / hz;	/* % of one CPU per tick over 1 s */
	CHECK_NEAR(m.interval, 1.0, 1e-9);
	CHECK_NEAR(v->guest, 80 * k, 1e-6);
	CHECK_NEAR(v->vmm_user, (10 + 5) * k, 1e-6);
	CHECK_NEAR(v->kernel, (10 + 5) * k, 1e-6);
	CHECK_NEAR(v->vhost, 20 * k, 1e-6);
	CHECK_NEAR(v->total, (90 + 10 + 10 + 20) * k, 1e-6);
	CHECK_NEAR(v->ready, 25.0, 1e-6);	/* 250 ms waiting in 1 s */
	check_adds_up(v);
	CHECK(v->threads[0].role == ROLE_VCPU && v->threads[0].tid == 101);
	CHECK_NEAR(v->threads[0].guest, 80 * k, 1e-6);
	CHECK_NEAR(v->threads[0].user, 10 * k, 1e-6);
	CHECK(!m.host.guest_unknown);
	CHECK_NEAR(m.host.vcpu_ratio, 0.5, 1e-9);
	CHECK_NEAR(m.host.mem_ratio, 1.0 / 8, 1e-9);
	model_free(&m);
	host_sample_clear(&a);
	host_sample_clear(&b);
}

/* A backend that charges guest execution as system time: guest unknown, kernel holds it, still adds up. */
static void test_split_unknown_guest(void)
{
	struct host_sample a, b;
	host(&a, 0, 1);
	host(&b, 2, 1);
	b.guest_time_unreliable = true;
	snprintf(b.guest_time_why, sizeof(b.guest_time_why), "guest time not accounted");
	struct thread_sample ta[] = { th(201, ROLE_VCPU, 0, 0, 0, 0, 0), th(202, ROLE_VCPU, 1, 0, 0, 0, 0) };
	struct thread_sample tb[] = { th(201, ROLE_VCPU, 0, 2, 196, 0, 0), th(202, ROLE_VCPU, 1, 30, 10, 20, 0) };
	vm(&a.vms[0], 200, ta, 2);
	vm(&b.vms[0], 200, tb, 2);
	struct model m;
	model_init(&m);
	model_update(&m, &a, &b);
	const struct vm_stat *v = &m.vms[0];
	double k = 100.0 / hz / 2;	/* 2 s interval */
	CHECK(m.host.guest_unknown);
	/* no perf samples here: nothing to estimate from, so GUEST is unknown and KERNEL holds it */
	CHECK(!v->guest_estimated && isnan(v->guest));
	CHECK_NEAR(v->kernel, (196 + 10 + 20) * k, 1e-6);
	CHECK_NEAR(v->vmm_user, (2 + 10) * k, 1e-6);
	CHECK(isnan(v->threads[0].guest));
	CHECK_NEAR(v->total, (198 + 40) * k, 1e-6);
	check_adds_up(v);
	model_free(&m);
	host_sample_clear(&a);
	host_sample_clear(&b);
}

/* A thread born in the interval counts from zero; a reused TID and a thread seen late do not. A new VM has no
 * rates yet; a vanished one is gone. */
static void test_births_and_deaths(void)
{
	struct host_sample a, b;
	host(&a, 5, 2);
	host(&b, 6, 2);
	unsigned long long prev_uptime_ticks = (unsigned long long)(a.uptime * hz);
	struct thread_sample ta[] = { th(301, ROLE_VCPU, 0, 10, 10, 10, 0), th(302, ROLE_OTHER, -1, 5, 5, 0, 0) };
	struct thread_sample tb[] = { th(301, ROLE_VCPU, 0, 20, 10, 20, 0), th(302, ROLE_OTHER, -1, 1, 1, 0, 0),
				      th(303, ROLE_IO, -1, 3, 4, 0, 0), th(304, ROLE_IO, -1, 50, 50, 0, 0) };
	tb[1].start_ticks = prev_uptime_ticks - 5;	/* 302 reused by a thread started before: skip */
	tb[2].start_ticks = prev_uptime_ticks + 10;	/* 303 born in the interval */
	vm(&a.vms[0], 300, ta, 2);
	vm(&b.vms[0], 300, tb, 4);
	struct thread_sample gone[] = { th(401, ROLE_VCPU, 0, 1, 1, 1, 0) };
	vm(&a.vms[1], 400, gone, 1);
	struct thread_sample fresh[] = { th(501, ROLE_VCPU, 0, 1, 1, 1, 0) };
	vm(&b.vms[1], 500, fresh, 1);
	struct model m;
	model_init(&m);
	model_update(&m, &a, &b);
	CHECK(m.nvms == 2);
	CHECK(model_find_vm(&m, 400) == NULL);
	const struct vm_stat *v = model_find_vm(&m, 300), *n = model_find_vm(&m, 500);
	CHECK(v && n);
	if (v) {
		double k = 100.0 / hz;
		CHECK_NEAR(v->total, (10 + 7) * k, 1e-6);
		check_adds_up(v);
		CHECK(isnan(v->threads[3].total));	/* 304: seen late, no baseline */
	}
	if (n)
		CHECK(isnan(n->total) && isnan(n->guest) && isnan(n->ready));
	model_free(&m);
	host_sample_clear(&a);
	host_sample_clear(&b);
}

/* The VM's PID reused by another VM within the interval (a later start time): the new VM has no rates yet, neither
 * CPU nor network, though its threads' TIDs and its tap's name match the old VM's and every counter grew. */
static void test_vm_pid_reuse(void)
{
	struct host_sample a, b;
	host(&a, 20, 1);
	host(&b, 21, 1);
	struct thread_sample ta[] = { th(601, ROLE_VCPU, 0, 10, 10, 5, 1000) };
	struct thread_sample tb[] = { th(601, ROLE_VCPU, 0, 60, 20, 40, 9000000) };
	vm(&a.vms[0], 600, ta, 1);
	vm(&b.vms[0], 600, tb, 1);
	b.vms[0].start_ticks = a.vms[0].start_ticks + 70;
	for (int i = 0; i < 2; i++) {
		struct vm_sample *v = i ? &b.vms[0] : &a.vms[0];
		v->taps = xcalloc(1, sizeof(*v->taps));
		v->ntaps = 1;
		snprintf(v->taps[0].ifname, sizeof(v->taps[0].ifname), "vnet0");
		v->taps[0].counters_valid = true;
		v->taps[0].rx_bytes = v->taps[0].tx_bytes = i ? 50000 : 1000;
		v->taps[0].rx_packets = v->taps[0].tx_packets = i ? 50 : 1;
	}
	struct model m;
	model_init(&m);
	model_update(&m, &a, &b);
	const struct vm_stat *v = model_find_vm(&m, 600);
	CHECK(v != NULL);
	if (v) {
		CHECK(isnan(v->total) && isnan(v->guest) && isnan(v->ready));
		CHECK(!v->net.valid && isnan(v->net.rx_bytes) && isnan(v->net.tx_bytes));
	}
	/* the same VM again (same start time): rates */
	b.vms[0].start_ticks = a.vms[0].start_ticks;
	model_update(&m, &a, &b);
	v = model_find_vm(&m, 600);
	CHECK(v && !isnan(v->total) && v->net.valid);
	if (v)
		CHECK_NEAR(v->net.rx_bytes, 49000.0, 1e-6);
	model_free(&m);
	host_sample_clear(&a);
	host_sample_clear(&b);
}

/* /proc/stat: guest is inside user; shares sum to 100. */
static void test_host_cpu(void)
{
	struct host_sample a, b;
	host(&a, 0, 0);
	host(&b, 1, 0);
	b.cpu_total = (struct cpu_ticks){ .user = 100, .system = 20, .idle = 60, .irq = 5, .softirq = 5,
					  .steal = 10, .guest = 80 };
	b.cpus[0] = b.cpu_total;
	struct model m;
	model_init(&m);
	model_update(&m, &a, &b);
	const struct cpu_pct *c = &m.host.cpu;
	CHECK_NEAR(c->user, 10.0, 1e-9);
	CHECK_NEAR(c->guest, 40.0, 1e-9);
	CHECK_NEAR(c->user + c->nice + c->system + c->idle + c->iowait + c->irq + c->softirq + c->steal + c->guest,
		   100.0, 1e-9);
	CHECK(isnan(m.host.cpus[1].idle));	/* a CPU with no ticks has no shares */
	model_free(&m);
	host_sample_clear(&a);
	host_sample_clear(&b);
}

/* CPU 1 of 0-3 offline (nosmt, hotplug): 3 CPUs run the 6 vCPUs, whatever the highest CPU id is. */
static void test_offline_cpus(void)
{
	struct host_sample a, b;
	host(&a, 0, 1);
	host(&b, 1, 1);
	struct thread_sample t[6];
	for (int i = 0; i < 6; i++)
		t[i] = th(101 + i, ROLE_VCPU, i, 0, 0, 0, 0);
	vm(&a.vms[0], 100, t, 6);
	vm(&b.vms[0], 100, t, 6);
	free(b.cpus);
	b.ncpus = 4;
	b.ncpus_online = 3;
	b.cpus = xcalloc(4, sizeof(*b.cpus));
	b.cpus[3] = b.cpu_total = (struct cpu_ticks){ .user = 50, .idle = 50 };
	struct model m;
	model_init(&m);
	model_update(&m, &a, &b);
	CHECK(m.host.ncpus == 3);
	CHECK_NEAR(m.host.vcpu_ratio, 2.0, 1e-9);
	CHECK(m.host.ncpu_ids == 4);
	CHECK(isnan(m.host.cpus[1].idle));
	model_free(&m);
	host_sample_clear(&a);
	host_sample_clear(&b);
}

int main(void)
{
	hz = sysconf(_SC_CLK_TCK);
	test_split_accounted();
	test_split_unknown_guest();
	test_births_and_deaths();
	test_vm_pid_reuse();
	test_host_cpu();
	test_offline_cpus();
	return unit_done("test_model");
}

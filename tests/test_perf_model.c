/* test_perf_model.c - the perf stage of the model: samples to per-VM components by TID (TOTAL in their shares),
 * host-wide components (user space outside VMs is host_user), the guest estimate and its limits, sampling off. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "model_parts.h"
#include "unit.h"

static struct thread_stat thread(pid_t tid, enum thread_role role, double total, double user, double kernel)
{
	return (struct thread_stat){ .tid = tid, .role = role, .total = total, .guest = NAN, .user = user,
				     .kernel = kernel, .ready = NAN };
}

static void vm(struct vm_stat *vs, pid_t pid, struct thread_stat *threads, size_t n)
{
	memset(vs, 0, sizeof(*vs));
	vs->pid = pid;
	vs->threads = threads;
	vs->nthreads = n;
	vs->guest = NAN;
	vs->vmm_user = vs->kernel = vs->vhost = vs->total = 0;
	for (size_t i = 0; i < n; i++) {
		if (threads[i].role == ROLE_VHOST) {
			vs->vhost += threads[i].total;
		} else {
			vs->vmm_user += threads[i].user;
			vs->kernel += threads[i].kernel;
		}
		vs->total += threads[i].total;
	}
	for (int c = 0; c < COMP__COUNT; c++)
		vs->components[c] = vs->apportioned[c] = NAN;
}

static struct perf_thread_counts counts(pid_t tid, unsigned long guest, unsigned long user, unsigned long kvm,
					unsigned long vhost, unsigned long other)
{
	struct perf_thread_counts t = { .tid = tid };
	t.counts[COMP_GUEST] = guest;
	t.counts[COMP_VMM_USER] = user;
	t.counts[COMP_KVM] = kvm;
	t.counts[COMP_VHOST] = vhost;
	t.counts[COMP_OTHER_KERNEL] = other;
	return t;
}

int main(void)
{
	struct thread_stat a_threads[] = {
		thread(10, ROLE_VCPU, 65, 5, 60), thread(11, ROLE_VCPU, 50, 0, 50),
		thread(12, ROLE_VHOST, 20, 0, 20), thread(13, ROLE_OTHER, 25, 15, 10),
	};
	struct thread_stat b_threads[] = { thread(20, ROLE_OTHER, 4, 4, 0) };
	struct thread_stat c_threads[] = { thread(40, ROLE_VCPU, 10, 8, 2) };	/* kernel too small for guest */
	struct thread_stat d_threads[] = { thread(50, ROLE_VCPU, 5, 0, 5) };	/* ran, but no sample */
	struct thread_stat e_threads[] = { thread(60, ROLE_VCPU, 0, 0, 0) };	/* idle */
	struct vm_stat vms[5];
	vm(&vms[0], 1, a_threads, 4);
	vm(&vms[1], 2, b_threads, 1);
	vm(&vms[2], 3, c_threads, 1);
	vm(&vms[3], 4, d_threads, 1);
	vm(&vms[4], 5, e_threads, 1);

	struct perf_thread_counts pt[] = {	/* sorted by tid, as the collector gives them */
		counts(10, 100, 10, 20, 0, 0), counts(11, 50, 0, 0, 0, 50), counts(12, 0, 0, 0, 40, 0),
		counts(13, 0, 30, 0, 0, 0), counts(20, 0, 8, 0, 0, 0), counts(30, 0, 60, 0, 0, 4),
		counts(40, 10, 0, 0, 0, 0),
	};
	struct host_sample cur;
	host_sample_init(&cur);
	cur.perf = (struct perf_sample){ .enabled = true, .sample_hz = 100, .vendor = "kvm_pvm", .kernel_split = true,
					 .total_samples = 400, .lost_samples = 3, .threads = pt, .nthreads = 7 };
	cur.perf.host_counts[COMP_BRIDGE] = 6;
	pt[2].counts[COMP_TUN] = 30;	/* the vhost thread also runs tun code: not part of the guest share's base */

	struct model m;
	memset(&m, 0, sizeof(m));
	m.interval = 2.0;	/* 100 Hz * 2 s: 2 samples are 1% of one CPU */
	m.vms = vms;
	m.nvms = 5;
	m.host.guest_unknown = true;
	model_perf_update(&m, &cur, &cur);

	struct vm_stat *a = &vms[0];
	CHECK(a->components_valid);
	/* its threads ran 160% of a CPU, their 330 samples say 165%: TOTAL in the samples' shares */
	const double ka = 160.0 / 165;
	CHECK_NEAR(a->components_scale, ka, 1e-9);
	CHECK_NEAR(a->components[COMP_GUEST], 75 * ka, 1e-9);
	CHECK_NEAR(a->components[COMP_KVM], 10 * ka, 1e-9);
	CHECK_NEAR(a->components[COMP_VMM_USER], 20 * ka, 1e-9);
	CHECK_NEAR(a->components[COMP_VHOST], 20 * ka, 1e-9);
	CHECK_NEAR(a->components[COMP_OTHER_KERNEL], 25 * ka, 1e-9);
	double sum = 0;
	for (int c = 0; c < COMP__COUNT; c++)
		sum += a->components[c];
	CHECK_NEAR(sum, a->total, 1e-9);
	CHECK_NEAR(a->components[COMP_HOST_USER], 0, 1e-9);
	CHECK_NEAR(vms[1].components[COMP_VMM_USER], 4, 1e-9);

	/* host-wide: every sample once; the non-VM thread's user time is host_user */
	CHECK(m.host.perf_enabled && m.host.sample_hz == 100 && m.host.perf_samples == 400 && m.host.perf_lost == 3);
	CHECK_STR(m.host.kvm_vendor, "kvm_pvm");
	CHECK_NEAR(m.host.host_components[COMP_HOST_USER], 30, 1e-9);
	CHECK_NEAR(m.host.host_components[COMP_VMM_USER], 24, 1e-9);
	CHECK_NEAR(m.host.host_components[COMP_BRIDGE], 3, 1e-9);
	CHECK_NEAR(m.host.host_components[COMP_OTHER_KERNEL], 27, 1e-9);
	CHECK_NEAR(m.host.host_components[COMP_GUEST], 80, 1e-9);

	/* guest judged per thread and interval: the vCPUs' gtime (0) disagrees with their guest samples, so each
	 * takes its sampled share out of kernel; the VM's guest is their sum */
	CHECK(m.host.guest_estimated && !m.host.guest_unknown);
	CHECK(a->guest_estimated);
	CHECK(a_threads[0].guest_estimated && a_threads[1].guest_estimated);
	CHECK_NEAR(a->guest, 50 + 25, 1e-9);
	CHECK_NEAR(a->kernel, 120 - 75, 1e-9);
	CHECK_NEAR(a->guest + a->vmm_user + a->kernel + a->vhost, a->total, 1e-9);
	CHECK_NEAR(a_threads[0].guest, 50, 1e-9);
	CHECK_NEAR(a_threads[0].kernel, 10, 1e-9);
	CHECK_NEAR(a_threads[1].guest, 25, 1e-9);
	CHECK_NEAR(a_threads[1].kernel, 25, 1e-9);
	/* not a vCPU, no gtime and no guest sample in 30: they agree, guest 0 as accounted */
	CHECK_NEAR(a_threads[3].guest, 0, 1e-9);
	CHECK(!a_threads[3].guest_estimated);
	CHECK_NEAR(vms[1].guest, 0, 1e-9);	/* samples, none in guest */
	CHECK_NEAR(vms[2].guest, 2, 1e-9);	/* capped at what kernel held */
	CHECK_NEAR(vms[2].kernel, 0, 1e-9);
	CHECK(isnan(vms[3].guest) && !vms[3].guest_estimated);	/* no basis */
	CHECK_NEAR(vms[3].kernel, 5, 1e-9);
	CHECK(isnan(d_threads[0].guest));
	CHECK_NEAR(vms[4].guest, 0, 1e-9);

	/* a vCPU whose gtime agrees with its samples this interval keeps its gtime, unmarked; one beside it
	 * whose gtime says 0 while its samples are all guest (a tick-based backend) is estimated */
	struct thread_stat f_threads[] = { thread(70, ROLE_VCPU, 50, 0, 50), thread(71, ROLE_VCPU, 40, 0, 40) };
	f_threads[0].gtime = 22;	/* 44%, samples 40%: within the error of 100 samples */
	f_threads[1].gtime = 0;
	vm(&vms[0], 7, f_threads, 2);
	struct perf_thread_counts ft[] = { counts(70, 40, 0, 60, 0, 0), counts(71, 50, 0, 0, 0, 0) };
	struct perf_sample saved = cur.perf;
	cur.perf.threads = ft;
	cur.perf.nthreads = 2;
	m.nvms = 1;
	m.host.guest_unknown = true;
	m.host.guest_estimated = false;
	model_perf_update(&m, &cur, &cur);
	CHECK(!f_threads[0].guest_estimated && f_threads[1].guest_estimated);
	CHECK_NEAR(f_threads[0].guest, 22, 1e-9);
	CHECK_NEAR(f_threads[0].kernel, 28, 1e-9);
	CHECK_NEAR(f_threads[1].guest, 40, 1e-9);
	CHECK_NEAR(vms[0].guest, 62, 1e-9);
	CHECK(vms[0].guest_estimated && m.host.guest_estimated);
	/* the next interval both agree: accounted, no mark on the VM or the host (nothing sticky) */
	f_threads[0] = thread(70, ROLE_VCPU, 50, 0, 50);
	f_threads[1] = thread(71, ROLE_VCPU, 40, 0, 40);
	f_threads[0].gtime = 20;
	f_threads[1].gtime = 40;
	vm(&vms[0], 7, f_threads, 2);
	m.host.guest_unknown = true;	/* as model.c sets it from the backend each refresh */
	model_perf_update(&m, &cur, &cur);
	CHECK(!f_threads[0].guest_estimated && !f_threads[1].guest_estimated);
	CHECK_NEAR(vms[0].guest, 60, 1e-9);
	CHECK_NEAR(vms[0].kernel, 30, 1e-9);
	CHECK(!vms[0].guest_estimated && !m.host.guest_estimated && !m.host.guest_unknown);
	cur.perf = saved;
	/* the judgement itself: too few samples, within the error, outside it */
	CHECK(model_gtime_agrees(10, 20, 5, 9, 0.5) == -1);
	CHECK(model_gtime_agrees(10, 20, 50, 100, 0.5) == 1);
	CHECK(model_gtime_agrees(0, 100, 100, 100, 0.5) == 0);	/* spinning, gtime missed: not accounted */
	CHECK(model_gtime_agrees(0, 100, 0, 100, 0.5) == 1);	/* all emulated in the host kernel: agrees */
	CHECK(model_gtime_agrees(NAN, 100, 0, 100, 0.5) == -1);

	/* accounting works (VMX/SVM): components only, /proc's guest stays */
	vm(&vms[0], 1, a_threads, 4);
	a_threads[0] = thread(10, ROLE_VCPU, 65, 5, 60);
	m.nvms = 1;
	m.host.guest_unknown = false;
	m.host.guest_estimated = false;
	vms[0].guest = 33;
	model_perf_update(&m, &cur, &cur);
	CHECK(!vms[0].guest_estimated && !m.host.guest_estimated);
	CHECK_NEAR(vms[0].guest, 33, 1e-9);
	CHECK_NEAR(a_threads[0].kernel, 60, 1e-9);

	/* symbol addresses hidden: guest and user space still split, kernel components unknown (not 0), and no
	 * guest estimate (the VM-entry routine cannot be recognised) */
	vm(&vms[0], 1, a_threads, 4);
	a_threads[0] = thread(10, ROLE_VCPU, 65, 5, 60);
	m.host.guest_unknown = true;
	m.host.guest_estimated = false;
	cur.perf.kernel_split = false;
	model_perf_update(&m, &cur, &cur);
	CHECK(vms[0].components_valid);
	CHECK_NEAR(vms[0].components[COMP_GUEST], 75 * ka, 1e-9);
	CHECK_NEAR(vms[0].components[COMP_VMM_USER], 20 * ka, 1e-9);
	CHECK(isnan(vms[0].components[COMP_KVM]) && isnan(vms[0].components[COMP_OTHER_KERNEL]));
	CHECK(isnan(m.host.host_components[COMP_BRIDGE]) && isnan(m.host.host_components[COMP_NIC]));
	CHECK_NEAR(m.host.host_components[COMP_HOST_USER], 34, 1e-9);	/* one VM in the model now */
	CHECK(m.host.guest_unknown && !m.host.guest_estimated && !vms[0].guest_estimated);
	cur.perf.kernel_split = true;

	/* sampling off: nothing known, the reason carried */
	vm(&vms[0], 1, a_threads, 4);
	cur.perf = (struct perf_sample){ .enabled = false, .sample_hz = 0 };
	snprintf(cur.sources[PART_PERF].why, sizeof(cur.sources[PART_PERF].why), "sampling off (--sample-hz 0)");
	m.host.guest_unknown = true;
	model_perf_update(&m, &cur, &cur);
	CHECK(!m.host.perf_enabled);
	CHECK_STR(m.host.perf_why_off, "sampling off (--sample-hz 0)");
	CHECK(!vms[0].components_valid && isnan(vms[0].components[COMP_GUEST]));
	CHECK(isnan(m.host.host_components[COMP_KVM]));
	CHECK(m.host.guest_unknown && !m.host.guest_estimated && isnan(vms[0].guest));

	free(m.host.cpus);
	return unit_done("test_perf_model");
}

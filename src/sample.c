/* sample.c - lifetime of host samples and the names of their enums. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sample.h"

void host_sample_init(struct host_sample *s)
{
	memset(s, 0, sizeof(*s));
}

void host_sample_clear(struct host_sample *s)
{
	for (size_t i = 0; i < s->nvms; i++) {
		free(s->vms[i].threads);
		free(s->vms[i].taps);
	}
	free(s->vms);
	free(s->cpus);
	free(s->perf.threads);
	free(s->exits.counts);
	free(s->exits.vm_counts);
	free(s->perf.funcs);
	memset(s, 0, sizeof(*s));
}

void host_sample_warn(struct host_sample *s, const char *fmt, ...)
{
	if (s->nwarnings >= (int)(sizeof(s->warnings) / sizeof(s->warnings[0])))
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->warnings[s->nwarnings++], sizeof(s->warnings[0]), fmt, ap);
	va_end(ap);
}

const struct vm_sample *host_sample_find_vm(const struct host_sample *s, pid_t pid, size_t hint)
{
	/* the model's VMs are the sample's, in its order, and two samples in a row mostly have the same VMs: index
	 * hint first (a search for each of 500 VMs took a third of the exits stage) */
	if (hint < s->nvms && s->vms[hint].pid == pid)
		return &s->vms[hint];
	/* collect_vms fills VMs in PID order: a binary search, then every VM when the order is another */
	size_t lo = 0, hi = s->nvms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->vms[mid].pid == pid)
			return &s->vms[mid];
		if (s->vms[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = 0; i < s->nvms; i++)
		if (s->vms[i].pid == pid)
			return &s->vms[i];
	return NULL;
}

const struct thread_sample *vm_sample_find_thread(const struct vm_sample *vm, pid_t tid, size_t hint)
{
	/* a VM's threads come in the same order each refresh: a scan for each was a quarter of the threads stage */
	if (hint < vm->nthreads && vm->threads[hint].tid == tid)
		return &vm->threads[hint];
	for (size_t i = 0; i < vm->nthreads; i++)
		if (vm->threads[i].tid == tid)
			return &vm->threads[i];
	return NULL;
}

const char *thread_role_name(enum thread_role role)
{
	static const char *const names[ROLE__COUNT] = {
		[ROLE_VCPU] = "vcpu", [ROLE_VHOST] = "vhost", [ROLE_IO] = "io",
		[ROLE_KVM] = "kvm", [ROLE_OTHER] = "other",
	};
	return role < ROLE__COUNT ? names[role] : "?";
}

const char *component_name(enum component c)
{
	static const char *const names[COMP__COUNT] = {
		[COMP_GUEST] = "guest", [COMP_VMM_USER] = "vmm_user", [COMP_KVM] = "kvm",
		[COMP_KVM_VENDOR] = "kvm_vendor", [COMP_VHOST] = "vhost", [COMP_TUN] = "tun",
		[COMP_BRIDGE] = "bridge", [COMP_NIC] = "nic", [COMP_OTHER_KERNEL] = "other_kernel",
		[COMP_HOST_USER] = "host_user",
	};
	return c < COMP__COUNT ? names[c] : "?";
}

const char *sample_part_name(enum sample_part p)
{
	static const char *const names[PART__COUNT] = {
		[PART_STAT] = "stat", [PART_THREADS] = "threads", [PART_PERF] = "perf", [PART_NET] = "net",
		[PART_MEM] = "mem", [PART_DOMAINS] = "domains", [PART_BALLOON] = "balloon",
		[PART_EXITS] = "exits",
	};
	return p < PART__COUNT ? names[p] : "?";
}

const char *balloon_stat_name(enum balloon_stat b)
{
	static const char *const names[BSTAT__COUNT] = {
#define BSTAT_JSON(id, json, libvirt, qemu, bytes) [BSTAT_##id] = json,
		BALLOON_STATS(BSTAT_JSON)
#undef BSTAT_JSON
	};
	return b < BSTAT__COUNT ? names[b] : "?";
}

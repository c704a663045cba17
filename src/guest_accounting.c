/* guest_accounting.c - does this KVM backend account guest time (gtime of vCPU threads)? Judged from data. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guest_accounting.h"
#include "nls.h"
#include "util.h"

struct guest_accounting {
	bool unreliable;		/* once said, said: the CPU's extensions do not change */
	bool hw_virt;			/* the CPU offers VMX or SVM */
	bool host_is_guest;		/* ... and is itself a hypervisor's guest */
	char backend[32];
	char why[160];
};

/* The vendor module in use: the one matching the CPU's virtualization extension, else a paravirtual one. */
static void detect_backend(struct guest_accounting *ga)
{
	char buf[8192];
	ga->hw_virt = false;
	FILE *f = fopen("/proc/cpuinfo", "r");
	while (f && fgets(buf, sizeof(buf), f)) {
		if (strncmp(buf, "flags", 5))
			continue;
		ga->hw_virt = strstr(buf, " vmx") || strstr(buf, " svm");
		ga->host_is_guest = strstr(buf, " hypervisor") != NULL;
		break;
	}
	if (f)
		fclose(f);
	static const char *const vendors[] = { "kvm_intel", "kvm_amd", "kvm_pvm" };
	for (size_t i = 0; i < sizeof(vendors) / sizeof(vendors[0]); i++) {
		char path[64];
		snprintf(path, sizeof(path), "/sys/module/%s", vendors[i]);
		if (access(path, F_OK) == 0) {
			str_copy(ga->backend, vendors[i], sizeof(ga->backend));
			if (ga->hw_virt || i == 2)
				break;
		}
	}
}

struct guest_accounting *guest_accounting_new(void)
{
	struct guest_accounting *ga = xcalloc(1, sizeof(*ga));
	detect_backend(ga);
	return ga;
}

/* A busy vCPU without guest time is no evidence on VMX/SVM: one whose guest runs ring-0 or real-mode code that
 * KVM's emulator executes really is in the host kernel (it used to mark the backend unaccounted for good). */
const char *guest_accounting_evidence(bool hw_virt, const struct host_sample *s)
{
	/* Without VMX/SVM, KVM runs a paravirtual backend whose tick-based guest accounting depends on where
	 * the tick lands (measured on kvm_pvm: 0% to 100% for the same spinning vCPU). */
	if (!hw_virt && s->nvms > 0)
		return _("no VMX/SVM on this CPU");
	return NULL;
}

void guest_accounting_update(struct guest_accounting *ga, struct host_sample *s)
{
	str_copy(s->kvm_backend, ga->backend, sizeof(s->kvm_backend));
	s->host_is_guest = ga->host_is_guest;
	const char *evidence = guest_accounting_evidence(ga->hw_virt, s);
	if (evidence && !ga->unreliable) {
		ga->unreliable = true;
		snprintf(ga->why, sizeof(ga->why), _("guest time not accounted by this KVM backend (%s: %s)"),
			 ga->backend[0] ? ga->backend : "kvm", evidence);
	}
	s->guest_time_unreliable = ga->unreliable;
	str_copy(s->guest_time_why, ga->why, sizeof(s->guest_time_why));
}

void guest_accounting_free(struct guest_accounting *ga)
{
	free(ga);
}

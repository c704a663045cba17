/* guest_accounting.c - does this KVM backend account guest time (gtime of vCPU threads)? Judged from data. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guest_accounting.h"
#include "nls.h"
#include "util.h"

/* Half a second of CPU with no guest tick at all cannot happen where the kernel accounts guest time
 * (VMX/SVM: guest_enter/guest_exit around VM entry); it does on paravirtual backends such as kvm_pvm. */
#define BUSY_TICKS 50

struct guest_accounting {
	bool unreliable;		/* sticky: one busy vCPU without guest time settles it */
	bool hw_virt;			/* the CPU offers VMX or SVM */
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

bool guest_accounting_thread_unaccounted(const struct thread_sample *t, unsigned long long busy_ticks)
{
	return t->role == ROLE_VCPU && t->gtime == 0 && t->utime + t->stime >= busy_ticks;
}

void guest_accounting_update(struct guest_accounting *ga, struct host_sample *s)
{
	str_copy(s->kvm_backend, ga->backend, sizeof(s->kvm_backend));
	const char *evidence = NULL;
	for (size_t v = 0; v < s->nvms && !evidence; v++)
		for (size_t t = 0; t < s->vms[v].nthreads && !evidence; t++)
			if (guest_accounting_thread_unaccounted(&s->vms[v].threads[t], BUSY_TICKS))
				evidence = _("a busy vCPU has no guest time");
	/* Without VMX/SVM, KVM runs a paravirtual backend whose tick-based guest accounting depends on where
	 * the tick lands (measured on kvm_pvm: 0% to 100% for the same spinning vCPU). */
	if (!evidence && !ga->hw_virt && s->nvms > 0)
		evidence = _("no VMX/SVM on this CPU");
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

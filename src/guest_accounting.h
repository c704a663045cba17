/* guest_accounting.h - does this KVM backend account guest time (gtime of vCPU threads)? Judged from data. */
#ifndef VMTOP_GUEST_ACCOUNTING_H
#define VMTOP_GUEST_ACCOUNTING_H

#include "sample.h"

struct guest_accounting;

struct guest_accounting *guest_accounting_new(void);
/* Looks at the vCPU threads of s and sets s->guest_time_unreliable, guest_time_why and kvm_backend. */
void guest_accounting_update(struct guest_accounting *ga, struct host_sample *s);
void guest_accounting_free(struct guest_accounting *ga);

/* Why guest time cannot be trusted on this host, or NULL when it can: with VMX/SVM the kernel accounts it
 * (guest_enter/guest_exit around every VM entry), whatever the vCPUs run; without, it depends on the backend. */
const char *guest_accounting_evidence(bool hw_virt, const struct host_sample *s);

#endif

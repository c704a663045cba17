/* guest_accounting.h - does this KVM backend account guest time (gtime of vCPU threads)? Judged from data. */
#ifndef VMTOP_GUEST_ACCOUNTING_H
#define VMTOP_GUEST_ACCOUNTING_H

#include "sample.h"

struct guest_accounting;

struct guest_accounting *guest_accounting_new(void);
/* Looks at the vCPU threads of s and sets s->guest_time_unreliable, guest_time_why and kvm_backend. */
void guest_accounting_update(struct guest_accounting *ga, struct host_sample *s);
void guest_accounting_free(struct guest_accounting *ga);

/* The verdict from data alone, for tests: a vCPU thread that has run at least busy_ticks yet has no guest
 * time means its guest execution was charged as system time. */
bool guest_accounting_thread_unaccounted(const struct thread_sample *t, unsigned long long busy_ticks);

#endif

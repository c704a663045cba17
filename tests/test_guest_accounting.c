/* test_guest_accounting.c - when guest time is trusted: always with VMX/SVM, even for a busy vCPU with no guest
 * time (its guest code run by KVM's emulator); never without VMX/SVM once a VM is there. */
#include "config.h"

#include <stdlib.h>

#include "guest_accounting.h"
#include "unit.h"

int main(void)
{
	struct thread_sample emulated = { .tid = 10, .role = ROLE_VCPU, .vcpu_index = 0, .utime = 5, .stime = 400 };
	struct vm_sample vm = { .pid = 10, .nthreads = 1, .threads = &emulated };
	struct host_sample s = { .nvms = 1, .vms = &vm };
	CHECK(guest_accounting_evidence(true, &s) == NULL);
	const char *why = guest_accounting_evidence(false, &s);
	CHECK(why && strstr(why, "VMX/SVM"));
	struct host_sample none = { 0 };
	CHECK(guest_accounting_evidence(false, &none) == NULL);	/* no VM: nothing to say yet */
	return unit_done("test_guest_accounting");
}

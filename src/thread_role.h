/* thread_role.h - what a VM process's thread does, from the name its VMM gave it. */
#ifndef VMTOP_THREAD_ROLE_H
#define VMTOP_THREAD_ROLE_H

#include "sample.h"

/* Role of a thread named comm; for ROLE_VCPU *vcpu_index is set, else -1. Names not known to be vCPUs are
 * ROLE_OTHER here; collect_vms may still find a vCPU by the KVM_RUN ioctl it sleeps in. */
enum thread_role thread_role_from_comm(const char *comm, int *vcpu_index);

#endif

/* collect_vms.h - per-VM and per-thread CPU counters of the VMs discovery found. */
#ifndef VMTOP_COLLECT_VMS_H
#define VMTOP_COLLECT_VMS_H

#include <stddef.h>

#include "sample.h"

struct vms_collector;

struct vms_collector *vms_collector_new(char *why, size_t whylen);
/* Fills s->vms (and the guest-time accounting verdict). VMs that exit mid-sample are simply missing. 0, or
 * -errno when the threads could not be read at all (the eBPF iterator failed): s->vms is left empty. */
int vms_collect(struct vms_collector *vc, struct host_sample *s);
void vms_collector_free(struct vms_collector *vc);

#endif

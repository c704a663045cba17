/* vm_sort.h - the VM table's columns as sort keys, and the ordering shared by batch and curses views. */
#ifndef VMTOP_VM_SORT_H
#define VMTOP_VM_SORT_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

enum sort_key {
	SORT_PID, SORT_NAME, SORT_VCPUS, SORT_TOTAL, SORT_GUEST, SORT_VMM, SORT_KERNEL,
	SORT_VHOST, SORT_READY, SORT_RSS, SORT_SWAP, SORT_KSM, SORT_BALLOON, SORT_EXITS, SORT__COUNT
};

/* Column key as typed after -s ("total", "name", ...); -1 if unknown. */
int sort_key_from_name(const char *name);
const char *sort_key_name(enum sort_key key);
/* Natural direction: numbers high first, pid and name low first. */
bool sort_key_descending(enum sort_key key);
/* Fills order[0..m->nvms) with VM indices sorted by key (reverse flips the natural direction). Pinned VMs
 * (pinned(pid, ctx) true) come first, in the same order among themselves. Unknown (NAN) values sort last. */
void vm_sort(const struct model *m, enum sort_key key, bool reverse,
	     bool (*pinned)(pid_t pid, void *ctx), void *ctx, size_t *order);

#endif

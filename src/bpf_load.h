/* bpf_load.h - one line saying why an eBPF program did not load (no BTF, no permission, libbpf's last warning),
 * shared by the sources that load one (thread_bpf.c, collect_exits.c) so their reasons read alike. */
#ifndef VMTOP_BPF_LOAD_H
#define VMTOP_BPF_LOAD_H

#include <stddef.h>
#include <stdbool.h>

/* Before a load: false (why says so) when the kernel has no BTF to relocate by; else libbpf is told to keep its
 * warnings (the last one only) instead of printing them over the screen. */
bool bpf_load_begin(char *why, size_t whylen);

/* After a load failed with err (a positive or negative errno): why = the permission hint for EPERM/EACCES, else
 * not_loaded (a format with three %s: strerror, ": " or "", libbpf's last warning). */
void bpf_load_failed(int err, const char *not_loaded, char *why, size_t whylen);

#endif

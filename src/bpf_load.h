/* bpf_load.h - the one eBPF object (bpf/threads.bpf.c and bpf/exits.bpf.c, linked by bpftool), loaded once for the
 * sources that use it (thread_bpf.c, collect_exits.c), and one line saying why it did not load. */
#ifndef VMTOP_BPF_LOAD_H
#define VMTOP_BPF_LOAD_H

#include <stddef.h>
#include <stdbool.h>

struct source_args;
struct vmtop_bpf;

/* The object's parts, each one source's programs and maps: the task iterator and the news of vCPU creation; the
 * KVM tracepoint counters; and among those kvm_emulate_insn, one event per emulated instruction, only when asked. */
enum bpf_part {
	BPF_PART_THREADS = 1 << 0,
	BPF_PART_EXITS = 1 << 1,
	BPF_PART_EMULATE = 1 << 2,
};

/* The parts the options will have the sources ask for (a NULL: none). */
unsigned bpf_parts_wanted(const struct source_args *a);

/* The loaded object with part's programs, for one source to attach; NULL (why set from not_loaded, a format with
 * three %s: strerror, ": " or "", libbpf's last warning) when it cannot be: no BTF, no permission, or the kernel
 * refused a program. The first load also loads the parts also names, which the other sources will ask for: the
 * kernel's BTF, parsed at each load, is then parsed once (some 35 ms and 5 MB at start). Where that load fails, part
 * alone is tried. */
struct vmtop_bpf *bpf_object_get(unsigned part, unsigned also, const char *not_loaded, char *why, size_t whylen);
/* part is no longer used: the object goes when no part of it is. */
void bpf_object_put(struct vmtop_bpf *skel, unsigned part);

#endif

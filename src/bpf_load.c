/* bpf_load.c - the one eBPF object, loaded once with the parts the sources will use, and why it did not load. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "bpf_load.h"
#include "nls.h"
#include "source.h"
#include "vmtop.skel.h"

/* libbpf's last warning, for the reason when a load fails for a cause other than permission. */
static char libbpf_last[160];

/* Loaded objects and which of their parts a source uses: a part serves one source at a time (its maps are that
 * source's), so a second user of a part (a benchmark's peer) gets an object of its own. */
#define BPF_OBJECTS 4
static struct {
	struct vmtop_bpf *skel;
	unsigned parts, used;
} objects[BPF_OBJECTS];

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN) {
		vsnprintf(libbpf_last, sizeof(libbpf_last), fmt, ap);
		libbpf_last[strcspn(libbpf_last, "\n")] = '\0';
	}
	return 0;
}

unsigned bpf_parts_wanted(const struct source_args *a)
{
	if (!a)
		return 0;
	return (a->threads_proc_only ? 0 : BPF_PART_THREADS) | (a->exits_off ? 0 : BPF_PART_EXITS) |
	       (!a->exits_off && a->exits_all ? BPF_PART_EMULATE : 0);
}

/* By name: exits.bpf.c's programs are on_<tracepoint>, its maps exit_<what>; the rest is threads.bpf.c's but for
 * the globals' .bss, which both use. */
static unsigned program_part(const struct bpf_program *p)
{
	const char *name = bpf_program__name(p);
	if (!strcmp(name, "on_kvm_emulate_insn"))
		return BPF_PART_EMULATE;
	return strncmp(name, "on_", 3) ? BPF_PART_THREADS : BPF_PART_EXITS;
}

static unsigned map_part(const struct bpf_map *m)
{
	const char *name = bpf_map__name(m);
	if (!strncmp(name, "exit_", 5))
		return BPF_PART_EXITS;
	return strchr(name, '.') ? 0 : BPF_PART_THREADS;
}

/* The object with the programs and maps of parts (the exits part's with any of its own), or NULL and *err. */
static struct vmtop_bpf *load(unsigned parts, int *err)
{
	struct vmtop_bpf *skel = vmtop_bpf__open();
	if (!skel) {
		*err = -errno;
		return NULL;
	}
	if (parts & BPF_PART_EMULATE)
		parts |= BPF_PART_EXITS;
	struct bpf_program *p;
	bpf_object__for_each_program(p, skel->obj)
		bpf_program__set_autoload(p, (program_part(p) & parts) != 0);
	struct bpf_map *m;
	bpf_object__for_each_map(m, skel->obj)
		if (map_part(m))
			bpf_map__set_autocreate(m, (map_part(m) & parts) != 0);
	*err = vmtop_bpf__load(skel);
	if (*err) {
		vmtop_bpf__destroy(skel);
		return NULL;
	}
	return skel;
}

/* EACCES is also the verifier refusing a program: for root, that is what it means */
static bool no_permission(int err)
{
	err = err < 0 ? -err : err;
	return err == EPERM || (err == EACCES && geteuid() != 0);
}

static void load_failed(int err, const char *not_loaded, char *why, size_t whylen)
{
	err = err < 0 ? -err : err;
	if (no_permission(err))
		snprintf(why, whylen, "%s", _("eBPF needs CAP_BPF and CAP_PERFMON (or root)"));
	else
		snprintf(why, whylen, not_loaded, strerror(err), libbpf_last[0] ? ": " : "", libbpf_last);
}

struct vmtop_bpf *bpf_object_get(unsigned part, unsigned also, const char *not_loaded, char *why, size_t whylen)
{
	for (int i = 0; i < BPF_OBJECTS; i++)
		if (objects[i].skel && (objects[i].parts & part) == part && !(objects[i].used & part)) {
			objects[i].used |= part;
			return objects[i].skel;
		}
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		snprintf(why, whylen, _("no kernel BTF (/sys/kernel/btf/vmlinux): %s"), strerror(errno));
		return NULL;
	}
	int slot = 0;
	while (slot < BPF_OBJECTS && objects[slot].skel)
		slot++;
	if (slot == BPF_OBJECTS) {
		load_failed(EBUSY, not_loaded, why, whylen);
		return NULL;
	}
	libbpf_set_print(libbpf_quiet);
	unsigned parts = part | also;
	int err;
	struct vmtop_bpf *skel = load(parts, &err);
	/* a part the kernel refuses (the exits' atomics before 5.12) need not be part's; no permission is for all */
	if (!skel && parts != part && !no_permission(err))
		skel = load(parts = part, &err);
	if (!skel) {
		load_failed(err, not_loaded, why, whylen);
		return NULL;
	}
	objects[slot].skel = skel;
	objects[slot].parts = parts;
	objects[slot].used = part;
	return skel;
}

void bpf_object_put(struct vmtop_bpf *skel, unsigned part)
{
	for (int i = 0; skel && i < BPF_OBJECTS; i++) {
		if (objects[i].skel != skel)
			continue;
		objects[i].used &= ~part;
		if (!objects[i].used) {
			vmtop_bpf__destroy(skel);
			objects[i].skel = NULL;
		}
		return;
	}
}

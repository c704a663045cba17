/* ksyms.h - kernel text addresses to hypervisor components (kvm, vendor module, vhost, tun, bridge, nic). */
#ifndef VMTOP_KSYMS_H
#define VMTOP_KSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sample.h"

/* What a kernel IP is doing, as far as vmtop cares. */
enum ksym_class {
	KSYM_OTHER,		/* any other kernel code */
	KSYM_KVM,		/* kvm core (kvm.ko: x86.c, mmu, emulator, lapic, ...) */
	KSYM_KVM_VENDOR,	/* kvm_intel / kvm_amd / kvm_pvm */
	KSYM_VHOST,
	KSYM_TUN,		/* tun, tap, macvtap */
	KSYM_BRIDGE,
	KSYM_NIC,		/* physical (or virtio) NIC drivers */
	KSYM_IOCTL,		/* the ioctl system call's own code: no component, but on a vCPU thread KVM_RUN's way in */
	KSYM_GUEST_ENTRY,	/* where the host sees guest execution: interrupt taken on VM exit */
	KSYM_IDLE,		/* the idle loop: not work, the collector drops it */
	KSYM__COUNT
};

/* A loadable module's text: [base, base + size). */
struct kmodule {
	uint64_t base, size;
	enum ksym_class cls;
	char name[56];
};

struct ksyms;

/* Component a class counts as; COMP__COUNT for KSYM_IDLE (not work). */
enum component ksym_class_component(enum ksym_class c);
const char *ksym_class_name(enum ksym_class c);

/* Pure helpers (tested on given inputs). Names may carry a compiler suffix (".cold", ".isra.0"). */
enum ksym_class ksyms_classify_name(const char *sym);
enum ksym_class ksyms_classify_module(const char *module);
/* Row i of the name table ("x*" prefix or exact name): 0 past the end. For tests and documentation. */
int ksyms_name_rule(size_t i, const char **pattern, enum ksym_class *cls);
/* kvm_intel / kvm_amd / kvm_pvm when sym is that vendor module's run loop, else NULL. */
const char *ksyms_vendor_of_name(const char *sym);
/* Vendor among the ones present: a single one wins; several: cpu flags ("vmx", "svm") decide. */
const char *ksyms_pick_vendor(int has_intel, int has_amd, int has_pvm, const char *cpu_flags);
/* Binary search over modules sorted by base; NULL when ip is in none. */
const struct kmodule *kmodule_find(const struct kmodule *mods, size_t n, uint64_t ip);
/* Parses /proc/modules text into a sorted table (caller frees *out). Returns the count. */
size_t kmodules_parse(const char *text, struct kmodule **out);

/* Builds the table from kallsyms text and optional /proc/modules text and cpu flags (NULL: unknown).
 * NULL with why set when there is no text symbol or every address reads 0 (kptr_restrict). */
struct ksyms *ksyms_parse(FILE *kallsyms, const char *modules, const char *cpu_flags, char *why, size_t whylen);
/* Loads /proc/kallsyms, /proc/modules (when present) and /proc/cpuinfo flags. */
struct ksyms *ksyms_load(char *why, size_t whylen);
/* Whether /proc/modules text (NULL: none) lays modules out otherwise than when ks was built: names, sizes or
 * addresses, not refcounts. */
bool ksyms_modules_changed(const struct ksyms *ks, const char *modules);
/* Reloads when /proc/modules changed. 1 reloaded, 0 unchanged, -1 reload failed (old table kept). */
int ksyms_refresh(struct ksyms *ks);
enum ksym_class ksyms_classify(const struct ksyms *ks, uint64_t ip);
/* Addresses were hidden: every kernel address classifies as KSYM_OTHER (ksyms_parse's why says so). */
bool ksyms_hidden(const struct ksyms *ks);
const char *ksyms_vendor(const struct ksyms *ks);	/* "" when no KVM vendor code was found */
/* "modules" when kvm code is told by /proc/modules address ranges, else "symbol names" (built in). */
const char *ksyms_split_by(const struct ksyms *ks);
size_t ksyms_nranges(const struct ksyms *ks);		/* merged address ranges kept (memory check) */
void ksyms_free(struct ksyms *ks);

#endif

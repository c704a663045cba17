/* exit_names.h - names of KVM exit reasons by vendor (VMX, SVM) and of exits to the VMM (KVM_EXIT_*), from the
 * kernel's uapi headers at build time. */
#ifndef VMTOP_EXIT_NAMES_H
#define VMTOP_EXIT_NAMES_H

#include <stddef.h>

/* The reason of an exits-source EXIT key (isa << 32 | the vendor's code): VMX's basic reason (its flag bits, e.g.
 * bit 31 failed entry, masked off), SVM's exit code; a debugfs counter (EXITS_ISA_STAT) as its file's name; an
 * unknown code as VMX_0xN, SVM_0xN or STAT_0xN. Returns buf. */
const char *exit_reason_name(unsigned long long arg, char *buf, size_t len);
/* A KVM_EXIT_* reason without its prefix: IO, MMIO, HLT; ERROR for a failed KVM_RUN, else KVM_EXIT_N. */
const char *exit_userspace_name(unsigned long long reason, char *buf, size_t len);
/* A WAKE key: polled (halt polling saw the wakeup) or waited (the vCPU slept), "_spurious" when nothing was to run. */
const char *exit_wake_name(unsigned long long arg, char *buf, size_t len);
/* A PF key as ACCESS_CAUSE: read, write or fetch; missing (no mapping yet, or swapped out), protect (mapped without
 * that right: write-protected for dirty logging, or KSM) or mmio (KVM's reserved-bit entry for emulated MMIO). */
const char *exit_fault_name(unsigned long long arg, char *buf, size_t len);
/* An EMUL key: ok, or failed (KVM could not emulate the instruction). */
const char *exit_emul_name(unsigned long long arg, char *buf, size_t len);
/* The debugfs file of an enum exits_kvm_stat ("io_exits"; "other" for EXITS_STAT_OTHER), NULL past the table. */
const char *exit_stat_file(unsigned stat);
/* The basic VMX reason of a raw exit_reason: its low 16 bits. */
unsigned exit_vmx_basic(unsigned long long code);

#endif

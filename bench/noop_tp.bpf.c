// SPDX-License-Identifier: GPL-2.0
/* noop_tp.bpf.c - a program that does nothing on each KVM tracepoint vmtop's exits source attaches to: what any
 * BPF program costs there (the kernel's tracepoint-to-BPF dispatch), the floor vmtop's cost is read against. */
#define SEC(name) __attribute__((section(name), used))

char LICENSE[] SEC("license") = "GPL";

#define NOOP(tp) SEC("raw_tp/" #tp) int noop_##tp(void *ctx) { return 0; }
NOOP(kvm_exit)
NOOP(kvm_entry)
NOOP(kvm_userspace_exit)
NOOP(kvm_pio)
NOOP(kvm_mmio)
NOOP(kvm_msr)
NOOP(kvm_inj_virq)
NOOP(kvm_apic_accept_irq)
NOOP(kvm_hypercall)
NOOP(kvm_vcpu_wakeup)
NOOP(kvm_page_fault)

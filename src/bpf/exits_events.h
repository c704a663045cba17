/* exits_events.h - the one table of KVM tracepoints the exits source counts, and what each key holds (and the table
 * of KVM debugfs counters its fallback reads); included by the BPF program (bpf/exits.bpf.c), the loaders and the
 * model, so an event is added in one place. */
#ifndef VMTOP_EXITS_EVENTS_H
#define VMTOP_EXITS_EVENTS_H

/* X(ID, tracepoint): the key's arg per event:
 *   EXIT   isa << 32 | the vendor's exit code (VMX: exit_reason with its flag bits; SVM: vmcb exit_code); the
 *          value's ns sums the time from each exit to the vCPU's next entry (kvm_entry)
 *   USER   KVM_EXIT_* reason of an exit to the VMM (EXITS_USER_ERROR when KVM_RUN failed, e.g. EINTR)
 *   PIO    direction (1 out) << 16 | port
 *   MMIO   type << 56 | guest-physical page (gpa >> 12); type 0 read unsatisfied, 1 read, 2 write
 *   MSR    write << 32 | MSR index
 *   VIRQ   vector injected into the vCPU (kvm_inj_virq)
 *   APIC   vector accepted by a local APIC (kvm_apic_accept_irq: counted for the thread that sent it)
 *   HCALL  hypercall number
 *   ENTRY  0: entries followed by an exit, the value's ns the time from each entry to that exit (in the guest,
 *          the switch in and out included); an entry also ends the time of the exit before it
 *   WAKE   a halted vCPU woke (kvm_vcpu_wakeup): EXITS_WAKE_WAITED when it slept (else halt polling caught the
 *          wakeup) | EXITS_WAKE_SPURIOUS when nothing was there to run; the value's ns sums the time halted
 *   PF     a guest page fault KVM handled (kvm_page_fault: NPF/EPT violation, or a #PF under shadow paging):
 *          isa << 32 (that of the thread's last kvm_exit: 0 none seen) | the error code's low 6 bits, which mean
 *          the #PF error code (SVM, shadow paging) or the EPT violation's qualification (VMX)
 *   EMUL   an instruction KVM emulated (kvm_emulate_insn): 1 when emulation failed; only with --exits=all (it fires
 *          for every emulated instruction: ~460,000/s for one guest seen here)
 * New events go last: a recording keeps the numbers. */
#define EXITS_WAKE_WAITED 1
#define EXITS_WAKE_SPURIOUS 2
#define EXITS_EVENTS(X)                          \
	X(EXIT, kvm_exit)                        \
	X(USER, kvm_userspace_exit)              \
	X(PIO, kvm_pio)                          \
	X(MMIO, kvm_mmio)                        \
	X(MSR, kvm_msr)                          \
	X(VIRQ, kvm_inj_virq)                    \
	X(APIC, kvm_apic_accept_irq)             \
	X(HCALL, kvm_hypercall)                  \
	X(ENTRY, kvm_entry)                      \
	X(WAKE, kvm_vcpu_wakeup)                 \
	X(PF, kvm_page_fault)                    \
	X(EMUL, kvm_emulate_insn)

#define EXITS_EV_ENUM(id, tp) EXITS_EV_##id,
enum exits_event { EXITS_EVENTS(EXITS_EV_ENUM) EXITS_EV__COUNT };
#undef EXITS_EV_ENUM

#define EXITS_ISA_VMX 1			/* KVM_ISA_VMX, KVM_ISA_SVM: kvm_exit's isa argument */
#define EXITS_ISA_SVM 2
#define EXITS_ISA_STAT 3		/* an EXIT key of the debugfs source: code is an enum exits_kvm_stat */
#define EXITS_ARG_ALL 0xffffffffffffffffULL	/* a debugfs total over all keys (vectors, hypercalls) */

/* X(ID, file): KVM's per-VM debugfs counters (/sys/kernel/debug/kvm/PID-FD/FILE, summed over the VM's vCPUs) the
 * debugfs source reads. ALL counts every exit; the next ones are exits of one kind (what is left of ALL is
 * "other"); VIRQ and HCALL are totals of events that are not exits. Kernel: arch/x86/kvm (x86.c, svm.c, vmx.c). */
#define EXITS_STATS(X)                           \
	X(ALL, exits)                            \
	X(IO, io_exits)                          \
	X(MMIO, mmio_exits)                      \
	X(HLT, halt_exits)                       \
	X(IRQ, irq_exits)                        \
	X(IRQ_WINDOW, irq_window_exits)          \
	X(NMI_WINDOW, nmi_window_exits)          \
	X(VIRQ, irq_injections)                  \
	X(HCALL, hypercalls)

#define EXITS_STAT_ENUM(id, file) EXITS_STAT_##id,
enum exits_kvm_stat { EXITS_STATS(EXITS_STAT_ENUM) EXITS_STAT_OTHER, EXITS_STAT__COUNT };
#undef EXITS_STAT_ENUM
#define EXITS_CODE_UNREAD 0xfffffffeU	/* the vendor's exit code could not be read (CO-RE found no field) */
#define EXITS_USER_ERROR 0xffffU
#define EXITS_MAX_KEYS 16384		/* bound of the count map: beyond it, new keys are dropped and counted */

#endif

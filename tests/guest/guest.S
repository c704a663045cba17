/*
 * guest.S - vmtop's tiny test guest: a PVH ELF that qemu -kernel boots directly (no Linux, no firmware calls).
 *
 * qemu -append picks the workload: spin (burn CPU in 64-bit ring 3), pio (an `out` loop to port 0x80 from
 * 64-bit ring 3: every OUT exits to qemu; pio=N counts N down between two OUTs, a loop of known length in the
 * guest), halt (cli; hlt in ring 0), mmio (a store loop from ring 3 to
 * MMIO_ADDR, where qemu's pc machine has nothing: every store exits to qemu as MMIO), tick (sti; hlt in ring 0,
 * woken TICK_HZ times a second by the local APIC timer: a halting, idle guest), balloon (a virtio balloon driver on
 * the BSP, the APs halt: see balloon_main). Every vCPU, APs included, switches to
 * long mode and writes "vmtop-guest: cpuN MODE\n" to the debugcon port 0xe9 just before its workload.
 *
 * Why ring 3: under kvm_pvm ring-0 (and real/protected mode) guest code is emulated one instruction at a time;
 * only 64-bit ring-3 code runs natively. So ring-0 work here is kept to a few thousand instructions.
 * Why a TSS I/O bitmap: ring-3 port I/O under kvm_pvm ignores IOPL and obeys only the bitmap (and TCG checks
 * it too, so a TCG boot proves the bitmap right).
 *
 * Boot path: PVH entry (32-bit protected mode, paging off, %ebx = hvm_start_info) -> 4 GiB identity map with
 * 2 MiB pages -> long mode -> per-CPU stack, TSS, IDT -> BSP parses the command line, masks the PIC and wakes
 * the APs (INIT-SIPI-SIPI broadcast through a real-mode trampoline copied to 0x8000) -> announce -> workload.
 * Halt-mode guests start their APs too, so every vCPU announces itself the same way.
 */

#define KCODE32		0x08
#define KDATA		0x10
#define KCODE64		0x18
#define UDATA		0x20
#define UCODE64		0x28
#define TSS0		0x30		/* first of MAXCPU 16-byte TSS descriptors */
#define MAXCPU		64
#define STACK_SHIFT	10		/* 1 KiB ring-0 stack per vCPU: nothing deep runs here */
#define TSS_STRIDE	256
#define TSS_IOMAP	104		/* I/O bitmap right after the 104-byte 64-bit TSS */
#define TSS_LIMIT	(TSS_IOMAP + 32)	/* bitmap covers ports 0-255, then the 0xff terminator byte */
#define PIO_PORT	0x80
#define DEBUGCON	0xe9
#define TRAMPOLINE	0x8000		/* AP real-mode start: SIPI vector 0x08 */
#define LAPIC		0xfee00000
#define PVH_MAGIC	0x336ec578

#define MODE_SPIN	0
#define MODE_PIO	1
#define MODE_HALT	2
#define MODE_MMIO	3
#define MODE_TICK	4
#define MODE_BALLOON	5
#define MODE_UNKNOWN	6
#define MMIO_ADDR	0xd0000000	/* in the PCI hole, below the LAPIC: no RAM, no device */
#define TICK_VECTOR	0x40
#define TICK_COUNT	1000000		/* KVM's APIC timer counts at 1 GHz (divide by 1): 1000 Hz */
/* balloon mode: legacy virtio-pci (qemu's transitional virtio-balloon-pci), its registers in BAR0's I/O space */
#define BALLOON_POOL	0x1000000	/* 16 MiB: the pages the balloon gives, far above this image */
#define BALLOON_PAGES	8192		/* 32 MiB of them: the guest needs -m 64 at least */
#define BALLOON_BATCH	256		/* pages a request */
#define BALLOON_IO	0xc100		/* BAR0 when no firmware assigned one */
#define VQ_MAX		256		/* queue sizes this driver takes (qemu's balloon queues have 128) */
#define VRING_BYTES	0x3000		/* a legacy vring of VQ_MAX entries: descriptors, avail, then used at 4 KiB */
#define PCI_ADDR	0xcf8
#define PCI_DATA	0xcfc
#define BALLOON_ID	0x10021af4	/* device 0x1002 (transitional balloon), vendor 0x1af4 */
#define VIO_FEATURES	0x04		/* guest features */
#define VIO_QUEUE_PFN	0x08
#define VIO_QUEUE_SIZE	0x0c
#define VIO_QUEUE_SEL	0x0e
#define VIO_NOTIFY	0x10
#define VIO_STATUS	0x12
#define VIO_NUM_PAGES	0x14		/* device config (MSI-X off): le32 num_pages the host asks for, le32 actual */
#define VIO_ACTUAL	0x18

/* ---- PVH ELF note: XEN_ELFNOTE_PHYS32_ENTRY (18), read by qemu's load_elfboot() ---- */
	.section .note.Xen, "a", @note
	.p2align 2
	.long 4			/* name size: "Xen\0" */
	.long 8			/* desc size: qemu reads a 64-bit entry address from a 64-bit ELF */
	.long 18
	.asciz "Xen"
	.quad pvh_entry

/* ---- 32-bit entry points ---- */
	.section .text.entry, "ax"
	.code32
	.globl pvh_entry
pvh_entry:
	cli
	cld
	mov %ebx, start_info
	jmp enter_long

/* APs arrive here from the trampoline, in protected mode with our GDT loaded. */
ap_entry32:
	mov $KDATA, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	/* fall through */

enter_long:
	lgdt gdt_ptr
	mov %cr4, %eax
	or $0x20, %eax			/* PAE */
	mov %eax, %cr4
	mov $pml4, %eax
	mov %eax, %cr3
	mov $0xc0000080, %ecx		/* EFER.LME */
	rdmsr
	or $0x100, %eax
	wrmsr
	mov %cr0, %eax
	or $0x80000001, %eax		/* PG | PE */
	mov %eax, %cr0
	ljmp $KCODE64, $long_entry

/* ---- AP trampoline: copied to TRAMPOLINE, runs in real mode with CS = TRAMPOLINE >> 4 ---- */
	.code16
trampoline_start:
	cli
	mov %cs, %ax
	mov %ax, %ds
	lgdtl tramp_gdt_ptr - trampoline_start
	mov %cr0, %eax
	or $1, %eax
	mov %eax, %cr0
	ljmpl $KCODE32, $ap_entry32
	.p2align 2
tramp_gdt_ptr:
	.word gdt_end - gdt - 1
	.long gdt
trampoline_end:

/* ---- 64-bit ring 0 ---- */
	.code64
long_entry:
	mov $KDATA, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	xor %eax, %eax
	mov %ax, %fs
	mov %ax, %gs
	/* The BSP takes index 0: it runs alone until it wakes the APs. */
	mov $1, %eax
	lock xadd %eax, cpu_next(%rip)
	cmp $MAXCPU, %eax
	jae halt_forever
	mov %eax, %r12d			/* r12 = this vCPU's index, kept in every mode (ring 3 leaves it alone) */
	lea 1(%rax), %rsp
	shl $STACK_SHIFT, %rsp
	add $stacks, %rsp
	lidt idt_ptr(%rip)
	test %r12d, %r12d
	jnz 1f
	call bsp_setup
1:	call tss_setup
	mov mode(%rip), %eax
	mov mode_names(,%rax,8), %rdi
	call announce
	mov mode(%rip), %eax
	cmp $MODE_SPIN, %eax
	je 2f
	cmp $MODE_PIO, %eax
	je 3f
	cmp $MODE_MMIO, %eax
	je 4f
	cmp $MODE_TICK, %eax
	je tick_loop
	cmp $MODE_BALLOON, %eax
	jne halt_forever
	test %r12d, %r12d
	jz balloon_main
	jmp halt_forever
2:	mov $spin_loop, %rdi
	jmp to_user
3:	mov $pio_loop, %rdi
	jmp to_user
4:	mov $mmio_loop, %rdi
	jmp to_user

/* This vCPU's local APIC timer, periodic, then halt between its interrupts (irq_stub acknowledges them). */
tick_loop:
	call tick_start
1:	sti
	hlt
	cli
	jmp 1b

tick_start:
	mov $LAPIC, %eax
	movl $0x1ff, 0xf0(%rax)			/* spurious vector register: APIC on, vector 0xff */
	movl $0xb, 0x3e0(%rax)			/* divide by 1 */
	movl $(0x20000 | TICK_VECTOR), 0x320(%rax)	/* LVT timer: periodic */
	movl $TICK_COUNT, 0x380(%rax)		/* initial count: starts it */
	ret

/* The balloon: find the device on PCI bus 0, make BALLOON_PAGES pages at BALLOON_POOL resident (written), then at
 * each timer tick give the device as many of them as it asks for (num_pages: the inflate queue) or take back what
 * it no longer wants (the deflate queue), BALLOON_BATCH pages a request, and report the count in actual. Ring 0:
 * slow where it is emulated (kvm_pvm), but a few thousand instructions a tick at most. */
balloon_main:
	xor %esi, %esi				/* PCI device number, bus 0 function 0 */
1:	mov %esi, %eax
	shl $11, %eax
	or $0x80000000, %eax
	mov %eax, %r8d				/* config address of the device, register 0 */
	mov $PCI_ADDR, %dx
	out %eax, %dx
	mov $PCI_DATA, %dx
	in %dx, %eax
	cmp $BALLOON_ID, %eax
	je 2f
	inc %esi
	cmp $32, %esi
	jb 1b
	lea msg_no_balloon(%rip), %rdi
	call announce
	jmp halt_forever
2:	lea 0x10(%r8), %eax			/* BAR0: I/O space */
	mov $PCI_ADDR, %dx
	out %eax, %dx
	mov $PCI_DATA, %dx
	in %dx, %eax
	and $0xfffc, %eax
	jnz 3f
	mov $BALLOON_IO, %eax			/* no firmware gave it one */
	out %eax, %dx
3:	mov %eax, %ebx				/* rbx = the device's I/O base, kept */
	lea 0x4(%r8), %eax			/* command: I/O space and bus master on */
	mov $PCI_ADDR, %dx
	out %eax, %dx
	mov $PCI_DATA, %dx
	in %dx, %ax
	or $0x5, %ax
	out %ax, %dx
	lea VIO_STATUS(%rbx), %edx		/* reset, then acknowledge and driver */
	xor %eax, %eax
	out %al, %dx
	mov $3, %al
	out %al, %dx
	lea VIO_FEATURES(%rbx), %edx		/* no features: the legacy basics */
	xor %eax, %eax
	out %eax, %dx
	xor %ecx, %ecx
	call vq_setup				/* 0: inflate */
	mov $1, %ecx
	call vq_setup				/* 1: deflate */
	lea VIO_STATUS(%rbx), %edx
	mov $7, %al				/* driver OK */
	out %al, %dx
	mov $BALLOON_POOL, %edi			/* the pool resident, so that giving it away shows */
	mov $BALLOON_PAGES, %ecx
4:	movl $1, (%rdi)
	add $4096, %rdi
	loop 4b
	xor %r13d, %r13d			/* r13 = pages the balloon holds */
	mov $-1, %r15d				/* r15 = the count last said on debugcon */
	call tick_start
5:	lea VIO_NUM_PAGES(%rbx), %edx
	in %dx, %eax
	cmp $BALLOON_PAGES, %eax
	jbe 6f
	mov $BALLOON_PAGES, %eax		/* more than the pool: all of it */
6:	cmp %r13d, %eax
	ja 7f
	jb 8f
	cmp %r15d, %r13d			/* where the device wants it: say so once */
	je 11f
	mov %r13d, %r15d
	call balloon_say
11:	sti
	hlt
	cli
	jmp 5b
7:	sub %r13d, %eax				/* inflate: the next pages of the pool */
	mov $BALLOON_BATCH, %esi
	cmp %esi, %eax
	cmovb %eax, %esi
	lea (BALLOON_POOL >> 12)(%r13), %edi
	xor %ecx, %ecx
	call vq_send
	add %esi, %r13d
	jmp 9f
8:	mov %r13d, %esi				/* deflate: the last pages given */
	sub %eax, %esi
	cmp $BALLOON_BATCH, %esi
	jbe 10f
	mov $BALLOON_BATCH, %esi
10:	sub %esi, %r13d
	lea (BALLOON_POOL >> 12)(%r13), %edi
	mov $1, %ecx
	call vq_send
9:	lea VIO_ACTUAL(%rbx), %edx
	mov %r13d, %eax
	out %eax, %dx
	jmp 5b

/* "vmtop-guest: balloon-pages N\n" (N = %r13d) on debugcon, under announce's lock. */
balloon_say:
	call con_take
	lea msg_balloon_pages(%rip), %rsi
	call puts
	mov %r13d, %eax
	mov $10, %ecx
	xor %r8d, %r8d
1:	xor %edx, %edx				/* digits on the stack, lowest first */
	div %ecx
	push %rdx
	inc %r8d
	test %eax, %eax
	jnz 1b
2:	pop %rax
	add $'0', %al
	out %al, $DEBUGCON
	dec %r8d
	jnz 2b
	mov $'\n', %al
	out %al, $DEBUGCON
	movl $0, con_lock(%rip)
	ret

/* Queue %ecx: its size (at most VQ_MAX) and its ring's page; vq_size[q] and vq_used[q] (the used ring's offset) kept. */
vq_setup:
	lea VIO_QUEUE_SEL(%rbx), %edx
	mov %ecx, %eax
	out %ax, %dx
	lea VIO_QUEUE_SIZE(%rbx), %edx
	in %dx, %ax
	movzwl %ax, %eax
	test %eax, %eax
	jz 1f
	cmp $VQ_MAX, %eax
	ja 1f
	mov %eax, vq_size(,%rcx,4)
	imul $18, %eax				/* used ring: after 16 N of descriptors and 6 + 2 N of avail, 4 KiB aligned */
	add $(6 + 4095), %eax
	and $~4095, %eax
	mov %eax, vq_used(,%rcx,4)
	imul $VRING_BYTES, %ecx, %eax
	add $vrings, %eax
	shr $12, %eax
	lea VIO_QUEUE_PFN(%rbx), %edx
	out %eax, %dx
	ret
1:	lea msg_bad_queue(%rip), %rdi
	call announce
	jmp halt_forever

/* One request on queue %ecx: the %esi page numbers from %edi, in one descriptor; waits until the device used it.
 * Keeps %esi. */
vq_send:
	lea pfns(%rip), %r8
	xor %eax, %eax
1:	lea (%rdi,%rax), %edx
	mov %edx, (%r8,%rax,4)
	inc %eax
	cmp %esi, %eax
	jb 1b
	imul $VRING_BYTES, %ecx, %r9d
	add $vrings, %r9d			/* r9 = the ring: descriptor 0 serves every request */
	mov %r8, (%r9)
	lea (,%rsi,4), %eax
	mov %eax, 8(%r9)
	movl $0, 12(%r9)			/* flags 0 (device reads it), next 0 */
	mov vq_size(,%rcx,4), %r10d
	mov %r10d, %r11d
	shl $4, %r11d
	add %r9, %r11				/* r11 = avail ring */
	movzwl 2(%r11), %eax			/* its index: the slot is index mod size */
	xor %edx, %edx
	div %r10d
	movw $0, 4(%r11,%rdx,2)
	sfence
	incw 2(%r11)
	movzwl 2(%r11), %r10d			/* the index the used ring must reach */
	lea VIO_NOTIFY(%rbx), %edx
	mov %ecx, %eax
	out %ax, %dx
	mov vq_used(,%rcx,4), %eax
	add %rax, %r9				/* r9 = used ring */
2:	movzwl 2(%r9), %eax
	cmp %r10w, %ax
	je 3f
	pause
	jmp 2b
3:	ret

halt_forever:
	cli
	hlt
	jmp halt_forever

/* iretq to 64-bit ring 3 at %rdi, interrupts off, IOPL 0 (port access only through the TSS bitmap). */
to_user:
	push $(UDATA | 3)
	push $user_stack_top
	push $0x2
	push $(UCODE64 | 3)
	push %rdi
	iretq

/* BSP only: read the mode, build the IDT, silence the PIC, wake the APs. */
bsp_setup:
	call parse_mode
	call idt_fill
	mov $0xff, %al			/* mask both 8259s: no timer interrupt ever reaches ring 3 */
	out %al, $0x21
	out %al, $0xa1
	call start_aps
	ret

/* mode = the first word of the PVH command line (-append), MODE_UNKNOWN if absent or not ours. */
parse_mode:
	movl $MODE_UNKNOWN, mode(%rip)
	mov start_info(%rip), %ebx
	cmpl $PVH_MAGIC, (%rbx)
	jne 9f
	mov 24(%rbx), %rsi		/* hvm_start_info.cmdline_paddr */
	test %rsi, %rsi
	jz 9f
	xor %ecx, %ecx
1:	mov mode_names(,%rcx,8), %rdi
	push %rsi
	call word_eq
	pop %rsi
	test %eax, %eax
	jnz 2f
	inc %ecx
	cmp $MODE_UNKNOWN, %ecx
	jb 1b
	jmp 9f
2:	mov %ecx, mode(%rip)
3:	mov (%rsi), %al			/* MODE=N: N the loop count between two exits (pio) */
	test %al, %al
	jz 9f
	cmp $' ', %al
	je 9f
	inc %rsi
	cmp $'=', %al
	jne 3b
	xor %eax, %eax
4:	movzbl (%rsi), %edx
	sub $'0', %edx
	cmp $9, %edx
	ja 5f
	imul $10, %rax, %rax
	add %rdx, %rax
	inc %rsi
	jmp 4b
5:	mov %rax, pio_spin(%rip)
9:	ret

/* eax = 1 if the word at %rsi (ended by NUL, space or '=') equals the string at %rdi. */
word_eq:
	mov (%rdi), %al
	mov (%rsi), %dl
	test %al, %al
	jz 1f
	cmp %al, %dl
	jne 2f
	inc %rdi
	inc %rsi
	jmp word_eq
1:	test %dl, %dl
	jz 3f
	cmp $' ', %dl
	je 3f
	cmp $'=', %dl
	je 3f
2:	xor %eax, %eax
	ret
3:	mov $1, %eax
	ret

/* 256 interrupt gates: exceptions report a fault and stop, anything else is acknowledged and ignored. */
idt_fill:
	lea idt(%rip), %rdi
	xor %ecx, %ecx
1:	mov $irq_stub, %eax
	cmp $32, %ecx
	jae 2f
	mov $fault_stub, %eax
2:	mov %eax, %edx
	and $0xffff, %edx
	or $(KCODE64 << 16), %edx
	mov %edx, (%rdi)
	and $0xffff0000, %eax
	or $0x8e00, %eax		/* present, DPL 0, 64-bit interrupt gate */
	mov %eax, 4(%rdi)
	movq $0, 8(%rdi)
	add $16, %rdi
	inc %ecx
	cmp $256, %ecx
	jb 1b
	ret

/* INIT then SIPI twice to all other vCPUs; a vCPU already started ignores the second SIPI. */
start_aps:
	lea trampoline_start(%rip), %rsi
	mov $TRAMPOLINE, %edi
	mov $(trampoline_end - trampoline_start), %ecx
	rep movsb
	mov $LAPIC, %ebx
	orl $0x100, 0xf0(%rbx)		/* software-enable the local APIC */
	mov $0x000c4500, %eax		/* INIT, level assert, all excluding self */
	call icr_send
	mov $20000, %ecx		/* settle time; each turn is slow only where ring 0 is emulated */
1:	pause
	loop 1b
	mov $(0x000c4600 | (TRAMPOLINE >> 12)), %eax
	call icr_send
	mov $(0x000c4600 | (TRAMPOLINE >> 12)), %eax
	call icr_send
	ret

icr_send:
	mov %eax, 0x300(%rbx)
1:	testl $0x1000, 0x300(%rbx)	/* delivery pending */
	jnz 1b
	ret

/* Per-vCPU TSS: ring-0 stack for faults from ring 3, and the shared-layout I/O bitmap. */
tss_setup:
	mov %r12d, %eax
	shl $8, %eax			/* TSS_STRIDE */
	add $tss_area, %eax		/* eax = base (below 4 GiB) */
	mov %rsp, 4(%rax)		/* rsp0 */
	mov %r12d, %edi
	shl $4, %edi
	add $(gdt + TSS0), %edi		/* this vCPU's descriptor */
	mov %eax, %edx
	shl $16, %edx
	or $TSS_LIMIT, %edx
	mov %edx, (%rdi)		/* limit 15:0, base 15:0 */
	mov %eax, %edx
	shr $16, %edx
	and $0xff, %edx			/* base 23:16 */
	or $0x8900, %edx		/* present, available 64-bit TSS */
	mov %eax, %ecx
	and $0xff000000, %ecx		/* base 31:24 */
	or %ecx, %edx
	mov %edx, 4(%rdi)
	movq $0, 8(%rdi)
	sub $gdt, %edi
	ltr %di
	ret

/* Write "vmtop-guest: cpuN NAME\n" (NAME at %rdi) to debugcon under a lock, so lines never interleave. */
announce:
	push %rdi
	call con_take
	lea msg_prefix(%rip), %rsi
	call puts
	mov %r12d, %eax			/* decimal index, at most two digits (MAXCPU = 64) */
	xor %edx, %edx
	mov $10, %ecx
	div %ecx
	test %eax, %eax
	jz 3f
	add $'0', %al
	out %al, $DEBUGCON
3:	mov %dl, %al
	add $'0', %al
	out %al, $DEBUGCON
	mov $' ', %al
	out %al, $DEBUGCON
	pop %rsi
	call puts
	mov $'\n', %al
	out %al, $DEBUGCON
	movl $0, con_lock(%rip)
	ret

/* Takes debugcon's lock; `movl $0, con_lock(%rip)` gives it back. */
con_take:
	mov $1, %eax
	xchg %eax, con_lock(%rip)
	test %eax, %eax
	jz 1f
	pause
	jmp con_take
1:	ret

puts:
	lodsb
	test %al, %al
	jz 1f
	out %al, $DEBUGCON
	jmp puts
1:	ret

/* A fault (from ring 0 or 3) is a bug in this guest: say so on debugcon and stop this vCPU. */
fault_stub:
	lea msg_fault(%rip), %rdi
	call announce
	jmp halt_forever

irq_stub:
	push %rax
	mov $LAPIC, %eax		/* EOI; harmless if the interrupt did not come from the local APIC */
	movl $0, 0xb0(%rax)
	pop %rax
	iretq

/* ---- 64-bit ring 3 workloads ---- */
spin_loop:
	mov $1, %eax
	mov $3, %ebx
1:	add $7, %rax
	imul %rax, %rbx
	xor %rbx, %rcx
	jmp 1b

pio_loop:
	xor %eax, %eax
	mov pio_spin(%rip), %rdx
1:	out %al, $PIO_PORT
	inc %eax
	mov %rdx, %rcx
	jrcxz 1b
2:	dec %rcx
	jnz 2b
	jmp 1b

mmio_loop:
	xor %eax, %eax
	mov $MMIO_ADDR, %ebx
1:	mov %eax, (%rbx)
	inc %eax
	jmp 1b

/* ---- data ---- */
	.section .rodata
msg_prefix:	.asciz "vmtop-guest: cpu"
name_spin:	.asciz "spin"
name_pio:	.asciz "pio"
name_halt:	.asciz "halt"
name_mmio:	.asciz "mmio"
name_tick:	.asciz "tick"
name_unknown:	.asciz "unknown-mode"
msg_fault:	.asciz "fault"
name_balloon:	.asciz "balloon"
msg_no_balloon:	.asciz "no-balloon-device"
msg_bad_queue:	.asciz "balloon-queue-unusable"
msg_balloon_pages:	.asciz "vmtop-guest: balloon-pages "
	.p2align 3
mode_names:	.quad name_spin, name_pio, name_halt, name_mmio, name_tick, name_balloon, name_unknown

	.section .data.pagetables, "aw"
	.p2align 12
pml4:	.quad pdpt + 7
	.fill 511, 8, 0
pdpt:	.quad pd + 7, pd + 0x1000 + 7, pd + 0x2000 + 7, pd + 0x3000 + 7
	.fill 508, 8, 0
pd:	/* 2048 x 2 MiB = the low 4 GiB, present | writable | user | large page */
	.set page, 0
	.rept 2048
	.quad (page << 21) | 0x87
	.set page, page + 1
	.endr

	.data
	.p2align 3
gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* KCODE32 */
	.quad 0x00cf92000000ffff	/* KDATA */
	.quad 0x00af9a000000ffff	/* KCODE64 */
	.quad 0x00cff2000000ffff	/* UDATA, DPL 3 */
	.quad 0x00affa000000ffff	/* UCODE64, DPL 3 */
	.fill MAXCPU * 2, 8, 0		/* TSS descriptors, filled per vCPU */
gdt_end:
	.p2align 3
	.word 0, 0, 0
gdt_ptr:
	.word gdt_end - gdt - 1
	.quad gdt
	.word 0, 0, 0
idt_ptr:
	.word 256 * 16 - 1
	.quad idt
start_info:	.long 0
cpu_next:	.long 0
con_lock:	.long 0
mode:		.long MODE_UNKNOWN
	.p2align 3
pio_spin:	.quad 0			/* pio=N: the loop count between two OUTs */

	.p2align 4
tss_area:	/* every TSS: zeroed 104 bytes with iomap base 104, bitmap allowing only PIO_PORT */
	.rept MAXCPU
	.fill 102, 1, 0
	.word TSS_IOMAP
	.fill PIO_PORT / 8, 1, 0xff
	.byte 0xff & ~(1 << (PIO_PORT % 8))
	.fill 31 - PIO_PORT / 8, 1, 0xff
	.byte 0xff
	.fill TSS_STRIDE - TSS_LIMIT - 1, 1, 0
	.endr

	.bss
	.p2align 12
idt:	.fill 256 * 16, 1, 0
stacks:	.fill MAXCPU << STACK_SHIFT, 1, 0
user_stack:	.fill 64, 1, 0
user_stack_top:
	.p2align 12
vrings:	.fill 2 * VRING_BYTES, 1, 0		/* the balloon's inflate and deflate queues */
pfns:	.fill BALLOON_BATCH * 4, 1, 0		/* a request's page numbers */
vq_size:	.fill 2 * 4, 1, 0
vq_used:	.fill 2 * 4, 1, 0

/*
 * minivmm - a minimal KVM VMM that is not qemu, for tests where the VMM is not the point (and to prove vmtop
 * discovers any VMM). One VM, a few pages of guest memory, N vCPUs each run by a thread named "vcpuK" (as Cloud
 * Hypervisor names them) on a few bytes of real-mode code:
 *   spin  jmp $                       (burns CPU in the guest; emulated in the host kernel under kvm_pvm)
 *   pio   out %al,$0x80; jmp back    (every OUT exits to this process, which re-enters at once)
 *   halt  hlt; jmp back              (idle: blocks in the kernel's irqchip)
 *   mmio  mov %al,0x20000; jmp back  (a store past guest memory: every one exits to this process as MMIO)
 * usage: minivmm [--vcpus N] [--seconds S] [--report MS] [--port P] MODE
 *        prints "ready" once every vCPU thread is entering KVM_RUN; with --report, every MS milliseconds a line
 *        "io REALTIME COUNT": the KVM_EXIT_IO exits all vCPUs handled so far (ground truth for vmtop's exits),
 *        and "mmio REALTIME COUNT" likewise for KVM_EXIT_MMIO; --port: pio's port (0-255, default 0x80)
 *        minivmm --probe                            exit 0 if KVM works, else print why and exit 77
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "argnum.h"

#define GUEST_MEM_SIZE 0x10000
#define CODE_ADDR 0x1000
#define MAX_VCPUS 64
#define EXIT_SKIP 77

struct vm {
	int kvm, fd;
	unsigned char *mem;
	int run_size;
	int irqchip;
};

struct vcpu {
	struct vm *vm;
	int index, fd;
	struct kvm_run *run;
	pthread_t thread;
};

static atomic_int vcpus_entered;
static atomic_ulong io_exits;	/* KVM_EXIT_IO handled, all vCPUs */
static atomic_ulong mmio_exits;	/* KVM_EXIT_MMIO handled, all vCPUs */

static const unsigned char code_spin[] = { 0xeb, 0xfe };		/* jmp . */
static unsigned char code_pio[] = { 0xe6, 0x80, 0xeb, 0xfc };	/* out %al,$0x80 (the port: --port); jmp .-2 */
/* mov $0x2000,%bx; mov %bx,%ds; 1: mov %al,(0); inc %al; jmp 1b: DS:0 is 0x20000, past GUEST_MEM_SIZE */
static const unsigned char code_mmio[] = { 0xbb, 0x00, 0x20, 0x8e, 0xdb, 0xa2, 0x00, 0x00, 0xfe, 0xc0, 0xeb, 0xf9 };
static const unsigned char code_halt[] = { 0xf4, 0xeb, 0xfd };		/* hlt; jmp .-1 */

/* Print "minivmm: WHAT: strerror" and exit with CODE. */
static void die(int code, const char *what)
{
	fprintf(stderr, "minivmm: %s: %s\n", what, strerror(errno));
	exit(code);
}

/* Open /dev/kvm and create a VM with guest memory holding CODE; failures exit with FAIL_CODE. */
static void vm_create(struct vm *vm, const unsigned char *code, size_t len, int fail_code)
{
	vm->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm < 0)
		die(fail_code, "open /dev/kvm");
	if (ioctl(vm->kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		fprintf(stderr, "minivmm: KVM API version is not %d\n", KVM_API_VERSION);
		exit(fail_code);
	}
	vm->fd = ioctl(vm->kvm, KVM_CREATE_VM, 0);
	if (vm->fd < 0)
		die(fail_code, "KVM_CREATE_VM");
	vm->run_size = ioctl(vm->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vm->run_size <= 0)
		die(fail_code, "KVM_GET_VCPU_MMAP_SIZE");
	vm->mem = mmap(NULL, GUEST_MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm->mem == MAP_FAILED)
		die(fail_code, "mmap guest memory");
	memcpy(vm->mem + CODE_ADDR, code, len);
	struct kvm_userspace_memory_region region = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = GUEST_MEM_SIZE,
		.userspace_addr = (unsigned long)vm->mem,
	};
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die(fail_code, "KVM_SET_USER_MEMORY_REGION");
}

/* Create vCPU INDEX, map its kvm_run and point it at the code in real mode. */
static void vcpu_create(struct vcpu *vcpu, struct vm *vm, int index, int fail_code)
{
	vcpu->vm = vm;
	vcpu->index = index;
	vcpu->fd = ioctl(vm->fd, KVM_CREATE_VCPU, index);
	if (vcpu->fd < 0)
		die(fail_code, "KVM_CREATE_VCPU");
	vcpu->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED)
		die(fail_code, "mmap kvm_run");
	struct kvm_sregs sregs;
	if (ioctl(vcpu->fd, KVM_GET_SREGS, &sregs) < 0)
		die(fail_code, "KVM_GET_SREGS");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpu->fd, KVM_SET_SREGS, &sregs) < 0)
		die(fail_code, "KVM_SET_SREGS");
	struct kvm_regs regs = { .rip = CODE_ADDR, .rflags = 0x2 };
	if (ioctl(vcpu->fd, KVM_SET_REGS, &regs) < 0)
		die(fail_code, "KVM_SET_REGS");
	/* With an in-kernel irqchip, APs would otherwise wait for a SIPI that never comes. */
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };
	if (vm->irqchip && ioctl(vcpu->fd, KVM_SET_MP_STATE, &mp) < 0)
		die(fail_code, "KVM_SET_MP_STATE");
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *vcpu = arg;
	char name[16];

	snprintf(name, sizeof(name), "vcpu%d", vcpu->index);
	prctl(PR_SET_NAME, name);
	atomic_fetch_add(&vcpus_entered, 1);
	for (;;) {
		if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			die(1, "KVM_RUN");
		}
		switch (vcpu->run->exit_reason) {
		case KVM_EXIT_IO:	/* the OUT is done as far as the guest knows: re-enter */
			atomic_fetch_add_explicit(&io_exits, 1, memory_order_relaxed);
			break;
		case KVM_EXIT_MMIO:	/* the store went nowhere: re-enter */
			atomic_fetch_add_explicit(&mmio_exits, 1, memory_order_relaxed);
			break;
		case KVM_EXIT_INTR:
			break;
		case KVM_EXIT_HLT:	/* no in-kernel irqchip: idle here instead of spinning on hlt */
			for (;;)
				pause();
		default:
			fprintf(stderr, "minivmm: vcpu%d: unexpected exit reason %u\n", vcpu->index,
				vcpu->run->exit_reason);
			exit(1);
		}
	}
	return NULL;
}

static void probe_timeout(int sig)
{
	(void)sig;
	static const char msg[] = "minivmm: KVM_RUN did not return within 5 s\n";
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(EXIT_SKIP);
	_exit(EXIT_SKIP);
}

/* Create a VM and run one vCPU to its first hlt: exit 0 if that works, else say why and exit 77. */
static int probe(void)
{
	struct vm vm = { 0 };
	struct vcpu vcpu;

	vm_create(&vm, code_halt, sizeof(code_halt), EXIT_SKIP);
	vcpu_create(&vcpu, &vm, 0, EXIT_SKIP);
	signal(SIGALRM, probe_timeout);
	alarm(5);
	if (ioctl(vcpu.fd, KVM_RUN, 0) < 0)
		die(EXIT_SKIP, "KVM_RUN");
	alarm(0);
	if (vcpu.run->exit_reason != KVM_EXIT_HLT) {
		fprintf(stderr, "minivmm: KVM_RUN: exit reason %u where a hlt was expected\n", vcpu.run->exit_reason);
		return EXIT_SKIP;
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: minivmm [--vcpus N] [--seconds S] [--report MS] [--port P] spin|pio|halt|mmio\n"
			"       minivmm --probe\n");
	exit(2);
}


int main(int argc, char **argv)
{
	long nvcpus = 1, seconds = 0, report_ms = 0;
	const char *mode = NULL;
	const unsigned char *code;
	size_t len;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--probe"))
			return probe();
		else if (!strcmp(argv[i], "--vcpus") && i + 1 < argc)
			nvcpus = argnum(argv[++i], 1, MAX_VCPUS, usage);
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = argnum(argv[++i], 0, 86400, usage);
		else if (!strcmp(argv[i], "--report") && i + 1 < argc)
			report_ms = argnum(argv[++i], 1, 60000, usage);
		else if (!strcmp(argv[i], "--port") && i + 1 < argc)
			code_pio[1] = (unsigned char)argnum(argv[++i], 0, 255, usage);
		else if (argv[i][0] != '-' && !mode)
			mode = argv[i];
		else
			usage();
	}
	if (!mode)
		usage();
	if (!strcmp(mode, "spin"))
		code = code_spin, len = sizeof(code_spin);
	else if (!strcmp(mode, "pio"))
		code = code_pio, len = sizeof(code_pio);
	else if (!strcmp(mode, "halt"))
		code = code_halt, len = sizeof(code_halt);
	else if (!strcmp(mode, "mmio"))
		code = code_mmio, len = sizeof(code_mmio);
	else
		usage();

	static struct vm vm;
	static struct vcpu vcpus[MAX_VCPUS];
	vm_create(&vm, code, len, EXIT_SKIP);
	/* An in-kernel irqchip makes hlt block in the kernel, as under any real VMM; without one we still run. */
	vm.irqchip = ioctl(vm.fd, KVM_CREATE_IRQCHIP, 0) == 0;
	for (int i = 0; i < nvcpus; i++)
		vcpu_create(&vcpus[i], &vm, i, 1);
	for (int i = 0; i < nvcpus; i++) {
		errno = pthread_create(&vcpus[i].thread, NULL, vcpu_thread, &vcpus[i]);
		if (errno)
			die(1, "pthread_create");
	}
	while (atomic_load(&vcpus_entered) < nvcpus)
		nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
	printf("ready\n");
	fflush(stdout);
	if (report_ms) {
		struct timespec start, now;
		clock_gettime(CLOCK_MONOTONIC, &start);
		for (;;) {
			struct timespec rt;
			clock_gettime(CLOCK_REALTIME, &rt);
			printf("io %lld.%06ld %lu\n", (long long)rt.tv_sec, rt.tv_nsec / 1000,
			       atomic_load_explicit(&io_exits, memory_order_relaxed));
			printf("mmio %lld.%06ld %lu\n", (long long)rt.tv_sec, rt.tv_nsec / 1000,
			       atomic_load_explicit(&mmio_exits, memory_order_relaxed));
			fflush(stdout);
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (seconds && now.tv_sec - start.tv_sec >= seconds)
				return 0;
			nanosleep(&(struct timespec){ .tv_sec = report_ms / 1000, .tv_nsec = report_ms % 1000 * 1000000 },
				  NULL);
		}
	}
	if (seconds == 0)
		for (;;)
			pause();
	sleep((unsigned)seconds);
	return 0;
}

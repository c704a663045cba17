/*
 * fakehost - a host simulator for scale tests and benchmarks: N fake VM processes that vmtop discovers as VMs.
 * Each child re-execs this program with a qemu-like command line (-name guest=fake-I,debug-threads=on), holds
 * real KVM descriptors (KVM_CREATE_VM and one KVM_CREATE_VCPU per vCPU, never run) and runs one thread per vCPU,
 * named "CPU k/KVM" like qemu's, that burns DUTY percent of a CPU in user space in busy/sleep slices (10 ms, or
 * longer for small duties so that the busy part is >= 1 ms; DUTY 0 threads never wake).
 * --no-kvm starts the same processes and threads without KVM descriptors (hosts without KVM: vmtop then sees no
 * VMs, so what it measures there is the cost of scanning, not of VMs); they hold memfds named like KVM's
 * descriptors instead, which bench/kvm_standin.c can present to vmtop as KVM's.
 * usage: fakehost --vms N --vcpus K --duty PCT [--wake-ms MS] [--seconds S] [--no-kvm] [--name NAME]...
 * --name: the I-th --name is VM I's name instead of fake-I, any bytes but NUL (commas doubled for qemu's parser).
 * --wake-ms with --duty 0: each vCPU thread wakes every MS ms and runs about 20 us, so every refresh sees it
 * run (what a reader that skips threads that did not run must still read) at almost no load.
 * --qmp-dir DIR puts "-m 64 -qmp unix:DIR/fake-I.qmp,server=on,wait=off" on each child's command line (nothing
 * listens there: a test serves the sockets it wants); --touch-mb MB makes each child write MB of anonymous memory,
 * so its status, smaps_rollup and numa_maps have pages to count; --kvm-after-ms MS makes each child wait MS ms
 * after its exec before it creates its VM (a process that becomes a VM later, for discovery tests).
 * Prints "ready N" once every child is up; on SIGINT/SIGTERM, after S seconds, or on failure it kills them all.
 * Without KVM (and without --no-kvm) it says why on stderr and exits 77.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "argnum.h"

#define EXIT_SKIP 77
#define SLICE_NS 10000000L	/* busy/sleep period: short enough that any refresh interval sees the duty */
#define MIN_BUSY_NS 1000000L	/* 2000 threads waking every 10 ms swamp a 2-CPU host: stretch small duties */
#define MAX_VMS 10000
#define MAX_VCPUS 64
#define MAX_NAMES 16

struct opts {
	long vms, vcpus, duty, seconds, wake_ms, touch_mb, kvm_after_ms;
	int no_kvm;
	const char *names[MAX_NAMES];
	int nnames;
	const char *qmp_dir;
	/* child only */
	long index, ready_fd;
	pid_t parent;
};

static void usage(void)
{
	fprintf(stderr, "usage: fakehost --vms N --vcpus K --duty PCT [--wake-ms MS] [--seconds S] [--no-kvm]\n"
			"                [--qmp-dir DIR] [--touch-mb MB] [--kvm-after-ms MS] [--name NAME]...\n");
	exit(2);
}


static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void advance(struct timespec *t, long ns)
{
	t->tv_nsec += ns;
	while (t->tv_nsec >= 1000000000L) {
		t->tv_nsec -= 1000000000L;
		t->tv_sec++;
	}
}

/* A vCPU thread: busy for duty% of every slice, asleep for the rest, on an absolute schedule. */
static void *vcpu_thread(void *arg)
{
	long duty = ((long *)arg)[0], wake_ms = ((long *)arg)[1];
	volatile unsigned long work = 0;
	struct timespec next;

	if (duty == 0 && wake_ms > 0) {
		clock_gettime(CLOCK_MONOTONIC, &next);
		for (;;) {
			advance(&next, wake_ms * 1000000L);
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
			for (long long until = now_ns() + 20000; now_ns() < until;)
				work++;
		}
	}
	if (duty == 0)
		for (;;)
			pause();
	long slice = SLICE_NS * duty / 100 >= MIN_BUSY_NS ? SLICE_NS : MIN_BUSY_NS * 100 / duty;
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		long long start = (long long)next.tv_sec * 1000000000LL + next.tv_nsec;
		while (now_ns() < start + slice * duty / 100)
			work++;
		advance(&next, slice);
		if (duty < 100)
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	return NULL;
}

/* Open /dev/kvm and create a VM; on failure return -1 with REASON set. */
static int kvm_vm(int *kvm, const char **reason)
{
	*kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (*kvm < 0) {
		*reason = "open /dev/kvm";
		return -1;
	}
	int vm = ioctl(*kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		*reason = "KVM_CREATE_VM";
	return vm;
}

/* The fake VM process: KVM fds, vCPU threads, one byte on the ready pipe, then wait to be killed. */
static int child_main(const struct opts *o)
{
	static long duty[MAX_VCPUS][2];
	const char *reason;
	int kvm;
	pthread_attr_t attr;
	pthread_t thread;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_NAME, "fakehost");	/* exec'd through /proc/self/exe, the comm would be "exe" */
	if (getppid() != o->parent)	/* the parent died before PDEATHSIG was armed */
		return 1;
	if (o->touch_mb > 0) {
		size_t len = (size_t)o->touch_mb << 20;
		char *mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (mem == MAP_FAILED)
			return 1;
		for (size_t i = 0; i < len; i += 4096)
			mem[i] = (char)(i >> 12);	/* distinct pages: nothing for KSM or the zero page */
	}
	if (o->kvm_after_ms > 0) {	/* a process first, its VM later, as a VMM that sets up before KVM_CREATE_VM */
		struct timespec ts = { o->kvm_after_ms / 1000, (o->kvm_after_ms % 1000) * 1000000L };
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
	if (!o->no_kvm) {
		int vm = kvm_vm(&kvm, &reason);
		if (vm < 0) {
			fprintf(stderr, "fakehost: fake-%ld: %s: %s\n", o->index, reason, strerror(errno));
			return 1;
		}
		for (long k = 0; k < o->vcpus; k++)
			if (ioctl(vm, KVM_CREATE_VCPU, k) < 0) {
				fprintf(stderr, "fakehost: fake-%ld: KVM_CREATE_VCPU: %s\n", o->index, strerror(errno));
				return 1;
			}
	} else {
		/* Stand-ins named like KVM's descriptors ("/memfd:kvm-vm (deleted)"): vmtop ignores them, but
		 * bench/kvm_standin.c can show them to it as KVM descriptors, to measure following VMs here. */
		char name[32];
		if (memfd_create("kvm-vm", MFD_CLOEXEC) < 0)
			return 1;
		for (long k = 0; k < o->vcpus; k++) {
			snprintf(name, sizeof(name), "kvm-vcpu:%ld", k);
			if (memfd_create(name, MFD_CLOEXEC) < 0)
				return 1;
		}
	}
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);	/* thousands of threads: keep them small */
	for (long k = 0; k < o->vcpus; k++) {
		duty[k][0] = o->duty;
		duty[k][1] = o->wake_ms;
		errno = pthread_create(&thread, &attr, vcpu_thread, duty[k]);
		if (errno) {
			fprintf(stderr, "fakehost: fake-%ld: pthread_create: %s\n", o->index, strerror(errno));
			return 1;
		}
		/* named here, not in the thread, so every name is set when "ready" is written */
		char name[16];
		snprintf(name, sizeof(name), "CPU %ld/KVM", k);
		pthread_setname_np(thread, name);
	}
	if (write((int)o->ready_fd, "r", 1) != 1)
		return 1;
	close((int)o->ready_fd);
	for (;;)
		pause();
}

static pid_t *children;
static long nchildren;

static void kill_children(void)
{
	for (long i = 0; i < nchildren; i++)
		kill(children[i], SIGKILL);
	for (long i = 0; i < nchildren; i++)
		waitpid(children[i], NULL, 0);
	nchildren = 0;
}

/* Fork and exec one fake VM whose command line carries a qemu-style -name. */
static pid_t spawn(const struct opts *o, long index, int ready_fd)
{
	char idx[24], vcpus[24], duty[24], wake[24], fd[24], parent[24], name[600], touch[24], qmp[4200], after[24];

	snprintf(idx, sizeof(idx), "%ld", index);
	snprintf(vcpus, sizeof(vcpus), "%ld", o->vcpus);
	snprintf(duty, sizeof(duty), "%ld", o->duty);
	snprintf(wake, sizeof(wake), "%ld", o->wake_ms);
	snprintf(fd, sizeof(fd), "%d", ready_fd);
	snprintf(parent, sizeof(parent), "%ld", (long)getpid());
	if (index < o->nnames) {
		size_t n = 0;
		for (const char *c = "guest="; *c; c++)
			name[n++] = *c;
		for (const char *c = o->names[index]; *c && n + 2 < sizeof(name) - 20; c++) {
			name[n++] = *c;
			if (*c == ',')
				name[n++] = ',';	/* qemu reads ",," as one comma */
		}
		snprintf(name + n, sizeof(name) - n, ",debug-threads=on");
	} else {
		snprintf(name, sizeof(name), "guest=fake-%ld,debug-threads=on", index);
	}
	snprintf(touch, sizeof(touch), "%ld", o->touch_mb);
	snprintf(after, sizeof(after), "%ld", o->kvm_after_ms);
	snprintf(qmp, sizeof(qmp), "unix:%s/fake-%ld.qmp,server=on,wait=off", o->qmp_dir ? o->qmp_dir : "", index);
	char *argv[] = { "fakehost", "--child", idx, "--vcpus", vcpus, "--duty", duty, "--wake-ms", wake, "--ready-fd", fd,
			 "--parent", parent, o->no_kvm ? "--no-kvm" : "--kvm", "--touch-mb", touch, "--kvm-after-ms", after, "-name", name,
			 o->qmp_dir ? "-m" : NULL, "64", "-qmp", qmp, NULL };
	pid_t pid = fork();
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);	/* the parent blocks its stop signals; a fake VM must not */
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	return pid;
}

static int parent_main(const struct opts *o)
{
	int pipefd[2];
	sigset_t sigs;
	const char *reason;
	int kvm;

	if (o->kvm_after_ms > 0) {	/* a process first, its VM later, as a VMM that sets up before KVM_CREATE_VM */
		struct timespec ts = { o->kvm_after_ms / 1000, (o->kvm_after_ms % 1000) * 1000000L };
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
	if (!o->no_kvm) {
		int vm = kvm_vm(&kvm, &reason);
		if (vm < 0) {
			fprintf(stderr, "fakehost: no usable KVM (%s: %s); --no-kvm simulates without KVM fds\n",
				reason, strerror(errno));
			return EXIT_SKIP;
		}
		close(vm);
		close(kvm);
	}
	/* Signals are taken synchronously below; children get the default dispositions back through exec. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	children = calloc((size_t)o->vms, sizeof(*children));
	if (!children || pipe(pipefd) < 0) {
		perror("fakehost");
		return 1;
	}
	for (long i = 0; i < o->vms; i++) {
		pid_t pid = spawn(o, i, pipefd[1]);
		if (pid < 0) {
			perror("fakehost: fork");
			kill_children();
			return 1;
		}
		children[nchildren++] = pid;
	}
	close(pipefd[1]);
	long up = 0;
	char buf[256];
	ssize_t n;
	while (up < o->vms && (n = read(pipefd[0], buf, sizeof(buf))) != 0) {
		if (n > 0)
			up += n;
		else if (errno != EINTR)
			break;
	}
	if (up < o->vms) {
		fprintf(stderr, "fakehost: only %ld of %ld fake VMs started\n", up, o->vms);
		kill_children();
		return 1;
	}
	printf("ready %ld\n", o->vms);
	fflush(stdout);
	struct timespec limit = { .tv_sec = o->seconds };
	while (o->seconds ? sigtimedwait(&sigs, NULL, &limit) < 0 && errno == EINTR
			  : sigwaitinfo(&sigs, NULL) < 0)
		;
	kill_children();
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { .vms = -1, .vcpus = -1, .duty = -1, .index = -1, .ready_fd = -1 };

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--no-kvm"))
			o.no_kvm = 1;
		else if (!strcmp(a, "--kvm"))
			o.no_kvm = 0;
		else if (!v)
			usage();
		else if (!strcmp(a, "--vms"))
			o.vms = argnum(v, 1, MAX_VMS, usage), i++;
		else if (!strcmp(a, "--vcpus"))
			o.vcpus = argnum(v, 1, MAX_VCPUS, usage), i++;
		else if (!strcmp(a, "--duty"))
			o.duty = argnum(v, 0, 100, usage), i++;
		else if (!strcmp(a, "--wake-ms"))
			o.wake_ms = argnum(v, 0, 60000, usage), i++;
		else if (!strcmp(a, "--seconds"))
			o.seconds = argnum(v, 0, 86400, usage), i++;
		else if (!strcmp(a, "--child"))
			o.index = argnum(v, 0, MAX_VMS, usage), i++;
		else if (!strcmp(a, "--ready-fd"))
			o.ready_fd = argnum(v, 0, 1 << 20, usage), i++;
		else if (!strcmp(a, "--name") && o.nnames < MAX_NAMES)
			o.names[o.nnames++] = v, i++;
		else if (!strcmp(a, "--parent"))
			o.parent = (pid_t)argnum(v, 1, 1L << 30, usage), i++;
		else if (!strcmp(a, "--qmp-dir"))
			o.qmp_dir = v, i++;
		else if (!strcmp(a, "--kvm-after-ms"))
			o.kvm_after_ms = argnum(v, 0, 600000, usage), i++;
		else if (!strcmp(a, "--touch-mb"))
			o.touch_mb = argnum(v, 0, 4096, usage), i++;
		else if ((!strcmp(a, "-name") || !strcmp(a, "-m") || !strcmp(a, "-qmp")) && o.index >= 0)
			i++;	/* only there for vmtop's command-line parser */
		else
			usage();
	}
	if (o.index >= 0) {
		if (o.vcpus < 1 || o.duty < 0 || o.ready_fd < 0)
			usage();
		return child_main(&o);
	}
	if (o.vms < 1 || o.vcpus < 1 || o.duty < 0)
		usage();
	return parent_main(&o);
}

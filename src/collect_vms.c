/* collect_vms.c - per-VM and per-thread CPU counters of the VMs discovery found (threads via thread_reader). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "collect_vms.h"
#include "guest_accounting.h"
#include "nls.h"
#include "source.h"
#ifdef HAVE_BPF
#include "bpf_load.h"
#include "thread_bpf.h"
#endif
#include "thread_reader.h"
#include "thread_role.h"
#include "util.h"
#include "vm_discovery.h"

/* vCPU threads of VMMs whose names we don't know, found by the KVM_RUN they sleep in; kept per VM and TID. */
struct vcpu_tid {
	pid_t pid, tid;
	int index;
};

/* How a VM's threads are read: from /proc (thread_reader.c) or by the eBPF task iterator (thread_bpf.c). */
struct thread_ops {
	/* Starts a refresh with the processes it will read (-errno: failed); NULL when it needs no list up front. */
	int (*begin)(void *r, const pid_t *pids, size_t n);
	size_t (*read)(void *r, pid_t pid, const struct thread_info **out, bool *replaced);
	void (*end)(void *r);
	void (*free)(void *r);
	/* The processes that created KVM descriptors since the last call: 0, or -1 when it cannot say (NULL: never) */
	int (*news)(void *r, const pid_t **pids, size_t *n);
};

struct vms_collector {
	struct vm_discovery *disc;
	const struct thread_ops *ops;
	void *threads;
	struct guest_accounting *ga;
	struct vcpu_tid *found;
	size_t nfound;
};

static size_t proc_read(void *r, pid_t pid, const struct thread_info **out, bool *replaced)
{
	return thread_reader_read(r, pid, out, replaced);
}

static void proc_end(void *r)
{
	thread_reader_end(r);
}

static void proc_free(void *r)
{
	thread_reader_free(r);
}

static const struct thread_ops proc_ops = { NULL, proc_read, proc_end, proc_free, NULL };

static struct vms_collector *vms_collector_with(const struct thread_ops *ops, void *threads)
{
	struct vms_collector *vc = xcalloc(1, sizeof(*vc));
	vc->ops = ops;
	vc->threads = threads;
	vc->disc = vm_discovery_new();
	vc->ga = guest_accounting_new();
	return vc;
}

struct vms_collector *vms_collector_new(char *why, size_t whylen)
{
	(void)why;
	(void)whylen;
	return vms_collector_with(&proc_ops, thread_reader_new());
}

static int find_vcpu_tid(const struct vms_collector *vc, pid_t pid, pid_t tid)
{
	for (size_t i = 0; i < vc->nfound; i++)
		if (vc->found[i].tid == tid && vc->found[i].pid == pid)
			return vc->found[i].index;
	return -1;
}

/* For a VMM we don't know by name: a thread blocked in ioctl(vcpu_fd, KVM_RUN) is that vCPU. A thread
 * running in the guest reads "running" and is tried again next refresh. */
static int vcpu_by_syscall(struct vms_collector *vc, const struct vm_info *vm, pid_t tid)
{
	int index = find_vcpu_tid(vc, vm->pid, tid);
	if (index >= 0)
		return index;
	char path[64], buf[256];
	long nr;
	unsigned long fd, req;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall", (int)vm->pid, (int)tid);
	if (read_file_at(AT_FDCWD, path, buf, sizeof(buf)) < 0)
		return -1;
	if (sscanf(buf, "%ld 0x%lx 0x%lx", &nr, &fd, &req) != 3 || nr != SYS_ioctl || req != KVM_RUN)
		return -1;
	index = vm_info_vcpu_of_fd(vm, (int)fd);
	if (index >= 0) {
		vc->found = xrealloc(vc->found, (vc->nfound + 1) * sizeof(*vc->found));
		vc->found[vc->nfound++] = (struct vcpu_tid){ vm->pid, tid, index };
	}
	return index;
}

/* When names did not reveal every vCPU (a VMM we don't know), ask the KVM_RUN ioctl. */
static void find_unnamed_vcpus(struct vms_collector *vc, const struct vm_info *in, struct vm_sample *vm)
{
	for (size_t t = 0; t < vm->nthreads; t++) {
		struct thread_sample *th = &vm->threads[t];
		if (th->role != ROLE_OTHER)
			continue;
		int index = vcpu_by_syscall(vc, in, th->tid);
		if (index >= 0) {
			th->role = ROLE_VCPU;
			th->vcpu_index = index;
		}
	}
}

/* Removes VMs that exited between discovery and reading their threads. */
static void drop_vanished(struct host_sample *s)
{
	size_t k = 0;
	for (size_t i = 0; i < s->nvms; i++) {
		if (s->vms[i].nthreads == 0) {
			free(s->vms[i].threads);
			free(s->vms[i].taps);
			continue;
		}
		s->vms[k++] = s->vms[i];
	}
	s->nvms = k;
}

static int cmp_thread(const void *a, const void *b)
{
	const struct thread_sample *x = a, *y = b;
	if (x->role != y->role)
		return (int)x->role - (int)y->role;
	if (x->role == ROLE_VCPU && x->vcpu_index != y->vcpu_index)
		return x->vcpu_index - y->vcpu_index;
	return (x->tid > y->tid) - (x->tid < y->tid);
}

/* By role, vCPU index, TID: inserted one by one where they are few (qsort cost ~850 instructions a VM of five). */
static void sort_threads(struct thread_sample *t, size_t n)
{
	if (n > 32) {
		qsort(t, n, sizeof(*t), cmp_thread);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		if (cmp_thread(&t[i - 1], &t[i]) <= 0)
			continue;
		struct thread_sample k = t[i];
		size_t j = i;
		for (; j > 0 && cmp_thread(&t[j - 1], &k) > 0; j--)
			t[j] = t[j - 1];
		t[j] = k;
	}
}

static void add_thread(struct vm_sample *vm, size_t *cap, const struct thread_info *ti, enum thread_role role,
		       int index)
{
	if (vm->nthreads == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		vm->threads = xrealloc(vm->threads, *cap * sizeof(*vm->threads));
	}
	struct thread_sample *t = &vm->threads[vm->nthreads++];
	memset(t, 0, sizeof(*t));
	t->tid = ti->tid;
	str_copy(t->comm, ti->stat.comm, sizeof(t->comm));
	t->utime = ti->stat.utime;
	t->stime = ti->stat.stime;
	t->gtime = ti->stat.gtime;
	t->start_ticks = ti->stat.start_ticks;
	t->last_cpu = ti->stat.processor;
	t->run_delay_ns = ti->run_delay_ns;
	t->run_delay_valid = ti->run_delay_valid;
	t->role = role;
	t->vcpu_index = index;
}

/* The threads of one process into VM: its own (roles by name) or a vhost kernel thread's. False when the PID
 * now belongs to another process than the one discovery classified. */
static bool add_threads_of(struct vms_collector *vc, struct vm_sample *vm, size_t *cap, pid_t pid, bool vhost)
{
	const struct thread_info *ti;
	bool replaced;
	size_t n = vc->ops->read(vc->threads, pid, &ti, &replaced);
	if (replaced)
		return false;
	bool rss_read = false;
	for (size_t i = 0; i < n; i++) {
		/* the leader's start time names the VM even while it is a zombie (main thread did pthread_exit) */
		if (ti[i].tid == pid && !vhost) {
			vm->start_ticks = ti[i].stat.start_ticks;
			vm->mm = ti[i].mm;
		}
		/* a zombie does no more work: a VMM that exited but was not reaped yet leaves the list */
		if (ti[i].stat.state == 'Z')
			continue;
		/* any live thread's RSS is the process's: a zombie leader's reads 0 (its mm is gone) */
		if (!vhost && !rss_read) {
			vm->rss_kib = ti[i].stat.rss_pages * (unsigned long long)(sysconf(_SC_PAGESIZE) / 1024);
			rss_read = true;
		}
		int index = -1;
		enum thread_role role = vhost ? ROLE_VHOST : thread_role_from_comm(ti[i].stat.comm, &index);
		add_thread(vm, cap, &ti[i], role, index);
	}
	return true;
}

/* Drops remembered KVM_RUN threads that no VM has any more. */
static void prune_found(struct vms_collector *vc, const struct host_sample *s)
{
	size_t k = 0;
	for (size_t i = 0; i < vc->nfound; i++) {
		bool alive = false;
		for (size_t v = 0; v < s->nvms && !alive; v++)
			for (size_t t = 0; s->vms[v].pid == vc->found[i].pid && t < s->vms[v].nthreads && !alive; t++)
				alive = s->vms[v].threads[t].tid == vc->found[i].tid;
		if (alive)
			vc->found[k++] = vc->found[i];
	}
	vc->nfound = k;
}

int vms_collect(struct vms_collector *vc, struct host_sample *s)
{
	size_t nvms;
	if (vc->ops->news) {
		const pid_t *news = NULL;
		size_t nnews = 0;
		int got = vc->ops->news(vc->threads, &news, &nnews);
		vm_discovery_news(vc->disc, got == 0, news, nnews);
	}
	struct vm_info *vms = vm_discovery_scan(vc->disc, &nvms);
	/* every refresh, so the views keep showing it; the session prints the first sample's warnings once */
	if (vm_discovery_denied(vc->disc))
		host_sample_warn(s, _("some processes' descriptors are not readable: VMs of other users are not "
				      "shown (run as root or with CAP_SYS_PTRACE)"));
	if (nvms == 0 && access("/dev/kvm", F_OK) != 0)
		host_sample_warn(s, _("no /dev/kvm on this host: no KVM virtual machine can run here"));
	if (vc->ops->begin) {
		size_t n = 0;
		for (size_t i = 0; i < nvms; i++)
			n += 1 + vms[i].nvhost_kthreads;
		pid_t *pids = xmalloc((n ? n : 1) * sizeof(*pids));
		n = 0;
		for (size_t i = 0; i < nvms; i++) {
			pids[n++] = vms[i].pid;
			for (size_t j = 0; j < vms[i].nvhost_kthreads; j++)
				pids[n++] = vms[i].vhost_kthreads[j];
		}
		int err = vc->ops->begin(vc->threads, pids, n);
		free(pids);
		if (err < 0)
			return err;
	}
	s->vms = xcalloc(nvms, sizeof(*s->vms));
	s->nvms = nvms;

	for (size_t i = 0; i < nvms; i++) {
		size_t cap = 0;
		if (!add_threads_of(vc, &s->vms[i], &cap, vms[i].pid, false)) {
			/* not this VM any more: left out now (no threads), classified anew next refresh */
			vm_discovery_forget(vc->disc, vms[i].pid);
			continue;
		}
		/* a vhost worker's PID now another process's: not its threads, and discovery classifies it anew */
		for (size_t j = 0; j < vms[i].nvhost_kthreads; j++)
			if (!add_threads_of(vc, &s->vms[i], &cap, vms[i].vhost_kthreads[j], true))
				vm_discovery_forget(vc->disc, vms[i].vhost_kthreads[j]);
	}
	vc->ops->end(vc->threads);

	for (size_t i = 0; i < nvms; i++) {
		struct vm_sample *vm = &s->vms[i];
		const struct vm_info *in = &vms[i];
		vm->pid = in->pid;
		memcpy(vm->name, in->name, sizeof(vm->name));
		memcpy(vm->uuid, in->uuid, sizeof(vm->uuid));
		memcpy(vm->vmm, in->vmm, sizeof(vm->vmm));
		vm->nr_vcpus = in->nr_vcpus;
		vm->vm_fd = in->vm_fd;
		vm->mem_config_kib = in->mem_config_kib;
		memcpy(vm->qmp_path, in->qmp_path, sizeof(vm->qmp_path));
		vm->uses_vhost_net = in->uses_vhost_net;
		vm->netns_ino = in->netns_ino;
		if (in->ntaps) {
			vm->taps = xcalloc(in->ntaps, sizeof(*vm->taps));
			vm->ntaps = in->ntaps;
			for (size_t t = 0; t < in->ntaps; t++)
				str_copy(vm->taps[t].ifname, in->taps[t], IFNAME_MAX);
		}
		int named = 0;
		for (size_t t = 0; t < vm->nthreads; t++) {
			named += vm->threads[t].role == ROLE_VCPU;
			if (vm->threads[t].run_delay_valid)
				s->schedstat_valid = true;
		}
		if (named > in->nr_vcpus)	/* a hot-plugged vCPU: its descriptor is new too */
			vm_discovery_rescan(vc->disc, in->pid);
		else if (named < in->nr_vcpus)	/* names did not reveal every vCPU */
			find_unnamed_vcpus(vc, in, vm);
		sort_threads(vm->threads, vm->nthreads);
	}
	drop_vanished(s);
	prune_found(vc, s);
	guest_accounting_update(vc->ga, s);
	return 0;
}

void vms_collector_free(struct vms_collector *vc)
{
	if (!vc)
		return;
	vm_discovery_free(vc->disc);
	vc->ops->free(vc->threads);
	guest_accounting_free(vc->ga);
	free(vc->found);
	free(vc);
}

static void *vms_open(const struct source_args *a, char *why, size_t whylen)
{
	if (a->threads_bpf_only) {
		snprintf(why, whylen, "%s", _("--threads-source bpf: no /proc fallback"));
		return NULL;
	}
	return vms_collector_new(why, whylen);
}

static bool vms_sample(void *state, struct host_sample *s, char *why, size_t whylen)
{
	int err = vms_collect(state, s);
	if (err < 0)
		snprintf(why, whylen, _("the eBPF task iterator failed: %s"), strerror(-err));
	return err == 0;
}

static void vms_close(void *state)
{
	vms_collector_free(state);
}

/* /proc: discovery by descriptors, threads through thread_reader. */
const struct source vms_source = {
	.part = PART_THREADS, .name = "proc", .required = true,
	.open = vms_open, .sample = vms_sample, .close = vms_close,
};

#ifdef HAVE_BPF
static int bpf_begin(void *r, const pid_t *pids, size_t n)
{
	return thread_bpf_begin(r, pids, n);
}

static size_t bpf_read(void *r, pid_t pid, const struct thread_info **out, bool *replaced)
{
	return thread_bpf_read(r, pid, out, replaced);
}

static void bpf_end(void *r)
{
	thread_bpf_end(r);
}

static void bpf_free(void *r)
{
	thread_bpf_free(r);
}

static int bpf_news(void *r, const pid_t **pids, size_t *n)
{
	return thread_bpf_news(r, pids, n);
}

static const struct thread_ops bpf_ops = { bpf_begin, bpf_read, bpf_end, bpf_free, bpf_news };

static void *vms_open_bpf(const struct source_args *a, char *why, size_t whylen)
{
	if (a->threads_proc_only) {
		snprintf(why, whylen, "%s", _("not tried (--threads-source proc)"));
		return NULL;
	}
	struct thread_bpf *tb = thread_bpf_new(bpf_parts_wanted(a) & ~BPF_PART_THREADS, why, whylen);
	return tb ? vms_collector_with(&bpf_ops, tb) : NULL;
}

/* The same discovery, threads by the eBPF task iterator: tried first, /proc where it cannot load. */
const struct source vms_bpf_source = {
	.part = PART_THREADS, .name = "bpf",
	.open = vms_open_bpf, .sample = vms_sample, .close = vms_close,
};
#endif

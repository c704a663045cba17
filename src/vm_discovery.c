/* vm_discovery.c - finds KVM VM processes (holders of anon_inode:kvm-vm) and what their descriptors say,
 * caching per PID so a refresh does not rescan every descriptor of every process. */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "proc_stat.h"
#include "util.h"
#include "vm_cmdline.h"
#include "vm_discovery.h"

#define PF_KTHREAD 0x00200000	/* include/linux/sched.h: task is a kernel thread */
/* A process is rescanned every refresh while young: a VMM creates its VM soon after exec, and a launcher
 * (libvirt) execs qemu in a child it forked moments before. */
#define YOUNG_SECONDS 10.0
/* Older non-VM processes are rescanned in a rolling window, one in ROLLING_PERIOD per refresh. */
#define ROLLING_PERIOD 32
/* VMs are rescanned now and then for hot-plugged taps (a real VMM holds dozens of descriptors), and at once
 * when a reader sees more vCPU threads than descriptors (vm_discovery_rescan). */
#define VM_RESCAN_PERIOD 32
/* A due rescan first asks whether the process holds as many descriptors as at its last scan (the size of
 * /proc/PID/fd, Linux >= 6.2: one fstat instead of a readlink per descriptor) and reads them only if not; one that
 * closed a descriptor and opened another in between is read anyway at every FULL_EVERY-th due rescan. */
#define FULL_EVERY 4
/* With news of KVM vCPU creation (vm_discovery_news), young processes are not rescanned: a process that created a
 * vCPU is read then, and for a few refreshes after (its descriptor is installed a moment after the news), and a
 * new process only once, at first sight. A VM is then found once it has a vCPU. */
#define NEWS_REFRESHES 3
/* With complete news /proc is listed only every LIST_PERIOD refreshes (a listing of a busy host's /proc costs more
 * than the rest of discovery): in between the processes are the known ones and those the news names; one that
 * exited is dropped at the next listing (a VM's threads are gone at once: the threads source leaves it out). */
#define LIST_PERIOD 8

struct proc_entry {
	pid_t pid;
	double born;		/* start time, seconds since boot (CLOCK_BOOTTIME's base); -1 unknown */
	bool kthread;
	bool is_vm;
	bool moved;		/* carried over to the new table during a scan */
	bool denied;		/* its descriptors could not be read at its last scan */
	bool stale;		/* a reader saw another process under this PID */
	bool rescan;		/* a reader saw a sign of new descriptors */
	long nfds;		/* descriptors at its last scan, -1 unknown */
	unsigned due;		/* rescans due since the last full one */
	unsigned hot;		/* refreshes it stays due after news of a KVM descriptor */
	bool unread;		/* new while the news was complete: not even its stat read yet */
	pid_t vhost_of;		/* kernel thread "vhost-PID": the VM it serves */
	struct vm_info vm;
};

struct vm_discovery {
	struct proc_entry *entries;	/* sorted by pid */
	size_t nentries;
	unsigned long gen;
	bool denied;
	struct vm_info *out;
	size_t nout;
	bool news;		/* this scan has complete news: no young rescans */
	bool vhost_kthreads;	/* kernel before 6.4: vhost workers are kernel threads, found by their stat */
	pid_t *newpids;		/* processes the news names, sorted */
	size_t nnew;
};

struct vm_discovery *vm_discovery_new(void)
{
	struct vm_discovery *d = xcalloc(1, sizeof(struct vm_discovery));
	struct utsname u;
	int major = 0, minor = 0;
	d->vhost_kthreads = uname(&u) != 0 || sscanf(u.release, "%d.%d", &major, &minor) != 2 || major < 6 ||
			    (major == 6 && minor < 4);
	return d;
}

enum fd_kind vm_discovery_fd_kind(const char *link, int *vcpu_index)
{
	if (!strcmp(link, "anon_inode:kvm-vm"))
		return FD_KVM_VM;
	if (!strncmp(link, "anon_inode:kvm-vcpu:", 20)) {
		char *end;
		long n = strtol(link + 20, &end, 10);
		if (end == link + 20 || *end || n < 0)
			return FD_OTHER;
		*vcpu_index = (int)n;
		return FD_KVM_VCPU;
	}
	if (!strcmp(link, "/dev/net/tun"))
		return FD_TUN;
	if (!strcmp(link, "/dev/vhost-net"))
		return FD_VHOST_NET;
	return FD_OTHER;
}

static void vm_info_free(struct vm_info *vm)
{
	free(vm->vcpu_fds);
	free(vm->vcpu_fd_index);
	free(vm->taps);
	free(vm->vhost_kthreads);
	memset(vm, 0, sizeof(*vm));
}

void vm_discovery_tun_iff(const char *fdinfo, char *ifname)
{
	ifname[0] = '\0';
	const char *p = strstr(fdinfo, "iff:");
	if (!p)
		return;
	p += 4;
	while (*p == ' ' || *p == '\t')
		p++;
	size_t n = strcspn(p, "\n");
	if (n >= IFNAME_MAX)
		n = IFNAME_MAX - 1;
	memcpy(ifname, p, n);
	ifname[n] = '\0';
}

/* The interface a tun descriptor is attached to, from its fdinfo. */
static void tun_ifname(int piddir, const char *fd, char *ifname)
{
	char path[300], buf[512];
	ifname[0] = '\0';
	snprintf(path, sizeof(path), "fdinfo/%s", fd);
	if (read_file_at(piddir, path, buf, sizeof(buf)) >= 0)
		vm_discovery_tun_iff(buf, ifname);
}

/* A multiqueue tap is one descriptor per queue, all attached to the same interface: count it once. */
static bool has_tap(const struct vm_info *vm, const char *ifname)
{
	for (size_t i = 0; i < vm->ntaps; i++)
		if (!strcmp(vm->taps[i], ifname))
			return true;
	return false;
}

/* Reads the identity of a newly found VM: command line, comm, network namespace. */
static void read_identity(int piddir, struct vm_info *vm)
{
	static char args[65536];
	struct vm_cmdline cl;
	ssize_t n = read_file_at(piddir, "cmdline", args, sizeof(args));
	vm_cmdline_parse(args, n > 0 ? (size_t)n : 0, &cl);
	char comm[COMM_MAX] = "";
	if (read_file_at(piddir, "comm", comm, sizeof(comm)) > 0)
		comm[strcspn(comm, "\n")] = '\0';
	str_copy(vm->vmm, comm, sizeof(vm->vmm));
	str_copy(vm->name, cl.name[0] ? cl.name : comm, sizeof(vm->name));
	str_copy(vm->uuid, cl.uuid, sizeof(vm->uuid));
	vm->mem_config_kib = cl.mem_kib;
	str_copy(vm->qmp_path, cl.qmp, sizeof(vm->qmp_path));
	struct stat st;
	vm->netns_ino = fstatat(piddir, "ns/net", &st, 0) == 0 ? (unsigned long long)st.st_ino : 0;
}

/* Scans the descriptors of pid; fills e->vm when it holds a KVM VM. */
static void scan_fds(struct proc_entry *e)
{
	char path[32];
	e->rescan = false;
	snprintf(path, sizeof(path), "/proc/%d", (int)e->pid);
	int piddir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (piddir < 0)
		return;
	int fddir = openat(piddir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	e->denied = fddir < 0 && (errno == EACCES || errno == EPERM);
	if (fddir < 0) {
		close(piddir);
		return;
	}
	DIR *dir = fdopendir(fddir);
	if (!dir) {
		close(fddir);
		close(piddir);
		return;
	}
	struct vm_info vm = { .pid = e->pid, .vm_fd = -1 };
	bool is_vm = false;
	long nfds = 0;
	size_t cap_vcpu = 0, cap_tap = 0;
	struct dirent *de;
	while ((de = readdir(dir))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		nfds++;
		char link[128];
		ssize_t n = readlinkat(fddir, de->d_name, link, sizeof(link) - 1);
		if (n < 0)
			continue;
		link[n] = '\0';
		int index = -1;
		switch (vm_discovery_fd_kind(link, &index)) {
		case FD_KVM_VM:
			is_vm = true;
			if (vm.vm_fd < 0 || atoi(de->d_name) < vm.vm_fd)
				vm.vm_fd = atoi(de->d_name);
			break;
		case FD_KVM_VCPU:
			if (vm.nr_vcpus == (int)cap_vcpu) {
				cap_vcpu = cap_vcpu ? cap_vcpu * 2 : 8;
				vm.vcpu_fds = xrealloc(vm.vcpu_fds, cap_vcpu * sizeof(int));
				vm.vcpu_fd_index = xrealloc(vm.vcpu_fd_index, cap_vcpu * sizeof(int));
			}
			vm.vcpu_fds[vm.nr_vcpus] = atoi(de->d_name);
			vm.vcpu_fd_index[vm.nr_vcpus++] = index;
			break;
		case FD_TUN:
			if (vm.ntaps == cap_tap) {
				cap_tap = cap_tap ? cap_tap * 2 : 4;
				vm.taps = xrealloc(vm.taps, cap_tap * sizeof(*vm.taps));
			}
			tun_ifname(piddir, de->d_name, vm.taps[vm.ntaps]);
			if (vm.taps[vm.ntaps][0] && !has_tap(&vm, vm.taps[vm.ntaps]))
				vm.ntaps++;
			break;
		case FD_VHOST_NET:
			vm.uses_vhost_net = true;
			break;
		case FD_OTHER:
			break;
		}
	}
	closedir(dir);
	e->nfds = nfds;
	e->due = 0;
	if (is_vm) {
		if (e->is_vm) {	/* rescan: identity stays, descriptors are new */
			memcpy(vm.name, e->vm.name, sizeof(vm.name));
			memcpy(vm.uuid, e->vm.uuid, sizeof(vm.uuid));
			memcpy(vm.vmm, e->vm.vmm, sizeof(vm.vmm));
			vm.mem_config_kib = e->vm.mem_config_kib;
			memcpy(vm.qmp_path, e->vm.qmp_path, sizeof(vm.qmp_path));
			vm.netns_ino = e->vm.netns_ino;
		} else {
			read_identity(piddir, &vm);
		}
		vm_info_free(&e->vm);
		e->vm = vm;
	} else {
		vm_info_free(&vm);
		vm_info_free(&e->vm);
	}
	e->is_vm = is_vm;
	close(piddir);
}

/* False when /proc/PID/fd says the process holds as many descriptors as at its last scan (0: the kernel does not
 * say, before 6.2). */
static bool fds_may_differ(const struct proc_entry *e)
{
	char path[48];
	struct stat st;
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)e->pid);
	return e->nfds < 0 || stat(path, &st) != 0 || st.st_size <= 0 || st.st_size != e->nfds;
}

/* A rescan is due: the descriptors are read when their count changed, and at every FULL_EVERY-th anyway. */
static void rescan_due(struct proc_entry *e)
{
	if (e->rescan || ++e->due >= FULL_EVERY || fds_may_differ(e))
		scan_fds(e);
}

/* Reads /proc/PID/stat; *born is its start time in seconds since boot. */
static bool read_stat(pid_t pid, struct proc_stat *ps, double *born)
{
	char path[48], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_file_at(AT_FDCWD, path, buf, sizeof(buf)) < 0 || !proc_stat_parse(buf, ps))
		return false;
	*born = (double)ps->start_ticks / clk_tck();
	return true;
}

/* The process a thread belongs to: vhost names its worker after the thread that set it up (VHOST_SET_OWNER),
 * which need not be the VMM's main thread. */
static pid_t tgid_of(pid_t tid)
{
	char path[48], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if (read_file_at(AT_FDCWD, path, buf, sizeof(buf)) < 0)
		return tid;
	const char *line = strstr(buf, "\nTgid:");
	int tgid;
	return line && sscanf(line + 6, "%d", &tgid) == 1 && tgid > 0 ? tgid : tid;
}

/* Reads comm and flags of a new process: kernel threads have no descriptors to scan, nor (with complete news) a
 * process the news does not name: it created no vCPU (one that got its descriptors otherwise, inherited or passed,
 * is found by the rolling window). */
static void classify_new(struct proc_entry *e, bool scan)
{
	struct proc_stat ps;
	if (!read_stat(e->pid, &ps, &e->born))
		return;
	e->kthread = (ps.flags & PF_KTHREAD) != 0;
	if (e->kthread) {
		int owner;
		char tail;
		if (sscanf(ps.comm, "vhost-%d%c", &owner, &tail) == 1 && owner > 0)
			e->vhost_of = tgid_of(owner);
		return;
	}
	if (scan)
		scan_fds(e);
}

/* A PID taken by another process between two listings (a long delay, a paused view): its start time differs
 * from the one recorded. */
static bool pid_reused(const struct proc_entry *e)
{
	struct proc_stat ps;
	double born;
	if (e->born < 0 || !read_stat(e->pid, &ps, &born))
		return false;
	return fabs(born - e->born) > 0.5 / clk_tck();
}

static struct proc_entry *find_entry(struct proc_entry *v, size_t n, pid_t pid)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (v[mid].pid == pid)
			return &v[mid];
		if (v[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static pid_t *list_pids(size_t *n)
{
	int dir = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	size_t cap = 1024, cnt = 0;
	pid_t *pids = xmalloc(cap * sizeof(pid_t));
	if (dir >= 0) {
		cnt = read_pid_dir(dir, &pids, &cap);
		close(dir);
	}
	/* vmtop is no VM, and it holds a descriptor per VM thread: never scan its own */
	pid_t self = getpid();
	size_t k = 0;
	for (size_t i = 0; i < cnt; i++)
		if (pids[i] != self)
			pids[k++] = pids[i];
	*n = k;
	return pids;
}

void vm_discovery_news(struct vm_discovery *d, bool complete, const pid_t *pids, size_t n)
{
	d->news = complete;
	d->newpids = xrealloc(d->newpids, (n ? n : 1) * sizeof(*d->newpids));
	d->nnew = n;
	if (!n)
		return;	/* pids may be NULL then */
	memcpy(d->newpids, pids, n * sizeof(*pids));
	pids_sort(d->newpids, n);
}

static bool in_news(const struct vm_discovery *d, pid_t pid)
{
	return pids_contain(d->newpids, d->nnew, pid);
}

/* The processes known from the last scan and those the news names, sorted, without duplicates. */
static pid_t *known_pids(const struct vm_discovery *d, size_t *n)
{
	pid_t *pids = xmalloc((d->nentries + d->nnew + 1) * sizeof(*pids));
	size_t i = 0, j = 0, k = 0;
	pid_t self = getpid();
	while (i < d->nentries || j < d->nnew) {
		pid_t p;
		if (j == d->nnew || (i < d->nentries && d->entries[i].pid <= d->newpids[j])) {
			p = d->entries[i++].pid;
		} else {
			p = d->newpids[j++];
		}
		if (p != self && (!k || pids[k - 1] != p))
			pids[k++] = p;
	}
	*n = k;
	return pids;
}

struct vm_info *vm_discovery_scan(struct vm_discovery *d, size_t *nvms)
{
	size_t npids;
	bool list = !d->news || d->vhost_kthreads || d->gen % LIST_PERIOD == 0;
	pid_t *pids = list ? list_pids(&npids) : known_pids(d, &npids);
	/* young by the process's own start time, so vmtop's start does not make every process look new */
	double now = clock_boot();
	/* each entry is written whole below (no calloc of 460 bytes a process each refresh) */
	struct proc_entry *next = xmalloc((npids ? npids : 1) * sizeof(*next));
	d->gen++;
	size_t at = 0;	/* both lists are sorted: the entry of pids[i] is at or after the last one's */
	for (size_t i = 0; i < npids; i++) {
		while (at < d->nentries && d->entries[at].pid < pids[i])
			at++;
		struct proc_entry *old = at < d->nentries && d->entries[at].pid == pids[i] ? &d->entries[at] : NULL;
		struct proc_entry *e = &next[i];
		if (!old) {
			/* A PID missing from the last listing is a new process: reuse within one refresh would
			 * need the PID space to wrap. */
			*e = (struct proc_entry){ .pid = pids[i], .born = -1, .nfds = -1 };
			e->hot = in_news(d, e->pid) ? NEWS_REFRESHES : 0;
			/* with complete news a new process that created no vCPU is left for the rolling window: on a
			 * busy host (builds, cron) that is most new processes; not where vhost kernel threads are
			 * found by their names */
			if (d->news && !e->hot && d->gen != 1 && !d->vhost_kthreads) {
				e->unread = true;
				continue;
			}
			classify_new(e, !d->news || e->hot || d->gen == 1);
			continue;
		}
		*e = *old;
		old->moved = true;
		memset(&e->vm.vhost_kthreads, 0, sizeof(e->vm.vhost_kthreads));
		free(old->vm.vhost_kthreads);
		e->vm.nvhost_kthreads = 0;
		unsigned long slot = (unsigned long)e->pid + d->gen;
		if (e->unread) {
			bool named = in_news(d, e->pid);
			if (!named && d->news && slot % ROLLING_PERIOD != 0)
				continue;
			e->unread = false;
			e->hot = named ? NEWS_REFRESHES : 0;
			classify_new(e, true);
			continue;
		}
		/* in the rolling window, so a VMM that reuses the PID of a kernel thread (never scanned) or of an
		 * old process (not young by its start time) is still found; a VM's own PID is checked every
		 * refresh by the thread reader, which reads its leader's start time anyway (vm_discovery_forget).
		 * With complete news a VMM names itself when it creates a vCPU, whatever PID it has: a kernel thread
		 * the news names is another process now, and no stat file is read for the window (7 a refresh at
		 * 150 VMs, 0.13 ms of vmtop's CPU on a 2-CPU nested host). */
		bool reused = d->news ? e->kthread && in_news(d, e->pid)
				      : slot % ROLLING_PERIOD == 0 && pid_reused(e);
		if (e->stale || reused) {
			vm_info_free(&e->vm);
			memset(e, 0, sizeof(*e));
			e->pid = pids[i];
			e->born = -1;
			e->nfds = -1;
			classify_new(e, true);
			continue;
		}
		if (e->kthread)
			continue;
		if (in_news(d, e->pid)) {
			e->hot = NEWS_REFRESHES;
			e->rescan = true;
		}
		bool young = e->hot || (!d->news && e->born >= 0 && now - e->born < YOUNG_SECONDS);
		if (e->hot)
			e->hot--;
		/* a young VM is still creating its vCPUs (found between KVM_CREATE_VM and KVM_CREATE_VCPU: 0) */
		if (young || e->rescan || (e->is_vm ? slot % VM_RESCAN_PERIOD == 0 || e->vm.nr_vcpus == 0
				       : slot % ROLLING_PERIOD == 0))
			rescan_due(e);
	}
	d->nnew = 0;
	d->news = false;
	for (size_t i = 0; i < d->nentries; i++)
		if (!d->entries[i].moved)
			vm_info_free(&d->entries[i].vm);
	free(d->entries);
	d->entries = next;
	d->nentries = npids;
	free(pids);

	/* Old-style vhost workers are kernel threads named after a thread of the VM's process. */
	for (size_t i = 0; i < npids; i++) {
		struct proc_entry *k = &next[i];
		if (!k->kthread || !k->vhost_of)
			continue;
		struct proc_entry *owner = find_entry(next, npids, k->vhost_of);
		if (!owner || !owner->is_vm)
			continue;
		struct vm_info *vm = &owner->vm;
		vm->vhost_kthreads = xrealloc(vm->vhost_kthreads, (vm->nvhost_kthreads + 1) * sizeof(pid_t));
		vm->vhost_kthreads[vm->nvhost_kthreads++] = k->pid;
	}

	d->nout = 0;
	d->denied = false;	/* from every live process's last scan, so the warning does not come and go */
	for (size_t i = 0; i < npids; i++) {
		if (next[i].is_vm)
			d->nout++;
		if (next[i].denied)
			d->denied = true;
	}
	free(d->out);
	d->out = xmalloc((d->nout ? d->nout : 1) * sizeof(*d->out));	/* each written below */
	size_t k = 0;
	for (size_t i = 0; i < npids; i++)
		if (next[i].is_vm)
			d->out[k++] = next[i].vm;
	*nvms = d->nout;
	return d->out;
}

int vm_info_vcpu_of_fd(const struct vm_info *vm, int fd)
{
	for (int i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpu_fds[i] == fd)
			return vm->vcpu_fd_index[i];
	return -1;
}

bool vm_discovery_denied(const struct vm_discovery *d)
{
	return d->denied;
}

void vm_discovery_rescan(struct vm_discovery *d, pid_t pid)
{
	struct proc_entry *e = find_entry(d->entries, d->nentries, pid);
	if (e)
		e->rescan = true;
}

void vm_discovery_forget(struct vm_discovery *d, pid_t pid)
{
	struct proc_entry *e = find_entry(d->entries, d->nentries, pid);
	if (e)
		e->stale = true;
}

void vm_discovery_free(struct vm_discovery *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nentries; i++)
		vm_info_free(&d->entries[i].vm);
	free(d->entries);
	free(d->out);
	free(d->newpids);
	free(d);
}

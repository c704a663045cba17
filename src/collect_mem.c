/* collect_mem.c - where each VM's memory is and the host's KSM, THP, hugepage pools, swap and pressure: per VM
 * status, stat and ksm_stat every 2 s (kept open; the eBPF threads source's counters instead where it runs), and
 * smaps_rollup and numa_maps at least 10 s apart, within a CPU budget that stretches the period on a big host; for
 * the VMs the output prints them of (source_args.mem_detail). */
#include "config.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "mem_parse.h"
#include "nls.h"
#include "proc_stat.h"
#include "source.h"
#include "util.h"

/* Measured on a fake VM (8 MiB written): status 12 us, stat 8, ksm_stat 8 to open, read and close, 7.6, 3.9 and
 * 3.0 kept open and re-read: so those are kept. smaps_rollup 35 and numa_maps 63 us, growing with the mappings and
 * pages walked: read less often, and opened each time (a descriptor would save little of that). */
#define MEM_FAST_S 2.0
#define MEM_SLOW_S 10.0
/* smaps_rollup and numa_maps walk every page table entry (perf: smaps_account, gather_pte_stats): a big VM
 * costs milliseconds, 150 small ones 20 ms. Read again, they get this share of one CPU, earned as time passes (at
 * most MEM_SLOW_CREDIT_S saved up) and spent as they are read: 150 VMs' NUMA and THP figures take minutes to come
 * round. A VM's first reading is paid apart, at most MEM_FIRST_BUDGET_S a refresh (one at least), so vmtop's
 * start and a crowd of new VMs cost a refresh a few milliseconds and leave the share to the others. */
#define MEM_SLOW_SHARE 0.00005
#define MEM_SLOW_CREDIT_S 0.002
#define MEM_FIRST_BUDGET_S 0.002
#define NUMA_BUF (256 * 1024)

/* The sizes status and the eBPF pass both give (sizes()). */
#define MM_SIZES 4

/* What was last read of one VM, kept between refreshes: the slow files are not read every time. */
enum { FD_STATUS, FD_STAT, FD_KSM, FD__COUNT };

struct mem_vm {
	pid_t pid;
	unsigned long long start_ticks;
	int fd[FD__COUNT];		/* kept open: a /proc file of a process that exited reads nothing, never another's */
	double next_fast, next_slow;	/* CLOCK_MONOTONIC seconds when each group is due */
	bool slow_read;			/* the slow group was read once */
	bool walked;			/* and smaps_rollup and numa_maps with it, since they were last wanted */
	struct vm_mem_sample m;
	/* status's exact sizes less the eBPF pass's shared counts when status was read (0 until both were): between
	 * two readings the sizes move as the counts do (a small process's counts can sit at 0 in per-CPU deltas) */
	long long status_offset[MM_SIZES];
	bool seen;
};

struct mem_source {
	const struct source_args *args;	/* the collector's: which VMs' mappings are walked (mem_walk_pid changes) */
	struct mem_vm *vms;		/* sorted by pid */
	size_t nvms, cap;
	int ksm_fd[KSM__COUNT];		/* sysfs and /proc files are re-read from offset 0, kept open */
	int thp_fd, psi_fd;
	size_t fds_held, fd_budget;	/* VM files kept open, and at most: a quarter of RLIMIT_NOFILE, thread_reader
					 * and the rest need theirs */
	char *buf;			/* NUMA_BUF bytes: numa_maps of a big VM is long */
	double slow_credit, credit_mono;	/* CPU seconds the slow files may take now, and when it was earned */
	double host_next_slow;		/* when THP's mode and the hugepage pools are read again */
	struct host_mem_sample host_slow;	/* their last reading: they change when an admin changes them */
	int ncpu_node;			/* the host's CPUs per NUMA node, read once */
	signed char cpu_node[MEM_CPUS_MAX];
};

/* Which node each CPU is on: /sys/devices/system/node/nodeN/cpulist (nodes as the kernel numbers them). */
static void read_cpu_nodes(struct mem_source *ms)
{
	char path[64], buf[1024];
	memset(ms->cpu_node, -1, sizeof(ms->cpu_node));
	ms->ncpu_node = 0;
	for (int node = 0; node < MEM_NODES_MAX; node++) {
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/cpulist", node);
		if (read_file_at(AT_FDCWD, path, buf, sizeof(buf)) <= 0)
			continue;
		mem_parse_cpulist(buf, ms->cpu_node, MEM_CPUS_MAX, node);
	}
	for (int c = MEM_CPUS_MAX - 1; c >= 0 && !ms->ncpu_node; c--)
		if (ms->cpu_node[c] >= 0)
			ms->ncpu_node = c + 1;
}

/* Reads an open file again from its start; -1 when it cannot be read. */
static ssize_t reread(int fd, char *buf, size_t len)
{
	if (fd < 0)
		return -1;
	ssize_t n = pread(fd, buf, len - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

static void *mem_open(const struct source_args *a, char *why, size_t whylen)
{
	(void)why;
	(void)whylen;
	struct mem_source *ms = xcalloc(1, sizeof(*ms));
	ms->args = a;
	char path[96];
	for (int f = 0; f < KSM__COUNT; f++) {
		snprintf(path, sizeof(path), "/sys/kernel/mm/ksm/%s", mem_ksm_file((enum ksm_field)f));
		ms->ksm_fd[f] = open(path, O_RDONLY | O_CLOEXEC);	/* absent on kernels without KSM or the field */
	}
	ms->thp_fd = open("/sys/kernel/mm/transparent_hugepage/enabled", O_RDONLY | O_CLOEXEC);
	ms->psi_fd = open("/proc/pressure/memory", O_RDONLY | O_CLOEXEC);
	ms->buf = xmalloc(NUMA_BUF);
	read_cpu_nodes(ms);
	struct rlimit rl;
	rlim_t lim = getrlimit(RLIMIT_NOFILE, &rl) == 0 ? rl.rlim_cur : 1024;
	ms->fd_budget = lim == RLIM_INFINITY || lim > 16384 ? 4096 : (size_t)lim / 4;
	return ms;
}

static void mem_close(void *state)
{
	struct mem_source *ms = state;
	if (!ms)
		return;
	for (int f = 0; f < KSM__COUNT; f++)
		if (ms->ksm_fd[f] >= 0)
			close(ms->ksm_fd[f]);
	if (ms->thp_fd >= 0)
		close(ms->thp_fd);
	if (ms->psi_fd >= 0)
		close(ms->psi_fd);
	for (size_t i = 0; i < ms->nvms; i++)
		for (int f = 0; f < FD__COUNT; f++)
			if (ms->vms[i].fd[f] >= 0)
				close(ms->vms[i].fd[f]);
	free(ms->vms);
	free(ms->buf);
	free(ms);
}

static const char *const fd_names[FD__COUNT] = { "status", "stat", "ksm_stat" };

static void vm_close(struct mem_source *ms, struct mem_vm *e)
{
	for (int f = 0; f < FD__COUNT; f++)
		if (e->fd[f] >= 0) {
			close(e->fd[f]);
			ms->fds_held--;
		}
}

/* Hugepage pools: /sys/kernel/mm/hugepages/hugepages-<size>kB/{nr,free}_hugepages, the few sizes there are. */
static void read_pools(struct host_mem_sample *h, char *buf, size_t len)
{
	static const long long sizes[] = { 2048, 1048576, 32768, 64 };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]) && h->npools < HUGEPAGE_POOLS_MAX; i++) {
		char path[96];
		snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/hugepages-%lldkB/nr_hugepages", sizes[i]);
		if (read_file_at(AT_FDCWD, path, buf, len) <= 0)
			continue;
		long long total = strtoll(buf, NULL, 10), free_pages = -1;
		snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/hugepages-%lldkB/free_hugepages", sizes[i]);
		if (read_file_at(AT_FDCWD, path, buf, len) > 0)
			free_pages = strtoll(buf, NULL, 10);
		h->pools[h->npools].size_kib = sizes[i];
		h->pools[h->npools].total = total;
		h->pools[h->npools].free = free_pages;
		h->npools++;
	}
}

static void read_host(struct mem_source *ms, struct host_mem_sample *h, double now)
{
	char buf[512];
	h->valid = true;
	if (now >= ms->host_next_slow) {
		struct host_mem_sample *hs = &ms->host_slow;
		hs->thp_enabled[0] = '\0';
		if (reread(ms->thp_fd, buf, sizeof(buf)) > 0)
			mem_parse_thp_mode(buf, hs->thp_enabled, sizeof(hs->thp_enabled));
		hs->npools = 0;
		read_pools(hs, buf, sizeof(buf));
		ms->host_next_slow = now + MEM_SLOW_S;
	}
	memcpy(h->thp_enabled, ms->host_slow.thp_enabled, sizeof(h->thp_enabled));
	h->npools = ms->host_slow.npools;
	memcpy(h->pools, ms->host_slow.pools, sizeof(h->pools));
	for (int f = 0; f < KSM__COUNT; f++)
		h->ksm[f] = reread(ms->ksm_fd[f], buf, sizeof(buf)) > 0 ? strtoll(buf, NULL, 10) : MEM_UNKNOWN_SIGNED;
	h->psi_some_avg10 = h->psi_full_avg10 = NAN;
	if (reread(ms->psi_fd, buf, sizeof(buf)) > 0)
		mem_parse_psi(buf, h);
	/* meminfo's SwapTotal and SwapFree, without the rest of meminfo computed (the stat source reads it) */
	struct sysinfo si;
	h->swap_total_kib = h->swap_free_kib = -1;
	if (sysinfo(&si) == 0) {
		h->swap_total_kib = (long long)((unsigned long long)si.totalswap * si.mem_unit / 1024);
		h->swap_free_kib = (long long)((unsigned long long)si.freeswap * si.mem_unit / 1024);
	}
}

static void unknown_mem(struct vm_mem_sample *m)
{
	m->anon_kib = m->file_kib = m->shmem_kib = m->swap_kib = m->thp_kib = m->hugetlb_kib = -1;
	m->majflt = m->majflt_prev = -1;
	m->majflt_mono = m->majflt_prev_mono = 0;
	m->nnodes = -1;
	m->ksm_merging_pages = m->ksm_rmap_items = m->ksm_zero_pages = -1;
	m->ksm_profit_bytes = MEM_UNKNOWN_SIGNED;
	m->ksm_mergeable = m->ksm_merge_any = -1;
}

/* The kept state of the VM (pid, start), created when new or when its PID now names another process. */
static struct mem_vm *vm_state(struct mem_source *ms, const struct vm_sample *vm, double now, bool figures)
{
	size_t lo = 0, hi = ms->nvms;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (ms->vms[mid].pid < vm->pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ms->nvms && ms->vms[lo].pid == vm->pid && ms->vms[lo].start_ticks == vm->start_ticks)
		return &ms->vms[lo];
	if (lo < ms->nvms && ms->vms[lo].pid == vm->pid) {
		vm_close(ms, &ms->vms[lo]);	/* PID reused */
	} else {
		if (ms->nvms == ms->cap) {
			ms->cap = ms->cap ? 2 * ms->cap : 16;
			ms->vms = xrealloc(ms->vms, ms->cap * sizeof(*ms->vms));
		}
		memmove(&ms->vms[lo + 1], &ms->vms[lo], (ms->nvms - lo) * sizeof(*ms->vms));
		ms->nvms++;
	}
	struct mem_vm *e = &ms->vms[lo];
	memset(e, 0, sizeof(*e));
	e->pid = vm->pid;
	e->start_ticks = vm->start_ticks;
	for (int f = 0; f < FD__COUNT; f++) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)vm->pid, fd_names[f]);
		/* past the budget: opened and closed at each read instead; stat and ksm_stat not at all when the
		 * threads source reads the same counters (then they are opened only if it stops) */
		bool needed = figures && (f == FD_STATUS || !vm->mm.valid);
		e->fd[f] = ms->fds_held < ms->fd_budget && needed ? open(path, O_RDONLY | O_CLOEXEC) : -1;
		ms->fds_held += e->fd[f] >= 0;
	}
	unknown_mem(&e->m);
	/* the slow files at once, then spread over the period by PID, so 150 VMs do not all fall due together */
	e->next_slow = e->next_fast = now;
	return e;
}

/* One of the VM's kept files, read again; or opened, read and closed when it is not kept. */
static ssize_t read_vm_file(const struct mem_vm *e, int f, char *buf, size_t len)
{
	if (e->fd[f] >= 0)
		return reread(e->fd[f], buf, len);
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)e->pid, fd_names[f]);
	return read_file_at(AT_FDCWD, path, buf, len);
}

static void read_fast(struct mem_vm *e)
{
	char path[64], buf[4096];
	if (read_vm_file(e, FD_STATUS, buf, sizeof(buf)) > 0)
		mem_parse_status(buf, &e->m);
	struct proc_stat ps;
	if (read_vm_file(e, FD_STAT, buf, sizeof(buf)) > 0 && proc_stat_parse(buf, &ps) &&
	    ps.start_ticks == e->start_ticks) {
		e->m.majflt_prev = e->m.majflt;
		e->m.majflt_prev_mono = e->m.majflt_mono;
		e->m.majflt = (long long)ps.majflt;
		e->m.majflt_mono = clock_mono();
	}
	if (read_vm_file(e, FD_KSM, buf, sizeof(buf)) > 0) {
		mem_parse_ksm_stat(buf, &e->m);
	} else {
		/* kernels 6.1 to 6.5 have ksm_merging_pages alone */
		snprintf(path, sizeof(path), "/proc/%d/ksm_merging_pages", (int)e->pid);
		if (read_file_at(AT_FDCWD, path, buf, sizeof(buf)) > 0)
			e->m.ksm_merging_pages = strtoll(buf, NULL, 10);
	}
}

/* The sizes status and the eBPF pass both give: where each goes in m, and what mm counted of it. */
static void sizes(struct vm_mem_sample *m, const struct vm_mm_counters *mm, long long *size[MM_SIZES],
		  long long counted[MM_SIZES])
{
	long long *const in_m[MM_SIZES] = { &m->anon_kib, &m->file_kib, &m->shmem_kib, &m->swap_kib };
	const long long in_mm[MM_SIZES] = { mm->anon_kib, mm->file_kib, mm->shmem_kib, mm->swap_kib };
	memcpy(size, in_m, sizeof(in_m));
	memcpy(counted, in_mm, sizeof(in_mm));
}

/* What status, stat and ksm_stat would say, as the eBPF threads source read it from the kernel. Its sizes are the mm
 * counters' shared count (what status showed before 6.15 and stat and statm still do), short by what sits in
 * per-CPU deltas (at most 32 or 2 x CPUs pages per CPU and counter: all of a small process's pages, a sliver of a
 * VM's); so the sizes are status's exact reading (taken with the slow files) moved by what the counts moved since. */
static void take_mm(struct mem_vm *e, const struct vm_mm_counters *mm)
{
	long long *size[MM_SIZES], counted[MM_SIZES];
	sizes(&e->m, mm, size, counted);
	for (int i = 0; i < MM_SIZES && mm->anon_kib >= 0; i++) {
		long long v = counted[i] + e->status_offset[i];
		*size[i] = v > 0 ? v : 0;
	}
	if (mm->hugetlb_kib >= 0)
		e->m.hugetlb_kib = mm->hugetlb_kib;
	e->m.majflt_prev = e->m.majflt;
	e->m.majflt_prev_mono = e->m.majflt_mono;
	e->m.majflt = mm->majflt;
	e->m.majflt_mono = clock_mono();
	e->m.ksm_merging_pages = mm->ksm_merging_pages;
	e->m.ksm_rmap_items = mm->ksm_rmap_items;
	e->m.ksm_zero_pages = mm->ksm_zero_pages;
	e->m.ksm_profit_bytes = mm->ksm_profit_bytes;
}

/* mm: the eBPF threads source's counters, which give the sizes and KSM counts (take_mm), NULL without it; then
 * status's exact sizes and ksm_stat's flags, which ask the kernel to walk the VM's mappings, are read here; and
 * with walk the page tables' THP and NUMA figures */
static void read_slow(struct mem_source *ms, struct mem_vm *e, const struct vm_mm_counters *mm, bool walk)
{
	char path[64];
	if (mm) {
		if (read_vm_file(e, FD_STATUS, ms->buf, NUMA_BUF) > 0) {
			mem_parse_status(ms->buf, &e->m);
			long long *size[MM_SIZES], counted[MM_SIZES];
			sizes(&e->m, mm, size, counted);
			bool both = *size[0] >= 0 && counted[0] >= 0;
			for (int i = 0; i < MM_SIZES; i++)
				e->status_offset[i] = both ? *size[i] - counted[i] : 0;
		}
		snprintf(path, sizeof(path), "/proc/%d/ksm_stat", (int)e->pid);
		if (read_file_at(AT_FDCWD, path, ms->buf, NUMA_BUF) > 0)
			mem_parse_ksm_flags(ms->buf, &e->m);
	}
	if (!walk)
		return;
	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)e->pid);
	long long hugetlb = e->m.hugetlb_kib;
	if (read_file_at(AT_FDCWD, path, ms->buf, NUMA_BUF) > 0)
		mem_parse_smaps_rollup(ms->buf, &e->m);
	if (hugetlb >= 0)
		e->m.hugetlb_kib = hugetlb;	/* status said it, and more recently */
	snprintf(path, sizeof(path), "/proc/%d/numa_maps", (int)e->pid);
	if (read_file_at(AT_FDCWD, path, ms->buf, NUMA_BUF) > 0)
		e->m.nnodes = mem_parse_numa_maps(ms->buf, e->m.node_kib, MEM_NODES_MAX);
}

static bool mem_sample(void *state, struct host_sample *s, char *why, size_t whylen)
{
	(void)why;
	(void)whylen;
	struct mem_source *ms = state;
	double now = clock_mono(), first_spent = 0;
	if (ms->credit_mono > 0)
		ms->slow_credit = fmin(ms->slow_credit + (now - ms->credit_mono) * MEM_SLOW_SHARE, MEM_SLOW_CREDIT_S);
	ms->credit_mono = now;
	read_host(ms, &s->mem, now);
	s->mem.ncpu_node = ms->ncpu_node;
	memcpy(s->mem.cpu_node, ms->cpu_node, sizeof(s->mem.cpu_node));
	for (size_t i = 0; i < ms->nvms; i++)
		ms->vms[i].seen = false;
	for (size_t i = 0; i < s->nvms; i++) {
		struct vm_sample *vm = &s->vms[i];
		bool asked = vm->pid == ms->args->mem_walk_pid;
		bool figures = ms->args->mem_detail != MEM_DETAIL_NONE || asked;
		bool walk = ms->args->mem_detail == MEM_DETAIL_ALL || asked;
		struct mem_vm *e = vm_state(ms, vm, now, figures);
		e->seen = true;
		if (vm->mm.valid) {
			take_mm(e, &vm->mm);	/* read anyway: no cost */
		} else if (figures && now >= e->next_fast) {
			read_fast(e);
			e->next_fast = now + MEM_FAST_S - 0.05;	/* a refresh of exactly 2 s reads every time */
		}
		if (!walk && e->walked) {	/* no one shows them: an old reading is not kept to be shown later */
			e->walked = false;
			e->m.thp_kib = -1;
			e->m.nnodes = -1;
		}
		bool first = !e->slow_read || (walk && !e->walked);
		bool affordable = first ? first_spent < MEM_FIRST_BUDGET_S : ms->slow_credit > 0;
		if (figures && (now >= e->next_slow || first) && affordable) {
			double t0 = clock_thread_cpu();
			read_slow(ms, e, vm->mm.valid ? &vm->mm : NULL, walk);
			double spent = clock_thread_cpu() - t0;
			if (first)
				first_spent += spent;
			else
				ms->slow_credit -= spent;
			e->next_slow = now + (first ? MEM_SLOW_S * (1 + (e->pid % 16) / 16.0) : MEM_SLOW_S);
			e->slow_read = true;
			e->walked = walk;
		}
		vm->mem = e->m;
	}
	/* VMs that are gone: their state goes too */
	size_t k = 0;
	for (size_t i = 0; i < ms->nvms; i++) {
		if (ms->vms[i].seen)
			ms->vms[k++] = ms->vms[i];
		else
			vm_close(ms, &ms->vms[i]);
	}
	ms->nvms = k;
	return true;
}

const struct source mem_source = {
	.part = PART_MEM, .name = "proc", .open = mem_open, .sample = mem_sample, .close = mem_close,
};

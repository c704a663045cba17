/* thread_bpf.c - VM threads in one pass per refresh: an iter/task program (bpf/threads.bpf.c) writes a record for
 * every task whose tgid is in its map; user space turns the kernel's raw values into what /proc would print. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>

#include "bpf/threads_rec.h"
#include "bpf_load.h"
#include "cputime.h"
#include "nls.h"
#include "thread_bpf.h"
#include "util.h"
#include "vmtop.skel.h"

struct tprev {
	pid_t tid;
	unsigned long long start_ns;	/* tells a reused TID apart */
	struct cputime_prev cpu;
};

struct bproc {
	pid_t pid;
	unsigned long long start_ticks;	/* of the leader: another start time means the PID was reused */
	unsigned gen;
};

struct thread_bpf {
	struct vmtop_bpf *skel;
	struct bpf_link *link;
	int map_fd;
	pid_t *tgids;			/* in the map now, sorted */
	size_t ntgids;
	struct vmtop_thread_rec *recs;	/* this pass, sorted by tid */
	size_t nrecs, caprecs;
	struct tprev *prev;		/* parallel to recs */
	size_t nprev;
	struct thread_info *info;	/* this pass converted, sorted by tgid then tid */
	pid_t *info_tgid;
	struct bproc *procs;		/* sorted by pid */
	size_t nprocs;
	unsigned gen;
	unsigned long long ns_per_tick;
	/* discovery's news (kvm_vcpu_news): processes that created a KVM vCPU */
	struct bpf_link *news_link;
	struct ring_buffer *news;	/* NULL: no news, discovery rescans young processes */
	__u64 news_lost;		/* kvm_news_lost when last read */
	pid_t *news_pids;
	size_t nnews, capnews;
};

static void open_news(struct thread_bpf *tb);

/* The task iterator and bpf_seq_write came with 5.8. */
static bool kernel_has_iter_task(char *why, size_t whylen)
{
	struct utsname u;
	int major = 0, minor = 0;
	if (uname(&u) == 0 && sscanf(u.release, "%d.%d", &major, &minor) == 2 &&
	    (major > 5 || (major == 5 && minor >= 8)))
		return true;
	snprintf(why, whylen, _("kernel %s has no task iterator (needs 5.8)"), u.release);
	return false;
}

struct thread_bpf *thread_bpf_new(unsigned also, char *why, size_t whylen)
{
	if (!kernel_has_iter_task(why, whylen))
		return NULL;
	const char *not_loaded = _("eBPF task iterator not loaded: %s%s%s");
	struct vmtop_bpf *skel = bpf_object_get(BPF_PART_THREADS, also, not_loaded, why, whylen);
	if (!skel)
		return NULL;
	struct thread_bpf *tb = xcalloc(1, sizeof(*tb));
	tb->ns_per_tick = 1000000000ULL / (unsigned long long)clk_tck();
	tb->skel = skel;
	tb->link = bpf_program__attach_iter(tb->skel->progs.vm_threads, NULL);
	if (!tb->link) {
		snprintf(why, whylen, not_loaded, strerror(errno), "", "");
		thread_bpf_free(tb);
		return NULL;
	}
	tb->map_fd = bpf_map__fd(tb->skel->maps.vm_tgids);
	open_news(tb);
	return tb;
}

static int on_news(void *ctx, void *data, size_t size)
{
	struct thread_bpf *tb = ctx;
	if (size < sizeof(__u32))
		return 0;
	if (tb->nnews == tb->capnews) {
		tb->capnews = tb->capnews ? tb->capnews * 2 : 64;
		tb->news_pids = xrealloc(tb->news_pids, tb->capnews * sizeof(*tb->news_pids));
	}
	__u32 tgid;
	memcpy(&tgid, data, sizeof(tgid));
	tb->news_pids[tb->nnews++] = (pid_t)tgid;
	return 0;
}

/* Attaches the news program to its tracepoint; where there is none (no kvm, not x86) there is no news. */
static void open_news(struct thread_bpf *tb)
{
	tb->news_link = bpf_program__attach(tb->skel->progs.kvm_vcpu_news);
	if (!tb->news_link)
		return;
	tb->news = ring_buffer__new(bpf_map__fd(tb->skel->maps.kvm_news), on_news, tb, NULL);
	if (!tb->news) {
		bpf_link__destroy(tb->news_link);
		tb->news_link = NULL;
	}
}

int thread_bpf_news(struct thread_bpf *tb, const pid_t **pids, size_t *n)
{
	*n = 0;
	if (!tb->news)
		return -1;
	tb->nnews = 0;
	if (ring_buffer__consume(tb->news) < 0)
		return -1;
	__u64 lost = tb->skel->bss->kvm_news_lost;
	*pids = tb->news_pids;
	*n = tb->nnews;
	if (lost != tb->news_lost) {
		tb->news_lost = lost;
		return -1;
	}
	return 0;
}

/* The map holds exactly pids (sorted, unique) afterwards. */
static void sync_map(struct thread_bpf *tb, const pid_t *pids, size_t n)
{
	__u8 one = 1;
	size_t i = 0, j = 0;
	while (i < tb->ntgids || j < n) {
		if (j == n || (i < tb->ntgids && tb->tgids[i] < pids[j])) {
			__u32 key = (__u32)tb->tgids[i++];
			bpf_map_delete_elem(tb->map_fd, &key);
		} else if (i == tb->ntgids || pids[j] < tb->tgids[i]) {
			__u32 key = (__u32)pids[j++];
			bpf_map_update_elem(tb->map_fd, &key, &one, BPF_ANY);
		} else {
			i++;
			j++;
		}
	}
	tb->tgids = xrealloc(tb->tgids, (n ? n : 1) * sizeof(*tb->tgids));
	memcpy(tb->tgids, pids, n * sizeof(*pids));
	tb->ntgids = n;
}

/* One pass of the iterator into tb->recs: 0 or -errno. */
static int run_iter(struct thread_bpf *tb)
{
	int fd = bpf_iter_create(bpf_link__fd(tb->link));
	if (fd < 0)
		return -errno;
	size_t got = 0;
	for (;;) {
		if (got + 1 > tb->caprecs) {
			tb->caprecs = tb->caprecs ? tb->caprecs * 2 : 1024;
			tb->recs = xrealloc(tb->recs, tb->caprecs * sizeof(*tb->recs));
		}
		/* the kernel writes whole records; a read returns what fits of its page-sized chunks */
		ssize_t r = read(fd, (char *)tb->recs + got * sizeof(*tb->recs), (tb->caprecs - got) * sizeof(*tb->recs));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			int err = r < 0 ? -errno : 0;
			close(fd);
			tb->nrecs = got;
			return err;
		}
		got += (size_t)r / sizeof(*tb->recs);
	}
}

static int cmp_rec_tid(const void *a, const void *b)
{
	const struct vmtop_thread_rec *x = a, *y = b;
	return (x->tid > y->tid) - (x->tid < y->tid);
}

/* /proc's state letter (task_state_index): the highest of __state | exit_state, TASK_IDLE read as I. */
static char state_letter(const struct vmtop_thread_rec *r)
{
	static const char letters[] = "RSDTtXZP";
	if (r->state == 0x402)
		return 'I';
	unsigned v = (r->state | (unsigned)r->exit_state) & 0x7f;
	int i = 0;
	while (v) {
		i++;
		v >>= 1;
	}
	return letters[i];
}

/* Carries each thread's reported split over from the last pass (both sorted by tid), for the new records. */
static void carry_prev(struct thread_bpf *tb)
{
	struct tprev *next = xmalloc((tb->nrecs ? tb->nrecs : 1) * sizeof(*next));	/* each written below */
	size_t j = 0;
	for (size_t i = 0; i < tb->nrecs; i++) {
		const struct vmtop_thread_rec *r = &tb->recs[i];
		while (j < tb->nprev && tb->prev[j].tid < (pid_t)r->tid)
			j++;
		if (j < tb->nprev && tb->prev[j].tid == (pid_t)r->tid && tb->prev[j].start_ns == r->start_boottime)
			next[i] = tb->prev[j];
		else
			next[i] = (struct tprev){ .tid = (pid_t)r->tid, .start_ns = r->start_boottime };
		cputime_adjust(&next[i].cpu, r->sum_exec_runtime, r->utime, r->stime, r->gtime);
	}
	free(tb->prev);
	tb->prev = next;
	tb->nprev = tb->nrecs;
}

static const struct vmtop_thread_rec *sort_recs;

static int cmp_by_tgid(const void *a, const void *b)
{
	const struct vmtop_thread_rec *x = &sort_recs[*(const size_t *)a], *y = &sort_recs[*(const size_t *)b];
	if (x->tgid != y->tgid)
		return (x->tgid > y->tgid) - (x->tgid < y->tgid);
	return (x->tid > y->tid) - (x->tid < y->tid);
}

/* The process's memory counters from its leader's record, in /proc's units. */
static void leader_mm(const struct vmtop_thread_rec *r, struct vm_mm_counters *m)
{
	long long kib = sysconf(_SC_PAGESIZE) / 1024;
	*m = (struct vm_mm_counters){ .valid = r->mm_anon >= 0, .ksm_profit_bytes = MEM_UNKNOWN_SIGNED };
	m->anon_kib = r->mm_anon >= 0 ? r->mm_anon * kib : -1;
	m->file_kib = r->mm_file >= 0 ? r->mm_file * kib : -1;
	m->shmem_kib = r->mm_shmem >= 0 ? r->mm_shmem * kib : -1;
	m->swap_kib = r->mm_swap >= 0 ? r->mm_swap * kib : -1;
	m->hugetlb_kib = r->hugetlb_pages >= 0 ? r->hugetlb_pages * kib : -1;
	m->majflt = (long long)r->sig_maj_flt;	/* the threads' come in convert() */
	m->ksm_merging_pages = r->ksm_merging_pages;
	m->ksm_rmap_items = r->ksm_rmap_items;
	m->ksm_zero_pages = r->ksm_zero_pages;
	/* ksm_process_profit(): what merging saves less what the rmap items cost */
	if (r->ksm_merging_pages >= 0 && r->ksm_rmap_items >= 0 && r->ksm_rmap_item_size)
		m->ksm_profit_bytes = (r->ksm_merging_pages + (r->ksm_zero_pages > 0 ? r->ksm_zero_pages : 0)) * kib *
					      1024 - r->ksm_rmap_items * (long long)r->ksm_rmap_item_size;
}

/* tgid -> its index in tb->tgids, open-addressed: a binary search per record mispredicted most of its branches
 * (a process's threads are not neighbours by TID where its VMs started together), half of a pass's conversion. */
struct tgid_table {
	size_t mask;
	pid_t *key;	/* 0: empty (PIDs are positive) */
	size_t *index;
};

static size_t tgid_hash(pid_t pid, size_t mask)
{
	return ((unsigned)pid * 2654435761u) & mask;
}

static void tgid_table_build(struct tgid_table *t, const pid_t *tgids, size_t n)
{
	size_t size = 16;
	while (size < 2 * n)
		size *= 2;
	t->mask = size - 1;
	t->key = xcalloc(size, sizeof(*t->key));
	t->index = xmalloc(size * sizeof(*t->index));
	for (size_t i = 0; i < n; i++) {
		size_t h = tgid_hash(tgids[i], t->mask);
		while (t->key[h])
			h = (h + 1) & t->mask;
		t->key[h] = tgids[i];
		t->index[h] = i;
	}
}

/* Index of pid in the table's tgids, or none. */
static size_t tgid_table_find(const struct tgid_table *t, pid_t pid, size_t none)
{
	for (size_t h = tgid_hash(pid, t->mask); t->key[h]; h = (h + 1) & t->mask)
		if (t->key[h] == pid)
			return t->index[h];
	return none;
}

/* order[] = the records (sorted by tid) grouped by tgid, tid order kept within each: a counting sort over the
 * map's tgids (qsort made a pass 0.3 ms dearer at 150 VMs, bench/thread_read_cost); qsort where a record's process
 * is not among them. */
static void order_by_tgid(const struct thread_bpf *tb, size_t *order)
{
	size_t n = tb->nrecs, m = tb->ntgids;
	size_t *at = xcalloc(m + 1, sizeof(*at)), *slot = xmalloc((n ? n : 1) * sizeof(*slot));
	struct tgid_table t;
	tgid_table_build(&t, tb->tgids, m);
	bool all = true;
	for (size_t i = 0; i < n && all; i++) {
		slot[i] = tgid_table_find(&t, (pid_t)tb->recs[i].tgid, m);
		all = slot[i] < m;
		if (all)
			at[slot[i] + 1]++;
	}
	if (all) {
		for (size_t k = 0; k < m; k++)
			at[k + 1] += at[k];
		for (size_t i = 0; i < n; i++)
			order[at[slot[i]]++] = i;
	} else {
		for (size_t i = 0; i < n; i++)
			order[i] = i;
		sort_recs = tb->recs;
		qsort(order, n, sizeof(*order), cmp_by_tgid);
	}
	free(at);
	free(slot);
	free(t.key);
	free(t.index);
}

static void convert(struct thread_bpf *tb)
{
	size_t n = tb->nrecs;
	size_t *order = xmalloc((n ? n : 1) * sizeof(*order));
	order_by_tgid(tb, order);
	tb->info = xrealloc(tb->info, (n ? n : 1) * sizeof(*tb->info));
	tb->info_tgid = xrealloc(tb->info_tgid, (n ? n : 1) * sizeof(*tb->info_tgid));
	for (size_t k = 0; k < n; k++) {
		const struct vmtop_thread_rec *r = &tb->recs[order[k]];
		const struct tprev *p = &tb->prev[order[k]];
		struct thread_info *ti = &tb->info[k];
		memset(ti, 0, sizeof(*ti));
		ti->tid = (pid_t)r->tid;
		char comm[sizeof(r->comm) + 1];
		memcpy(comm, r->comm, sizeof(r->comm));
		comm[sizeof(r->comm)] = '\0';
		str_copy(ti->stat.comm, comm, sizeof(ti->stat.comm));
		ti->stat.state = state_letter(r);
		ti->stat.flags = r->flags;
		ti->stat.utime = p->cpu.utime / tb->ns_per_tick;
		ti->stat.stime = p->cpu.stime / tb->ns_per_tick;
		ti->stat.gtime = p->cpu.gtime / tb->ns_per_tick;
		ti->stat.start_ticks = r->start_boottime / tb->ns_per_tick;
		ti->stat.rss_pages = r->rss_pages > 0 ? (unsigned long long)r->rss_pages : 0;
		ti->stat.processor = (int)r->cpu;
		ti->run_delay_valid = r->has_sched_info != 0;
		ti->run_delay_ns = r->run_delay;
		if (r->is_leader)
			leader_mm(r, &ti->mm);
		tb->info_tgid[k] = (pid_t)r->tgid;
	}
	for (size_t k = 0; k < n;) {
		size_t e = k;
		unsigned long long majflt = 0;
		struct thread_info *lead = NULL;
		while (e < n && tb->info_tgid[e] == tb->info_tgid[k]) {
			majflt += tb->recs[order[e]].maj_flt;
			if (tb->info[e].mm.valid)
				lead = &tb->info[e];
			e++;
		}
		for (size_t i = k; i < e; i++)
			tb->info[i].stat.num_threads = (long)(e - k);
		if (lead)	/* as /proc/PID/stat adds them: the exited threads' and each live thread's */
			lead->mm.majflt += (long long)majflt;
		k = e;
	}
	free(order);
}

int thread_bpf_begin(struct thread_bpf *tb, const pid_t *pids, size_t n)
{
	pid_t *want = xmalloc((n ? n : 1) * sizeof(*want));
	memcpy(want, pids, n * sizeof(*pids));
	pids_sort(want, n);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!k || want[k - 1] != want[i])
			want[k++] = want[i];
	sync_map(tb, want, k);
	free(want);
	int rc = run_iter(tb);
	if (rc < 0)
		tb->nrecs = 0;
	/* the iterator walks tasks by TID: sorted already but for a TID reused during the pass */
	size_t i = 1;
	while (i < tb->nrecs && tb->recs[i - 1].tid < tb->recs[i].tid)
		i++;
	if (i < tb->nrecs)
		qsort(tb->recs, tb->nrecs, sizeof(*tb->recs), cmp_rec_tid);
	carry_prev(tb);
	convert(tb);
	return rc;
}

static struct bproc *find_or_add(struct thread_bpf *tb, pid_t pid)
{
	size_t lo = 0, hi = tb->nprocs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (tb->procs[mid].pid == pid)
			return &tb->procs[mid];
		if (tb->procs[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	tb->procs = xrealloc(tb->procs, (tb->nprocs + 1) * sizeof(*tb->procs));
	memmove(&tb->procs[lo + 1], &tb->procs[lo], (tb->nprocs - lo) * sizeof(*tb->procs));
	tb->nprocs++;
	tb->procs[lo] = (struct bproc){ .pid = pid };
	return &tb->procs[lo];
}

size_t thread_bpf_read(struct thread_bpf *tb, pid_t pid, const struct thread_info **out, bool *replaced)
{
	*replaced = false;
	size_t lo = 0, hi = tb->nrecs;
	while (lo < hi) {	/* the first thread of pid */
		size_t mid = lo + (hi - lo) / 2;
		if (tb->info_tgid[mid] < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t end = lo;
	while (end < tb->nrecs && tb->info_tgid[end] == pid)
		end++;
	struct bproc *p = find_or_add(tb, pid);
	p->gen = tb->gen;
	const struct thread_info *lead = NULL;
	for (size_t i = lo; i < end && !lead; i++)
		if (tb->info[i].tid == pid)
			lead = &tb->info[i];
	if (!lead)
		return 0;	/* gone: a process keeps its leader, a zombie at least, while any thread lives */
	if (p->start_ticks && lead->stat.start_ticks != p->start_ticks)
		*replaced = true;
	p->start_ticks = lead->stat.start_ticks;
	*out = &tb->info[lo];
	return end - lo;
}

void thread_bpf_end(struct thread_bpf *tb)
{
	size_t k = 0;
	for (size_t i = 0; i < tb->nprocs; i++)
		if (tb->procs[i].gen == tb->gen)
			tb->procs[k++] = tb->procs[i];
	tb->nprocs = k;
	tb->gen++;
}

void thread_bpf_free(struct thread_bpf *tb)
{
	if (!tb)
		return;
	ring_buffer__free(tb->news);
	bpf_link__destroy(tb->news_link);
	free(tb->news_pids);
	bpf_link__destroy(tb->link);
	bpf_object_put(tb->skel, BPF_PART_THREADS);
	free(tb->tgids);
	free(tb->recs);
	free(tb->prev);
	free(tb->info);
	free(tb->info_tgid);
	free(tb->procs);
	free(tb);
}

/* collect_exits.c - the exits part: KVM tracepoints counted in the kernel by bpf/exits.bpf.c (raw_tp) in an array
 * of slots mapped into vmtop, read once per refresh without a system call; the slots of threads no VM holds any
 * more are handed back to the programs. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "nls.h"
#include "source.h"
#include "util.h"

#ifdef HAVE_BPF
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>

#include "bpf/exits_rec.h"
#include "bpf_load.h"
#include "vmtop.skel.h"

struct exits_bpf {
	struct vmtop_bpf *skel;
	unsigned part;			/* of the eBPF object (bpf_load.h) */
	struct bpf_link *links[EXITS_EV__COUNT];
	bool live[EXITS_EV__COUNT];
	bool off[EXITS_EV__COUNT];	/* not attached on purpose */
	int index_fd, drops_fd;
	int ncpus;			/* possible CPUs: the drop counter's slots */
	volatile struct exits_slot *slots;	/* the programs' slot array, mapped */
	volatile __u32 *free_list;	/* slots handed back, read by the programs from free_head to free_tail */
	struct exit_count *scratch;	/* the radix sort's other half */
	pid_t *tids;			/* the VMs' threads this sample, sorted */
	size_t ntids, captids;
};

static const char *const tp_names[EXITS_EV__COUNT] = {
#define EXITS_TP_NAME(id, tp) [EXITS_EV_##id] = #tp,
	EXITS_EVENTS(EXITS_TP_NAME)
#undef EXITS_TP_NAME
};

/* What mmap gives of an array map: all its values, in whole pages. */
static size_t map_bytes(const struct bpf_map *m)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	return ((size_t)bpf_map__value_size(m) * bpf_map__max_entries(m) + page - 1) / page * page;
}

/* An array map (BPF_F_MMAPABLE) mapped for reading and writing, NULL when it cannot be (errno set). */
static void *map_map(const struct bpf_map *m)
{
	void *p = mmap(NULL, map_bytes(m), PROT_READ | PROT_WRITE, MAP_SHARED, bpf_map__fd(m), 0);
	return p == MAP_FAILED ? NULL : p;
}

static void exits_close(void *state)
{
	struct exits_bpf *e = state;
	if (!e)
		return;
	for (int i = 0; i < EXITS_EV__COUNT; i++)
		bpf_link__destroy(e->links[i]);
	if (e->slots)
		munmap((void *)e->slots, map_bytes(e->skel->maps.exit_slots));
	if (e->free_list)
		munmap((void *)e->free_list, map_bytes(e->skel->maps.exit_free));
	bpf_object_put(e->skel, e->part);
	free(e->scratch);
	free(e->tids);
	free(e);
}

static void *exits_open(const struct source_args *a, char *why, size_t whylen)
{
	if (a->exits_off) {
		snprintf(why, whylen, "%s", _("exit counting off (--exits=off)"));
		return NULL;
	}
	/* emulated instructions only when asked: one event per instruction */
	unsigned part = BPF_PART_EXITS | (a->exits_all ? BPF_PART_EMULATE : 0);
	struct vmtop_bpf *skel = bpf_object_get(part, 0, _("eBPF exit counters not loaded: %s%s%s"), why, whylen);
	if (!skel)
		return NULL;
	struct exits_bpf *e = xcalloc(1, sizeof(*e));
	e->ncpus = libbpf_num_possible_cpus();
	e->skel = skel;
	e->part = part;
	e->off[EXITS_EV_EMUL] = !a->exits_all;
	/* each event on its own: one the kernel lacks (no kvm module, an older kernel) is left out, not fatal */
	int nlive = 0;
	for (int i = 0; i < EXITS_EV__COUNT; i++) {
		if (e->off[i])
			continue;
		char prog[64];
		snprintf(prog, sizeof(prog), "on_%s", tp_names[i]);
		struct bpf_program *p = bpf_object__find_program_by_name(e->skel->obj, prog);
		e->links[i] = p ? bpf_program__attach(p) : NULL;
		e->live[i] = e->links[i] != NULL;
		nlive += e->live[i];
	}
	if (!nlive) {
		snprintf(why, whylen, "%s", _("no KVM tracepoint to attach to (is the kvm module loaded?)"));
		exits_close(e);
		return NULL;
	}
	e->index_fd = bpf_map__fd(e->skel->maps.exit_index);
	e->drops_fd = bpf_map__fd(e->skel->maps.exit_drops);
	e->slots = map_map(e->skel->maps.exit_slots);
	e->free_list = map_map(e->skel->maps.exit_free);
	if (!e->slots || !e->free_list || !e->skel->bss) {
		snprintf(why, whylen, _("eBPF exit counters not mapped: %s"), strerror(errno));
		exits_close(e);
		return NULL;
	}
	return e;
}

/* Sorts c[0..n) by tid, ev, arg: a radix sort by tid (three passes of 8 bits: pid_max is at most 2^22), then
 * insertion within a thread's few keys. qsort's calls per comparison took a sixth of the part's CPU. */
static void sort_counts(struct exit_count *c, size_t n, struct exit_count *tmp)
{
	struct exit_count *from = c, *to = tmp;
	for (int shift = 0; shift < 24; shift += 8) {
		size_t at[257] = { 0 };
		for (size_t i = 0; i < n; i++)
			at[(((unsigned)from[i].tid >> shift) & 0xff) + 1]++;
		for (int b = 0; b < 256; b++)
			at[b + 1] += at[b];
		for (size_t i = 0; i < n; i++)
			to[at[((unsigned)from[i].tid >> shift) & 0xff]++] = from[i];
		struct exit_count *t = from;
		from = to;
		to = t;
	}
	if (from != c)
		memcpy(c, from, n * sizeof(*c));
	for (size_t i = 1; i < n; i++) {
		struct exit_count k = c[i];
		size_t j = i;
		while (j > 0 && c[j - 1].tid == k.tid && exit_count_cmp(&c[j - 1], &k) > 0) {
			c[j] = c[j - 1];
			j--;
		}
		c[j] = k;
	}
}

/* The VMs' threads of this sample (the threads part was filled before this one), sorted. */
static void vm_tids(struct exits_bpf *e, const struct host_sample *s)
{
	e->ntids = 0;
	for (size_t i = 0; i < s->nvms; i++)
		for (size_t t = 0; t < s->vms[i].nthreads; t++) {
			if (e->ntids == e->captids) {
				e->captids = e->captids ? e->captids * 2 : 256;
				e->tids = xrealloc(e->tids, e->captids * sizeof(*e->tids));
			}
			e->tids[e->ntids++] = s->vms[i].threads[t].tid;
		}
	pids_sort(e->tids, e->ntids);
}

/* Hands slot i back to the programs: its key out of the index (a stale entry would do no harm, but fills the
 * index), the slot marked free, then published at free_tail. Its thread is gone: nothing counts into it now. */
static void free_slot(struct exits_bpf *e, __u32 i)
{
	volatile struct exits_slot *sl = &e->slots[i];
	struct exits_key key = { .tid = sl->key.tid, .ev = sl->key.ev, .arg = sl->key.arg };
	bpf_map_delete_elem(e->index_fd, &key);
	sl->key.tid = 0;
	sl->val.count = sl->val.ns = 0;
	__u64 tail = e->skel->bss->free_tail;
	e->free_list[tail % EXITS_MAX_KEYS] = i;
	__atomic_store_n(&e->skel->bss->free_tail, tail + 1, __ATOMIC_RELEASE);	/* after the slot and its number */
}

/* For bench/exits_read_cost: a key with counts put in a new slot, as the programs would (false: all taken). */
bool exits_bpf_inject(void *state, const struct exits_key *k, const struct exits_val *v)
{
	struct exits_bpf *e = state;
	__u64 n = __atomic_fetch_add(&e->skel->bss->next_slot, 1, __ATOMIC_ACQ_REL);
	if (n >= EXITS_MAX_KEYS)
		return false;
	__u32 i = (__u32)n;
	e->slots[i].val.count = v->count;
	e->slots[i].val.ns = v->ns;
	e->slots[i].key.ev = k->ev;
	e->slots[i].key.arg = k->arg;
	e->slots[i].key.tid = k->tid;
	return bpf_map_update_elem(e->index_fd, k, &i, BPF_ANY) == 0;
}

static bool exits_sample(void *state, struct host_sample *s, char *why, size_t whylen)
{
	(void)why;
	(void)whylen;
	struct exits_bpf *e = state;
	if (!e->scratch)
		e->scratch = xcalloc(EXITS_MAX_KEYS, sizeof(*e->scratch));
	s->exits.mono = clock_mono();
	s->exits.realtime = clock_real();
	__u64 used = __atomic_load_n(&e->skel->bss->next_slot, __ATOMIC_ACQUIRE);
	size_t n = used < EXITS_MAX_KEYS ? (size_t)used : EXITS_MAX_KEYS;
	vm_tids(e, s);
	struct exits_sample *x = &s->exits;
	x->valid = true;
	x->per_thread = true;
	x->timed = true;
	memcpy(x->live, e->live, sizeof(x->live));
	memcpy(x->off, e->off, sizeof(x->off));
	x->counts = xcalloc(n ? n : 1, sizeof(*x->counts));
	x->ncounts = 0;
	for (size_t i = 0; i < n; i++) {
		volatile struct exits_slot *sl = &e->slots[i];
		pid_t tid = (pid_t)sl->key.tid;
		if (!tid)
			continue;	/* free */
		if (!pids_contain(e->tids, e->ntids, tid)) {
			free_slot(e, (__u32)i);	/* no VM holds it (gone, or a TID not VM's): its slot for others */
			continue;
		}
		struct exit_count c = { .tid = tid, .ev = sl->key.ev, .arg = sl->key.arg, .count = sl->val.count,
					.ns = sl->val.ns };
		if (c.count || c.ns)	/* 0: being made, or made and its first event not counted yet */
			x->counts[x->ncounts++] = c;
	}
	sort_counts(x->counts, x->ncounts, e->scratch);
	__u32 zero = 0;
	__u64 *drops = xcalloc((size_t)e->ncpus, sizeof(*drops));
	if (bpf_map_lookup_elem(e->drops_fd, &zero, drops) == 0)
		for (int cpu = 0; cpu < e->ncpus; cpu++)
			x->drops += drops[cpu];
	free(drops);
	return true;
}

#else /* !HAVE_BPF */

static void *exits_open(const struct source_args *a, char *why, size_t whylen)
{
	if (a->exits_off)
		snprintf(why, whylen, "%s", _("exit counting off (--exits=off)"));
	else
		snprintf(why, whylen, "%s", _("built without eBPF (configure --disable-bpf, or no clang, bpftool or libbpf)"));
	return NULL;
}

static bool exits_sample(void *state, struct host_sample *s, char *why, size_t whylen)
{
	(void)state, (void)s, (void)why, (void)whylen;
	return false;
}

static void exits_close(void *state)
{
	(void)state;
}
#endif

/* Exit reasons, exits to the VMM, ports, MMIO, MSRs and vectors per vCPU thread, counted in the kernel. */
const struct source exits_bpf_source = {
	.part = PART_EXITS, .name = "bpf",
	.open = exits_open, .sample = exits_sample, .close = exits_close,
};

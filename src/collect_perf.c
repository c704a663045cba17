/* collect_perf.c - system-wide cpu-clock sampling with libperf: one event per online CPU, rings drained each
 * refresh, each sample turned into a component (guest, vmm user, or a kernel component by IP) per TID. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <perf/core.h>
#include <perf/cpumap.h>
#include <perf/event.h>
#include <perf/evlist.h>
#include <perf/evsel.h>
#include <perf/mmap.h>
#include <pthread.h>
#include <stdatomic.h>
#include <perf/threadmap.h>

#include "collect_perf.h"
#include "collect_perf_funcs.h"
#include "nls.h"
#include "source.h"
#include "util.h"

/* Open-addressing index over a dense entry array: per-refresh cost follows the samples, not the table. */
struct perf_agg {
	struct perf_thread_counts *entries;
	size_t n, cap;
	uint32_t *slots;		/* entry index + 1, 0 empty */
	size_t nslots;			/* power of two, kept at least twice n */
	unsigned long total, lost, idle, bytes;
	unsigned long host_counts[COMP__COUNT];
	struct func_agg *funcs;		/* the split by function, NULL unless asked (perf_agg_set_names) */
};

struct perf_collector {
	struct perf_evlist *evlist;
	struct perf_cpu_map *cpus;
	struct perf_thread_map *threads;
	struct perf_agg *agg;
	unsigned hz;
};

struct perf_agg *perf_agg_new(void)
{
	struct perf_agg *a = xcalloc(1, sizeof(*a));
	a->nslots = 256;
	a->slots = xcalloc(a->nslots, sizeof(*a->slots));
	return a;
}

void perf_agg_free(struct perf_agg *a)
{
	if (!a)
		return;
	free(a->entries);
	free(a->slots);
	func_agg_free(a->funcs);
	free(a);
}

static size_t slot_of(const struct perf_agg *a, pid_t tid)
{
	size_t mask = a->nslots - 1, i = ((uint32_t)tid * 2654435761u) & mask;
	while (a->slots[i] && a->entries[a->slots[i] - 1].tid != tid)
		i = (i + 1) & mask;
	return i;
}

static void grow_slots(struct perf_agg *a)
{
	free(a->slots);
	a->nslots *= 2;
	a->slots = xcalloc(a->nslots, sizeof(*a->slots));
	for (size_t e = 0; e < a->n; e++)
		a->slots[slot_of(a, a->entries[e].tid)] = e + 1;
}

static struct perf_thread_counts *entry_for(struct perf_agg *a, pid_t tid)
{
	size_t s = slot_of(a, tid);
	if (a->slots[s])
		return &a->entries[a->slots[s] - 1];
	if (a->n == a->cap)
		a->entries = xrealloc(a->entries, (a->cap = a->cap ? 2 * a->cap : 64) * sizeof(*a->entries));
	struct perf_thread_counts *e = &a->entries[a->n++];
	memset(e, 0, sizeof(*e));
	e->tid = tid;
	a->slots[s] = a->n;
	if (2 * a->n > a->nslots)
		grow_slots(a);
	return e;
}

/* A kernel sample's class: the leaf's, unless the leaf is code of no component (a helper such as cr4_set_bits or
 * native_read_msr called by the vendor's world switch): then the innermost caller that belongs to one. Only the
 * leaf tells idle and guest entry: up the chain those are where an interrupt came in, not what it did. Code of no
 * component below the ioctl system call's own frames is KSYM_IOCTL (via the innermost of them): the model knows
 * whose thread made the call. */
static enum ksym_class kernel_class(uint64_t ip, const uint64_t *chain, uint64_t nr, const struct ksyms *ks,
				    uint64_t *via)
{
	enum ksym_class leaf = ksyms_classify(ks, ip);
	*via = 0;
	if (leaf != KSYM_OTHER && leaf != KSYM_IOCTL)
		return leaf;
	uint64_t ioctl = 0;
	for (uint64_t i = 0; i < nr; i++) {
		if (chain[i] >= PERF_CONTEXT_MAX)
			continue;	/* a context marker (PERF_CONTEXT_KERNEL) */
		if (chain[i] == ip)
			continue;	/* the chain starts with the sample's own IP */
		enum ksym_class c = ksyms_classify(ks, chain[i]);
		if (c == KSYM_IOCTL && !ioctl)
			ioctl = chain[i];
		else if (c != KSYM_OTHER && c != KSYM_IOCTL && c != KSYM_IDLE && c != KSYM_GUEST_ENTRY) {
			*via = chain[i];	/* the frame that charged it, for the split by function */
			return c;
		}
	}
	if (leaf == KSYM_IOCTL)
		return KSYM_IOCTL;
	*via = ioctl;
	return ioctl ? KSYM_IOCTL : KSYM_OTHER;
}

/* Component of one sample; COMP__COUNT when it is the idle loop (not work). *ioctl: other kernel code reached
 * through the ioctl system call. */
static enum component sample_component(uint16_t misc, uint64_t ip, const uint64_t *chain, uint64_t nr,
				       const struct ksyms *ks, uint64_t *via, bool *ioctl)
{
	*ioctl = false;
	switch (misc & PERF_RECORD_MISC_CPUMODE_MASK) {
	case PERF_RECORD_MISC_GUEST_KERNEL:
	case PERF_RECORD_MISC_GUEST_USER:
		return COMP_GUEST;
	case PERF_RECORD_MISC_USER:
		return COMP_VMM_USER;	/* the model makes it host_user outside VMs */
	case PERF_RECORD_MISC_KERNEL: {
		enum ksym_class c = kernel_class(ip, chain, nr, ks, via);
		*ioctl = c == KSYM_IOCTL;
		return ksym_class_component(c);
	}
	default:
		return COMP_OTHER_KERNEL;	/* hypervisor below the host, or unknown */
	}
}

void perf_agg_add(struct perf_agg *a, const void *record, const struct ksyms *ks)
{
	const struct perf_event_header *h = record;
	/* a record shorter than its type says is skipped, not read past (the perf_record fuzz target's first find) */
	if (h->type == PERF_RECORD_LOST && h->size >= sizeof(struct perf_record_lost)) {
		const struct perf_record_lost *l = record;
		a->lost += l->lost;
		return;
	}
	if (h->type == PERF_RECORD_LOST_SAMPLES && h->size >= sizeof(struct perf_record_lost_samples)) {
		const struct perf_record_lost_samples *l = record;
		a->lost += l->lost;
		return;
	}
	if (h->type != PERF_RECORD_SAMPLE || h->size < sizeof(*h) + 16)
		return;
	const unsigned char *body = (const unsigned char *)record + sizeof(*h);
	size_t body_len = h->size - sizeof(*h);
	uint64_t ip, nr = 0, chain[PERF_COLLECT_STACK + 2];
	uint32_t tid;
	memcpy(&ip, body, sizeof(ip));
	memcpy(&tid, body + 12, sizeof(tid));	/* after ip and pid */
	if (body_len >= 32) {	/* after cpu and res: the callchain, as far as the record really holds it */
		memcpy(&nr, body + 24, sizeof(nr));
		uint64_t room = (body_len - 32) / sizeof(uint64_t);
		if (nr > room)
			nr = room;
		if (nr > sizeof(chain) / sizeof(chain[0]))
			nr = sizeof(chain) / sizeof(chain[0]);
		memcpy(chain, body + 32, nr * sizeof(uint64_t));
	}
	a->total++;
	a->bytes += h->size;
	uint64_t via = 0;
	bool ioctl;
	enum component c = sample_component(h->misc, ip, chain, nr, ks, &via, &ioctl);
	if (c == COMP__COUNT) {
		a->idle++;
		return;
	}
	if (tid == 0) {
		/* the idle task: only interrupts and softirqs done on it are work, and they are no thread's */
		a->host_counts[c == COMP_VMM_USER ? COMP_HOST_USER : c]++;
		return;
	}
	struct perf_thread_counts *e = entry_for(a, (pid_t)tid);
	e->counts[c]++;
	e->ioctl += ioctl;
	if (a->funcs && (h->misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_KERNEL && c != COMP_GUEST)
		func_agg_add(a->funcs, (pid_t)tid, ioctl ? PERF_COMP_IOCTL : (int)c, ip, via);
}

void perf_agg_set_names(struct perf_agg *a, const struct ksym_names *names)
{
	func_agg_free(a->funcs);
	a->funcs = names ? func_agg_new(names) : NULL;
}

static int cmp_tid(const void *x, const void *y)
{
	const struct perf_thread_counts *a = x, *b = y;
	return (a->tid > b->tid) - (a->tid < b->tid);
}

void perf_agg_finish(struct perf_agg *a, struct perf_sample *out)
{
	out->total_samples = a->total;
	out->lost_samples = a->lost;
	out->sample_bytes = a->bytes;
	memcpy(out->host_counts, a->host_counts, sizeof(out->host_counts));
	if (a->funcs)
		func_agg_finish(a->funcs, out);
	out->nthreads = a->n;
	out->threads = xmalloc((a->n ? a->n : 1) * sizeof(*out->threads));
	if (a->n)	/* no samples: entries may be NULL */
		memcpy(out->threads, a->entries, a->n * sizeof(*out->threads));
	/* all at once: clearing slot by slot breaks the probe chains of entries placed after a collision */
	memset(a->slots, 0, a->nslots * sizeof(*a->slots));
	if (out->nthreads > 1)	/* no samples: threads may be NULL */
		qsort(out->threads, out->nthreads, sizeof(*out->threads), cmp_tid);
	a->n = 0;
	a->total = a->lost = a->idle = a->bytes = 0;
	memset(a->host_counts, 0, sizeof(a->host_counts));
}

static int quiet_print(enum libperf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;	/* vmtop reports failures itself, in one line */
}

static void explain_open_error(int err, char *why, size_t whylen)
{
	if (err == EACCES || err == EPERM) {
		char buf[32] = "?";
		if (read_file_at(-1, "/proc/sys/kernel/perf_event_paranoid", buf, sizeof(buf)) > 0)
			buf[strcspn(buf, "\n")] = '\0';
		snprintf(why, whylen,
			 _("perf sampling needs CAP_PERFMON (or CAP_SYS_ADMIN), or kernel.perf_event_paranoid <= -1 (it is %s)"),
			 buf);
	} else if (err == EINVAL) {
		snprintf(why, whylen, _("perf sampling: %s (is --sample-hz above kernel.perf_event_max_sample_rate?)"),
			 strerror(err));
	} else {
		snprintf(why, whylen, _("perf sampling: %s"), strerror(err));
	}
}

/* Ring size per CPU: about 10 s of samples (records of 48 bytes and 8 per frame: 12 frames is usual), as a power
 * of two of pages, 8 to 64. */
static int ring_pages(unsigned hz)
{
	unsigned long want = (unsigned long)hz * (48 + 8 * 12) * 10 / 4096;
	int pages = 8;
	while ((unsigned long)pages < want && pages < 64)
		pages *= 2;
	return pages;
}

struct perf_collector *perf_collector_open(unsigned hz, char *why, size_t whylen)
{
	return perf_collector_open_ring(hz, ring_pages(hz), why, whylen);
}

/* Deletes an evlist and its evsel. libperf 6.1's perf_evsel__delete does not let go of the maps the evlist gave
 * the evsel (48 bytes lost at each close): taking them back first through the API leaves nothing to later ones. */
static void evlist_delete(struct perf_evlist *evlist)
{
	if (!evlist)
		return;
	perf_evlist__set_maps(evlist, NULL, NULL);
	perf_evlist__delete(evlist);
}

struct perf_collector *perf_collector_open_ring(unsigned hz, int pages, char *why, size_t whylen)
{
	if (!hz) {
		snprintf(why, whylen, "%s", _("sampling off (--sample-hz 0)"));
		return NULL;
	}
	libperf_init(quiet_print);
	struct perf_collector *pc = xcalloc(1, sizeof(*pc));
	pc->hz = hz;
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.sample_freq = hz,
		.freq = 1,
		.sample_type = PERF_COLLECT_SAMPLE_TYPE,
		.exclude_callchain_user = 1,	/* the VMM's user stacks are not needed: user time is the VMM's */
		.sample_max_stack = PERF_COLLECT_STACK,
		.disabled = 1,
	};
	pc->cpus = perf_cpu_map__new(NULL);
	pc->threads = perf_thread_map__new_dummy();	/* pid -1: every task on each CPU */
	pc->evlist = perf_evlist__new();
	struct perf_evsel *evsel = perf_evsel__new(&attr);
	if (!pc->cpus || !pc->threads || !pc->evlist || !evsel) {
		if (evsel)
			perf_evsel__delete(evsel);
		snprintf(why, whylen, _("perf sampling: %s"), strerror(ENOMEM));
		goto fail;
	}
	perf_evlist__add(pc->evlist, evsel);
	perf_evlist__set_maps(pc->evlist, pc->cpus, pc->threads);
	int err = perf_evlist__open(pc->evlist);
	if (err) {
		explain_open_error(err < 0 ? -err : err, why, whylen);
		goto fail;
	}
	err = perf_evlist__mmap(pc->evlist, pages);
	if (err) {
		explain_open_error(err < 0 ? -err : err, why, whylen);
		perf_evlist__close(pc->evlist);
		goto fail;
	}
	pc->agg = perf_agg_new();
	perf_evlist__enable(pc->evlist);
	return pc;
fail:
	evlist_delete(pc->evlist);
	perf_cpu_map__put(pc->cpus);
	perf_thread_map__put(pc->threads);
	free(pc);
	return NULL;
}

void perf_collector_drain(struct perf_collector *pc, const struct ksyms *ks)
{
	struct perf_mmap *map;
	perf_evlist__for_each_mmap(pc->evlist, map, false) {
		if (perf_mmap__read_init(map) < 0)
			continue;	/* nothing new in this CPU's ring */
		union perf_event *ev;
		while ((ev = perf_mmap__read_event(map))) {
			perf_agg_add(pc->agg, ev, ks);
			perf_mmap__consume(map);
		}
		perf_mmap__read_done(map);
	}
}

void perf_collector_read(struct perf_collector *pc, const struct ksyms *ks, struct perf_sample *out)
{
	perf_collector_drain(pc, ks);
	free(out->threads);
	free(out->funcs);
	out->funcs = NULL;
	out->nfuncs = 0;
	perf_agg_finish(pc->agg, out);
	out->enabled = true;
	out->sample_hz = pc->hz;
	str_copy(out->vendor, ksyms_vendor(ks), sizeof(out->vendor));
	str_copy(out->split_by, ksyms_split_by(ks), sizeof(out->split_by));
}

void perf_collector_set_names(struct perf_collector *pc, const struct ksym_names *names)
{
	perf_agg_set_names(pc->agg, names);
}

void perf_collector_close(struct perf_collector *pc)
{
	if (!pc)
		return;
	perf_evlist__disable(pc->evlist);
	perf_evlist__munmap(pc->evlist);
	perf_evlist__close(pc->evlist);
	evlist_delete(pc->evlist);
	perf_cpu_map__put(pc->cpus);
	perf_thread_map__put(pc->threads);
	perf_agg_free(pc->agg);
	free(pc);
}

/* The perf source: sampling, and the kernel symbols its samples are classified by. kallsyms (~100,000 lines,
 * 100-200 ms of CPU) is read by a thread of its own so that the first view does not wait for it: that first sample
 * is the baseline of the first interval and shows no rates; samples stay in the rings until the symbols are there. */
struct perf_source {
	struct perf_collector *pc;
	struct ksyms *ks;
	pthread_t loader;
	bool loading;			/* the loader runs or has not been joined */
	atomic_bool loaded;		/* the loader is done: ks_loaded and load_why are its */
	struct ksyms *ks_loaded;
	char load_why[160];
	unsigned hz;
	int ncpus_online;		/* at the last sample: a change reopens sampling on the CPUs online now */
	char split_why[160];		/* why kernel samples are not split by component, "" when they are */
	/* The split by function: asked for through args (the collector's copy, read each sample), names loaded
	 * the first time it is. */
	const struct source_args *args;
	struct ksym_names *names;
	bool names_failed;
	char names_why[160];
	bool first_done;
};

static void *load_ksyms(void *arg)
{
	struct perf_source *ps = arg;
	ps->ks_loaded = ksyms_load(ps->load_why, sizeof(ps->load_why));
	atomic_store(&ps->loaded, true);
	return NULL;
}

/* Waits for the loader (when wait, else only when it is done): false when kallsyms could not be read (why set). */
static bool join_loader(struct perf_source *ps, bool wait, char *why, size_t whylen)
{
	if (!ps->loading || (!wait && !atomic_load(&ps->loaded)))
		return true;
	pthread_join(ps->loader, NULL);
	ps->loading = false;
	ps->ks = ps->ks_loaded;
	if (ps->ks && ksyms_hidden(ps->ks))
		str_copy(ps->split_why, ps->load_why, sizeof(ps->split_why));
	else if (!ps->ks) {
		str_copy(why, ps->load_why, whylen);
		return false;
	}
	return true;
}

static void perf_source_close(void *state)
{
	struct perf_source *ps = state;
	char why[160];
	join_loader(ps, true, why, sizeof(why));
	perf_collector_close(ps->pc);
	ksyms_free(ps->ks);
	ksym_names_free(ps->names);
	free(ps);
}

static void *perf_source_open(const struct source_args *a, char *why, size_t whylen)
{
	if (!a->sample_hz) {
		snprintf(why, whylen, "%s", _("perf sampling off (--sample-hz 0)"));
		return NULL;
	}
	struct perf_source *ps = xcalloc(1, sizeof(*ps));
	ps->hz = a->sample_hz;
	ps->args = a;
	/* perf first: its refusal (a missing capability) says more than hidden symbol addresses do */
	ps->pc = perf_collector_open(ps->hz, why, whylen);
	if (!ps->pc) {
		perf_source_close(ps);
		return NULL;
	}
	atomic_init(&ps->loaded, false);
	ps->loading = pthread_create(&ps->loader, NULL, load_ksyms, ps) == 0;
	if (!ps->loading) {	/* no thread to be had: read here */
		load_ksyms(ps);
		ps->ks = ps->ks_loaded;
		if (!ps->ks) {
			str_copy(why, ps->load_why, whylen);
			perf_source_close(ps);
			return NULL;
		}
		if (ksyms_hidden(ps->ks))
			str_copy(ps->split_why, ps->load_why, sizeof(ps->split_why));
	}
	return ps;
}

/* After an interval is read: loads the names the first time functions are wanted (or again when modules moved),
 * so that the next interval is split by function from its start. Says in s how this interval stands. */
static void perf_source_functions(struct perf_source *ps, struct host_sample *s, bool modules_moved)
{
	struct perf_sample *p = &s->perf;
	p->funcs_wanted = ps->args->kernel_functions;
	if (!p->funcs_wanted)
		return;
	p->funcs_valid = ps->names && !modules_moved;
	if (ps->names && !modules_moved)
		return;
	if (modules_moved) {
		ksym_names_free(ps->names);
		ps->names = NULL;
		ps->names_failed = false;
	}
	if (!ps->names_failed && !ksyms_hidden(ps->ks))
		ps->names = ksym_names_load(ps->names_why, sizeof(ps->names_why));
	else if (ksyms_hidden(ps->ks))
		str_copy(ps->names_why, ps->split_why, sizeof(ps->names_why));
	ps->names_failed = !ps->names;
	perf_collector_set_names(ps->pc, ps->names);
	str_copy(p->funcs_why, ps->names ? _("loading kernel function names: shown from the next refresh") : ps->names_why,
		 sizeof(p->funcs_why));
}

static bool perf_source_sample(void *state, struct host_sample *s, char *why, size_t whylen)
{
	struct perf_source *ps = state;
	if (ps->loading && !ps->first_done) {
		/* the first sample, symbols not read yet: the interval starts here, its samples wait in the rings */
		ps->first_done = true;
		s->perf.enabled = true;
		s->perf.sample_hz = ps->hz;
		s->perf.kernel_split = false;
		return true;
	}
	ps->first_done = true;
	join_loader(ps, true, why, whylen);
	if (!ps->ks) {	/* kallsyms could not be read */
		str_copy(why, ps->load_why, whylen);
		return false;
	}
	bool modules_moved = ksyms_refresh(ps->ks) == 1;
	perf_collector_read(ps->pc, ps->ks, &s->perf);
	perf_source_functions(ps, s, modules_moved);
	s->perf.kernel_split = !ksyms_hidden(ps->ks);
	if (!s->perf.kernel_split)
		host_sample_warn(s, "%s", ps->split_why);
	if (s->ncpus_online > 0 && ps->ncpus_online > 0 && s->ncpus_online != ps->ncpus_online) {
		/* CPUs came online or went offline (hotplug, SMT toggled): what was read above stays; the next
		 * interval starts on the new set */
		perf_collector_close(ps->pc);
		ps->pc = perf_collector_open(ps->hz, why, whylen);
		if (!ps->pc) {
			host_sample_warn(s, _("perf sampling stopped when the online CPUs changed: %s"), why);
			return false;
		}
		perf_collector_set_names(ps->pc, ps->names);
	}
	if (s->ncpus_online > 0)
		ps->ncpus_online = s->ncpus_online;
	return true;
}

static void perf_source_drain(void *state)
{
	struct perf_source *ps = state;
	if (ps->loading && !atomic_load(&ps->loaded))
		return;	/* classified once the symbols are there */
	char why[160];
	if (!join_loader(ps, false, why, sizeof(why)))
		return;	/* the next sample says why */
	perf_collector_drain(ps->pc, ps->ks);
}

const struct source perf_source = {
	.part = PART_PERF, .name = "perf",
	.open = perf_source_open, .sample = perf_source_sample, .drain = perf_source_drain,
	.close = perf_source_close,
};

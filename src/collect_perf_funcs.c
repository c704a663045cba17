/* collect_perf_funcs.c - kernel samples counted per (thread, component, leaf function, via function): the perf
 * source's function split, kept only while a view or --functions wants it. */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "collect_perf_funcs.h"
#include "util.h"

struct func_key {
	pid_t tid;
	int comp;
	long leaf, via;		/* ksym_names indices; via -1 when the leaf charged the component */
};

struct func_entry {
	struct func_key k;
	unsigned long count;
};

/* Open addressing over a dense array, as perf_agg does per TID. */
struct func_agg {
	const struct ksym_names *names;
	struct func_entry *entries;
	size_t n, cap;
	uint32_t *slots;	/* entry index + 1, 0 empty */
	size_t nslots;		/* power of two, at least twice n */
};

struct func_agg *func_agg_new(const struct ksym_names *names)
{
	struct func_agg *fa = xcalloc(1, sizeof(*fa));
	fa->names = names;
	fa->nslots = 1024;
	fa->slots = xcalloc(fa->nslots, sizeof(*fa->slots));
	return fa;
}

void func_agg_free(struct func_agg *fa)
{
	if (!fa)
		return;
	free(fa->entries);
	free(fa->slots);
	free(fa);
}

static uint32_t hash_key(const struct func_key *k)
{
	uint64_t h = (uint32_t)k->tid * 0x9e3779b97f4a7c15ull;
	h ^= ((uint64_t)k->comp << 56) ^ (uint64_t)k->leaf * 0xff51afd7ed558ccdull ^ (uint64_t)(k->via + 1) * 31;
	return (uint32_t)(h ^ (h >> 29));
}

static bool same_key(const struct func_key *a, const struct func_key *b)
{
	return a->tid == b->tid && a->comp == b->comp && a->leaf == b->leaf && a->via == b->via;
}

static size_t slot_of(const struct func_agg *fa, const struct func_key *k)
{
	size_t mask = fa->nslots - 1, i = hash_key(k) & mask;
	while (fa->slots[i] && !same_key(&fa->entries[fa->slots[i] - 1].k, k))
		i = (i + 1) & mask;
	return i;
}

static void grow_slots(struct func_agg *fa)
{
	free(fa->slots);
	fa->nslots *= 2;
	fa->slots = xcalloc(fa->nslots, sizeof(*fa->slots));
	for (size_t e = 0; e < fa->n; e++)
		fa->slots[slot_of(fa, &fa->entries[e].k)] = e + 1;
}

void func_agg_add(struct func_agg *fa, pid_t tid, int comp, uint64_t ip, uint64_t via_ip)
{
	struct func_key k = { tid, comp, ksym_names_find(fa->names, ip), via_ip ? ksym_names_find(fa->names, via_ip) : -1 };
	if (via_ip && k.via < 0)
		k.via = -2;	/* a caller below the first symbol: shown as "?" */
	size_t s = slot_of(fa, &k);
	if (fa->slots[s]) {
		fa->entries[fa->slots[s] - 1].count++;
		return;
	}
	if (fa->n == fa->cap)
		fa->entries = xrealloc(fa->entries, (fa->cap = fa->cap ? 2 * fa->cap : 256) * sizeof(*fa->entries));
	fa->entries[fa->n++] = (struct func_entry){ k, 1 };
	fa->slots[s] = fa->n;
	if (2 * fa->n > fa->nslots)
		grow_slots(fa);
}

static int cmp_tid(const void *x, const void *y)
{
	const struct perf_func_count *a = x, *b = y;
	return (a->tid > b->tid) - (a->tid < b->tid);
}

void func_agg_finish(struct func_agg *fa, struct perf_sample *out)
{
	out->nfuncs = fa->n;
	out->funcs = xcalloc(fa->n ? fa->n : 1, sizeof(*out->funcs));
	for (size_t i = 0; i < fa->n; i++) {
		const struct func_entry *e = &fa->entries[i];
		struct perf_func_count *o = &out->funcs[i];
		o->tid = e->k.tid;
		o->comp = e->k.comp;
		o->count = e->count;
		str_copy(o->func, ksym_names_name(fa->names, e->k.leaf), sizeof(o->func));
		str_copy(o->via, e->k.via == -1 ? "" : ksym_names_name(fa->names, e->k.via), sizeof(o->via));
	}
	if (out->nfuncs > 1)
		qsort(out->funcs, out->nfuncs, sizeof(*out->funcs), cmp_tid);
	memset(fa->slots, 0, fa->nslots * sizeof(*fa->slots));	/* all at once: probe chains */
	fa->n = 0;
}

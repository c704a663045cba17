/* tui_mem.c - drill-down view 4: where the VM's memory is (resident, merged, ballooned, swapped of configured),
 * the host's KSM, THP, pools, swap and pressure, and the VM's pages per NUMA node. */
#include "config.h"

#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fmt.h"
#include "mem_parse.h"
#include "nls.h"
#include "tui_state.h"

enum { K_NODE, K_KIB, K__COUNT };

static const char *const sort_names[K__COUNT] = { "NODE", "KIB" };

static const struct tui_col cols[] = { { "NODE", 5, false }, { "KIB", 10, false }, { "SIZE", 7, false },
				       { "SHARE%", 7, false }, { "VCPUS", 6, false } };
#define NCOLS (int)(sizeof(cols) / sizeof(cols[0]))

/* The nodes shown: those numa_maps names, and any a vCPU ran on beyond them. */
static size_t node_rows(const struct vm_mem_stat *m)
{
	size_t n = m->nnodes > 0 ? (size_t)m->nnodes : 0;
	for (size_t k = n; m->nnodes >= 0 && k < MEM_NODES_MAX; k++)
		if (m->vcpu_nodes[k])
			n = k + 1;
	return n;
}

static size_t rows(const struct tui *t, const struct vm_stat *v)
{
	(void)t;
	return node_rows(&v->mem);
}

struct order_ctx {
	const long long *kib;
	int key;
	bool reverse;
};

static int compare(const void *a, const void *b, void *arg)
{
	const struct order_ctx *c = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int up = c->reverse ? -1 : 1;
	int r = c->key == K_KIB ? tui_cmp_num((double)c->kib[i], (double)c->kib[j], -up) : 0;
	return r ? r : ((i > j) - (i < j)) * (c->key == K_NODE ? up : 1);
}

/* "12.3/s", or "-". */
static const char *rate(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f/s", v);
	return buf;
}

static long long known(long long v)
{
	return v > 0 ? v : 0;
}

/* A count, "-" when unknown (below 0: -1 for a VM's, MEM_UNKNOWN_SIGNED for the host's). */
static const char *count(char *buf, size_t len, long long v)
{
	if (v < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%lld", v);
	return buf;
}

/* The stacked bar of configured RAM: resident (less what KSM merged), merged, ballooned away, swapped. */
static int draw_bar(struct tui *t, const struct vm_stat *v, int y)
{
	const struct vm_mem_stat *s = &v->mem;
	long long merged = known(s->ksm_kib), resident = known(s->rss_kib) - merged;
	long long ballooned = s->balloon.actual_kib >= 0 && s->config_kib > s->balloon.actual_kib
				      ? s->config_kib - s->balloon.actual_kib : 0;
	const struct tui_bar_part parts[] = {
		{ (double)(resident > 0 ? resident : 0), PAIR_GUEST, 'R' }, { (double)merged, PAIR_SHARE, 'K' },
		{ (double)ballooned, PAIR_VMM, 'B' }, { (double)known(s->swap_kib), PAIR_KERNEL, 'S' },
	};
	double scale = (double)(s->config_kib > 0 ? s->config_kib : 0), sum = 0;
	for (int i = 0; i < 4; i++)
		sum += parts[i].value;
	if (sum > scale)
		scale = sum;	/* RSS holds the VMM's own memory too: it can pass the guest's size */
	int w = COLS > 44 ? 30 : COLS - 14;
	if (w < 4)
		return y;
	mvaddch(y, 0, '[');
	mvaddch(y, w + 1, ']');
	tui_bar_draw(t, y, 1, w, parts, 4, scale);
	char cfg[16];
	tui_putf(y, w + 3, COLS - w - 3, _("R resident  K merged  B ballooned  S swapped, of %s"),
		 fmt_kib(cfg, sizeof(cfg), s->config_kib));
	return y + 1;
}

static int draw_vm(struct tui *t, const struct vm_stat *v, int y)
{
	const struct vm_mem_stat *s = &v->mem;
	char a[12][16];
	tui_putf(y++, 0, COLS, _("Configured %s  Resident %s (anon %s, file %s, shmem %s)  Swap %s  Major faults %s"),
		 fmt_kib(a[0], 16, s->config_kib), fmt_kib(a[1], 16, s->rss_kib), fmt_kib(a[2], 16, s->anon_kib),
		 fmt_kib(a[3], 16, s->file_kib), fmt_kib(a[4], 16, s->shmem_kib), fmt_kib(a[5], 16, s->swap_kib),
		 rate(a[6], 16, s->majflt_rate));
	char profit[24];
	if (s->ksm_profit_bytes == MEM_UNKNOWN_SIGNED)
		snprintf(profit, sizeof(profit), "-");
	else
		fmt_kib(profit, sizeof(profit), s->ksm_profit_bytes / 1024);
	/* whether KSM may merge its memory at all: all of it (prctl), the parts its VMM offered (madvise), none */
	const char *offered = s->ksm_merge_any > 0 ? _("all") : s->ksm_mergeable > 0 ? _("yes") :
			      s->ksm_mergeable == 0 ? _("no") : "-";
	char c[3][24];
	tui_putf(y++, 0, COLS, _("THP %s  Hugetlb %s  KSM merged %s (%s pages, %s rmap items, %s zero pages, "
				 "profit %s; offered to KSM: %s)"),
		 fmt_kib(a[7], 16, s->thp_kib), fmt_kib(a[8], 16, s->hugetlb_kib), fmt_kib(a[9], 16, s->ksm_kib),
		 count(c[0], 24, s->ksm_merging_pages), count(c[1], 24, s->ksm_rmap_items),
		 count(c[2], 24, s->ksm_zero_pages), profit, offered);
	if (s->balloon.source[0])
		tui_putf(y++, 0, COLS, _("Balloon %s actual, target %s (%s)"), fmt_kib(a[10], 16, s->balloon.actual_kib),
			 fmt_kib(a[11], 16, s->balloon.target_kib), s->balloon.source);
	else
		tui_putf(y++, 0, COLS, _("Balloon - (%s)"), s->balloon.reason[0] ? s->balloon.reason : _("unknown"));
	if (s->balloon.stats_known) {	/* what the guest's balloon driver reports of its memory */
		char g[6][24];
		const struct balloon_sample *b = &s->balloon;
		tui_putf(y++, 0, COLS, _("Guest says: usable %s, unused %s, caches %s, swapped in %s, out %s, %s major faults"),
			 fmt_kib(g[0], 24, balloon_stat(b, BSTAT_USABLE_KIB)),
			 fmt_kib(g[1], 24, balloon_stat(b, BSTAT_UNUSED_KIB)),
			 fmt_kib(g[2], 24, balloon_stat(b, BSTAT_DISK_CACHES_KIB)),
			 fmt_kib(g[3], 24, balloon_stat(b, BSTAT_SWAP_IN_KIB)),
			 fmt_kib(g[4], 24, balloon_stat(b, BSTAT_SWAP_OUT_KIB)),
			 count(g[5], 24, balloon_stat(b, BSTAT_MAJOR_FAULTS)));
	}
	return draw_bar(t, v, y);
}

/* A page count of the host's KSM as a size, or "-" when the kernel lacks it. */
static const char *pages(char *buf, size_t len, long long v, long long page_kib)
{
	if (v == MEM_UNKNOWN_SIGNED)
		return snprintf(buf, len, "-"), buf;
	return fmt_kib(buf, len, v * page_kib);
}

static int draw_host(const struct tui *t, int y)
{
	const struct host_stat *h = &t->s->model.host;
	const struct host_mem_sample *hm = &h->mem;
	if (!hm->valid)
		return y;
	const long long *k = hm->ksm;
	char c[11][24], profit[24];
	if (k[KSM_GENERAL_PROFIT] == MEM_UNKNOWN_SIGNED)
		snprintf(profit, sizeof(profit), "-");
	else
		fmt_kib(profit, sizeof(profit), k[KSM_GENERAL_PROFIT] / 1024);
	tui_putf(y++, 0, COLS, _("Host KSM: run %s, %s pages every %s ms, shared %s, sharing %s, unshared %s, volatile %s, "
				 "%s full scans, profit %s, zero pages %s, across nodes %s"),
		 count(c[0], 24, k[KSM_RUN]), count(c[1], 24, k[KSM_PAGES_TO_SCAN]), count(c[2], 24, k[KSM_SLEEP_MS]),
		 pages(c[3], 24, k[KSM_PAGES_SHARED], h->page_kib), pages(c[4], 24, k[KSM_PAGES_SHARING], h->page_kib),
		 pages(c[5], 24, k[KSM_PAGES_UNSHARED], h->page_kib), pages(c[6], 24, k[KSM_PAGES_VOLATILE], h->page_kib),
		 count(c[7], 24, k[KSM_FULL_SCANS]), profit, pages(c[8], 24, k[KSM_ZERO_PAGES], h->page_kib),
		 count(c[9], 24, k[KSM_MERGE_ACROSS_NODES]));
	char line[512];
	int n = snprintf(line, sizeof(line), _("THP %s  Hugepages"), hm->thp_enabled[0] ? hm->thp_enabled : "-");
	for (int i = 0; i < hm->npools && n > 0 && (size_t)n < sizeof(line); i++) {
		char size[16];
		n += snprintf(line + n, sizeof(line) - (size_t)n, _(" %s: %lld of %lld free"),
			      fmt_kib(size, sizeof(size), hm->pools[i].size_kib), hm->pools[i].free, hm->pools[i].total);
	}
	if (!hm->npools)
		snprintf(line + n, sizeof(line) - (size_t)n, " -");
	tui_put(y++, 0, COLS, line);
	char a[4][16], psi[2][16], r[2][16];
	long long used = hm->swap_total_kib >= 0 && hm->swap_free_kib >= 0 ? hm->swap_total_kib - hm->swap_free_kib : -1;
	snprintf(psi[0], 16, "%s", isnan(hm->psi_some_avg10) ? "-" : fmt_pct(a[2], 16, hm->psi_some_avg10));
	snprintf(psi[1], 16, "%s", isnan(hm->psi_full_avg10) ? "-" : fmt_pct(a[3], 16, hm->psi_full_avg10));
	snprintf(r[0], 16, isnan(h->mem_ratio) ? "-" : "%.2f", h->mem_ratio);
	snprintf(r[1], 16, isnan(h->mem_ratio_after_ksm) ? "-" : "%.2f", h->mem_ratio_after_ksm);
	tui_putf(y++, 0, COLS, _("Swap %s used of %s  Pressure some %s%% full %s%% (10 s)  Guest RAM/host RAM %s, "
				 "after KSM %s"),
		 fmt_kib(a[0], 16, used), fmt_kib(a[1], 16, hm->swap_total_kib), psi[0], psi[1], r[0], r[1]);
	return y;
}

static void draw(struct tui *t, const struct vm_stat *v, int y, int h)
{
	session_want_mem_walk(t->s, v->pid);	/* its THP and NUMA figures: only this VM's mappings are walked */
	int end = y + h;
	y = draw_vm(t, v, y);
	y = draw_host(t, y);
	if (y + 2 > end)
		return;
	y++;
	const struct tui_view_state *vs = &t->views[t->view];
	tui_grid_titles(t, y++, cols, NCOLS, vs->sort);
	size_t n = node_rows(&v->mem), order[MEM_NODES_MAX];
	if (n == 0) {
		tui_put(y, 1, COLS - 1, v->mem.nnodes < 0 ? _("Pages per NUMA node not read yet (numa_maps)")
							   : _("No pages on any NUMA node"));
		return;
	}
	/* nodes past numa_maps' (a vCPU's only) have no pages */
	long long kibs[MEM_NODES_MAX] = { 0 }, total = 0;
	for (size_t i = 0; i < n && (int)i < v->mem.nnodes; i++)
		total += kibs[i] = v->mem.node_kib[i];
	struct order_ctx ctx = { kibs, vs->sort, vs->reverse };
	tui_drill_order(order, n, compare, &ctx);
	size_t first = tui_drill_scroll(t, n, end - y);
	for (size_t i = first; i < n && y < end; i++) {
		char node[12], kib[24], size[16], pct[16], vcpus[12] = "-";
		size_t k = order[i];
		snprintf(node, sizeof(node), "%zu", k);
		snprintf(kib, sizeof(kib), "%lld", kibs[k]);
		fmt_pct(pct, sizeof(pct), total > 0 ? 100.0 * kibs[k] / total : NAN);
		if (v->mem.vcpu_nodes_known)
			snprintf(vcpus, sizeof(vcpus), "%d", v->mem.vcpu_nodes[k]);
		const char *cells[NCOLS] = { node, kib, fmt_kib(size, sizeof(size), kibs[k]), pct, vcpus };
		tui_grid_row(y++, cols, NCOLS, cells, i == vs->sel);
	}
}

const struct tui_view tui_view_mem = {
	.name = N_("memory"),
	.sort_names = sort_names,
	.nsort = K__COUNT,
	.rows = rows,
	.draw = draw,
};

/* collect_stat.c - host-wide counters: /proc/stat CPU ticks and memory (via libproc2), uptime and load. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include <libproc2/meminfo.h>
#include <libproc2/misc.h>
#include <libproc2/stat.h>

#include "collect_stat.h"
#include "nls.h"
#include "source.h"
#include "util.h"

struct stat_collector {
	struct stat_info *stat;		/* libproc2 keeps /proc/stat open and re-reads it */
	struct meminfo_info *mem;
};

static enum stat_item cpu_items[] = {
	STAT_TIC_ID, STAT_TIC_USER, STAT_TIC_NICE, STAT_TIC_SYSTEM, STAT_TIC_IDLE, STAT_TIC_IOWAIT,
	STAT_TIC_IRQ, STAT_TIC_SOFTIRQ, STAT_TIC_STOLEN, STAT_TIC_GUEST, STAT_TIC_GUEST_NICE,
};

struct stat_collector *stat_collector_new(char *why, size_t whylen)
{
	struct stat_collector *sc = xcalloc(1, sizeof(*sc));
	int err = procps_stat_new(&sc->stat);
	if (err < 0) {
		snprintf(why, whylen, _("cannot read /proc/stat: %s"), strerror(-err));
		free(sc);
		return NULL;
	}
	if (procps_meminfo_new(&sc->mem) < 0)
		sc->mem = NULL;	/* memory stays unknown; CPU figures still work */
	return sc;
}

static void ticks_from_stack(struct stat_stack *st, struct cpu_ticks *t)
{
	t->user = st->head[1].result.ull_int;
	t->nice = st->head[2].result.ull_int;
	t->system = st->head[3].result.ull_int;
	t->idle = st->head[4].result.ull_int;
	t->iowait = st->head[5].result.ull_int;
	t->irq = st->head[6].result.ull_int;
	t->softirq = st->head[7].result.ull_int;
	t->steal = st->head[8].result.ull_int;
	t->guest = st->head[9].result.ull_int;
	t->guest_nice = st->head[10].result.ull_int;
}

int stat_collect(struct stat_collector *sc, struct host_sample *s)
{
	/* first: the model needs uptime to tell threads born in the interval, even if /proc/stat fails. /proc/uptime
	 * is CLOCK_BOOTTIME and /proc/loadavg what sysinfo gives: a clock read and one call instead of two files
	 * opened, read and closed each refresh */
	s->clk_tck = clk_tck();
	s->page_size = sysconf(_SC_PAGESIZE);
	s->uptime = clock_boot();
	struct sysinfo si;
	if (sysinfo(&si) == 0) {
		for (int i = 0; i < 3; i++) {	/* rounded to 1/100 as /proc/loadavg rounds avenrun (11 bits) */
			unsigned long a = (si.loads[i] >> (SI_LOAD_SHIFT - 11)) + (1 << 11) / 200;
			s->loadavg[i] = (a >> 11) + ((a & ((1 << 11) - 1)) * 100 >> 11) / 100.0;
		}
	} else {
		s->loadavg[0] = s->loadavg[1] = s->loadavg[2] = -1;
	}
	struct stat_reaped *r = procps_stat_reap(sc->stat, STAT_REAP_CPUS_ONLY, cpu_items,
						 sizeof(cpu_items) / sizeof(cpu_items[0]));
	if (!r)
		return -1;
	ticks_from_stack(r->summary, &s->cpu_total);
	int maxid = -1;
	for (int i = 0; i < r->cpus->total; i++)
		if (r->cpus->stacks[i]->head[0].result.s_int > maxid)
			maxid = r->cpus->stacks[i]->head[0].result.s_int;
	s->ncpus = maxid + 1;
	s->ncpus_online = r->cpus->total;
	s->cpus = xcalloc(s->ncpus > 0 ? s->ncpus : 1, sizeof(*s->cpus));
	for (int i = 0; i < r->cpus->total; i++) {
		int id = r->cpus->stacks[i]->head[0].result.s_int;
		if (id >= 0)
			ticks_from_stack(r->cpus->stacks[i], &s->cpus[id]);
	}
	if (sc->mem) {
		s->mem_total_kib = MEMINFO_GET(sc->mem, MEMINFO_MEM_TOTAL, ul_int);
		s->mem_avail_kib = MEMINFO_GET(sc->mem, MEMINFO_MEM_AVAILABLE, ul_int);
	}
	return 0;
}

void stat_collector_free(struct stat_collector *sc)
{
	if (!sc)
		return;
	procps_stat_unref(&sc->stat);
	if (sc->mem)
		procps_meminfo_unref(&sc->mem);
	free(sc);
}

static void *stat_open(const struct source_args *a, char *why, size_t whylen)
{
	(void)a;
	return stat_collector_new(why, whylen);
}

static bool stat_sample(void *state, struct host_sample *s, char *why, size_t whylen)
{
	(void)why;
	(void)whylen;
	if (stat_collect(state, s) < 0)
		host_sample_warn(s, "%s", _("cannot read /proc/stat"));
	return true;
}

static void stat_close(void *state)
{
	stat_collector_free(state);
}

const struct source stat_source = {
	.part = PART_STAT, .name = "proc", .required = true,
	.open = stat_open, .sample = stat_sample, .close = stat_close,
};

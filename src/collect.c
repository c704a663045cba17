/* collect.c - one sample of the whole host: runs a table of sources, part by part, in dependency order. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "nls.h"
#include "util.h"

/* New sources plug in here; a part's candidates are tried in this order. */
const struct source *const collect_sources[] = {
	&stat_source,
#ifdef HAVE_BPF
	&vms_bpf_source,	/* where it loads (root or CAP_BPF + CAP_PERFMON, BTF, 5.8); else /proc */
#endif
	&vms_source, &perf_source, &net_source, &mem_source,
	&libvirt_source,	/* where libvirtd runs: its domains' names and balloons */
	&qmp_source,		/* the other qemus' balloons */
	&exits_bpf_source,	/* KVM tracepoints by raw_tp (root or CAP_BPF + CAP_PERFMON, BTF) */
	&exits_debugfs_source,	/* else KVM's per-VM debugfs counters (root, debugfs mounted, no lockdown) */
};
const size_t collect_nsources = sizeof(collect_sources) / sizeof(collect_sources[0]);
/* -r: the recording is the host; nothing else is read. */
const struct source *const replay_sources[] = { &replay_source };
const size_t replay_nsources = 1;

struct collector {
	struct source_args args;
	const struct source *const *table;
	size_t n;
	size_t at[PART__COUNT];			/* the table index of the source filling each part */
	const struct source *src[PART__COUNT];	/* NULL when none could */
	void *state[PART__COUNT];
	char why[PART__COUNT][160];		/* why a part has no source, or why it fell back to this one */
};

/* Adds "name: reason" to what a part says about sources that did not open. */
static void add_reason(char *dst, size_t len, const char *name, const char *reason)
{
	size_t used = strlen(dst);
	snprintf(dst + used, len - used, "%s%s: %s", used ? "; " : "", name, reason);
}

/* Opens the first of part p's candidates from table index from on that can; what the others said goes into
 * c->why[p] after what is there. -1 (why set) when a required one cannot. */
static int open_part(struct collector *c, enum sample_part p, size_t from, char *why, size_t whylen)
{
	char last[160] = "";
	int refused = 0;
	bool same = true;	/* every candidate refused for the same reason (an option that turns the part off) */
	size_t had = strlen(c->why[p]);
	for (size_t i = from; i < c->n; i++) {
		const struct source *src = c->table[i];
		if (src->part != p)
			continue;
		char err[160] = "";
		c->state[p] = src->open(&c->args, err, sizeof(err));
		if (c->state[p]) {
			c->src[p] = src;
			c->at[p] = i;
			return 0;
		}
		if (src->required) {	/* with what the candidates before it said: why none of them would do */
			snprintf(why, whylen, "%s%s%s", c->why[p], c->why[p][0] ? "; " : "", err);
			return -1;
		}
		same = same && (!refused || !strcmp(last, err));
		str_copy(last, err, sizeof(last));
		add_reason(c->why[p], sizeof(c->why[p]), src->name, err);
		refused++;
	}
	/* a part's only candidate says its reason alone: "perf sampling off (--sample-hz 0)"; so do candidates that
	 * all said the same: "exit counting off (--exits=off)" */
	if (refused >= 1 && same && !had)
		str_copy(c->why[p], last, sizeof(c->why[p]));
	return 0;
}

void collector_want_functions(struct collector *c)
{
	if (c)
		c->args.kernel_functions = true;
}

void collector_want_mem_walk(struct collector *c, pid_t pid)
{
	if (c)
		c->args.mem_walk_pid = pid;
}

struct collector *collector_open(const struct source *const *table, size_t n, const struct source_args *a,
				 char *why, size_t whylen)
{
	struct collector *c = xcalloc(1, sizeof(*c));
	c->args = *a;
	c->table = table;
	c->n = n;
	for (int p = 0; p < PART__COUNT; p++)
		if (open_part(c, p, 0, why, whylen) < 0) {
			collector_close(c);
			return NULL;
		}
	return c;
}

/* A source stopped for good (err says why): closed, and the part's later candidates get their turn from the
 * next sample on (a required one that cannot open leaves the part empty: the session already runs). */
static void source_stopped(struct collector *c, enum sample_part p, const char *err)
{
	const char *name = c->src[p]->name;
	c->src[p]->close(c->state[p]);
	c->src[p] = NULL;
	c->state[p] = NULL;
	c->why[p][0] = '\0';
	char why[160] = "";
	if (open_part(c, p, c->at[p] + 1, why, sizeof(why)) < 0)
		add_reason(c->why[p], sizeof(c->why[p]), _("cannot fall back"), why);
	char others[160];
	str_copy(others, c->why[p], sizeof(others));
	if (!c->src[p] && !others[0])
		str_copy(c->why[p], err, sizeof(c->why[p]));	/* nothing else to try: its reason alone */
	else {
		char all[512];
		snprintf(all, sizeof(all), "%s: %s%s%s", name, err, others[0] ? "; " : "", others);
		str_copy(c->why[p], all, sizeof(c->why[p]));
	}
}

void collector_sample(struct collector *c, struct host_sample *s)
{
	s->mono = clock_mono();
	s->realtime = clock_real();
	s->perf.sample_hz = c->args.sample_hz;	/* the rate asked for, shown while sampling is off too */
	s->perf.funcs_wanted = c->args.kernel_functions;	/* asked for, said while sampling is off too */
	for (int p = 0; p < PART__COUNT; p++) {
		struct source_status *st = &s->sources[p];
		if (c->src[p]) {
			str_copy(st->name, c->src[p]->name, sizeof(st->name));
			char err[160] = "";
			if (!c->src[p]->sample(c->state[p], s, err, sizeof(err))) {
				/* it filled this sample: the next ones say why it stopped */
				source_stopped(c, p, err);
				continue;
			}
			if (c->src[p]->fills_all)
				break;	/* the sources it names are the recording's */
		}
		str_copy(st->why, c->why[p], sizeof(st->why));
	}
	c->args.mem_walk_pid = 0;	/* a view that still shows the VM asks again */
}

void collector_drain(struct collector *c)
{
	for (int p = 0; c && p < PART__COUNT; p++)
		if (c->src[p] && c->src[p]->drain)
			c->src[p]->drain(c->state[p]);
}

void collector_close(struct collector *c)
{
	if (!c)
		return;
	/* the reverse of the parts' order: a later part may hold what an earlier one found */
	for (int p = PART__COUNT - 1; p >= 0; p--)
		if (c->src[p])
			c->src[p]->close(c->state[p]);
	free(c);
}

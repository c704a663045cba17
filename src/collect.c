/* collect.c - one sample of the whole host: runs a table of sources, part by part, in dependency order. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "util.h"

/* New sources plug in here; a part's candidates are tried in this order. */
const struct source *const collect_sources[] = { &stat_source, &vms_source, &perf_source, &net_source,
							 &mem_source, &qmp_source };
const size_t collect_nsources = sizeof(collect_sources) / sizeof(collect_sources[0]);

struct collector {
	struct source_args args;
	const struct source *src[PART__COUNT];	/* the source filling each part, NULL when none could */
	void *state[PART__COUNT];
	char why[PART__COUNT][160];		/* why a part has no source, or why it fell back to this one */
};

/* Adds "name: reason" to what a part says about sources that did not open. */
static void add_reason(char *dst, size_t len, const char *name, const char *reason)
{
	size_t used = strlen(dst);
	snprintf(dst + used, len - used, "%s%s: %s", used ? "; " : "", name, reason);
}

struct collector *collector_open(const struct source *const *table, size_t n, const struct source_args *a,
				 char *why, size_t whylen)
{
	struct collector *c = xcalloc(1, sizeof(*c));
	c->args = *a;
	char reason[PART__COUNT][160] = { { 0 } };
	int tried[PART__COUNT] = { 0 };
	for (size_t i = 0; i < n; i++) {
		const struct source *src = table[i];
		enum sample_part p = src->part;
		if (c->src[p])
			continue;	/* an earlier candidate fills this part */
		char err[160] = "";
		c->state[p] = src->open(a, err, sizeof(err));
		if (c->state[p]) {
			c->src[p] = src;
			continue;
		}
		if (src->required) {
			snprintf(why, whylen, "%s", err);
			collector_close(c);
			return NULL;
		}
		str_copy(reason[p], err, sizeof(reason[p]));
		add_reason(c->why[p], sizeof(c->why[p]), src->name, err);
		tried[p]++;
	}
	/* a part's only candidate says its reason alone: "perf sampling off (--sample-hz 0)" */
	for (int p = 0; p < PART__COUNT; p++)
		if (!c->src[p] && tried[p] == 1)
			str_copy(c->why[p], reason[p], sizeof(c->why[p]));
	return c;
}

void collector_sample(struct collector *c, struct host_sample *s)
{
	s->mono = clock_mono();
	s->realtime = clock_real();
	s->perf.sample_hz = c->args.sample_hz;	/* the rate asked for, shown while sampling is off too */
	for (int p = 0; p < PART__COUNT; p++) {
		struct source_status *st = &s->sources[p];
		if (c->src[p]) {
			str_copy(st->name, c->src[p]->name, sizeof(st->name));
			char err[160] = "";
			if (!c->src[p]->sample(c->state[p], s, err, sizeof(err))) {
				/* it filled this sample: the next ones say why it stopped */
				c->src[p]->close(c->state[p]);
				c->src[p] = NULL;
				c->state[p] = NULL;
				str_copy(c->why[p], err, sizeof(c->why[p]));
				continue;
			}
		}
		str_copy(st->why, c->why[p], sizeof(st->why));
	}
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

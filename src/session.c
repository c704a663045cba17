/* session.c - the refresh loop's state: collectors, the last two samples and the model built from them. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "nls.h"
#include "session.h"

/* Keeps only the VMs -p asked for; the host summary still counts every VM. */
static void apply_pid_filter(struct model *m, const struct options *opt)
{
	if (!opt->npids)
		return;
	size_t k = 0;
	for (size_t i = 0; i < m->nvms; i++) {
		if (options_wants_pid(opt, m->vms[i].pid)) {
			m->vms[k++] = m->vms[i];
		} else {
			free(m->vms[i].threads);
			free(m->vms[i].taps);
		}
	}
	m->nvms = k;
}

int session_open(struct session *s, const struct options *opt, bool quiet)
{
	char why[256] = "";
	memset(s, 0, sizeof(*s));
	s->opt = opt;
	model_init(&s->model);
	struct source_args args = { .sample_hz = opt->sample_hz, .no_qmp = opt->no_qmp, .exits_off = opt->exits_off };
	s->collector = collector_open(collect_sources, collect_nsources, &args, why, sizeof(why));
	if (!s->collector) {
		fprintf(stderr, "vmtop: %s\n", why);
		return -1;
	}
	host_sample_init(&s->samples[0]);
	host_sample_init(&s->samples[1]);
	collector_sample(s->collector, &s->samples[0]);
	s->cur = 0;
	model_update(&s->model, NULL, &s->samples[0]);
	apply_pid_filter(&s->model, opt);	/* the UI draws this first model */
	if (!quiet) {
		const struct host_sample *h = &s->samples[0];
		for (int i = 0; i < h->nwarnings; i++)
			fprintf(stderr, "vmtop: %s\n", h->warnings[i]);
		for (int p = 0; p < PART__COUNT; p++) {
			const struct source_status *st = &h->sources[p];
			if (!st->why[0] || (p == PART_PERF && !opt->sample_hz) || (p == PART_BALLOON && opt->no_qmp) ||
			    (p == PART_EXITS && opt->exits_off))
				continue;	/* --sample-hz 0, --no-qmp or --exits=off was asked for: nothing to tell */
			if (p == PART_PERF && !st->name[0])
				fprintf(stderr, "vmtop: %s; %s\n", st->why, _("showing the rest without the module split"));
			else if (st->name[0])
				fprintf(stderr, _("vmtop: %s: %s; using %s\n"), sample_part_name(p), st->why, st->name);
			else
				fprintf(stderr, "vmtop: %s: %s\n", sample_part_name(p), st->why);
		}
	}
	return 0;
}

void session_drain(struct session *s)
{
	collector_drain(s->collector);
}

void session_refresh(struct session *s)
{
	int next = 1 - s->cur;
	host_sample_clear(&s->samples[next]);
	collector_sample(s->collector, &s->samples[next]);
	model_update(&s->model, &s->samples[s->cur], &s->samples[next]);
	apply_pid_filter(&s->model, s->opt);
	s->cur = next;
	s->have_prev = true;
	s->refreshes++;
}

void session_close(struct session *s)
{
	collector_close(s->collector);
	host_sample_clear(&s->samples[0]);
	host_sample_clear(&s->samples[1]);
	model_free(&s->model);
}

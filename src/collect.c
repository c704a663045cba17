/* collect.c - one sample of the whole host: runs every collector in order. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "collect_net.h"
#include "collect_perf.h"
#include "collect_stat.h"
#include "collect_vms.h"
#include "ksyms.h"
#include "nls.h"
#include "util.h"

struct collector {
	struct stat_collector *stat;
	struct vms_collector *vms;
	struct ksyms *ksyms;
	struct perf_collector *perf;
	struct net_collector *net;
	unsigned sample_hz;
	int ncpus_online;		/* at the last sample: a change reopens perf on the CPUs online now */
	char perf_why[160];
	char split_why[160];		/* why kernel samples are not split by component, "" when they are */
};

struct collector *collector_open(unsigned sample_hz, char *why, size_t whylen)
{
	struct collector *c = xcalloc(1, sizeof(*c));
	c->sample_hz = sample_hz;
	c->stat = stat_collector_new(why, whylen);
	if (!c->stat)
		goto fail;
	c->vms = vms_collector_new(why, whylen);
	if (!c->vms)
		goto fail;
	if (sample_hz) {
		/* perf first: its refusal (a missing capability) says more than hidden symbol addresses do */
		c->perf = perf_collector_open(sample_hz, c->perf_why, sizeof(c->perf_why));
		if (c->perf) {
			c->ksyms = ksyms_load(c->perf_why, sizeof(c->perf_why));
			if (c->ksyms && ksyms_hidden(c->ksyms))
				str_copy(c->split_why, c->perf_why, sizeof(c->split_why));
			else if (!c->ksyms) {
				perf_collector_close(c->perf);
				c->perf = NULL;
			}
		}
	} else {
		snprintf(c->perf_why, sizeof(c->perf_why), "%s", _("perf sampling off (--sample-hz 0)"));
	}
	c->net = net_collector_new();
	return c;
fail:
	collector_close(c);
	return NULL;
}

/* CPUs came online or went offline (hotplug, SMT toggled): sample on the CPUs online now. What was read
 * above stays; the next interval starts on the new set. */
static void reopen_perf(struct collector *c, struct host_sample *s)
{
	perf_collector_close(c->perf);
	c->perf = perf_collector_open(c->sample_hz, c->perf_why, sizeof(c->perf_why));
	if (!c->perf)
		host_sample_warn(s, _("perf sampling stopped when the online CPUs changed: %s"), c->perf_why);
}

void collector_sample(struct collector *c, struct host_sample *s)
{
	s->mono = clock_mono();
	s->realtime = clock_real();
	if (stat_collect(c->stat, s) < 0)
		host_sample_warn(s, "%s", _("cannot read /proc/stat"));
	vms_collect(c->vms, s);
	net_collect(c->net, s);
	s->perf.sample_hz = c->sample_hz;
	if (c->perf) {
		ksyms_refresh(c->ksyms);
		perf_collector_read(c->perf, c->ksyms, &s->perf);
		s->perf.kernel_split = !ksyms_hidden(c->ksyms);
		if (!s->perf.kernel_split)
			host_sample_warn(s, "%s", c->split_why);
		if (s->ncpus_online > 0 && c->ncpus_online > 0 && s->ncpus_online != c->ncpus_online)
			reopen_perf(c, s);
	} else {
		s->perf.enabled = false;
		str_copy(s->perf.why_off, c->perf_why, sizeof(s->perf.why_off));
	}
	if (s->ncpus_online > 0)
		c->ncpus_online = s->ncpus_online;
}

void collector_drain(struct collector *c)
{
	if (c && c->perf)
		perf_collector_drain(c->perf, c->ksyms);
}

void collector_close(struct collector *c)
{
	if (!c)
		return;
	if (c->perf)
		perf_collector_close(c->perf);
	if (c->ksyms)
		ksyms_free(c->ksyms);
	if (c->net)
		net_collector_free(c->net);
	vms_collector_free(c->vms);
	stat_collector_free(c->stat);
	free(c);
}

/* test_sources.c - the source table's rules with made-up sources: a part's first candidate that opens fills it
 * and the others' reasons are kept, a required source that cannot open ends the session, a source that stops
 * is closed once, the part's next candidate takes over and says why, drains reach only sources that keep something, parts run in order. */
#include "config.h"

#include <stdlib.h>

#include "collect.h"
#include "unit.h"

/* What the fake sources did, in order: one letter per call ("o" open, "s" sample, "d" drain, "c" close) and
 * the part's digit. */
static char calls[256];

static void note(char what, enum sample_part p)
{
	size_t n = strlen(calls);
	if (n + 2 < sizeof(calls)) {
		calls[n] = what;
		calls[n + 1] = (char)('0' + p);
		calls[n + 2] = '\0';
	}
}

struct fake {
	enum sample_part part;
	int samples_left;		/* samples before it stops for good; -1 never */
};

static void *open_as(enum sample_part p, int samples_left)
{
	note('o', p);
	struct fake *f = calloc(1, sizeof(*f));
	if (!f)
		abort();
	f->part = p;
	f->samples_left = samples_left;
	return f;
}

static void *open_stat(const struct source_args *a, char *why, size_t len)
{
	(void)a, (void)why, (void)len;
	return open_as(PART_STAT, -1);
}

static void *open_threads(const struct source_args *a, char *why, size_t len)
{
	(void)a, (void)why, (void)len;
	return open_as(PART_THREADS, -1);
}

/* Stops after its second sample, as perf does when it cannot reopen after a CPU hotplug. */
static void *open_perf(const struct source_args *a, char *why, size_t len)
{
	(void)why, (void)len;
	return open_as(PART_PERF, (int)a->sample_hz);
}

/* Works for one sample, then stops: a preferred source whose reads fail at run time. */
static void *open_threads_once(const struct source_args *a, char *why, size_t len)
{
	(void)a, (void)why, (void)len;
	return open_as(PART_THREADS, 1);
}

static void *refuse(const struct source_args *a, char *why, size_t len)
{
	(void)a;
	snprintf(why, len, "needs CAP_BPF");
	return NULL;
}

static void *refuse_net(const struct source_args *a, char *why, size_t len)
{
	(void)a;
	snprintf(why, len, "no namespace");
	return NULL;
}

static bool sample(void *state, struct host_sample *s, char *why, size_t len)
{
	struct fake *f = state;
	note('s', f->part);
	if (f->part == PART_THREADS)
		s->loadavg[0] = s->uptime;	/* uses what the stat part read before it */
	if (f->part == PART_STAT)
		s->uptime = 42;
	if (f->samples_left > 0 && --f->samples_left == 0) {
		snprintf(why, len, "stopped: CPUs changed");
		return false;
	}
	return true;
}

static void drain(void *state)
{
	note('d', ((struct fake *)state)->part);
}

static void close_fake(void *state)
{
	note('c', ((struct fake *)state)->part);
	free(state);
}

static const struct source stat_src = { PART_STAT, "proc", true, open_stat, sample, NULL, close_fake, false };
static const struct source bpf_src = { PART_THREADS, "bpf", false, refuse, sample, NULL, close_fake, false };
static const struct source threads_src = { PART_THREADS, "proc", true, open_threads, sample, NULL, close_fake, false };
static const struct source threads_too = { PART_THREADS, "other", false, open_threads, sample, NULL, close_fake, false };
static const struct source perf_src = { PART_PERF, "perf", false, open_perf, sample, drain, close_fake, false };
static const struct source net_src = { PART_NET, "netlink", false, refuse_net, sample, NULL, close_fake, false };
static const struct source bpf_once = { PART_THREADS, "bpf", false, open_threads_once, sample, NULL, close_fake, false };
static const struct source stat_refused = { PART_STAT, "proc", true, refuse, sample, NULL, close_fake, false };
static const struct source threads_refused = { PART_THREADS, "proc", true, refuse, sample, NULL, close_fake, false };

static const struct source net_too = { PART_NET, "other", false, refuse_net, sample, NULL, close_fake, false };
static const struct source net_bpf = { PART_NET, "bpf", false, refuse, sample, NULL, close_fake, false };

/* Candidates that all refuse for one reason (an option that turns the part off) say it once; different reasons
 * are each said with their source's name. */
static void all_refused(void)
{
	const struct source *same[] = { &stat_src, &threads_src, &net_src, &net_too };
	const struct source *differ[] = { &stat_src, &threads_src, &net_bpf, &net_src };
	struct source_args a = { 0 };
	char why[160] = "";
	for (int k = 0; k < 2; k++) {
		struct collector *c = collector_open(k ? differ : same, 4, &a, why, sizeof(why));
		CHECK(c != NULL);
		struct host_sample s;
		host_sample_init(&s);
		collector_sample(c, &s);
		CHECK_STR(s.sources[PART_NET].name, "");
		CHECK_STR(s.sources[PART_NET].why, k ? "bpf: needs CAP_BPF; netlink: no namespace" : "no namespace");
		host_sample_clear(&s);
		collector_close(c);
	}
}

static void fallback_and_stop(void)
{
	/* listed out of the parts' order on purpose: parts are still opened and sampled stat, threads, perf, net */
	const struct source *table[] = { &perf_src, &bpf_src, &threads_src, &threads_too, &net_src, &stat_src };
	struct source_args a = { .sample_hz = 2 };
	char why[160] = "";
	calls[0] = '\0';
	struct collector *c = collector_open(table, sizeof(table) / sizeof(table[0]), &a, why, sizeof(why));
	CHECK(c != NULL);
	CHECK_STR(calls, "o0o1o2");	/* in the parts' order; threads_too never: proc filled the part */

	struct host_sample s;
	host_sample_init(&s);
	calls[0] = '\0';
	collector_sample(c, &s);
	CHECK_STR(calls, "s0s1s2");
	CHECK(s.uptime == 42 && s.loadavg[0] == 42);
	CHECK_STR(s.sources[PART_STAT].name, "proc");
	CHECK_STR(s.sources[PART_STAT].why, "");
	CHECK_STR(s.sources[PART_THREADS].name, "proc");
	CHECK_STR(s.sources[PART_THREADS].why, "bpf: needs CAP_BPF");	/* the fallback says what it fell from */
	CHECK_STR(s.sources[PART_PERF].name, "perf");
	CHECK_STR(s.sources[PART_NET].name, "");
	CHECK_STR(s.sources[PART_NET].why, "no namespace");	/* the only candidate: its reason alone */

	calls[0] = '\0';
	collector_drain(c);
	CHECK_STR(calls, "d2");

	/* the second sample is perf's last: it counts, and perf is closed at once */
	host_sample_clear(&s);
	calls[0] = '\0';
	collector_sample(c, &s);
	CHECK_STR(calls, "s0s1s2c2");
	CHECK_STR(s.sources[PART_PERF].name, "perf");

	host_sample_clear(&s);
	calls[0] = '\0';
	collector_sample(c, &s);
	collector_drain(c);
	CHECK_STR(calls, "s0s1");
	CHECK_STR(s.sources[PART_PERF].name, "");
	CHECK_STR(s.sources[PART_PERF].why, "stopped: CPUs changed");

	calls[0] = '\0';
	collector_close(c);
	CHECK_STR(calls, "c1c0");	/* each open source once; the stopped one not again */
	host_sample_clear(&s);
}

/* The preferred source stops: the part's next candidate takes over from the next sample, and says why. */
static void stop_falls_back(void)
{
	const struct source *table[] = { &stat_src, &bpf_once, &threads_src };
	struct source_args a = { 0 };
	char why[160] = "";
	calls[0] = '\0';
	struct collector *c = collector_open(table, 3, &a, why, sizeof(why));
	CHECK(c != NULL);
	CHECK_STR(calls, "o0o1");
	struct host_sample s;
	host_sample_init(&s);
	calls[0] = '\0';
	collector_sample(c, &s);
	CHECK_STR(calls, "s0s1c1o1");	/* bpf's last sample counts; proc opened for the next */
	CHECK_STR(s.sources[PART_THREADS].name, "bpf");
	host_sample_clear(&s);
	collector_sample(c, &s);
	CHECK_STR(s.sources[PART_THREADS].name, "proc");
	CHECK_STR(s.sources[PART_THREADS].why, "bpf: stopped: CPUs changed");
	host_sample_clear(&s);
	calls[0] = '\0';
	collector_close(c);
	CHECK_STR(calls, "c1c0");
}

static void required_refused(void)
{
	const struct source *table[] = { &stat_refused, &threads_src };
	struct source_args a = { 0 };
	char why[160] = "";
	calls[0] = '\0';
	CHECK(collector_open(table, 2, &a, why, sizeof(why)) == NULL);
	CHECK_STR(why, "needs CAP_BPF");
	CHECK_STR(calls, "");	/* nothing opened after it, nothing left open */

	/* a required part after one that opened: that one is closed again */
	const struct source *later[] = { &threads_refused, &stat_src };
	calls[0] = '\0';
	CHECK(collector_open(later, 2, &a, why, sizeof(why)) == NULL);
	CHECK_STR(calls, "o0c0");
}

/* vmtop's own table has a candidate for every part, and a required one for the parts it cannot run without. */
static void real_table(void)
{
	bool seen[PART__COUNT] = { false };
	for (size_t i = 0; i < collect_nsources; i++) {
		const struct source *src = collect_sources[i];
		CHECK(src->part < PART__COUNT && src->name && src->open && src->sample && src->close);
		seen[src->part] = true;
		if (src->required)
			CHECK(src->part == PART_STAT || src->part == PART_THREADS);
	}
	for (int p = 0; p < PART__COUNT; p++)
		CHECK(seen[p]);
}

int main(void)
{
	fallback_and_stop();
	stop_falls_back();
	required_refused();
	all_refused();
	real_table();
	return unit_done("test_sources");
}

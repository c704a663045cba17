/* session.c - the refresh loop's state: collectors, the last two samples and the model built from them. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "collect.h"
#include "nls.h"
#include "session.h"
#include "util.h"

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
			model_vm_free(&m->vms[i]);
		}
	}
	m->nvms = k;
}

/* -r: the recording's index, its warnings on stderr, the window of --begin/--end. */
static int open_recording(struct session *s, const struct options *opt)
{
	char why[512] = "";
	double begin = 0, end = 0;
	/* HH:MM is on the recording's first day: the whole file is indexed once to know it */
	struct rec_reader *all = rec_reader_open(opt->replay, 0, 0, why, sizeof(why));
	if (!all) {
		fprintf(stderr, "vmtop: %s\n", why);
		return -1;
	}
	double first = rec_reader_time(all, 0);
	if ((opt->begin && !rec_parse_time(opt->begin, first, &begin)) ||
	    (opt->end && !rec_parse_time(opt->end, first, &end))) {
		fprintf(stderr, _("vmtop: invalid time '%s': expected HH:MM[:SS], YYYY-MM-DD HH:MM[:SS] or @EPOCH\n"),
			opt->begin && !rec_parse_time(opt->begin, first, &begin) ? opt->begin : opt->end);
		rec_reader_close(all);
		return -1;
	}
	if (opt->begin || opt->end) {
		rec_reader_close(all);
		all = rec_reader_open(opt->replay, begin, end, why, sizeof(why));
		if (!all) {
			fprintf(stderr, "vmtop: %s\n", why);
			return -1;
		}
	}
	for (int i = 0; rec_reader_warning(all, i); i++)
		fprintf(stderr, "vmtop: %s\n", rec_reader_warning(all, i));
	s->recording = all;
	s->cursor = (struct rec_cursor){ .r = all };
	return 0;
}

/* What of the VMs' memory the output prints: the text table their RSS alone, the TUI all but THP and NUMA (its
 * memory view asks for its VM's), the other outputs everything. */
static enum mem_detail mem_detail(const struct options *opt)
{
	if (opt->record || opt->listen || opt->textfile)
		return MEM_DETAIL_ALL;
	if (!opt->batch)
		return MEM_DETAIL_FIGURES;
	return opt->format == OUT_TEXT ? MEM_DETAIL_NONE : MEM_DETAIL_ALL;
}

int session_open(struct session *s, const struct options *opt, bool quiet)
{
	char why[256] = "";
	memset(s, 0, sizeof(*s));
	s->opt = opt;
	model_init(&s->model);
	struct source_args args = { .sample_hz = opt->sample_hz, .no_qmp = opt->no_qmp, .no_libvirt = opt->no_libvirt,
				     .exits_off = opt->exits_off, .exits_all = opt->exits_all,
				     .kernel_functions = opt->functions,
				     .threads_proc_only = opt->threads_source == THREADS_PROC,
				     .threads_bpf_only = opt->threads_source == THREADS_BPF,
				     .mem_detail = mem_detail(opt) };
	struct utsname u;
	str_copy(s->hostname, uname(&u) == 0 ? u.nodename : "?", sizeof(s->hostname));
	if (opt->replay && open_recording(s, opt) < 0)
		return -1;
	if (s->recording)
		args.replay = &s->cursor;
	s->collector = s->recording ? collector_open(replay_sources, replay_nsources, &args, why, sizeof(why))
				    : collector_open(collect_sources, collect_nsources, &args, why, sizeof(why));
	if (!s->collector) {
		fprintf(stderr, "vmtop: %s\n", why);
		rec_reader_close(s->recording);
		s->recording = NULL;
		return -1;
	}
	host_sample_init(&s->samples[0]);
	host_sample_init(&s->samples[1]);
	collector_sample(s->collector, &s->samples[0]);
	if (s->recording && s->cursor.end) {
		fprintf(stderr, "vmtop: %s: %s\n", opt->replay, _("no record decodes"));
		session_close(s);
		return -1;
	}
	if (s->recording) {
		str_copy(s->hostname, rec_reader_header(s->recording, s->cursor.at)->host, sizeof(s->hostname));
		quiet = true;	/* what the recorder's sources said, it said when it ran */
	}
	if (opt->record) {
		struct rec_writer_opts wo = { opt->record, opt->record_interval, opt->record_max_mb };
		s->recorder = rec_writer_open(&wo, &s->samples[0], why, sizeof(why));
		if (!s->recorder) {
			fprintf(stderr, "vmtop: %s\n", why);
			session_close(s);
			return -1;
		}
		rec_writer_add(s->recorder, &s->samples[0]);
	}
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
			    (p == PART_DOMAINS && (opt->no_libvirt || !libvirt_running())) ||
			    (p == PART_EXITS && opt->exits_off) ||
			    (p == PART_THREADS && opt->threads_source == THREADS_PROC))
				continue;	/* asked for (--sample-hz 0, --no-qmp ...), or no libvirt here to miss */
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

void session_want_functions(struct session *s)
{
	collector_want_functions(s->collector);
}

void session_want_mem_walk(struct session *s, pid_t pid)
{
	collector_want_mem_walk(s->collector, pid);
}

void session_drain(struct session *s)
{
	collector_drain(s->collector);
}

bool session_refresh(struct session *s)
{
	if (s->recording && s->cursor.next >= rec_reader_count(s->recording))
		return false;
	int next = 1 - s->cur;
	host_sample_clear(&s->samples[next]);
	collector_sample(s->collector, &s->samples[next]);
	if (s->recording && s->cursor.end) {
		/* the records left did not decode: keep the last good one */
		host_sample_clear(&s->samples[next]);
		return false;
	}
	rec_writer_add(s->recorder, &s->samples[next]);
	model_update(&s->model, &s->samples[s->cur], &s->samples[next]);
	apply_pid_filter(&s->model, s->opt);
	s->cur = next;
	s->have_prev = true;
	s->refreshes++;
	if (s->recording)
		str_copy(s->hostname, rec_reader_header(s->recording, s->cursor.at)->host, sizeof(s->hostname));
	return true;
}

void session_seek(struct session *s, size_t i)
{
	size_t n = s->recording ? rec_reader_count(s->recording) : 0;
	if (i >= n)
		return;
	/* the record before it too, for the rates over the recorded interval */
	s->cursor.next = i > 0 ? i - 1 : 0;
	host_sample_clear(&s->samples[0]);
	host_sample_clear(&s->samples[1]);
	collector_sample(s->collector, &s->samples[0]);
	s->cur = 0;
	s->have_prev = false;
	if (i > 0 && !s->cursor.end && s->cursor.next < n) {
		collector_sample(s->collector, &s->samples[1]);
		if (!s->cursor.end) {
			s->cur = 1;
			s->have_prev = true;
		} else {
			host_sample_clear(&s->samples[1]);
		}
	}
	model_update(&s->model, s->have_prev ? &s->samples[0] : NULL, &s->samples[s->cur]);
	apply_pid_filter(&s->model, s->opt);
	str_copy(s->hostname, rec_reader_header(s->recording, s->cursor.at)->host, sizeof(s->hostname));
}

size_t session_replay_at(const struct session *s)
{
	return s->cursor.at;
}

size_t session_replay_count(const struct session *s)
{
	return s->recording ? rec_reader_count(s->recording) : 0;
}

void session_close(struct session *s)
{
	rec_writer_close(s->recorder);
	s->recorder = NULL;
	collector_close(s->collector);
	s->collector = NULL;
	rec_reader_close(s->recording);
	s->recording = NULL;
	host_sample_clear(&s->samples[0]);
	host_sample_clear(&s->samples[1]);
	model_free(&s->model);
}

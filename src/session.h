/* session.h - the refresh loop's state: collectors, the last two samples and the model built from them. */
#ifndef VMTOP_SESSION_H
#define VMTOP_SESSION_H

#include "model.h"
#include "options.h"
#include "record.h"
#include "sample.h"

struct collector;

struct session {
	const struct options *opt;
	struct collector *collector;
	struct host_sample samples[2];
	int cur;			/* index of the newest sample in samples[] */
	bool have_prev;
	struct model model;
	unsigned long refreshes;
	char hostname[65];		/* this host's, or the recording's */
	struct rec_writer *recorder;	/* -w */
	struct rec_reader *recording;	/* -r: the samples are its records (replay_source) */
	struct rec_cursor cursor;
};

/* Opens the collectors; prints what cannot be read once on stderr (unless quiet). 0 or -1. */
int session_open(struct session *s, const struct options *opt, bool quiet);
/* Takes a new sample and rebuilds the model from it and the previous one. false: a replay is at its end (the
 * model stays as it was). */
bool session_refresh(struct session *s);
/* Replay: the model of record i (from record i-1 to i; the first has no rates), and where the replay is. */
void session_seek(struct session *s, size_t i);
size_t session_replay_at(const struct session *s);
size_t session_replay_count(const struct session *s);
/* Views waiting longer than this between refreshes call session_drain() at least this often (perf rings). */
#define SESSION_DRAIN_SECONDS 3.0
/* Keeps what perf sampled so far in the interval under way (its rings hold about 10 s). */
void session_drain(struct session *s);
/* The functions view was opened: the perf source splits kernel samples by function from the next refresh on
 * (loading the names once); the model's host.funcs_valid says when they are there. */
void session_want_functions(struct session *s);
/* The memory view shows VM pid: its THP and NUMA figures are read at the next refresh (ask before each). */
void session_want_mem_walk(struct session *s, pid_t pid);
void session_close(struct session *s);

#endif

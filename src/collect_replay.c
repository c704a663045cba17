/* collect_replay.c - the replay source (-r): each sample is the next record of a recording, not the host. */
#include "config.h"

#include <stdio.h>

#include "nls.h"
#include "record.h"
#include "source.h"

static void *replay_open(const struct source_args *a, char *why, size_t whylen)
{
	if (!a->replay) {
		snprintf(why, whylen, "%s", _("no recording to replay"));
		return NULL;
	}
	return a->replay;
}

/* The next record that decodes; one that does not is skipped with one line on stderr (its frame was intact: a
 * vmtop bug or a damaged file the checksum missed). Past the last record the cursor says end. */
static bool replay_sample(void *state, struct host_sample *s, char *why, size_t whylen)
{
	(void)why;
	(void)whylen;
	struct rec_cursor *c = state;
	size_t n = rec_reader_count(c->r);
	while (c->next < n) {
		char err[160];
		size_t i = c->next++;
		host_sample_clear(s);
		if (rec_reader_load(c->r, i, s, err, sizeof(err))) {
			c->at = i;
			c->end = false;
			return true;
		}
		fprintf(stderr, _("vmtop: record %zu skipped: %s\n"), i + 1, err);
	}
	c->end = true;
	return true;
}

static void replay_close(void *state)
{
	(void)state;	/* the session owns the recording */
}

const struct source replay_source = {
	.part = PART_STAT, .name = "replay", .required = true, .fills_all = true,
	.open = replay_open, .sample = replay_sample, .close = replay_close,
};

/* tui_replay.c - the interactive view over a recording (-r): where the replay is, stepping, going to a time. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <time.h>

#include "nls.h"
#include "tui_state.h"

/* The model of record i, and what depends on the VMs shown (list, a drilled VM that is not in it: going back,
 * it had not started yet, rather than exited). */
static void show_record(struct tui *t, size_t i)
{
	bool back = i < session_replay_at(t->s), drilled = t->mode == TUI_DRILL;
	session_seek(t->s, i);
	tui_list_rebuild(t);
	tui_drill_check(t);
	if (back && drilled && t->mode != TUI_DRILL)
		tui_set_message(t, _("VM %d (%s) is not in this record: it started later"), (int)t->drill_pid,
				t->drill_name);
}

void tui_replay_step(struct tui *t, long by)
{
	size_t at = session_replay_at(t->s), n = session_replay_count(t->s);
	if (by > 0 && at + 1 >= n) {
		tui_set_message(t, "%s", _("End of the recording"));
		t->paused = true;
		return;
	}
	if (by < 0 && at == 0) {
		tui_set_message(t, "%s", _("Start of the recording"));
		return;
	}
	if (by > 0 && session_refresh(t->s)) {
		/* one forward is the next sample, as live: the rates from the record before */
		tui_list_rebuild(t);
		tui_drill_check(t);
		return;
	}
	show_record(t, by > 0 ? at + 1 : at - 1);
}

bool tui_replay_key(struct tui *t, int key)
{
	switch (key) {
	case 't':
	case KEY_RIGHT:
		tui_replay_step(t, 1);
		return true;
	case 'T':
	case KEY_LEFT:
		tui_replay_step(t, -1);
		return true;
	case 'g':
		tui_prompt_start(t, PROMPT_TIME);
		return true;
	}
	return false;
}

static const char *when(char *buf, size_t len, double at)
{
	time_t w = (time_t)at;
	struct tm tm;
	if (!localtime_r(&w, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, len, "?");
	return buf;
}

void tui_replay_goto(struct tui *t, const char *text)
{
	const struct rec_reader *r = t->s->recording;
	size_t at = session_replay_at(t->s), n = rec_reader_count(r);
	double target;
	char a[32], b[32];
	if (!text[0])
		return;
	if (!rec_parse_time(text, rec_reader_time(r, at), &target)) {
		tui_set_message(t, _("Invalid time '%s': expected HH:MM[:SS] or YYYY-MM-DD HH:MM[:SS]"), text);
		return;
	}
	size_t i = rec_reader_find(r, target);
	if (i == n) {
		tui_set_message(t, _("No record at or after %s: the last is at %s"), when(a, sizeof(a), target),
				when(b, sizeof(b), rec_reader_time(r, n - 1)));
		return;
	}
	show_record(t, i);
}

int tui_replay_line(struct tui *t, int y)
{
	if (!t->s->recording)
		return y;
	char at[32];
	size_t i = session_replay_at(t->s);
	attrset(tui_attr(t, PAIR_HEAD, A_BOLD));
	tui_putf(y, 0, COLS, _("Replay %s  record %zu of %zu%s  t/T or arrows: step, g: go to a time, space: %s"),
		 when(at, sizeof(at), rec_reader_time(t->s->recording, i)), i + 1, session_replay_count(t->s),
		 t->paused ? _(" (paused)") : _(" (playing)"), t->paused ? _("play") : _("pause"));
	attrset(A_NORMAL);
	return y + 1;
}

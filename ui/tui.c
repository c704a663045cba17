/* tui.c - the interactive view's loop: the refresh deadline, drawing once per change, keys of the VM list. */
#include "config.h"

#include <curses.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nls.h"
#include "tui.h"
#include "tui_state.h"

#define FIRST_INTERVAL 0.25	/* a first screen with rates almost at once, then the normal delay */
#define MESSAGE_SECONDS 5.0
#define KEY_CTRL(c) ((c) & 0x1f)
#define KEY_ESC 27

double tui_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void tui_set_message(struct tui *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(t->message, sizeof(t->message), fmt, ap);
	va_end(ap);
	t->message_until = tui_now() + MESSAGE_SECONDS;
}

static void draw(struct tui *t)
{
	erase();
	if (t->mode == TUI_HELP) {
		tui_help_draw(t);
	} else if (t->mode == TUI_DRILL) {
		tui_drill_draw(t);
	} else {
		int y = tui_header_draw(t, LINES / 3);
		tui_table_draw(t, y, LINES - 1 - y);
	}
	if (t->mode != TUI_HELP)
		tui_status_draw(t);
	tui_term_writing(true);
	refresh();
	tui_term_writing(false);
}

static void sort_by(struct tui *t, enum sort_key key)
{
	if (t->sort != key)
		t->reverse = false;
	t->sort = key;
	tui_list_rebuild(t);
}

static void toggle_pause(struct tui *t, double *next_refresh)
{
	t->paused = !t->paused;
	if (!t->paused)
		*next_refresh = tui_now();	/* resuming also updates at once */
}

/* Keys that mean the same on every screen. Returns false when the key is not one of them. */
static bool common_key(struct tui *t, int key, double *next_refresh)
{
	switch (key) {
	case 'q':
		t->quit = true;
		return true;
	case 'h':
	case '?':
		t->help_from = t->mode;
		t->mode = TUI_HELP;
		return true;
	case ' ':
		toggle_pause(t, next_refresh);
		return true;
	case 'd':
	case 's':
		tui_prompt_start(t, PROMPT_DELAY);
		return true;
	case KEY_CTRL('l'):
		clearok(curscr, TRUE);
		return true;
	case KEY_RESIZE:
		return true;
	}
	return false;
}

static void list_key(struct tui *t, int key)
{
	int page = t->page > 0 ? t->page : 1;
	switch (key) {
	case KEY_UP: tui_move(&t->sel, &t->top, t->norder, page, -1); break;
	case KEY_DOWN: tui_move(&t->sel, &t->top, t->norder, page, 1); break;
	case KEY_PPAGE: tui_move(&t->sel, &t->top, t->norder, page, -page); break;
	case KEY_NPAGE: tui_move(&t->sel, &t->top, t->norder, page, page); break;
	case KEY_HOME: tui_move(&t->sel, &t->top, t->norder, page, -(int)t->norder - 1); break;
	case KEY_END: tui_move(&t->sel, &t->top, t->norder, page, (int)t->norder + 1); break;
	case '<': sort_by(t, t->sort == 0 ? SORT__COUNT - 1 : t->sort - 1); return;
	case '>': sort_by(t, t->sort + 1 == SORT__COUNT ? 0 : t->sort + 1); return;
	case 'R':
		t->reverse = !t->reverse;
		tui_list_rebuild(t);
		return;
	case 'P': sort_by(t, SORT_TOTAL); return;
	case 'M': sort_by(t, SORT_RSS); return;
	case 'N': sort_by(t, SORT_NAME); return;
	case 'p':
		if (tui_selected_vm(t)) {
			tui_toggle_pin(t, tui_selected_vm(t)->pid);
			tui_list_rebuild(t);
		}
		return;
	case '/':
		tui_prompt_start(t, PROMPT_FILTER);
		return;
	case KEY_ESC:
		t->filter[0] = '\0';
		tui_list_rebuild(t);
		return;
	case '\n':
	case '\r':
	case KEY_ENTER:
		if (tui_selected_vm(t))
			tui_drill_enter(t, tui_selected_vm(t));
		return;
	default:
		if (key > ' ' && key < 127)
			tui_set_message(t, _("Unknown key '%c': h shows the keys"), key);
		return;
	}
	const struct vm_stat *v = tui_selected_vm(t);
	t->sel_pid = v ? v->pid : 0;
}

static void handle_key(struct tui *t, int key, double *next_refresh)
{
	if (t->prompt != PROMPT_NONE && tui_prompt_key(t, key))
		return;
	if (t->mode == TUI_HELP) {
		if (key != KEY_RESIZE)
			t->mode = t->help_from;	/* any key leaves help, like top */
		return;
	}
	if (t->mode == TUI_DRILL && tui_drill_key(t, key))
		return;
	if (t->s->recording && tui_replay_key(t, key))
		return;
	if (common_key(t, key, next_refresh))
		return;
	if (t->mode == TUI_LIST)
		list_key(t, key);
}

/* Milliseconds until the next thing the screen must show by itself (a refresh or a message going away) or
 * the perf rings must be drained. */
static int wait_ms(const struct tui *t, double now, double next_refresh, double next_drain)
{
	double until = t->paused ? INFINITY : next_refresh;
	if (t->message[0] && t->message_until < until)
		until = t->message_until;
	if (next_drain < until)
		until = next_drain;
	if (isinf(until))
		return -1;
	double ms = ceil((until - now) * 1000);
	return ms < 0 ? 0 : ms > 600000 ? 600000 : (int)ms;
}

static void tui_init(struct tui *t, struct session *s)
{
	memset(t, 0, sizeof(*t));
	t->s = s;
	t->opt = s->opt;
	t->delay = s->opt->delay;
	int key = sort_key_from_name(s->opt->sort);
	t->sort = key < 0 ? SORT_TOTAL : (enum sort_key)key;
	t->paused = s->recording != NULL;	/* a replay starts on its first record and waits */
}

static void tui_free(struct tui *t)
{
	free(t->pins);
	free(t->order);
}

int tui_run(struct session *s)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "vmtop: %s\n", _("the interactive view needs a terminal; use -b for batch output"));
		return 1;
	}
	struct tui t;
	tui_init(&t, s);
	if (!tui_term_start(&t)) {
		tui_free(&t);
		return 1;
	}
	/* The VMs of session_open's sample at once (rates "-"), numbers after the short first interval. */
	tui_list_rebuild(&t);
	draw(&t);
	double next_refresh = tui_now() + FIRST_INTERVAL, next_drain = tui_now() + SESSION_DRAIN_SECONDS;
	long shown = 0;
	while (!t.quit && !tui_term_stop_signal()) {
		double now = tui_now();
		if (now >= next_drain) {
			/* a long delay or a pause: keep perf's samples before its rings fill */
			session_drain(s);
			next_drain = now + SESSION_DRAIN_SECONDS;
		}
		if (!t.paused && now >= next_refresh) {
			if (!session_refresh(s)) {
				tui_set_message(&t, "%s", _("End of the recording"));
				t.paused = true;
				draw(&t);
				continue;
			}
			next_drain = tui_now() + SESSION_DRAIN_SECONDS;
			tui_list_rebuild(&t);
			tui_drill_check(&t);
			shown++;
			/* Keep the cadence when on time; never try to catch up after a stall. */
			next_refresh += t.delay;
			if (next_refresh <= now)
				next_refresh = now + t.delay;
			draw(&t);
			if (t.opt->count > 0 && shown >= t.opt->count)
				break;
			continue;
		}
		timeout(wait_ms(&t, now, next_refresh, next_drain));
		int key = getch();
		if (key == ERR) {
			if (t.message[0] && tui_now() >= t.message_until) {
				t.message[0] = '\0';
				draw(&t);
			}
			continue;
		}
		double old_delay = t.delay;
		handle_key(&t, key, &next_refresh);
		if (t.delay != old_delay)
			next_refresh = tui_now() + t.delay;
		if (!t.quit)
			draw(&t);
	}
	tui_term_restore();
	tui_free(&t);
	return tui_term_stop_signal() ? 128 + tui_term_stop_signal() : 0;
}

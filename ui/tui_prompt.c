/* tui_prompt.c - the one-line prompt on the status line: the live name filter (/), a new delay (d, s), and the
 * time a replay goes to (g). */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nls.h"
#include "tui_state.h"

#define KEY_ESC 27
#define DELAY_MIN 0.05		/* the bounds -d accepts */
#define DELAY_MAX 86400

void tui_prompt_start(struct tui *t, enum tui_prompt_kind kind)
{
	t->prompt = kind;
	if (kind == PROMPT_FILTER)
		memcpy(t->input, t->filter, sizeof(t->input));
	else
		t->input[0] = '\0';
}

/* Seconds as typed, with either decimal mark whatever the locale. */
static bool parse_seconds(const char *s, double *out)
{
	char buf[TUI_FILTER_MAX];
	for (int pass = 0; pass < 2; pass++) {
		memcpy(buf, s, sizeof(buf));
		if (pass == 1)
			for (char *p = buf; *p; p++)
				*p = *p == '.' ? ',' : *p == ',' ? '.' : *p;
		char *end;
		errno = 0;
		double v = strtod(buf, &end);
		if (!errno && end != buf && !*end && isfinite(v)) {
			*out = v;
			return true;
		}
	}
	return false;
}

static void finish_delay(struct tui *t)
{
	double v;
	if (!t->input[0])
		return;		/* Enter alone keeps the delay, as in top */
	if (!parse_seconds(t->input, &v) || v < DELAY_MIN || v > DELAY_MAX)
		tui_set_message(t, _("Invalid delay '%s': expected seconds from 0.05 to 86400"), t->input);
	else
		t->delay = v;
}

/* Drops the last character, with all its UTF-8 continuation bytes. */
static void erase_last(char *s)
{
	size_t n = strlen(s);
	while (n > 0 && ((unsigned char)s[n - 1] & 0xc0) == 0x80)
		n--;
	if (n > 0)
		n--;
	s[n] = '\0';
}

static void input_changed(struct tui *t)
{
	if (t->prompt == PROMPT_FILTER) {
		memcpy(t->filter, t->input, sizeof(t->filter));
		tui_list_rebuild(t);
	}
}

bool tui_prompt_key(struct tui *t, int key)
{
	size_t n = strlen(t->input);
	switch (key) {
	case '\n':
	case '\r':
	case KEY_ENTER: {
		enum tui_prompt_kind was = t->prompt;
		t->prompt = PROMPT_NONE;
		if (was == PROMPT_DELAY)
			finish_delay(t);
		else if (was == PROMPT_TIME)
			tui_replay_goto(t, t->input);
		return true;
	}
	case KEY_ESC:
		if (t->prompt == PROMPT_FILTER) {
			t->input[0] = '\0';
			input_changed(t);
		}
		t->prompt = PROMPT_NONE;
		return true;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		erase_last(t->input);
		input_changed(t);
		return true;
	case 'U' & 0x1f:
		t->input[0] = '\0';
		input_changed(t);
		return true;
	}
	/* Bytes of the typed text (UTF-8 arrives a byte at a time); function keys go on to the view. */
	if (key < ' ' || key > 0xff)
		return false;
	if (key == 127)
		return true;
	if (t->prompt == PROMPT_DELAY && !strchr("0123456789.,", key))
		return true;
	if (t->prompt == PROMPT_TIME && !strchr("0123456789:-T @.", key))
		return true;
	if (n + 1 < sizeof(t->input)) {
		t->input[n] = (char)key;
		t->input[n + 1] = '\0';
		input_changed(t);
	}
	return true;
}

void tui_prompt_draw(struct tui *t)
{
	int y = LINES - 1;
	char label[96];
	if (t->prompt == PROMPT_FILTER)
		snprintf(label, sizeof(label), "%s ", _("Filter by name (Enter keeps, Esc clears):"));
	else if (t->prompt == PROMPT_TIME)
		snprintf(label, sizeof(label), "%s ", _("Go to (HH:MM[:SS] or YYYY-MM-DD HH:MM[:SS]):"));
	else
		snprintf(label, sizeof(label), _("Change delay from %.2g to (seconds): "), t->delay);
	tui_fill_line(y, A_NORMAL);
	attrset(A_BOLD);
	tui_put(y, 0, COLS, label);
	int x = getcurx(stdscr);
	attrset(A_NORMAL);
	tui_put(y, x, COLS - x - 1, t->input);
	x = getcurx(stdscr);
	if (x < COLS)
		mvaddch(y, x, ' ' | A_REVERSE);	/* where the next character goes */
}

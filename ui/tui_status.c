/* tui_status.c - the bottom line: a passing message, the sort, the delay, pause and filter, and key hints. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "nls.h"
#include "tui_state.h"

static const char *direction(const struct tui *t, bool descending)
{
	if (t->utf8)
		return descending ? "\u25bc" : "\u25b2";
	return descending ? "v" : "^";
}

static void list_state(const struct tui *t, char *buf, size_t len)
{
	bool desc = sort_key_descending(t->sort) != t->reverse;
	int n = snprintf(buf, len, _("Sort: %s%s  Delay: %.2gs"), tui_sort_title(t->sort), direction(t, desc),
			 t->delay);
	if (t->npins && n >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, _("  Pinned: %zu"), t->npins);
	if (t->filter[0] && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, _("  Filter: %s"), t->filter);
}

void tui_status_draw(struct tui *t)
{
	if (t->prompt != PROMPT_NONE) {
		tui_prompt_draw(t);
		return;
	}
	int y = LINES - 1;
	char state[256], line[512];
	if (t->mode == TUI_DRILL)
		tui_drill_state(t, state, sizeof(state));
	else
		list_state(t, state, sizeof(state));
	const char *hints = t->mode == TUI_DRILL
		? _("h:help q:quit Esc:back Tab/1-9:view <>R:sort")
		: _("h:help q:quit Enter:details <>:sort p:pin /:filter");
	snprintf(line, sizeof(line), "%s%s | %s", state, t->paused ? _("  PAUSED") : "", hints);
	int x = 0;
	tui_fill_line(y, A_NORMAL);
	if (t->message[0]) {
		attrset(tui_attr(t, PAIR_WARN, A_BOLD));
		tui_put(y, 0, COLS, t->message);
		x = getcurx(stdscr) + 2;
	}
	attrset(t->paused ? A_BOLD : A_NORMAL);
	tui_put(y, x, COLS - x, line);
	attrset(A_NORMAL);
}

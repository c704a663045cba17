/* tui_draw.c - text on the screen cut to a width in display columns: names are truncated, never wrapped. */
#include "config.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "fmt.h"
#include "tui_state.h"

void tui_put(int y, int x, int width, const char *s)
{
	if (y < 0 || y >= LINES || x < 0 || x >= COLS || width <= 0)
		return;
	if (width > COLS - x)
		width = COLS - x;
	/* the same rule as batch output (fmt_text): no control, C1 or ill-formed byte reaches the terminal */
	char buf[4 * 1024 + 1];
	move(y, x);
	addstr(fmt_text(buf, sizeof(buf), s, width, NULL));
}

void tui_putf(int y, int x, int width, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	tui_put(y, x, width, buf);
}

/* Blanks line y with attr and leaves attr on for the text the caller draws over it. */
void tui_fill_line(int y, int attr)
{
	attrset(attr);
	mvhline(y, 0, ' ' | (chtype)attr, COLS);
}

/* tui_draw.c - text on the screen cut to a width in display columns: names are truncated, never wrapped. */
#include "config.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "tui_state.h"

void tui_put(int y, int x, int width, const char *s)
{
	if (y < 0 || y >= LINES || x < 0 || x >= COLS || width <= 0)
		return;
	if (width > COLS - x)
		width = COLS - x;
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	move(y, x);
	int used = 0;
	while (*s) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, strlen(s), &st);
		if (n == (size_t)-1 || n == (size_t)-2) {
			/* Not text in this locale: show a placeholder and resync on the next byte. */
			wc = L'?';
			n = 1;
			memset(&st, 0, sizeof(st));
		}
		int w = wcwidth(wc);
		if (w < 0) {
			wc = L'?';
			w = 1;
		}
		if (used + w > width)
			break;
		addnwstr(&wc, 1);
		used += w;
		s += n;
	}
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

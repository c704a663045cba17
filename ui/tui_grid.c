/* tui_grid.c - fixed columns for the drill-down views: a title row with the sort column marked, and plain rows. */
#include "config.h"

#include <curses.h>
#include <string.h>

#include "tui_state.h"

/* Draws cells[i] in column i; a column of width 0 takes what is left of the line. */
static void put_cells(int y, const struct tui_col *cols, int n, const char *const *cells, int sorted, int base)
{
	int x = 0;
	for (int i = 0; i < n && x < COLS; i++) {
		int w = cols[i].width ? cols[i].width : COLS - x;
		int len = (int)strlen(cells[i]);
		attrset(i == sorted ? base | (int)(A_BOLD | A_UNDERLINE) : base);
		if (cols[i].left || len >= w)
			tui_put(y, x, w, cells[i]);
		else
			tui_put(y, x + w - len, len, cells[i]);
		x += w + 1;
	}
	attrset(A_NORMAL);
}

void tui_grid_titles(const struct tui *t, int y, const struct tui_col *cols, int n, int sorted)
{
	const char *titles[16];
	int base = tui_attr(t, PAIR_HEAD, A_REVERSE);
	for (int i = 0; i < n && i < 16; i++)
		titles[i] = cols[i].title;
	tui_fill_line(y, base);
	put_cells(y, cols, n < 16 ? n : 16, titles, sorted, base);
}

void tui_grid_row(int y, const struct tui_col *cols, int n, const char *const *cells, bool selected)
{
	int base = selected ? A_REVERSE : A_NORMAL;
	tui_fill_line(y, base);
	put_cells(y, cols, n, cells, -1, base);
}

/* The x where column i starts, for views that draw something of their own there (a bar). */
int tui_grid_x(const struct tui_col *cols, int i)
{
	int x = 0;
	for (int k = 0; k < i; k++)
		x += cols[k].width + 1;
	return x;
}

/* tui_bar.c - a stacked bar of parts of a whole: coloured cells, or one letter per part without colours. */
#include "config.h"

#include <curses.h>
#include <math.h>

#include "tui_state.h"

void tui_bar_draw(const struct tui *t, int y, int x, int width, const struct tui_bar_part *parts, int nparts,
		  double scale)
{
	if (width <= 0 || !(scale > 0))
		return;
	double sum = 0;
	int start = 0;
	for (int i = 0; i < nparts && start < width; i++) {
		if (!(parts[i].value > 0))
			continue;	/* unknown (NAN) or nothing: no cells */
		sum += parts[i].value;
		/* Cells end at the rounded running sum, so small parts still add up to the right length. */
		int end = (int)lround(sum / scale * width);
		if (end > width)
			end = width;
		if (end <= start)
			continue;
		chtype cell = t->color ? '|' | (chtype)tui_attr(t, parts[i].pair, A_BOLD)
				       : (chtype)(unsigned char)parts[i].letter;
		mvhline(y, x + start, cell, end - start);
		start = end;
	}
}

/* tui_theme.c - colours when the terminal has them and the user wants them; plain attributes otherwise. */
#include "config.h"

#include <curses.h>
#include <langinfo.h>
#include <stdlib.h>
#include <string.h>

#include "tui_state.h"

void tui_theme_init(struct tui *t)
{
	const char *no_color = getenv("NO_COLOR");
	t->utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
	t->color = t->opt->color && !(no_color && *no_color) && has_colors() && start_color() == OK && COLORS >= 8;
	if (!t->color)
		return;
	/* The terminal's own background, so a light or dark theme stays as the user set it. */
	short bg = use_default_colors() == OK ? -1 : COLOR_BLACK;
	init_pair(PAIR_GUEST, COLOR_GREEN, bg);
	init_pair(PAIR_VMM, COLOR_BLUE, bg);
	init_pair(PAIR_KERNEL, COLOR_RED, bg);
	init_pair(PAIR_VHOST, COLOR_MAGENTA, bg);
	init_pair(PAIR_SHARE, COLOR_YELLOW, bg);
	init_pair(PAIR_TITLE, COLOR_CYAN, bg);
	init_pair(PAIR_WARN, COLOR_YELLOW, bg);
	init_pair(PAIR_HEAD, COLOR_BLACK, COLOR_GREEN);
}

/* The attribute for a pair with colours, or mono_attr without them. */
int tui_attr(const struct tui *t, enum tui_pair pair, int mono_attr)
{
	if (!t->color || pair == PAIR_NONE)
		return mono_attr;
	return COLOR_PAIR(pair) | (mono_attr & (A_BOLD | A_UNDERLINE));
}

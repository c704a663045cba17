/* tui_help.c - the help screen: every key, what the columns mean, and the notes on what is unknown. */
#include "config.h"

#include <curses.h>
#include <stdio.h>

#include "nls.h"
#include "tui_state.h"

struct help_key {
	const char *keys;
	const char *what;	/* N_() */
};

static const struct help_key list_keys[] = {
	{ "q", N_("quit (also Ctrl-C)") },
	{ "h ? Ctrl-L", N_("this help, any key returns; Ctrl-L redraws the screen") },
	{ "arrows", N_("move the selection; PgUp PgDn a page, Home End first / last row") },
	{ "< >", N_("sort by the previous / next column") },
	{ "R", N_("reverse the sort order") },
	{ "P M N", N_("sort by total CPU / RSS (resident memory) / name (< > reach SWAP, KSM, BALLOON)") },
	{ "p", N_("pin / unpin the selected VM (pinned VMs stay on top, marked *)") },
	{ "/", N_("filter by name, live as you type; Enter keeps it, Esc clears it") },
	{ "Esc", N_("clear the filter (list) / back to the list (details)") },
	{ "Enter", N_("details of the selected VM") },
	{ "d s", N_("change the delay between updates (seconds, Enter)") },
	{ "space", N_("pause / resume; resuming updates at once (a replay: play / pause)") },
};

/* Shown only while replaying (-r). */
static const struct help_key replay_keys[] = {
	{ "t T  g", N_("next / previous record (also Right / Left); go to a time (HH:MM[:SS], date)") },
};

static const struct help_key drill_keys[] = {
	{ "Tab S-Tab", N_("next / previous view") },
	{ "1-9", N_("view by number (4 memory: bar, host KSM, NUMA nodes)") },
	{ "< > R", N_("sort the view's rows, reverse") },
	{ "Enter", N_("modules view: the component's top kernel functions in this VM (Esc: back to modules)") },
	{ "Esc Bksp", N_("back to the list, selection kept") },
};

static int draw_keys(int y, int max_y, const struct help_key *k, size_t n)
{
	for (size_t i = 0; i < n && y < max_y; i++, y++) {
		attrset(A_BOLD);
		tui_put(y, 2, 12, k[i].keys);
		attrset(A_NORMAL);
		tui_put(y, 15, COLS - 15, _(k[i].what));
	}
	return y;
}

void tui_help_draw(struct tui *t)
{
	int max_y = LINES, y = 0;
	attrset(tui_attr(t, PAIR_TITLE, A_BOLD));
	tui_putf(y++, 0, COLS, _("vmtop %s - help (any key returns)"), PACKAGE_VERSION);
	attrset(A_NORMAL);
	tui_put(y++, 0, COLS, _("% of one CPU: TOTAL = GUEST (in the guest) + VMM (its user space) + KERNEL (host"));
	tui_put(y++, 0, COLS, _("kernel, its threads) + VHOST. READY: waiting for a CPU. -: unknown, ~: estimated"));
	tui_put(y++, 0, COLS, _("MEM resident, SWAP swapped, KSM merged, BALLOON balloon size (wide terminals)"));
	tui_put(y++, 0, COLS, _("EXITS/s KVM exits/s (-: not seen). GUEST!: many exits, GUEST partly the switch"));
	y = draw_keys(y, max_y, list_keys, sizeof(list_keys) / sizeof(list_keys[0]));
	if (t->s->recording)
		y = draw_keys(y, max_y, replay_keys, sizeof(replay_keys) / sizeof(replay_keys[0]));
	if (y < max_y) {
		attrset(A_UNDERLINE);
		tui_put(y++, 0, COLS, _("In the details of a VM:"));
		attrset(A_NORMAL);
	}
	y = draw_keys(y, max_y, drill_keys, sizeof(drill_keys) / sizeof(drill_keys[0]));
	if (y < max_y) {
		char views[160];
		int n = snprintf(views, sizeof(views), "%s", _("Views:"));
		for (int i = 0; i < tui_nviews && n > 0 && (size_t)n < sizeof(views); i++)
			n += snprintf(views + n, sizeof(views) - (size_t)n, " %d %s", i + 1, _(tui_views[i]->name));
		tui_put(y++, 2, COLS - 2, views);
	}
	if (y + 1 < max_y) {
		y++;
		attrset(tui_attr(t, PAIR_WARN, A_BOLD));
		tui_header_notes(t, y, max_y);
		attrset(A_NORMAL);
	}
}

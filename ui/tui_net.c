/* tui_net.c - drill-down view 3: the VM's network rates and its tap devices with their bridges and counters. */
#include "config.h"

#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "nls.h"
#include "tui_state.h"

enum { K_IFACE, K_BRIDGE, K_RXB, K_TXB, K_RXP, K_TXP, K__COUNT };

static const char *const sort_names[K__COUNT] = { "TAP", "BRIDGE", "RX", "TX", "RXPKT", "TXPKT" };

static const struct tui_col cols[] = {
	{ "TAP", 15, true }, { "BRIDGE", 15, true }, { "RX", 8, false }, { "TX", 8, false },
	{ "RXPKT", 12, false }, { "TXPKT", 12, false },
};
#define NCOLS (int)(sizeof(cols) / sizeof(cols[0]))
#define MAX_TAPS 256

struct order_ctx {
	const struct tap_sample *taps;
	int key;
	bool reverse;
};

/* Counters since the tap was created, from the VM's point of view like the rates above them (what the tap
 * transmits the VM receives); NAN when they could not be read. */
static double counter(const struct tap_sample *tap, int key)
{
	if (!tap->counters_valid)
		return NAN;
	switch (key) {
	case K_RXB: return (double)tap->tx_bytes;
	case K_TXB: return (double)tap->rx_bytes;
	case K_RXP: return (double)tap->tx_packets;
	default: return (double)tap->rx_packets;
	}
}

static int compare(const void *a, const void *b, void *arg)
{
	const struct order_ctx *o = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const struct tap_sample *x = &o->taps[i], *y = &o->taps[j];
	int up = o->reverse ? -1 : 1, r;
	if (o->key == K_IFACE)
		r = strcmp(x->ifname, y->ifname) * up;
	else if (o->key == K_BRIDGE)
		r = strcmp(x->bridge, y->bridge) * up;
	else
		r = tui_cmp_num(counter(x, o->key), counter(y, o->key), -up);
	return r ? r : (i > j) - (i < j);
}

static size_t rows(const struct tui *t, const struct vm_stat *v)
{
	(void)t;
	return v->ntaps < MAX_TAPS ? v->ntaps : MAX_TAPS;
}

static void draw_row(int y, const struct tap_sample *tap, bool selected)
{
	char c[4][24];
	for (int k = K_RXB; k <= K_TXP; k++) {
		double n = counter(tap, k);
		if (isnan(n))
			snprintf(c[k - K_RXB], sizeof(c[0]), "-");
		else if (k <= K_TXB)
			fmt_rate(c[k - K_RXB], sizeof(c[0]), n);	/* bytes with a unit; no /s here */
		else
			snprintf(c[k - K_RXB], sizeof(c[0]), "%.0f", n);
	}
	const char *cells[NCOLS] = { tap->ifname, tap->bridge[0] ? tap->bridge : "-", c[0], c[1], c[2], c[3] };
	tui_grid_row(y, cols, NCOLS, cells, selected);
}

static void draw(struct tui *t, const struct vm_stat *v, int y, int h)
{
	const struct tui_view_state *vs = &t->views[t->view];
	if (h < 3)
		return;
	char r[4][24];
	if (v->net.valid)
		tui_putf(y, 1, COLS - 1, _("Rates as the VM sees them: rx %s/s %.0f pkt/s, tx %s/s %.0f pkt/s (RX, TX below: the same way)"),
			 fmt_rate(r[0], sizeof(r[0]), v->net.rx_bytes), v->net.rx_packets,
			 fmt_rate(r[1], sizeof(r[1]), v->net.tx_bytes), v->net.tx_packets);
	else
		tui_put(y, 1, COLS - 1, _("Rates as the VM sees them: - (no counters for this VM's taps yet)"));
	y++;
	h--;
	size_t n = rows(t, v);
	if (!n) {
		tui_put(y, 1, COLS - 1, _("No tap devices: this VM holds no /dev/net/tun descriptor"));
		return;
	}
	tui_grid_titles(t, y++, cols, NCOLS, vs->sort);
	h--;
	size_t order[MAX_TAPS];
	struct order_ctx ctx = { v->taps, vs->sort, vs->reverse };
	tui_drill_order(order, n, compare, &ctx);
	size_t first = tui_drill_scroll(t, n, h - 1);
	for (size_t i = first; i < n && i < first + (size_t)h - 1; i++)
		draw_row(y++, &v->taps[order[i]], i == vs->sel);
	tui_put(y, 1, COLS - 1, _("RX, TX: bytes and packets since each tap was created, as the host sees them"));
}

const struct tui_view tui_view_net = {
	.name = N_("net"),
	.sort_names = sort_names,
	.nsort = K__COUNT,
	.rows = rows,
	.draw = draw,
};

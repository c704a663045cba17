/* tui_header.c - the host summary above the VM table, and the notes saying what is unknown and why. */
#include "config.h"

#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <time.h>

#include "fmt.h"
#include "fmt_mem.h"
#include "nls.h"
#include "tui_state.h"

/* Line 1, like top's: "vmtop - host 12:00:00 up 3 days, 04:05, load average: ..." */
int tui_header_title(struct tui *t, int y)
{
	const struct host_stat *h = &t->s->model.host;
	char clock[16], up[48];
	time_t now = (time_t)t->s->model.time;
	struct tm tm;
	if (!now || !localtime_r(&now, &tm) || !strftime(clock, sizeof(clock), "%H:%M:%S", &tm))
		snprintf(clock, sizeof(clock), "--:--:--");
	attrset(tui_attr(t, PAIR_TITLE, A_BOLD));
	tui_putf(y, 0, COLS, "vmtop - %s %s %s %s, %s: %.2f, %.2f, %.2f", t->s->hostname, clock, _("up"),
		 fmt_uptime(up, sizeof(up), h->uptime), _("load average"), h->loadavg[0], h->loadavg[1], h->loadavg[2]);
	attrset(A_NORMAL);
	return tui_replay_line(t, y + 1);
}

/* Why exits show as - : no exits source, or kvm_exit not observable (kvm_pvm); or that they come from debugfs.
 * 1 with buf set, else 0. */
static int exits_note(const struct host_stat *h, char *buf, size_t len)
{
	if (!h->exits_valid && h->sources[PART_EXITS].why[0]) {
		if (buf)
			snprintf(buf, len, _("EXITS/s off: %s"), h->sources[PART_EXITS].why);
		return 1;
	}
	if (h->exits_valid && h->exits_note[0]) {
		if (buf)
			snprintf(buf, len, _("EXITS/s -: %s"), h->exits_note);
		return 1;
	}
	if (h->exits_valid && !h->exits_per_vcpu) {
		if (buf)
			snprintf(buf, len, _("Exits from KVM's debugfs, per VM, untimed (%s)"), h->sources[PART_EXITS].why);
		return 1;
	}
	return 0;
}

static int count_notes(const struct host_stat *h)
{
	return (h->guest_estimated || h->guest_unknown) + (!h->perf_enabled && h->perf_why_off[0] != '\0') +
	       exits_note(h, NULL, 0) + (h->guest_switch_vcpus > 0) + h->nwarnings;
}

/* The n-th note, in the order they are shown; false past the last one. */
static bool note_text(const struct host_stat *h, int n, char *buf, size_t len)
{
	if (h->guest_estimated || h->guest_unknown) {
		if (n-- == 0) {
			if (h->guest_estimated)
				snprintf(buf, len, _("GUEST~ estimated from perf samples: %s"), h->guest_why);
			else
				snprintf(buf, len, _("GUEST unknown (-), KERNEL includes it: %s"), h->guest_why);
			return true;
		}
	}
	if (!h->perf_enabled && h->perf_why_off[0]) {
		if (n-- == 0) {
			snprintf(buf, len, _("Module split off: %s"), h->perf_why_off);
			return true;
		}
	}
	if (exits_note(h, NULL, 0) && n-- == 0)
		return exits_note(h, buf, len);
	if (h->guest_switch_vcpus > 0 && n-- == 0) {
		fmt_switch_note(buf, len, h->guest_switch_vcpus, h->guest_switch);
		return true;
	}
	if (n < h->nwarnings) {
		snprintf(buf, len, _("Warning: %s"), h->warnings[n]);
		return true;
	}
	return false;
}

static const char *ratio(char *buf, size_t len, double r)
{
	if (isnan(r) || isinf(r))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.2f", r);
	return buf;
}

int tui_header_draw(struct tui *t, int max_lines)
{
	const struct host_stat *h = &t->s->model.host;
	char a[9][16], vratio[16], mratio[16];
	int y = tui_header_title(t, 0);
	tui_putf(y++, 0, COLS, _("VMs: %zu, vCPUs: %d on %d CPUs (%s vCPU/CPU), guest RAM/host RAM: %s"), h->nvms,
		 h->nvcpus, h->ncpus, ratio(vratio, sizeof(vratio), h->vcpu_ratio),
		 ratio(mratio, sizeof(mratio), h->mem_ratio));
	/* Least telling last, so a narrow terminal cuts nice and iowait first. */
	tui_putf(y++, 0, COLS, "%%Cpu(s): %s us, %s sy, %s gu, %s id, %s st, %s hi, %s si, %s wa, %s ni",
		 fmt_pct(a[0], 16, h->cpu.user), fmt_pct(a[1], 16, h->cpu.system), fmt_pct(a[2], 16, h->cpu.guest),
		 fmt_pct(a[3], 16, h->cpu.idle), fmt_pct(a[4], 16, h->cpu.steal), fmt_pct(a[5], 16, h->cpu.irq),
		 fmt_pct(a[6], 16, h->cpu.softirq), fmt_pct(a[7], 16, h->cpu.iowait), fmt_pct(a[8], 16, h->cpu.nice));
	long long used = h->mem_avail_kib <= h->mem_total_kib ? (long long)(h->mem_total_kib - h->mem_avail_kib) : -1;
	if (h->perf_enabled)
		tui_putf(y++, 0, COLS, _("Mem: %s total, %s used, %s available   Perf: %u Hz, %lu samples, %lu lost"),
			 fmt_kib(a[0], 16, (long long)h->mem_total_kib), fmt_kib(a[1], 16, used),
			 fmt_kib(a[2], 16, (long long)h->mem_avail_kib), h->sample_hz, h->perf_samples, h->perf_lost);
	else
		tui_putf(y++, 0, COLS, _("Mem: %s total, %s used, %s available"),
			 fmt_kib(a[0], 16, (long long)h->mem_total_kib), fmt_kib(a[1], 16, used),
			 fmt_kib(a[2], 16, (long long)h->mem_avail_kib));
	char ksm[128];
	if (fmt_ksm_line(ksm, sizeof(ksm), h)[0])
		tui_put(y++, 0, COLS, ksm);
	int notes = count_notes(h), room = max_lines - y;
	if (room < 1)
		room = 1;
	attrset(tui_attr(t, PAIR_WARN, A_BOLD));
	for (int i = 0; i < notes; i++) {
		char buf[400];
		if (i == room - 1 && notes > room) {
			tui_putf(y++, 0, COLS, _("(%d more notes: h lists them)"), notes - i);
			break;
		}
		note_text(h, i, buf, sizeof(buf));
		tui_put(y++, 0, COLS, buf);
	}
	attrset(A_NORMAL);
	return y;
}

/* Every note, for the help screen; returns the next free line. */
int tui_header_notes(struct tui *t, int y, int max_y)
{
	const struct host_stat *h = &t->s->model.host;
	char buf[400];
	for (int i = 0; y < max_y && note_text(h, i, buf, sizeof(buf)); i++)
		tui_put(y++, 2, COLS - 2, buf);
	return y;
}

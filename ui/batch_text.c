/* batch_text.c - a refresh as text, like `top -b`: a host header, then one row per VM. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "batch.h"
#include "fmt.h"
#include "fmt_mem.h"
#include "nls.h"

/* "Sources: stat=proc threads=proc perf=- net=netlink", then why a part has none or fell back (perf's
 * reason is on its own Perf: line). */
static void print_sources(FILE *out, const struct host_stat *h)
{
	fputs(_("Sources:"), out);
	for (int p = 0; p < PART__COUNT; p++)
		fprintf(out, " %s=%s", sample_part_name((enum sample_part)p),
			h->sources[p].name[0] ? h->sources[p].name : "-");
	fputc('\n', out);
	for (int p = 0; p < PART__COUNT; p++)
		if (h->sources[p].why[0] && !(p == PART_PERF && !h->perf_enabled))
			fprintf(out, _("Note: %s: %s\n"), sample_part_name((enum sample_part)p), h->sources[p].why);
}

/* s right-aligned in width columns at o, as printf's "%*s" (the row's fields are ASCII, the name is padded
 * already); returns the end. One fprintf of a row's eleven fields cost a third of a text refresh. */
static char *put_right(char *o, const char *s, int width)
{
	size_t n = strlen(s);
	for (int pad = width - (int)n; pad > 0; pad--)
		*o++ = ' ';
	memcpy(o, s, n);
	return o + n;
}

static void print_header(FILE *out, const struct model *m, const char *hostname)
{
	const struct host_stat *h = &m->host;
	char clock[16], up[48], pct[9][16], mem[2][16];
	time_t t = (time_t)m->time;
	struct tm tm;
	strftime(clock, sizeof(clock), "%H:%M:%S", localtime_r(&t, &tm));
	fprintf(out, "vmtop - %s %s %s %s, %s: %.2f, %.2f, %.2f\n", hostname, clock, _("up"),
		fmt_uptime(up, sizeof(up), h->uptime), _("load average"), h->loadavg[0], h->loadavg[1],
		h->loadavg[2]);
	fprintf(out, _("VMs: %zu, vCPUs: %d on %d CPUs (%.2f vCPU/CPU), guest RAM/host RAM: %s\n"), h->nvms,
		h->nvcpus, h->ncpus, h->vcpu_ratio,
		isnan(h->mem_ratio) ? "-" : (snprintf(pct[0], sizeof(pct[0]), "%.2f", h->mem_ratio), pct[0]));
	fprintf(out, "%%Cpu(s): %s us, %s ni, %s sy, %s gu, %s hi, %s si, %s id, %s wa, %s st\n",
		fmt_pct(pct[0], 16, h->cpu.user), fmt_pct(pct[1], 16, h->cpu.nice), fmt_pct(pct[2], 16, h->cpu.system),
		fmt_pct(pct[3], 16, h->cpu.guest), fmt_pct(pct[4], 16, h->cpu.irq), fmt_pct(pct[5], 16, h->cpu.softirq),
		fmt_pct(pct[6], 16, h->cpu.idle), fmt_pct(pct[7], 16, h->cpu.iowait), fmt_pct(pct[8], 16, h->cpu.steal));
	fprintf(out, _("Mem: %s total, %s available\n"), fmt_kib(mem[0], 16, (long long)h->mem_total_kib),
		fmt_kib(mem[1], 16, (long long)h->mem_avail_kib));
	char ksm[128];
	if (fmt_ksm_line(ksm, sizeof(ksm), h)[0])
		fprintf(out, "%s\n", ksm);
	print_sources(out, h);
	if (h->guest_estimated)
		fprintf(out, _("Note: %s; GUEST estimated from perf samples (~)\n"), h->guest_why);
	else if (h->guest_unknown)
		fprintf(out, _("Note: %s; GUEST shown as -, KERNEL includes it\n"), h->guest_why);
	if (h->perf_enabled)
		fprintf(out, _("Perf: %u Hz, %lu samples, %lu lost\n"), h->sample_hz, h->perf_samples, h->perf_lost);
	else if (h->perf_why_off[0])
		fprintf(out, _("Perf: %s\n"), h->perf_why_off);
	if (h->exits_valid)
		fprintf(out, _("Exits: %s/s kvm_exit, %s/s to the VMM, %llu dropped%s%s\n"),
			fmt_per_s(pct[0], 16, h->exits_rate), fmt_per_s(pct[1], 16, h->exits_userspace_rate), h->exits_drops,
			h->exits_note[0] ? "; " : "", h->exits_note);
	char note[256];
	if (h->guest_switch_vcpus > 0)
		fprintf(out, _("Note: %s\n"), fmt_switch_note(note, sizeof(note), h->guest_switch_vcpus, h->guest_switch));
	for (int i = 0; i < h->nwarnings; i++)
		fprintf(out, _("Warning: %s\n"), h->warnings[i]);
}

void batch_text_print(FILE *out, const struct model *m, const size_t *order, const char *hostname)
{
	print_header(out, m, hostname);
	fprintf(out, "\n%7s %-20s %4s %7s %7s %7s %7s %7s %7s %7s %8s\n", "PID", "NAME", "VCPU", "TOTAL%", "GUEST%",
		"VMM%", "KERNEL%", "VHOST%", "READY%", "RSS", "EXITS/s");
	for (size_t i = 0; i < m->nvms; i++) {
		const struct vm_stat *v = &m->vms[order[i]];
		char p[6][16], rss[16], guest[18];
		/* rounded together so that the printed parts add up to the printed total */
		double split[4] = { v->guest, v->vmm_user, v->kernel, v->vhost };
		double total = fmt_round_split(v->total, split, 4, 0.1);
		fmt_guest(guest, sizeof(guest), split[0], v->guest_estimated, v->guest_includes_switch);
		char name[4 * 20 + 1];
		char exits[16], pid[16], vcpus[16];
		fmt_fixed(pid, sizeof(pid), v->pid, 0);
		fmt_fixed(vcpus, sizeof(vcpus), v->nr_vcpus, 0);
		/* as "%7d %s %4d %7s %7s %7s %7s %7s %7s %7s %8s\n" */
		const char *field[] = { fmt_name(name, sizeof(name), v->name, 20), vcpus, fmt_pct(p[1], 16, total), guest,
					fmt_pct(p[2], 16, split[1]), fmt_pct(p[3], 16, split[2]),
					fmt_pct(p[4], 16, split[3]), fmt_pct(p[5], 16, v->ready),
					fmt_kib(rss, 16, (long long)v->rss_kib),
					fmt_per_s(exits, sizeof(exits), v->exits.rate) };
		static const int width[] = { 0, 4, 7, 7, 7, 7, 7, 7, 7, 8 };
		char line[sizeof(name) + 12 * 24], *o = put_right(line, pid, 7);
		for (size_t f = 0; f < sizeof(field) / sizeof(field[0]); f++) {
			*o++ = ' ';
			o = put_right(o, field[f], width[f]);
		}
		*o++ = '\n';
		fwrite(line, 1, (size_t)(o - line), out);
	}
	fputc('\n', out);
}

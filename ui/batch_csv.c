/* batch_csv.c - a refresh as CSV rows, one per VM, under one header row (RFC 4180 quoting; empty = unknown). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "batch.h"
#include "fmt.h"

static void csv_str(FILE *out, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void csv_num(FILE *out, double v)
{
	fputc(',', out);
	if (!isnan(v) && !isinf(v))
		fprintf(out, "%.2f", v);
}

/* A KiB figure; empty when unknown. */
static void csv_kib(FILE *out, long long v)
{
	fputc(',', out);
	if (v >= 0)
		fprintf(out, "%lld", v);
}

static const int csv_components[] = { COMP_GUEST, COMP_VMM_USER, COMP_KVM, COMP_KVM_VENDOR, COMP_VHOST,
				       COMP_TUN, COMP_OTHER_KERNEL };
static const int csv_shared[] = { COMP_BRIDGE, COMP_NIC, COMP_TUN };
#define N(a) (sizeof(a) / sizeof((a)[0]))

void batch_csv_print(FILE *out, const struct model *m, const size_t *order, int first)
{
	if (first) {
		fputs("time,interval,pid,name,vcpus,total,guest,vmm_user,kernel,vhost,ready,guest_estimated,"
		      "rss_kib,mem_config_kib", out);
		for (size_t c = 0; c < N(csv_components); c++)
			fprintf(out, ",comp_%s", component_name((enum component)csv_components[c]));
		for (size_t c = 0; c < N(csv_shared); c++)
			fprintf(out, ",apportioned_%s", component_name((enum component)csv_shared[c]));
		fputs(",net_rx_bytes,net_tx_bytes,net_rx_packets,net_tx_packets", out);
		fputs(",mem_anon_kib,mem_file_kib,mem_shmem_kib,mem_swap_kib,mem_thp_kib,mem_hugetlb_kib,mem_majflt_rate,"
		      "ksm_merging_pages,ksm_rmap_items,ksm_zero_pages,ksm_profit_bytes,balloon_actual_kib,"
		      "balloon_target_kib", out);
		fputs(",exits_rate,exits_userspace_rate,exits_top,guest_includes_switch\n", out);
	}
	for (size_t i = 0; i < m->nvms; i++) {
		const struct vm_stat *v = &m->vms[order[i]];
		fprintf(out, "%.3f,%.3f,%d,", m->time, m->interval, (int)v->pid);
		char name[VM_NAME_MAX];
		csv_str(out, fmt_name(name, sizeof(name), v->name, 0));
		fprintf(out, ",%d", v->nr_vcpus);
		/* rounded together so that the written parts add up to the written total */
		double split[4] = { v->guest, v->vmm_user, v->kernel, v->vhost };
		csv_num(out, fmt_round_split(v->total, split, 4, 0.01));
		for (int k = 0; k < 4; k++)
			csv_num(out, split[k]);
		csv_num(out, v->ready);
		fprintf(out, ",%d,%llu,", v->guest_estimated ? 1 : 0, v->rss_kib);
		if (v->mem_config_kib >= 0)
			fprintf(out, "%lld", v->mem_config_kib);
		for (size_t c = 0; c < N(csv_components); c++)
			csv_num(out, v->components_valid ? v->components[csv_components[c]] : NAN);
		for (size_t c = 0; c < N(csv_shared); c++)
			csv_num(out, v->components_valid ? v->apportioned[csv_shared[c]] : NAN);
		csv_num(out, v->net.valid ? v->net.rx_bytes : NAN);
		csv_num(out, v->net.valid ? v->net.tx_bytes : NAN);
		csv_num(out, v->net.valid ? v->net.rx_packets : NAN);
		csv_num(out, v->net.valid ? v->net.tx_packets : NAN);
		const struct vm_mem_stat *s = &v->mem;
		csv_kib(out, s->anon_kib);
		csv_kib(out, s->file_kib);
		csv_kib(out, s->shmem_kib);
		csv_kib(out, s->swap_kib);
		csv_kib(out, s->thp_kib);
		csv_kib(out, s->hugetlb_kib);
		csv_num(out, s->majflt_rate);
		csv_kib(out, s->ksm_merging_pages);
		csv_kib(out, s->ksm_rmap_items);
		csv_kib(out, s->ksm_zero_pages);
		fputc(',', out);
		if (s->ksm_profit_bytes != MEM_UNKNOWN_SIGNED)
			fprintf(out, "%lld", s->ksm_profit_bytes);
		csv_kib(out, s->balloon.actual_kib);
		csv_kib(out, s->balloon.target_kib);
		csv_num(out, v->exits.rate);
		csv_num(out, v->exits.userspace_rate);
		fputc(',', out);
		char top[48];
		if (v->exits.valid && fmt_exit_top(top, sizeof(top), v->exits.top_ev, v->exits.top))
			csv_str(out, top);
		fputc(',', out);
		if (v->guest_includes_switch >= 0)
			fprintf(out, "%d", v->guest_includes_switch);
		fputc('\n', out);
	}
}

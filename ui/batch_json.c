/* batch_json.c - a refresh as one JSON object on one line (the contract is in vmtop(1)). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "batch.h"
#include "exit_names.h"
#include "fmt.h"
#include "mem_parse.h"

/* A JSON string; bytes that are not valid UTF-8 become U+FFFD so the line always parses; C0, DEL and C1 are
 * escaped, so that `cat` of the output never sends a VM name's control sequence to a terminal. */
static void json_str(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	fputc('"', out);
	while (*p) {
		unsigned char c = *p;
		if (c == '"' || c == '\\') {
			fputc('\\', out);
			fputc(c, out);
			p++;
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(out, "\\u%04x", c);
			p++;
		} else if (c < 0x80) {
			fputc(c, out);
			p++;
		} else {
			size_t len = fmt_utf8_len((const char *)p);
			if (len == 2 && c == 0xc2 && p[1] <= 0x9f) {
				fprintf(out, "\\u%04x", p[1]);
				p += 2;
			} else if (len) {
				fwrite(p, 1, len, out);
				p += len;
			} else {
				fputs("\\ufffd", out);
				p++;
			}
		}
	}
	fputc('"', out);
}

static void json_num(FILE *out, double v)
{
	if (isnan(v) || isinf(v))
		fputs("null", out);
	else
		fprintf(out, "%.2f", v);
}

static void json_key_num(FILE *out, const char *key, double v, bool comma)
{
	fprintf(out, "%s\"%s\":", comma ? "," : "", key);
	json_num(out, v);
}

/* ,"key":true|false|null for 1, 0 and -1 (unknown) */
static void json_key_tristate(FILE *out, const char *key, int v)
{
	fprintf(out, ",\"%s\":%s", key, v > 0 ? "true" : v == 0 ? "false" : "null");
}

/* An integer, or null when unknown (below zero, or MEM_UNKNOWN_SIGNED where negatives are real values). */
static void json_key_int(FILE *out, const char *key, long long v, bool known, bool comma)
{
	fprintf(out, "%s\"%s\":", comma ? "," : "", key);
	if (known)
		fprintf(out, "%lld", v);
	else
		fputs("null", out);
}

static void json_key_kib(FILE *out, const char *key, long long v, bool comma)
{
	json_key_int(out, key, v, v >= 0, comma);
}

static void json_components(FILE *out, const char *key, const double *c, bool valid, const int *which, int n)
{
	fprintf(out, ",\"%s\":", key);
	if (!valid) {
		fputs("null", out);
		return;
	}
	fputc('{', out);
	for (int i = 0; i < n; i++)
		json_key_num(out, component_name((enum component)which[i]), c[which[i]], i > 0);
	fputc('}', out);
}

static const int own_components[] = { COMP_GUEST, COMP_VMM_USER, COMP_KVM, COMP_KVM_VENDOR, COMP_VHOST,
				      COMP_TUN, COMP_OTHER_KERNEL };
static const int shared_components[] = { COMP_BRIDGE, COMP_NIC, COMP_TUN };
static const int host_components[] = { COMP_GUEST, COMP_VMM_USER, COMP_KVM, COMP_KVM_VENDOR, COMP_VHOST,
				       COMP_TUN, COMP_BRIDGE, COMP_NIC, COMP_OTHER_KERNEL, COMP_HOST_USER };
#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* "sources": the source filling each part or null; "source_reasons": why a part has none or fell back. */
static void print_sources(FILE *out, const struct host_stat *h)
{
	fputs(",\"sources\":{", out);
	for (int p = 0; p < PART__COUNT; p++) {
		fprintf(out, "%s\"%s\":", p ? "," : "", sample_part_name((enum sample_part)p));
		if (h->sources[p].name[0])
			json_str(out, h->sources[p].name);
		else
			fputs("null", out);
	}
	fputs("},\"source_reasons\":{", out);
	bool first = true;
	for (int p = 0; p < PART__COUNT; p++) {
		if (!h->sources[p].why[0])
			continue;
		fprintf(out, "%s\"%s\":", first ? "" : ",", sample_part_name((enum sample_part)p));
		json_str(out, h->sources[p].why);
		first = false;
	}
	fputc('}', out);
}

/* host "ksm", "thp", "hugepages", "swap", "psi" and "mem_ratio_after_ksm" (null each where unknown). */
static void print_host_mem(FILE *out, const struct host_stat *h)
{
	const struct host_mem_sample *hm = &h->mem;
	fputs(",\"ksm\":", out);
	if (!hm->valid) {
		fputs("null,\"thp\":null,\"hugepages\":null,\"swap\":null,\"psi\":null", out);
	} else {
		fputc('{', out);
		for (int f = 0; f < KSM__COUNT; f++)
			json_key_int(out, mem_ksm_file((enum ksm_field)f), hm->ksm[f], hm->ksm[f] != MEM_UNKNOWN_SIGNED,
				     f > 0);
		fputc('}', out);
		fputs(",\"thp\":{\"enabled\":", out);
		if (hm->thp_enabled[0])
			json_str(out, hm->thp_enabled);
		else
			fputs("null", out);
		fputs("},\"hugepages\":[", out);
		for (int i = 0; i < hm->npools; i++) {
			fprintf(out, "%s{\"size_kib\":%lld", i ? "," : "", hm->pools[i].size_kib);
			json_key_kib(out, "total", hm->pools[i].total, true);
			json_key_kib(out, "free", hm->pools[i].free, true);
			fputc('}', out);
		}
		fputs("],\"swap\":{", out);
		json_key_kib(out, "total_kib", hm->swap_total_kib, false);
		json_key_kib(out, "free_kib", hm->swap_free_kib, true);
		fputs("},\"psi\":", out);
		if (hm->psi_valid) {
			fputc('{', out);
			json_key_num(out, "some_avg10", hm->psi_some_avg10, false);
			json_key_num(out, "full_avg10", hm->psi_full_avg10, true);
			fprintf(out, ",\"some_total_us\":%llu,\"full_total_us\":%llu}", hm->psi_some_total_us,
				hm->psi_full_total_us);
		} else {
			fputs("null", out);
		}
	}
	json_key_kib(out, "ksm_saved_kib", h->ksm_saved_kib, true);
	json_key_num(out, "mem_ratio_after_ksm", h->mem_ratio_after_ksm, true);
}

static const char *const exits_event_names[EXITS_EV__COUNT] = {
#define EXITS_NAME(id, tp) [EXITS_EV_##id] = #tp,
	EXITS_EVENTS(EXITS_NAME)
#undef EXITS_NAME
};

/* "exits" of the host: the source (null with the reason), the events attached, kvm_exit's note, totals. */
static void print_host_exits(FILE *out, const struct host_stat *h)
{
	fputs(",\"exits\":{\"source\":", out);
	if (h->exits_valid)
		json_str(out, h->sources[PART_EXITS].name);
	else
		fputs("null", out);
	if (h->sources[PART_EXITS].why[0]) {
		fputs(",\"reason\":", out);
		json_str(out, h->sources[PART_EXITS].why);
	}
	if (h->exits_valid) {
		/* attached; not attached (the kernel lacks it); left out on purpose (--exits=all counts it) */
		static const char *const states[] = { "live", "not_live", "off" };
		for (int k = 0; k < 3; k++) {
			fprintf(out, ",\"%s\":[", states[k]);
			bool first = true;
			for (int ev = 0; ev < EXITS_EV__COUNT; ev++)
				if ((h->exits_live[ev] ? 0 : h->exits_off[ev] ? 2 : 1) == k) {
					fputs(first ? "" : ",", out);
					json_str(out, exits_event_names[ev]);
					first = false;
				}
			fputc(']', out);
		}
		fprintf(out, ",\"kvm_exit_observable\":%s,\"per_vcpu\":%s,\"timed\":%s",
			h->exits_observable ? "true" : "false", h->exits_per_vcpu ? "true" : "false",
			h->exits_timed ? "true" : "false");
		if (h->exits_note[0]) {
			fputs(",\"note\":", out);
			json_str(out, h->exits_note);
		}
		fprintf(out, ",\"drops\":%llu", h->exits_drops);
		fprintf(out, ",\"time\":%.3f", h->exits_time);
		json_key_num(out, "interval", h->exits_interval, true);
	}
	json_key_num(out, "rate", h->exits_rate, true);
	json_key_num(out, "userspace_rate", h->exits_userspace_rate, true);
	fputc('}', out);
}

static void json_name_or_null(FILE *out, const char *s)
{
	if (s)
		json_str(out, s);
	else
		fputs("null", out);
}

/* {NAME: rate, ...} of one event's rows, named by name(), or with timed {NAME: {rate, time_pct}, ...}; null when
 * the event is not counted. */
static void json_rows(FILE *out, const char *key, const struct exits_stat *e, int ev, bool live, bool timed,
		      const char *(*name)(unsigned long long, char *, size_t))
{
	fprintf(out, ",\"%s\":", key);
	if (!e->valid || !live) {
		fputs("null", out);
		return;
	}
	fputc('{', out);
	for (size_t i = 0; i < e->nrows[ev]; i++) {
		const struct exit_row *r = &e->rows[ev][i];
		char buf[48];
		fputs(i ? "," : "", out);
		json_str(out, name(r->arg, buf, sizeof(buf)));
		if (timed) {
			fputs(":{", out);
			json_key_num(out, "rate", r->rate, false);
			json_key_num(out, "time_pct", r->time_pct, true);
			fputc('}', out);
		} else {
			fputc(':', out);
			json_num(out, r->rate);
		}
	}
	fputc('}', out);
}

static const char *vector_name(unsigned long long v, char *buf, size_t len)
{
	if (v == EXITS_ARG_ALL)
		return "all";	/* a total over every vector or hypercall (debugfs) */
	snprintf(buf, len, "%llu", v);
	return buf;
}

/* A VM's "exits": rate (null where kvm_exit is not observable), reasons with their time, exits to the VMM, the
 * busiest ports, MMIO pages, MSRs and vectors. */
static void print_vm_exits(FILE *out, const struct vm_stat *v, const struct host_stat *h)
{
	const struct exits_stat *e = &v->exits;
	fputs(",\"exits\":{\"source\":", out);
	json_name_or_null(out, h->exits_valid ? h->sources[PART_EXITS].name : NULL);
	json_key_num(out, "rate", e->rate, true);
	json_key_num(out, "time_pct", e->time_pct, true);
	json_key_num(out, "userspace_rate", e->userspace_rate, true);
	char buf[48];
	fputs(",\"top\":", out);
	json_name_or_null(out, e->valid ? fmt_exit_top(buf, sizeof(buf), e->top_ev, e->top) : NULL);
	json_rows(out, "reasons", e, EXITS_EV_EXIT, h->exits_observable, true, exit_reason_name);
	json_rows(out, "userspace", e, EXITS_EV_USER, h->exits_live[EXITS_EV_USER], false, exit_userspace_name);
	fputs(",\"pio\":", out);
	if (!e->valid || !h->exits_live[EXITS_EV_PIO]) {
		fputs("null", out);
	} else {
		fputc('[', out);
		for (size_t i = 0; i < e->nrows[EXITS_EV_PIO]; i++) {
			const struct exit_row *r = &e->rows[EXITS_EV_PIO][i];
			fprintf(out, "%s{\"port\":%llu,\"dir\":\"%s\"", i ? "," : "", r->arg & 0xffff,
				(r->arg >> 16) & 1 ? "out" : "in");
			json_key_num(out, "rate", r->rate, true);
			fputc('}', out);
		}
		fputc(']', out);
	}
	fputs(",\"mmio\":", out);
	if (!e->valid || !h->exits_live[EXITS_EV_MMIO]) {
		fputs("null", out);
	} else {
		static const char *const types[] = { "read_unsatisfied", "read", "write" };
		fputc('[', out);
		for (size_t i = 0; i < e->nrows[EXITS_EV_MMIO]; i++) {
			const struct exit_row *r = &e->rows[EXITS_EV_MMIO][i];
			unsigned t = (unsigned)(r->arg >> 56);
			fprintf(out, "%s{\"gpa\":%llu,\"type\":\"%s\"", i ? "," : "",
				(r->arg & 0xffffffffffffULL) << 12, t < 3 ? types[t] : "?");
			json_key_num(out, "rate", r->rate, true);
			fputc('}', out);
		}
		fputc(']', out);
	}
	fputs(",\"msr\":", out);
	if (!e->valid || !h->exits_live[EXITS_EV_MSR]) {
		fputs("null", out);
	} else {
		fputc('[', out);
		for (size_t i = 0; i < e->nrows[EXITS_EV_MSR]; i++) {
			const struct exit_row *r = &e->rows[EXITS_EV_MSR][i];
			fprintf(out, "%s{\"index\":%llu,\"dir\":\"%s\"", i ? "," : "", r->arg & 0xffffffffULL,
				(r->arg >> 32) & 1 ? "write" : "read");
			json_key_num(out, "rate", r->rate, true);
			fputc('}', out);
		}
		fputc(']', out);
	}
	json_rows(out, "irq", e, EXITS_EV_VIRQ, h->exits_live[EXITS_EV_VIRQ], false, vector_name);
	json_rows(out, "apic_irq", e, EXITS_EV_APIC, h->exits_live[EXITS_EV_APIC], false, vector_name);
	json_rows(out, "hypercall", e, EXITS_EV_HCALL, h->exits_live[EXITS_EV_HCALL], false, vector_name);
	json_rows(out, "halt", e, EXITS_EV_WAKE, h->exits_live[EXITS_EV_WAKE], true, exit_wake_name);
	json_rows(out, "page_faults", e, EXITS_EV_PF, h->exits_live[EXITS_EV_PF], false, exit_fault_name);
	json_rows(out, "emulated", e, EXITS_EV_EMUL, h->exits_live[EXITS_EV_EMUL], false, exit_emul_name);
	fputc('}', out);
}

static void print_host(FILE *out, const struct model *m, const char *hostname)
{
	const struct host_stat *h = &m->host;
	fputs("\"host\":{\"hostname\":", out);
	json_str(out, hostname);
	fprintf(out, ",\"ncpus\":%d,\"vms\":%zu,\"vcpus\":%d", h->ncpus, h->nvms, h->nvcpus);
	json_key_num(out, "vcpu_ratio", h->vcpu_ratio, true);
	json_key_num(out, "mem_ratio", h->mem_ratio, true);
	fprintf(out, ",\"mem_total_kib\":%llu,\"mem_avail_kib\":%llu", h->mem_total_kib, h->mem_avail_kib);
	json_key_num(out, "uptime", h->uptime, true);
	fprintf(out, ",\"loadavg\":[%.2f,%.2f,%.2f]", h->loadavg[0], h->loadavg[1], h->loadavg[2]);
	fputs(",\"cpu\":{", out);
	json_key_num(out, "user", h->cpu.user, false);
	json_key_num(out, "nice", h->cpu.nice, true);
	json_key_num(out, "system", h->cpu.system, true);
	json_key_num(out, "guest", h->cpu.guest, true);
	json_key_num(out, "irq", h->cpu.irq, true);
	json_key_num(out, "softirq", h->cpu.softirq, true);
	json_key_num(out, "idle", h->cpu.idle, true);
	json_key_num(out, "iowait", h->cpu.iowait, true);
	json_key_num(out, "steal", h->cpu.steal, true);
	fputs("},\"guest_time\":", out);
	json_str(out, h->guest_estimated ? "estimated" : h->guest_unknown ? "unknown" : "accounted");
	if (h->guest_unknown || h->guest_estimated) {
		fputs(",\"guest_time_reason\":", out);
		json_str(out, h->guest_why);
	}
	fputs(",\"guest_switch\":", out);
	json_name_or_null(out, h->guest_switch);
	fprintf(out, ",\"perf\":{\"enabled\":%s,\"sample_hz\":%u", h->perf_enabled ? "true" : "false", h->sample_hz);
	if (h->perf_enabled) {
		fprintf(out, ",\"samples\":%lu,\"lost\":%lu,\"kvm_vendor\":", h->perf_samples, h->perf_lost);
		json_str(out, h->kvm_vendor);
		fputs(",\"kernel_split_by\":", out);
		if (h->kernel_split_by[0])
			json_str(out, h->kernel_split_by);
		else
			fputs("null", out);
	} else {
		fputs(",\"reason\":", out);
		json_str(out, h->perf_why_off);
	}
	if (h->funcs_wanted) {
		fprintf(out, ",\"functions\":{\"valid\":%s,\"reason\":", h->funcs_valid ? "true" : "false");
		if (h->funcs_valid || !h->funcs_why[0])
			fputs("null", out);
		else
			json_str(out, h->funcs_why);
		fputc('}', out);
	}
	fputc('}', out);
	json_components(out, "components", h->host_components, h->perf_enabled, host_components, N(host_components));
	json_components(out, "apportioned", h->apportioned_components, h->perf_enabled, shared_components,
			N(shared_components));
	print_host_mem(out, h);
	print_sources(out, h);
	print_host_exits(out, h);
	fputs(",\"warnings\":[", out);
	for (int i = 0; i < h->nwarnings; i++) {
		if (i)
			fputc(',', out);
		json_str(out, h->warnings[i]);
	}
	fputs("]}", out);
}

static void print_threads(FILE *out, const struct vm_stat *v, const struct host_stat *h)
{
	fputs(",\"vcpu\":[", out);
	bool first = true;
	for (size_t i = 0; i < v->nthreads; i++) {
		const struct thread_stat *t = &v->threads[i];
		if (t->role != ROLE_VCPU)
			continue;
		fprintf(out, "%s{\"index\":%d,\"tid\":%d", first ? "" : ",", t->vcpu_index, (int)t->tid);
		double split[3] = { t->guest, t->user, t->kernel };
		json_key_num(out, "total", fmt_round_split(t->total, split, 3, 0.01), true);
		json_key_num(out, "guest", split[0], true);
		json_key_num(out, "user", split[1], true);
		json_key_num(out, "kernel", split[2], true);
		json_key_num(out, "ready", t->ready, true);
		fprintf(out, ",\"guest_estimated\":%s", t->guest_estimated ? "true" : "false");
		fputs(",\"guest_source\":", out);
		json_name_or_null(out, isnan(t->guest) ? NULL : t->guest_is_traced ? "traced" :
				  t->guest_estimated ? "samples" : "accounted");
		json_key_num(out, "guest_traced", t->guest_traced, true);
		json_key_num(out, "gtime", t->gtime, true);
		json_key_tristate(out, "guest_includes_switch", t->guest_includes_switch);
		fprintf(out, ",\"last_cpu\":%d", t->last_cpu);
		fputs(",\"exits\":{", out);
		json_key_num(out, "rate", t->exits_rate, false);
		json_key_num(out, "userspace", t->exits_userspace, true);
		char buf[48];
		fputs(",\"top\":", out);
		json_name_or_null(out, h->exits_valid ? fmt_exit_top(buf, sizeof(buf), t->exits_top_ev, t->exits_top) : NULL);
		fputs("}}", out);
		first = false;
	}
	fputs("],\"threads\":[", out);
	first = true;
	for (size_t i = 0; i < v->nthreads; i++) {
		const struct thread_stat *t = &v->threads[i];
		if (t->role == ROLE_VCPU)
			continue;
		fprintf(out, "%s{\"tid\":%d,\"role\":\"%s\",\"name\":", first ? "" : ",", (int)t->tid,
			thread_role_name(t->role));
		json_str(out, t->comm);
		json_key_num(out, "total", t->total, true);
		json_key_num(out, "user", t->user, true);
		json_key_num(out, "kernel", t->kernel, true);
		json_key_num(out, "ready", t->ready, true);
		fputc('}', out);
		first = false;
	}
	fputc(']', out);
}

static void print_net(FILE *out, const struct vm_stat *v)
{
	fputs(",\"net\":{", out);
	json_key_num(out, "rx_bytes", v->net.valid ? v->net.rx_bytes : NAN, false);
	json_key_num(out, "tx_bytes", v->net.valid ? v->net.tx_bytes : NAN, true);
	json_key_num(out, "rx_packets", v->net.valid ? v->net.rx_packets : NAN, true);
	json_key_num(out, "tx_packets", v->net.valid ? v->net.tx_packets : NAN, true);
	fputs(",\"taps\":[", out);
	for (size_t i = 0; i < v->ntaps; i++) {
		fprintf(out, "%s{\"ifname\":", i ? "," : "");
		json_str(out, v->taps[i].ifname);
		fputs(",\"bridge\":", out);
		if (v->taps[i].bridge[0])
			json_str(out, v->taps[i].bridge);
		else
			fputs("null", out);
		fputc('}', out);
	}
	fputs("]}", out);
}

/* "mem": where the VM's memory is; integers in KiB, null where unknown. */
static void print_mem(FILE *out, const struct vm_stat *v)
{
	const struct vm_mem_stat *s = &v->mem;
	fputs(",\"mem\":{", out);
	json_key_kib(out, "config_kib", s->config_kib, false);
	json_key_kib(out, "rss_kib", s->rss_kib, true);
	json_key_kib(out, "anon_kib", s->anon_kib, true);
	json_key_kib(out, "file_kib", s->file_kib, true);
	json_key_kib(out, "shmem_kib", s->shmem_kib, true);
	json_key_kib(out, "swap_kib", s->swap_kib, true);
	json_key_kib(out, "thp_kib", s->thp_kib, true);
	json_key_kib(out, "hugetlb_kib", s->hugetlb_kib, true);
	json_key_num(out, "majflt_rate", s->majflt_rate, true);
	fputs(",\"numa\":", out);
	if (s->nnodes < 0) {
		fputs("null", out);
	} else {
		fputc('[', out);
		for (int n = 0; n < s->nnodes; n++)
			fprintf(out, "%s{\"node\":%d,\"kib\":%lld}", n ? "," : "", n, s->node_kib[n]);
		fputc(']', out);
	}
	fputs(",\"vcpu_nodes\":", out);
	if (!s->vcpu_nodes_known) {
		fputs("null", out);
	} else {
		fputc('[', out);
		for (int n = 0, first = 1; n < MEM_NODES_MAX; n++)
			if (s->vcpu_nodes[n]) {
				fprintf(out, "%s{\"node\":%d,\"vcpus\":%d}", first ? "" : ",", n, s->vcpu_nodes[n]);
				first = 0;
			}
		fputc(']', out);
	}
	fputs(",\"ksm\":{", out);
	json_key_kib(out, "merging_pages", s->ksm_merging_pages, false);
	json_key_kib(out, "rmap_items", s->ksm_rmap_items, true);
	json_key_kib(out, "zero_pages", s->ksm_zero_pages, true);
	json_key_int(out, "profit_bytes", s->ksm_profit_bytes, s->ksm_profit_bytes != MEM_UNKNOWN_SIGNED, true);
	json_key_tristate(out, "mergeable", s->ksm_mergeable);
	json_key_tristate(out, "merge_any", s->ksm_merge_any);
	fputs("},\"balloon\":{\"source\":", out);
	if (s->balloon.source[0])
		json_str(out, s->balloon.source);
	else
		fputs("null", out);
	json_key_kib(out, "actual_kib", s->balloon.actual_kib, true);
	json_key_kib(out, "target_kib", s->balloon.target_kib, true);
	fputs(",\"stats\":", out);
	/* null: the guest reports none (or qemu keeps none: nothing turned its polling on) */
	fputs(s->balloon.stats_known ? "{" : "null", out);
	for (int k = 0; s->balloon.stats_known && k < BSTAT__COUNT; k++)
		json_key_kib(out, balloon_stat_name(k), balloon_stat(&s->balloon, k), k > 0);
	if (s->balloon.stats_known)
		fputc('}', out);
	fputs(",\"reason\":", out);
	if (s->balloon.reason[0])
		json_str(out, s->balloon.reason);
	else
		fputs("null", out);
	fputs("}}", out);
}

/* "functions": per kernel component, its top functions (--functions only); null while not known. */
static void print_funcs(FILE *out, const struct host_stat *h, const struct vm_stat *v)
{
	if (!h->funcs_wanted)
		return;
	fputs(",\"functions\":", out);
	if (!h->funcs_valid) {
		fputs("null", out);
		return;
	}
	fputc('{', out);
	int comp = -1;
	for (size_t i = 0; i < v->nfuncs; i++) {
		const struct func_stat *f = &v->funcs[i];
		if (f->comp != comp) {
			fprintf(out, "%s\"%s\":[", comp >= 0 ? "]," : "", component_name((enum component)f->comp));
			comp = f->comp;
		} else {
			fputc(',', out);
		}
		fputs("{\"function\":", out);
		json_str(out, f->func);
		fputs(",\"via\":", out);
		if (f->via[0])
			json_str(out, f->via);
		else
			fputs("null", out);
		json_key_num(out, "cpu", f->pct, true);
		json_key_num(out, "share", f->share, true);
		fputc('}', out);
	}
	fputs(comp >= 0 ? "]}" : "}", out);
}

static void print_vm(FILE *out, const struct vm_stat *v, const struct host_stat *h)
{
	fprintf(out, "{\"pid\":%d,\"name\":", (int)v->pid);
	json_str(out, v->name);
	fputs(",\"uuid\":", out);
	if (v->uuid[0])
		json_str(out, v->uuid);
	else
		fputs("null", out);
	fprintf(out, ",\"libvirt\":%s,\"vmm\":", v->libvirt ? "true" : "false");
	json_str(out, v->vmm);
	fprintf(out, ",\"vcpus\":%d", v->nr_vcpus);
	json_key_num(out, "mem_config_kib", v->mem_config_kib >= 0 ? (double)v->mem_config_kib : NAN, true);
	fprintf(out, ",\"rss_kib\":%llu,\"cpu\":{", v->rss_kib);
	/* rounded together so that the parts written add up to the total written */
	double split[4] = { v->guest, v->vmm_user, v->kernel, v->vhost };
	json_key_num(out, "total", fmt_round_split(v->total, split, 4, 0.01), false);
	json_key_num(out, "guest", split[0], true);
	json_key_num(out, "vmm_user", split[1], true);
	json_key_num(out, "kernel", split[2], true);
	json_key_num(out, "vhost", split[3], true);
	json_key_num(out, "ready", v->ready, true);
	json_key_num(out, "guest_traced", v->guest_traced, true);
	fprintf(out, "},\"estimated\":%s", v->guest_estimated ? "true" : "false");
	json_key_tristate(out, "guest_includes_switch", v->guest_includes_switch);
	print_threads(out, v, h);
	json_components(out, "components", v->components, v->components_valid, own_components, N(own_components));
	json_components(out, "apportioned", v->apportioned, v->components_valid, shared_components,
			N(shared_components));
	print_net(out, v);
	print_mem(out, v);
	print_vm_exits(out, v, h);
	print_funcs(out, h, v);
	fputc('}', out);
}

void batch_json_print(FILE *out, const struct model *m, const size_t *order, const char *hostname)
{
	fprintf(out, "{\"time\":%.3f,\"interval\":%.3f,", m->time, m->interval);
	print_host(out, m, hostname);
	fputs(",\"vms\":[", out);
	for (size_t i = 0; i < m->nvms; i++) {
		if (i)
			fputc(',', out);
		print_vm(out, &m->vms[order[i]], &m->host);
	}
	fputs("]}\n", out);
}

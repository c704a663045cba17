/* batch_openmetrics.c - the model as OpenMetrics 1.0 and Prometheus 0.0.4 text, written in one pass for both;
 * the metric names, labels and their bounds are in vmtop(1) (METRICS). */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exit_names.h"
#include "fmt.h"
#include "openmetrics.h"
#include "util.h"

static void put(struct expo_text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 4096;
		while (t->len + n + 1 > cap)
			cap *= 2;
		t->buf = xrealloc(t->buf, cap);
		t->cap = cap;
	}
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = '\0';
}

static void puts_(struct expo_text *t, const char *s)
{
	put(t, s, strlen(s));
}

static void putf(struct expo_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct expo_text *t, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		put(t, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

void expo_text_free(struct expo_text *t)
{
	free(t->buf);
	memset(t, 0, sizeof(*t));
}

void expo_label_value(struct expo_text *t, const char *s)
{
	const char *p = s;
	while (*p) {
		unsigned char c = (unsigned char)*p;
		if (c == '\\' || c == '"') {
			char esc[2] = { '\\', (char)c };
			put(t, esc, 2);
			p++;
		} else if (c == '\n') {
			put(t, "\\n", 2);
			p++;
		} else if (c < 0x80) {
			put(t, p, 1);
			p++;
		} else {
			size_t len = fmt_utf8_len(p);
			if (len) {
				put(t, p, len);
				p += len;
			} else {
				put(t, "\xef\xbf\xbd", 3);
				p++;
			}
		}
	}
}

/* One pass writes both formats: a sample line is formatted once into the first wanted text and copied. */
struct writer {
	struct expo_text *om, *prom;
	struct expo_text *first;	/* om, or prom when only it is wanted */
	const char *name;		/* the family being written */
	const char *sample;		/* its samples' name: name + _total for a counter */
	char sample_buf[128];
	bool counter;
	struct expo_text *vm_labels;	/* per VM of the model: vm, uuid, pid, vmm */
};

/* Starts a family: OpenMetrics names it without _total and gives its unit; 0.0.4 names the samples. */
static void family(struct writer *w, const char *name, const char *type, const char *unit, const char *help)
{
	w->name = name;
	w->counter = !strcmp(type, "counter");
	bool info = !strcmp(type, "info");
	snprintf(w->sample_buf, sizeof(w->sample_buf), "%s%s", name, w->counter ? "_total" : info ? "_info" : "");
	w->sample = w->sample_buf;
	if (w->om) {
		putf(w->om, "# TYPE %s %s\n", name, type);
		if (unit)
			putf(w->om, "# UNIT %s %s\n", name, unit);
		putf(w->om, "# HELP %s %s\n", name, help);
	}
	if (w->prom)
		putf(w->prom, "# HELP %s %s\n# TYPE %s %s\n", w->sample, help, w->sample, info ? "gauge" : type);
}

/* A number as both formats read it: integers without a fraction, the rest with 15 significant digits (what a double
 * always holds: a timestamp keeps its milliseconds; rounding keeps a growing counter from going down). */
static void number(struct expo_text *t, double v)
{
	if (v == floor(v) && fabs(v) < 1e15)
		putf(t, "%.0f", v);
	else
		putf(t, "%.15g", v);
}

/* labels, then extra (already escaped, or NULL), in braces when either is there. */
static void series(struct expo_text *t, const char *name, const struct expo_text *labels, const char *extra)
{
	puts_(t, name);
	bool l = labels && labels->len, e = extra && *extra;
	if (!l && !e)
		return;
	put(t, "{", 1);
	if (l)
		put(t, labels->buf, labels->len);
	if (l && e)
		put(t, ",", 1);
	if (e)
		puts_(t, extra);
	put(t, "}", 1);
}

/* One sample of the current family; created > 0 adds OpenMetrics' _created line to a counter. */
static void sample(struct writer *w, const struct expo_text *labels, const char *extra, double v, double created)
{
	if (isnan(v) || isinf(v))
		return;	/* unknown: no sample, never a made-up 0 */
	size_t start = w->first->len;
	series(w->first, w->sample, labels, extra);
	put(w->first, " ", 1);
	number(w->first, v);
	put(w->first, "\n", 1);
	if (w->om && w->prom)
		put(w->prom, w->om->buf + start, w->om->len - start);
	if (w->om && w->counter && created > 0) {
		char name[160];
		snprintf(name, sizeof(name), "%s_created", w->name);
		series(w->om, name, labels, extra);
		putf(w->om, " %.3f\n", created);
	}
}

static const int own_components[] = { COMP_GUEST, COMP_VMM_USER, COMP_KVM, COMP_KVM_VENDOR, COMP_VHOST,
				      COMP_TUN, COMP_OTHER_KERNEL };
static const int shared_components[] = { COMP_BRIDGE, COMP_NIC, COMP_TUN };
#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* A label pair for extra: name="value" with the value escaped. */
static const char *pair(struct expo_text *scratch, const char *name, const char *value)
{
	scratch->len = 0;
	puts_(scratch, name);
	put(scratch, "=\"", 2);
	expo_label_value(scratch, value);
	put(scratch, "\"", 1);
	return scratch->buf;
}

static void vm_cpu(struct writer *w, const struct model *m, struct expo_text *x)
{
	family(w, "vmtop_vm_cpu_seconds", "counter", "seconds",
	       "CPU time of the VM by part (guest, vmm_user, kernel, vhost) since vmtop first saw it");
	for (size_t i = 0; i < m->nvms; i++) {
		const struct vm_totals *t = m->vms[i].totals;
		if (!t)
			continue;
		const double v[4] = { t->guest, t->vmm_user, t->kernel, t->vhost };
		const char *part[4] = { "guest", "vmm_user", "kernel", "vhost" };
		for (int k = 0; k < 4; k++)
			sample(w, &w->vm_labels[i], pair(x, "part", part[k]), v[k], t->created);
	}
	family(w, "vmtop_vm_ready_seconds", "counter", "seconds",
	       "Time the VM's vCPUs were runnable but waiting for a host CPU (schedstat run_delay), summed");
	for (size_t i = 0; i < m->nvms; i++)
		if (m->vms[i].totals)
			sample(w, &w->vm_labels[i], NULL, m->vms[i].totals->ready, m->vms[i].totals->created);
	for (int ready = 0; ready < 2; ready++) {
		family(w, ready ? "vmtop_vcpu_ready_seconds" : "vmtop_vcpu_cpu_seconds", "counter", "seconds",
		       ready ? "Time one vCPU thread was runnable but waiting" : "CPU time of one vCPU thread");
		for (size_t i = 0; i < m->nvms; i++) {
			const struct vm_totals *t = m->vms[i].totals;
			if (!t)
				continue;
			for (int k = 0; k < t->nvcpus; k++) {
				char idx[16];
				snprintf(idx, sizeof(idx), "%d", k);
				sample(w, &w->vm_labels[i], pair(x, "vcpu", idx), ready ? t->vcpu_ready[k] : t->vcpu_cpu[k],
				       t->created);
			}
		}
	}
	family(w, "vmtop_vm_component_seconds", "counter", "seconds",
	       "CPU time of the VM's own threads by component, from perf samples");
	for (size_t i = 0; i < m->nvms; i++)
		for (int k = 0; m->vms[i].totals && k < N(own_components); k++) {
			enum component c = (enum component)own_components[k];
			sample(w, &w->vm_labels[i], pair(x, "component", component_name(c)),
			       m->vms[i].totals->components[c], m->vms[i].totals->created);
		}
	family(w, "vmtop_vm_apportioned_seconds", "counter", "seconds",
	       "Host bridge, NIC and tun time outside any VM thread given to the VM by its share of tap bytes");
	for (size_t i = 0; i < m->nvms; i++)
		for (int k = 0; m->vms[i].totals && k < N(shared_components); k++) {
			enum component c = (enum component)shared_components[k];
			sample(w, &w->vm_labels[i], pair(x, "component", component_name(c)),
			       m->vms[i].totals->apportioned[c], m->vms[i].totals->created);
		}
}

/* Exits by reason: kvm_exit's (where it is observable) and those to the VMM; absent where no source counts them. */
static void vm_exits(struct writer *w, const struct model *m, struct expo_text *x)
{
	for (int user = 0; user < 2; user++) {
		family(w, user ? "vmtop_vm_userspace_exits" : "vmtop_vm_exits", "counter", NULL,
		       user ? "Exits of the VM's vCPUs to the VMM by KVM_EXIT_* reason (kvm_userspace_exit)"
			    : "KVM exits of the VM's vCPUs by reason (kvm_exit); other: reasons past the first 32");
		for (size_t i = 0; i < m->nvms; i++) {
			const struct vm_totals *t = m->vms[i].totals;
			const struct exit_totals *e = t ? (user ? &t->userspace : &t->exits) : NULL;
			if (!e || !e->known)
				continue;
			for (size_t k = 0; k < e->n; k++) {
				char buf[48];
				const char *name = user ? exit_userspace_name(e->by[k].arg, buf, sizeof(buf))
							: exit_reason_name(e->by[k].arg, buf, sizeof(buf));
				sample(w, &w->vm_labels[i], pair(x, "reason", name), e->by[k].count, t->created);
			}
			if (e->n == EXIT_TOTALS_MAX)
				sample(w, &w->vm_labels[i], pair(x, "reason", "other"), e->other, t->created);
		}
	}
}

/* The tap's own counters (the kernel's): rx is what the VM received, which the tap transmitted. */
static void vm_net(struct writer *w, const struct model *m, struct expo_text *x)
{
	static const char *const fam[2] = { "vmtop_vm_net_bytes", "vmtop_vm_net_packets" };
	for (int f = 0; f < 2; f++) {
		family(w, fam[f], "counter", f ? NULL : "bytes",
		       f ? "Packets through the VM's tap, as the VM sees them (dir rx: to the VM)"
			 : "Bytes through the VM's tap, as the VM sees them (dir rx: to the VM)");
		for (size_t i = 0; i < m->nvms; i++) {
			const struct vm_stat *v = &m->vms[i];
			for (size_t k = 0; k < v->ntaps && k < EXPO_TAPS_MAX; k++) {
				const struct tap_sample *tp = &v->taps[k];
				if (!tp->counters_valid)
					continue;
				double rx = f ? (double)tp->tx_packets : (double)tp->tx_bytes;
				double tx = f ? (double)tp->rx_packets : (double)tp->rx_bytes;
				struct expo_text tap = { 0 };
				pair(&tap, "tap", tp->ifname);
				x->len = 0;
				putf(x, "dir=\"rx\",%s", tap.buf);
				sample(w, &w->vm_labels[i], x->buf, rx, 0);
				x->len = 0;
				putf(x, "dir=\"tx\",%s", tap.buf);
				sample(w, &w->vm_labels[i], x->buf, tx, 0);
				expo_text_free(&tap);
			}
		}
	}
}

static double kib(long long v)
{
	return v >= 0 ? (double)v * 1024 : NAN;
}

static void vm_mem(struct writer *w, const struct model *m, struct expo_text *x)
{
	family(w, "vmtop_vm_memory_bytes", "gauge", "bytes",
	       "Where the VM's memory is: config (guest RAM), rss, anon, file, shmem, swap, thp, hugetlb, ksm (merging)");
	for (size_t i = 0; i < m->nvms; i++) {
		const struct vm_mem_stat *s = &m->vms[i].mem;
		const char *kind[9] = { "config", "rss", "anon", "file", "shmem", "swap", "thp", "hugetlb", "ksm" };
		const long long v[9] = { s->config_kib, s->rss_kib, s->anon_kib, s->file_kib, s->shmem_kib,
					 s->swap_kib, s->thp_kib, s->hugetlb_kib, s->ksm_kib };
		for (int k = 0; k < 9; k++)
			sample(w, &w->vm_labels[i], pair(x, "kind", kind[k]), kib(v[k]), 0);
	}
	family(w, "vmtop_vm_ksm_profit_bytes", "gauge", "bytes",
	       "What KSM saves for the VM less what its rmap items cost (ksm_stat ksm_process_profit)");
	for (size_t i = 0; i < m->nvms; i++) {
		long long p = m->vms[i].mem.ksm_profit_bytes;
		sample(w, &w->vm_labels[i], NULL, p == MEM_UNKNOWN_SIGNED ? NAN : (double)p, 0);
	}
	family(w, "vmtop_vm_balloon_bytes", "gauge", "bytes", "The VM's balloon as its VMM reports it (QMP)");
	for (size_t i = 0; i < m->nvms; i++) {
		const struct balloon_sample *b = &m->vms[i].mem.balloon;
		sample(w, &w->vm_labels[i], pair(x, "kind", "actual"), kib(b->actual_kib), 0);
		sample(w, &w->vm_labels[i], pair(x, "kind", "target"), kib(b->target_kib), 0);
	}
	family(w, "vmtop_vm_major_faults", "counter", NULL, "Major page faults of the VM process since it started");
	for (size_t i = 0; i < m->nvms; i++) {
		long long f = m->vms[i].mem.majflt;
		sample(w, &w->vm_labels[i], NULL, f >= 0 ? (double)f : NAN, 0);
	}
	family(w, "vmtop_vm_vcpus", "gauge", NULL, "vCPUs of the VM (its kvm-vcpu descriptors)");
	for (size_t i = 0; i < m->nvms; i++)
		sample(w, &w->vm_labels[i], NULL, m->vms[i].nr_vcpus, 0);
}

static double ksm_field(const struct host_stat *h, enum ksm_field f)
{
	return h->mem.valid && h->mem.ksm[f] != MEM_UNKNOWN_SIGNED ? (double)h->mem.ksm[f] : NAN;
}

static void host(struct writer *w, const struct model *m, struct expo_text *x)
{
	const struct host_stat *h = &m->host;
	double hz = (double)clk_tck();
	family(w, "vmtop_host_cpu_seconds", "counter", "seconds",
	       "All host CPUs' time by mode as /proc/stat counts it (user and nice include guest and guest_nice)");
	const char *mode[10] = { "user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal", "guest",
				 "guest_nice" };
	const struct cpu_ticks *c = &h->ticks;
	const unsigned long long v[10] = { c->user, c->nice, c->system, c->idle, c->iowait, c->irq, c->softirq,
					   c->steal, c->guest, c->guest_nice };
	for (int k = 0; k < 10; k++)
		sample(w, NULL, pair(x, "mode", mode[k]), (double)v[k] / hz, 0);
	family(w, "vmtop_host_cpus", "gauge", NULL, "Online host CPUs");
	sample(w, NULL, NULL, h->ncpus, 0);
	family(w, "vmtop_host_vms", "gauge", NULL, "KVM VMs on the host (all of them, whatever -p shows)");
	sample(w, NULL, NULL, (double)h->nvms, 0);
	family(w, "vmtop_host_vcpus", "gauge", NULL, "vCPUs of all the host's VMs");
	sample(w, NULL, NULL, h->nvcpus, 0);
	family(w, "vmtop_host_memory_bytes", "gauge", "bytes", "Host memory: total and available (meminfo)");
	sample(w, NULL, pair(x, "kind", "total"), (double)h->mem_total_kib * 1024, 0);
	sample(w, NULL, pair(x, "kind", "available"), (double)h->mem_avail_kib * 1024, 0);
	family(w, "vmtop_host_ksm_pages", "gauge", NULL, "KSM pages by state (/sys/kernel/mm/ksm pages_*)");
	const char *state[4] = { "shared", "sharing", "unshared", "volatile" };
	const enum ksm_field f[4] = { KSM_PAGES_SHARED, KSM_PAGES_SHARING, KSM_PAGES_UNSHARED, KSM_PAGES_VOLATILE };
	for (int k = 0; k < 4; k++)
		sample(w, NULL, pair(x, "state", state[k]), ksm_field(h, f[k]), 0);
	family(w, "vmtop_host_ksm_full_scans", "counter", NULL, "KSM full scans since boot");
	sample(w, NULL, NULL, ksm_field(h, KSM_FULL_SCANS), 0);
	family(w, "vmtop_host_ksm_run", "gauge", NULL, "KSM run mode (0 stopped, 1 running, 2 unmerging)");
	sample(w, NULL, NULL, ksm_field(h, KSM_RUN), 0);
	family(w, "vmtop_host_ksm_saved_bytes", "gauge", "bytes", "Memory KSM saves (pages_sharing and zero pages)");
	sample(w, NULL, NULL, kib(h->ksm_saved_kib), 0);
	family(w, "vmtop_host_ksm_profit_bytes", "gauge", "bytes", "KSM's general_profit");
	sample(w, NULL, NULL, ksm_field(h, KSM_GENERAL_PROFIT), 0);
	family(w, "vmtop_refresh_timestamp_seconds", "gauge", "seconds",
	       "Wall clock of the refresh these figures come from (a scrape answers with the last one)");
	sample(w, NULL, NULL, m->time, 0);
	family(w, "vmtop_refresh_interval_seconds", "gauge", "seconds", "Seconds between the refresh's two samples");
	sample(w, NULL, NULL, m->interval > 0 ? m->interval : NAN, 0);
	family(w, "vmtop_build", "info", NULL, "vmtop's version");
	sample(w, NULL, pair(x, "version", PACKAGE_VERSION), 1, 0);
}

void expo_write(struct expo_text text[EXPO__COUNT], const bool want[EXPO__COUNT], const struct model *m)
{
	struct writer w = { 0 };
	for (int f = 0; f < EXPO__COUNT; f++)
		if (want[f])
			text[f].len = 0;
	w.om = want[EXPO_OPENMETRICS] ? &text[EXPO_OPENMETRICS] : NULL;
	w.prom = want[EXPO_PROMETHEUS] ? &text[EXPO_PROMETHEUS] : NULL;
	w.first = w.om ? w.om : w.prom;
	if (!w.first)
		return;
	put(w.first, "", 0);
	if (w.prom)
		put(w.prom, "", 0);
	w.vm_labels = xcalloc(m->nvms ? m->nvms : 1, sizeof(*w.vm_labels));
	for (size_t i = 0; i < m->nvms; i++) {
		const struct vm_stat *v = &m->vms[i];
		struct expo_text *l = &w.vm_labels[i];
		puts_(l, "vm=\"");
		expo_label_value(l, v->name);
		puts_(l, "\",uuid=\"");
		expo_label_value(l, v->uuid);
		putf(l, "\",pid=\"%d\",vmm=\"", (int)v->pid);
		expo_label_value(l, v->vmm);
		puts_(l, "\"");
	}
	struct expo_text x = { 0 };
	vm_cpu(&w, m, &x);
	vm_exits(&w, m, &x);
	vm_net(&w, m, &x);
	vm_mem(&w, m, &x);
	host(&w, m, &x);
	if (w.om)
		puts_(w.om, "# EOF\n");
	expo_text_free(&x);
	for (size_t i = 0; i < m->nvms; i++)
		expo_text_free(&w.vm_labels[i]);
	free(w.vm_labels);
}

/* Skips spaces and tabs (HTTP's OWS). */
static const char *ows(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* Whether [p, end) is the token tok, case-insensitively. */
static bool token_is(const char *p, const char *end, const char *tok)
{
	size_t n = strlen(tok);
	return (size_t)(end - p) == n && !strncasecmp(p, tok, n);
}

/* A q-value ("0", "0.5", "1", "1.000"), -1 when malformed. */
static double qvalue(const char *p, const char *end)
{
	if (p >= end || (*p != '0' && *p != '1'))
		return -1;
	double q = *p - '0', scale = 0.1;
	p++;
	if (p < end && *p == '.') {
		p++;
		for (int digits = 0; p < end && isdigit((unsigned char)*p) && digits < 3; digits++, p++) {
			q += (*p - '0') * scale;
			scale /= 10;
		}
	}
	if (p != end || q > 1)
		return -1;
	return q;
}

/* What one media range says: 3 for type/subtype, 2 for type/ *, 1 for * / *, 0 when it does not match fmt; q. */
static int range_match(const char *p, const char *end, enum expo_format fmt, double *q)
{
	const char *semi = memchr(p, ';', (size_t)(end - p));
	const char *tend = semi ? semi : end;
	while (tend > p && (tend[-1] == ' ' || tend[-1] == '\t'))
		tend--;
	const char *want_type = fmt == EXPO_OPENMETRICS ? "application" : "text";
	const char *want_sub = fmt == EXPO_OPENMETRICS ? "openmetrics-text" : "plain";
	const char *slash = memchr(p, '/', (size_t)(tend - p));
	if (!slash)
		return 0;
	int spec;
	if (token_is(p, slash, "*") && token_is(slash + 1, tend, "*"))
		spec = 1;
	else if (token_is(p, slash, want_type) && token_is(slash + 1, tend, "*"))
		spec = 2;
	else if (token_is(p, slash, want_type) && token_is(slash + 1, tend, want_sub))
		spec = 3;
	else
		return 0;
	*q = 1;
	/* parameters: q, and a version this exposition is not (text/plain;version=0.0.5) does not match */
	for (const char *a = semi; a && a < end;) {
		a = ows(a + 1, end);
		if (a >= end)
			break;
		const char *next = memchr(a, ';', (size_t)(end - a));
		const char *aend = next ? next : end;
		while (aend > a && (aend[-1] == ' ' || aend[-1] == '\t'))
			aend--;
		const char *eq = memchr(a, '=', (size_t)(aend - a));
		if (eq) {
			const char *v = eq + 1, *vend = aend;
			if (vend - v >= 2 && *v == '"' && vend[-1] == '"')
				v++, vend--;
			if (token_is(a, eq, "q")) {
				*q = qvalue(v, vend);
				if (*q < 0)
					return 0;
			} else if (token_is(a, eq, "version") && spec == 3) {
				bool ok = fmt == EXPO_OPENMETRICS
						  ? token_is(v, vend, "1.0.0") || token_is(v, vend, "0.0.1")
						  : token_is(v, vend, "0.0.4");
				if (!ok)
					return 0;
			}
		}
		a = next;
	}
	return spec;
}

static double format_q(const char *accept, enum expo_format fmt)
{
	int best = 0;
	double best_q = 0;
	const char *p = accept, *end = accept + strlen(accept);
	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *rend = comma ? comma : end;
		const char *s = ows(p, rend);
		double q;
		int spec = s < rend ? range_match(s, rend, fmt, &q) : 0;
		if (spec > best || (spec == best && spec && q > best_q)) {
			best = spec;
			best_q = q;
		}
		p = comma ? comma + 1 : end;
	}
	return best ? best_q : 0;
}

enum expo_format expo_negotiate(const char *accept)
{
	if (!accept)
		return EXPO_PROMETHEUS;
	return format_q(accept, EXPO_OPENMETRICS) > format_q(accept, EXPO_PROMETHEUS) ? EXPO_OPENMETRICS
										       : EXPO_PROMETHEUS;
}

/* test_openmetrics.c - counters kept across refreshes (model_totals.c) grow by the interval's figures and start over
 * for a restarted VM; the exposition escapes labels, leaves unknowns out and differs between the two formats as
 * they ask; the Accept header picks the format. */
#include "config.h"

#include <stdlib.h>
#include <unistd.h>

#include "model.h"
#include "openmetrics.h"
#include "unit.h"
#include "util.h"

static long hz;

static void host(struct host_sample *h, double mono)
{
	host_sample_init(h);
	h->mono = mono;
	h->realtime = 1e9 + mono;
	h->uptime = 1000 + mono;
	h->ncpus = 1;
	h->cpus = xcalloc(1, sizeof(*h->cpus));
	h->mem_total_kib = 1024 * 1024;
	h->vms = xcalloc(1, sizeof(*h->vms));
	h->nvms = 1;
}

/* VM pid 100 with one vCPU that used u user ticks (g of them guest) and s system ticks since it started. */
static void vm(struct host_sample *h, unsigned long long start, const char *name, unsigned long long u,
	       unsigned long long s, unsigned long long g, unsigned long long delay_ns)
{
	struct vm_sample *v = &h->vms[0];
	v->pid = 100;
	v->start_ticks = start;
	str_copy(v->name, name, sizeof(v->name));
	str_copy(v->vmm, "qemu-system-x86", sizeof(v->vmm));
	v->nr_vcpus = 1;
	v->mem_config_kib = 65536;
	v->threads = xcalloc(1, sizeof(*v->threads));
	v->nthreads = 1;
	v->threads[0] = (struct thread_sample){ .tid = 101, .role = ROLE_VCPU, .vcpu_index = 0, .utime = u,
						.stime = s, .gtime = g, .start_ticks = start + 1,
						.run_delay_ns = delay_ns, .run_delay_valid = true };
}

static void test_totals(void)
{
	struct host_sample s[4];
	host(&s[0], 10);
	vm(&s[0], 50, "a", 100, 10, 80, 0);
	host(&s[1], 11);
	vm(&s[1], 50, "a", 100 + 60, 10 + 20, 80 + 50, 300000000);
	host(&s[2], 13);
	vm(&s[2], 50, "a", 160 + 30, 30 + 10, 130 + 30, 300000000 + 100000000);
	host(&s[3], 14);
	vm(&s[3], 70, "a", 5, 5, 0, 0);	/* restarted: same PID and name, new start time */
	struct model m;
	model_init(&m);
	model_update(&m, NULL, &s[0]);
	const struct vm_totals *t = m.vms[0].totals;
	CHECK(t && isnan(t->guest) && isnan(t->kernel) && t->created == s[0].realtime);
	model_update(&m, &s[0], &s[1]);
	t = m.vms[0].totals;
	CHECK(t != NULL);
	CHECK_NEAR(t->guest, 50.0 / hz, 1e-9);
	CHECK_NEAR(t->vmm_user, 10.0 / hz, 1e-9);
	CHECK_NEAR(t->kernel, 20.0 / hz, 1e-9);
	CHECK_NEAR(t->vhost, 0, 1e-12);
	CHECK_NEAR(t->ready, 0.3, 1e-9);
	CHECK(t->nvcpus == 1);
	CHECK_NEAR(t->vcpu_cpu[0], 80.0 / hz, 1e-9);
	model_update(&m, &s[1], &s[2]);
	t = m.vms[0].totals;
	CHECK_NEAR(t->guest, 80.0 / hz, 1e-9);
	CHECK_NEAR(t->kernel, 30.0 / hz, 1e-9);
	CHECK_NEAR(t->ready, 0.4, 1e-9);
	CHECK_NEAR(t->vcpu_cpu[0], 120.0 / hz, 1e-9);
	CHECK(t->created == s[0].realtime);
	model_update(&m, &s[2], &s[3]);
	t = m.vms[0].totals;
	CHECK(t && isnan(t->guest) && t->created == s[3].realtime);	/* a new series, not a counter going down */
	CHECK(m.ntotals == 1);
	model_free(&m);
	for (int i = 0; i < 4; i++)
		host_sample_clear(&s[i]);
}

static void test_exposition(void)
{
	struct host_sample a, b;
	host(&a, 10);
	vm(&a, 50, "we\"ird\\na\nme\xff", 0, 0, 0, 0);
	host(&b, 12);
	vm(&b, 50, "we\"ird\\na\nme\xff", 2 * hz, hz, 0, 0);
	b.guest_time_unreliable = true;	/* guest unknown: no guest series at all */
	struct model m;
	model_init(&m);
	model_update(&m, NULL, &a);
	model_update(&m, &a, &b);
	struct expo_text text[EXPO__COUNT] = { 0 };
	bool want[EXPO__COUNT] = { true, true };
	expo_write(text, want, &m);
	const char *om = text[EXPO_OPENMETRICS].buf, *prom = text[EXPO_PROMETHEUS].buf;
	CHECK(om && prom);
	const char *label = "vm=\"we\\\"ird\\\\na\\nme\xef\xbf\xbd\"";
	CHECK(strstr(om, label) != NULL);
	CHECK(strstr(prom, label) != NULL);
	/* user outside the guest (2 s) and kernel (1 s, plus the guest the backend does not tell apart: 0) */
	CHECK(strstr(om, "part=\"vmm_user\"} 2\n") != NULL);
	CHECK(strstr(om, "part=\"kernel\"} 1\n") != NULL);
	CHECK(strstr(om, "part=\"guest\"") == NULL);
	CHECK(strstr(om, "# TYPE vmtop_vm_cpu_seconds counter\n# UNIT vmtop_vm_cpu_seconds seconds\n") != NULL);
	CHECK(strstr(om, "vmtop_vm_cpu_seconds_created{") != NULL);
	size_t n = strlen(om);
	CHECK(n > 6 && !strcmp(om + n - 6, "# EOF\n"));
	CHECK(strstr(prom, "# TYPE vmtop_vm_cpu_seconds_total counter\n") != NULL);
	CHECK(strstr(prom, "# EOF") == NULL && strstr(prom, "_created") == NULL && strstr(prom, "# UNIT") == NULL);
	CHECK(strstr(prom, "vmtop_build_info{version=\"" PACKAGE_VERSION "\"} 1\n") != NULL);
	CHECK(strstr(prom, "NaN") == NULL && strstr(om, "NaN") == NULL);
	/* only the Prometheus text asked for: the other buffer is left alone */
	struct expo_text only[EXPO__COUNT] = { 0 };
	bool want_prom[EXPO__COUNT] = { false, true };
	expo_write(only, want_prom, &m);
	CHECK(only[EXPO_OPENMETRICS].buf == NULL && !strcmp(only[EXPO_PROMETHEUS].buf, prom));
	for (int f = 0; f < EXPO__COUNT; f++) {
		expo_text_free(&text[f]);
		expo_text_free(&only[f]);
	}
	model_free(&m);
	host_sample_clear(&a);
	host_sample_clear(&b);
}

static void test_negotiate(void)
{
	const enum expo_format O = EXPO_OPENMETRICS, P = EXPO_PROMETHEUS;
	static const struct { const char *accept; enum expo_format want; } cases[] = {
		/* what Prometheus 2.42 sends */
		{ "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
		  "text/plain;version=0.0.4;q=0.5,*/*;q=0.1", O },
		{ "*/*", P },
		{ "", P },
		{ "application/openmetrics-text", O },
		{ "Application/OpenMetrics-Text ; version=1.0.0", O },
		{ "text/plain;q=0.9, application/openmetrics-text;q=0.8", P },
		{ "application/openmetrics-text;version=2.0.0", P },
		{ "application/openmetrics-text;q=0", P },
		{ "application/*;q=0.2, text/plain;q=0.1", O },
		{ "application/openmetrics-text;q=1.5", P },
		{ "text/plain;version=0.0.4, application/openmetrics-text;version=\"1.0.0\";q=1", P },
		{ ",,;;//,", P },
		{ "application/json", P },
	};
	CHECK(expo_negotiate(NULL) == P);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum expo_format got = expo_negotiate(cases[i].accept);
		if (got != cases[i].want)
			fprintf(stderr, "Accept: %s -> %d\n", cases[i].accept, (int)got);
		CHECK(got == cases[i].want);
	}
}

int main(void)
{
	hz = clk_tck();
	test_totals();
	test_exposition();
	test_negotiate();
	return unit_done("test_openmetrics");
}

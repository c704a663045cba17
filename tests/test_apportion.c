/* test_apportion.c - the proportional split, and the network stage of the model on hand-built samples. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "apportion.h"
#include "model.h"
#include "model_parts.h"
#include "unit.h"
#include "util.h"

static void test_zero_traffic(void)
{
	double w[3] = { 0, 0, 0 }, out[3] = { 9, 9, 9 };
	CHECK(apportion(12.5, w, 3, out) == 12.5);	/* all stays host-side */
	for (int i = 0; i < 3; i++)
		CHECK(out[i] == 0);
	CHECK(apportion(5, w, 0, out) == 5);		/* no VM at all */
	unsigned long long cw[2] = { 0, 0 };
	unsigned long cout[2];
	CHECK(apportion_counts(7, cw, 2, cout) == 7 && cout[0] == 0 && cout[1] == 0);
}

static void test_one_vm(void)
{
	double w[1] = { 1234 }, out[1];
	CHECK(apportion(42.25, w, 1, out) == 0);
	CHECK(out[0] == 42.25);
	unsigned long long cw[1] = { 5 };
	unsigned long cout[1];
	CHECK(apportion_counts(99, cw, 1, cout) == 0 && cout[0] == 99);
}

static void test_many_vms(void)
{
	double w[4] = { 3000, 1000, 0, NAN }, out[4];
	CHECK(apportion(8, w, 4, out) == 0);
	CHECK(out[0] == 6 && out[1] == 2 && out[2] == 0 && out[3] == 0);	/* 3:1 exactly; NAN weighs 0 */
	double neg[2] = { -5, 1 };
	apportion(3, neg, 2, out);
	CHECK(out[0] == 0 && out[1] == 3);
	double nanout[2];
	CHECK(isnan(apportion(NAN, w, 2, nanout)) && isnan(nanout[0]) && isnan(nanout[1]));
}

static void test_rounding(void)
{
	double w[3] = { 1, 1, 1 }, out[3];
	apportion(1.0, w, 3, out);
	CHECK(out[0] + out[1] + out[2] == 1.0);
	enum { N = 500 };
	double wn[N], on[N], sum = 0;
	srand(7);
	for (int i = 0; i < N; i++)
		wn[i] = rand() % 100000;
	apportion(317.3, wn, N, on);
	for (int i = 0; i < N; i++) {
		CHECK(on[i] >= 0);
		sum += on[i];
	}
	CHECK_NEAR(sum, 317.3, 1e-9);

	unsigned long long cw[3] = { 1, 1, 1 };
	unsigned long co[3];
	CHECK(apportion_counts(10, cw, 3, co) == 0);
	CHECK(co[0] + co[1] + co[2] == 10 && co[0] == 4 && co[1] == 3 && co[2] == 3);
	unsigned long long c31[2] = { 3, 1 };
	apportion_counts(7, c31, 2, co);	/* 5.25 and 1.75: the larger remainder gets the unit */
	CHECK(co[0] == 5 && co[1] == 2);
	unsigned long long big[2] = { 3ULL << 50, 1ULL << 50 };	/* products beyond 64 bits */
	apportion_counts(4000000000UL, big, 2, co);
	CHECK(co[0] == 3000000000UL && co[1] == 1000000000UL);
}

/* The network stage on two samples: VMs by pid, taps by name. */
static void set_vm(struct vm_sample *vm, pid_t pid, const char *tap, unsigned long long rxb,
		   unsigned long long txb)
{
	memset(vm, 0, sizeof(*vm));
	vm->pid = pid;
	vm->start_ticks = 100 + pid;
	if (!tap)
		return;
	vm->taps = xcalloc(1, sizeof(*vm->taps));
	vm->ntaps = 1;
	str_copy(vm->taps[0].ifname, tap, sizeof(vm->taps[0].ifname));
	str_copy(vm->taps[0].bridge, "br0", sizeof(vm->taps[0].bridge));
	vm->taps[0].counters_valid = true;
	vm->taps[0].rx_bytes = rxb;
	vm->taps[0].tx_bytes = txb;
	vm->taps[0].rx_packets = rxb / 100;
	vm->taps[0].tx_packets = txb / 100;
}

static void model_for(struct model *m, const struct host_sample *cur, bool perf)
{
	model_init(m);
	m->interval = 2.0;
	m->nvms = cur->nvms;
	m->vms = xcalloc(cur->nvms, sizeof(*m->vms));
	for (size_t i = 0; i < cur->nvms; i++) {
		m->vms[i].pid = cur->vms[i].pid;
		m->vms[i].components_valid = perf;
		m->vms[i].components_scale = 1;
		for (int c = 0; c < COMP__COUNT; c++) {
			m->vms[i].components[c] = perf ? 0 : NAN;
			m->vms[i].apportioned[c] = NAN;
		}
	}
	m->host.perf_enabled = perf;
	for (int c = 0; c < COMP__COUNT; c++) {
		m->host.host_components[c] = perf ? 0 : NAN;
		m->host.apportioned_components[c] = NAN;
	}
}

static void test_model_net(void)
{
	struct host_sample prev, cur;
	host_sample_init(&prev);
	host_sample_init(&cur);
	/* prev: 10 (tap0), 11 (tap1), 12 (vanishes); cur: 10, 11, 13 (new), 14 (no tap), 15 (tap reset) */
	prev.nvms = 4;
	prev.vms = xcalloc(prev.nvms, sizeof(*prev.vms));
	set_vm(&prev.vms[0], 10, "tap0", 1000, 5000);
	set_vm(&prev.vms[1], 11, "tap1", 1000, 1000);
	set_vm(&prev.vms[2], 12, "tap2", 0, 0);
	set_vm(&prev.vms[3], 15, "tap5", 9000, 9000);
	cur.nvms = 5;
	cur.vms = xcalloc(cur.nvms, sizeof(*cur.vms));
	set_vm(&cur.vms[0], 10, "tap0", 1000 + 1000, 5000 + 2000);	/* 3000 bytes in the interval */
	set_vm(&cur.vms[1], 11, "tap1", 1000 + 600, 1000 + 400);	/* 1000 bytes: 3:1 */
	set_vm(&cur.vms[2], 13, "tap3", 50000, 50000);
	set_vm(&cur.vms[3], 14, NULL, 0, 0);
	set_vm(&cur.vms[4], 15, "tap5", 10, 10);

	struct model m;
	model_for(&m, &cur, true);
	m.host.host_components[COMP_BRIDGE] = 40;
	m.host.host_components[COMP_NIC] = 8;
	m.host.host_components[COMP_TUN] = 10;
	/* tun work in VM 10's own thread is not shared: 4 as sampled (shown as 8: its TOTAL twice its samples) */
	m.vms[0].components[COMP_TUN] = 8;
	m.vms[0].components_scale = 2;
	m.host.host_components[COMP_KVM] = 30;
	model_net_update(&m, &prev, &cur);

	const struct vm_stat *a = &m.vms[0], *b = &m.vms[1];
	CHECK(a->net.valid && b->net.valid);
	CHECK_NEAR(a->net.rx_bytes, 2000 / 2.0, 1e-9);	/* VM receives what the tap transmits */
	CHECK_NEAR(a->net.tx_bytes, 1000 / 2.0, 1e-9);
	CHECK_NEAR(a->net.rx_packets, 20 / 2.0, 1e-9);
	CHECK_NEAR(b->net.rx_bytes, 400 / 2.0, 1e-9);
	CHECK_NEAR(b->net.tx_bytes, 600 / 2.0, 1e-9);
	CHECK(a->ntaps == 1 && !strcmp(a->taps[0].ifname, "tap0") && !strcmp(a->taps[0].bridge, "br0"));
	CHECK_NEAR(a->apportioned[COMP_BRIDGE], 30, 1e-9);
	CHECK_NEAR(b->apportioned[COMP_BRIDGE], 10, 1e-9);
	CHECK_NEAR(a->apportioned[COMP_NIC], 6, 1e-9);
	CHECK_NEAR(b->apportioned[COMP_NIC], 2, 1e-9);
	CHECK_NEAR(a->apportioned[COMP_TUN], 4.5, 1e-9);	/* (10 - 4) * 3/4 */
	CHECK_NEAR(b->apportioned[COMP_TUN], 1.5, 1e-9);
	CHECK(a->apportioned[COMP_KVM] == 0);
	/* new VM (not in prev), VM without taps, VM whose tap counters went down: no rate, no share */
	for (int v = 2; v < 5; v++) {
		CHECK(!m.vms[v].net.valid && isnan(m.vms[v].net.rx_bytes));
		CHECK(m.vms[v].apportioned[COMP_BRIDGE] == 0);
	}
	CHECK(m.vms[3].ntaps == 0 && m.vms[3].taps == NULL);
	CHECK(m.vms[2].ntaps == 1);
	CHECK_NEAR(m.host.apportioned_components[COMP_BRIDGE], 40, 1e-9);
	CHECK_NEAR(m.host.apportioned_components[COMP_TUN], 6, 1e-9);
	CHECK(m.host.apportioned_components[COMP_KVM] == 0);
	model_free(&m);

	/* perf off: rates still, apportioned unknown */
	model_for(&m, &cur, false);
	model_net_update(&m, &prev, &cur);
	CHECK(m.vms[0].net.valid);
	CHECK(isnan(m.vms[0].apportioned[COMP_BRIDGE]) && isnan(m.host.apportioned_components[COMP_NIC]));
	model_free(&m);

	/* zero traffic: nothing apportioned, the host keeps it all */
	model_for(&m, &cur, true);
	m.host.host_components[COMP_BRIDGE] = 5;
	model_net_update(&m, &cur, &cur);
	CHECK(m.vms[0].net.valid && m.vms[0].net.rx_bytes == 0);
	CHECK(m.vms[0].apportioned[COMP_BRIDGE] == 0 && m.vms[1].apportioned[COMP_BRIDGE] == 0);
	CHECK(m.host.apportioned_components[COMP_BRIDGE] == 0);
	model_free(&m);

	host_sample_clear(&prev);
	host_sample_clear(&cur);
}

int main(void)
{
	test_zero_traffic();
	test_one_vm();
	test_many_vms();
	test_rounding();
	test_model_net();
	return unit_done("test_apportion");
}

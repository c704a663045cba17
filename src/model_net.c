/* model_net.c - per-VM network rates from tap counters, and the host's shared network path (bridge, NIC
 * driver, tun work done outside any VM's thread) apportioned to VMs by their bytes in the interval, as
 * Anand et al. do for bridge and physical-driver time (shared/seeds/000, sections IV-V).
 *
 * Rates are from the VM's point of view: a tap's counters are the host side's, so what the tap transmits
 * the VM receives. net.rx_* = tap tx_*, net.tx_* = tap rx_*. A VM without taps (or whose tap counters
 * could not be read) has unknown rates, not zero: it may use networking vmtop does not see (user-mode
 * networking, macvtap, vhost-user); it gets no share of the network path. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "apportion.h"
#include "model.h"
#include "model_parts.h"
#include "util.h"

static const struct tap_sample *find_tap(const struct vm_sample *vm, const char *ifname)
{
	for (size_t i = 0; vm && i < vm->ntaps; i++)
		if (!strcmp(vm->taps[i].ifname, ifname))
			return &vm->taps[i];
	return NULL;
}

/* Rates of one VM over interval; returns the bytes both ways in the interval (its weight), 0 if unknown. */
static double vm_rates(struct vm_stat *vs, const struct vm_sample *a, const struct vm_sample *b, double interval)
{
	unsigned long long rxb = 0, txb = 0, rxp = 0, txp = 0;
	bool any = false;
	for (size_t i = 0; i < b->ntaps; i++) {
		const struct tap_sample *tb = &b->taps[i], *ta = find_tap(a, tb->ifname);
		if (!ta || !ta->counters_valid || !tb->counters_valid)
			continue;
		if (tb->rx_bytes < ta->rx_bytes || tb->tx_bytes < ta->tx_bytes ||
		    tb->rx_packets < ta->rx_packets || tb->tx_packets < ta->tx_packets)
			continue;	/* counters went down: the tap was recreated, no rate this time */
		rxb += tb->tx_bytes - ta->tx_bytes;
		txb += tb->rx_bytes - ta->rx_bytes;
		rxp += tb->tx_packets - ta->tx_packets;
		txp += tb->rx_packets - ta->rx_packets;
		any = true;
	}
	if (!any)
		return 0;
	vs->net = (struct net_stat){ true, rxb / interval, txb / interval, rxp / interval, txp / interval };
	return (double)rxb + (double)txb;
}

static void copy_taps(struct vm_stat *vs, const struct vm_sample *b)
{
	free(vs->taps);
	vs->taps = NULL;
	vs->ntaps = 0;
	if (!b->ntaps)
		return;
	vs->taps = xmalloc(b->ntaps * sizeof(*vs->taps));	/* model_free() frees it */
	memcpy(vs->taps, b->taps, b->ntaps * sizeof(*vs->taps));
	vs->ntaps = b->ntaps;
}

/* Host-side time of component c that is in no VM's own threads. */
static double outside_vms(const struct model *m, enum component c)
{
	double amount = m->host.host_components[c];
	if (c != COMP_TUN || isnan(amount))
		return amount;	/* bridge and NIC work never runs in a VM thread's own account */
	for (size_t v = 0; v < m->nvms; v++)
		if (m->vms[v].components_valid && !isnan(m->vms[v].components[c]))
			amount -= m->vms[v].components[c] / m->vms[v].components_scale;	/* as sampled, as amount is */
	return amount > 0 ? amount : 0;
}

void model_net_update(struct model *m, const struct host_sample *prev, const struct host_sample *cur)
{
	if (!prev)
		return;	/* rates need an interval */
	double *weights = xcalloc(m->nvms ? m->nvms : 1, sizeof(*weights));
	for (size_t v = 0; v < m->nvms; v++) {
		struct vm_stat *vs = &m->vms[v];
		const struct vm_sample *b = host_sample_find_vm(cur, vs->pid, v);
		if (!b)
			continue;
		const struct vm_sample *a = prev ? host_sample_find_vm(prev, vs->pid, v) : NULL;
		if (a && a->start_ticks != b->start_ticks)
			a = NULL;	/* another VM with a reused PID */
		copy_taps(vs, b);
		vs->net = (struct net_stat){ false, NAN, NAN, NAN, NAN };
		if (a && m->interval > 0)
			weights[v] = vm_rates(vs, a, b, m->interval);
	}

	struct host_stat *h = &m->host;
	if (h->perf_enabled && m->interval > 0) {
		static const enum component shared[] = { COMP_BRIDGE, COMP_NIC, COMP_TUN };
		double *share = xcalloc(m->nvms ? m->nvms : 1, sizeof(*share));
		for (int c = 0; c < COMP__COUNT; c++) {
			h->apportioned_components[c] = 0;
			for (size_t v = 0; v < m->nvms; v++)
				m->vms[v].apportioned[c] = 0;
		}
		for (size_t k = 0; k < sizeof(shared) / sizeof(shared[0]); k++) {
			enum component c = shared[k];
			double amount = outside_vms(m, c);
			if (isnan(amount)) {
				h->apportioned_components[c] = NAN;
				for (size_t v = 0; v < m->nvms; v++)
					m->vms[v].apportioned[c] = NAN;
				continue;
			}
			double left = apportion(amount, weights, m->nvms, share);
			h->apportioned_components[c] = amount - left;
			for (size_t v = 0; v < m->nvms; v++)
				m->vms[v].apportioned[c] = share[v];
		}
		free(share);
	}
	free(weights);
}

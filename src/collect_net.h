/* collect_net.h - byte and packet counters of the VMs' tap devices, and the bridge each tap is on, read with
 * libnl-route-3: one link dump per network namespace per refresh. */
#ifndef VMTOP_COLLECT_NET_H
#define VMTOP_COLLECT_NET_H

#include <stddef.h>

#include "sample.h"

struct net_collector;

/* Never fails for want of permission: namespaces it cannot enter are reported by net_collect. NULL only
 * when vmtop's own network namespace cannot be opened (then net_collect leaves every tap invalid). */
struct net_collector *net_collector_new(void);
/* Fills counters, bridge and counters_valid of every s->vms[i].taps[j] (ifname and netns_ino come from
 * discovery). Counters are the host side's: the tap's tx is what the VM received. */
void net_collect(struct net_collector *nc, struct host_sample *s);
void net_collector_free(struct net_collector *nc);
/* Network namespaces with an open netlink socket (tests: sockets of unused namespaces are dropped). */
size_t net_collector_nnamespaces(const struct net_collector *nc);

#endif

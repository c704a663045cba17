/* collect_net.c - tap counters and bridges with libnl-route-3: one netlink socket per network namespace,
 * created inside it and kept, and one link dump per namespace per refresh. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>

#include "collect_net.h"
#include "nls.h"
#include "source.h"
#include "util.h"

/* One network namespace some VM's taps live in. A socket pins its namespace, so the inode cannot be reused
 * by another namespace while we hold the socket: the inode is a safe key. */
struct netns {
	unsigned long long ino;
	struct nl_sock *sk;		/* NULL when the namespace could not be entered */
	struct nl_cache *links;		/* kept between refreshes and refilled */
	int enter_errno;		/* why sk is NULL */
	bool used, dumped, dump_ok;
};

struct net_collector {
	int home_fd;			/* vmtop's own namespace, to return to after setns */
	unsigned long long home_ino;
	bool stranded;			/* could not return home once: create no more sockets */
	struct netns *ns;
	size_t nns, cap;
};

struct net_collector *net_collector_new(void)
{
	int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return NULL;
	}
	struct net_collector *nc = xcalloc(1, sizeof(*nc));
	nc->home_fd = fd;
	nc->home_ino = st.st_ino;
	return nc;
}

static void netns_close(struct netns *n)
{
	if (n->links)
		nl_cache_free(n->links);
	if (n->sk)
		nl_socket_free(n->sk);
	n->links = NULL;
	n->sk = NULL;
}

void net_collector_free(struct net_collector *nc)
{
	if (!nc)
		return;
	for (size_t i = 0; i < nc->nns; i++)
		netns_close(&nc->ns[i]);
	free(nc->ns);
	close(nc->home_fd);
	free(nc);
}

size_t net_collector_nnamespaces(const struct net_collector *nc)
{
	size_t n = 0;
	for (size_t i = 0; nc && i < nc->nns; i++)
		n += nc->ns[i].sk != NULL;
	return n;
}

static struct nl_sock *route_socket(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	if (sk && nl_connect(sk, NETLINK_ROUTE) < 0) {
		nl_socket_free(sk);
		sk = NULL;
	}
	return sk;
}

/* Opens a rtnetlink socket inside the namespace of pid (which must be ino), then returns home: a netlink
 * socket stays bound to the namespace it was created in. Returns 0 or an errno. */
static int connect_in(struct net_collector *nc, struct netns *n, pid_t pid)
{
	/* first: once stranded this thread is in another namespace, where a "home" socket would read the wrong taps */
	if (nc->stranded)
		return EIO;
	if (n->ino == nc->home_ino) {
		n->sk = route_socket();
		return n->sk ? 0 : ENOMEM;
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_ino != n->ino) {
		close(fd);
		return ESRCH;	/* the PID is gone or moved: another VM of this namespace may do */
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		int err = errno;
		close(fd);
		return err;
	}
	close(fd);
	n->sk = route_socket();
	if (setns(nc->home_fd, CLONE_NEWNET) < 0)
		nc->stranded = true;	/* cannot happen with the rights we just used; if it does, stop moving */
	return n->sk ? 0 : ENOMEM;
}

static struct netns *netns_get(struct net_collector *nc, unsigned long long ino, pid_t pid)
{
	struct netns *n = NULL;
	for (size_t i = 0; i < nc->nns; i++)
		if (nc->ns[i].ino == ino)
			n = &nc->ns[i];
	if (!n) {
		if (nc->nns == nc->cap) {
			nc->cap = nc->cap ? 2 * nc->cap : 4;
			nc->ns = xrealloc(nc->ns, nc->cap * sizeof(*nc->ns));
		}
		n = &nc->ns[nc->nns++];
		memset(n, 0, sizeof(*n));
		n->ino = ino;
	}
	n->used = true;
	/* Retry each refresh with this VM's PID until one works: an earlier PID may have gone. */
	if (!n->sk)
		n->enter_errno = connect_in(nc, n, pid);
	return n;
}

/* The one dump of this namespace in this refresh. */
static bool netns_dump(struct netns *n)
{
	if (n->dumped)
		return n->dump_ok;
	n->dumped = true;
	int err;
	for (int tries = 0; tries < 2; tries++) {	/* a dump interrupted by a link change is retried once */
		if (n->links)
			err = nl_cache_refill(n->sk, n->links);
		else
			err = rtnl_link_alloc_cache(n->sk, AF_UNSPEC, &n->links);
		if (err != -NLE_DUMP_INTR)
			break;
	}
	n->dump_ok = err >= 0;
	if (!n->dump_ok)
		netns_close(n);	/* reconnect next refresh */
	return n->dump_ok;
}

static unsigned long long vm_netns(const struct vm_sample *vm)
{
	if (vm->netns_ino)
		return vm->netns_ino;
	errno = 0;
	char path[64];
	struct stat st;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)vm->pid);
	return stat(path, &st) == 0 ? st.st_ino : 0;
}

static void fill_tap(struct tap_sample *t, struct nl_cache *links)
{
	struct rtnl_link *link = rtnl_link_get_by_name(links, t->ifname);
	if (!link)
		return;		/* gone since discovery */
	t->rx_bytes = rtnl_link_get_stat(link, RTNL_LINK_RX_BYTES);
	t->tx_bytes = rtnl_link_get_stat(link, RTNL_LINK_TX_BYTES);
	t->rx_packets = rtnl_link_get_stat(link, RTNL_LINK_RX_PACKETS);
	t->tx_packets = rtnl_link_get_stat(link, RTNL_LINK_TX_PACKETS);
	int master = rtnl_link_get_master(link);
	if (master <= 0 || !rtnl_link_i2name(links, master, t->bridge, sizeof(t->bridge)))
		t->bridge[0] = '\0';
	t->counters_valid = true;
	rtnl_link_put(link);
}

void net_collect(struct net_collector *nc, struct host_sample *s)
{
	for (size_t v = 0; v < s->nvms; v++)
		for (size_t t = 0; t < s->vms[v].ntaps; t++) {
			s->vms[v].taps[t].counters_valid = false;
			s->vms[v].taps[t].bridge[0] = '\0';
		}
	if (!nc)
		return;
	for (size_t i = 0; i < nc->nns; i++)
		nc->ns[i].used = nc->ns[i].dumped = false;

	int enter_errno = 0;
	for (size_t v = 0; v < s->nvms; v++) {
		struct vm_sample *vm = &s->vms[v];
		if (!vm->ntaps)
			continue;
		unsigned long long ino = vm_netns(vm);
		if (!ino) {
			if (errno == EACCES || errno == EPERM)
				enter_errno = errno;
			continue;
		}
		struct netns *n = netns_get(nc, ino, vm->pid);
		if (!n->sk) {
			/* a VM that exited since discovery is no news */
			if (!enter_errno && n->enter_errno != ESRCH && n->enter_errno != ENOENT)
				enter_errno = n->enter_errno;
			continue;
		}
		if (!netns_dump(n))
			continue;
		for (size_t t = 0; t < vm->ntaps; t++)
			fill_tap(&vm->taps[t], n->links);
	}

	/* Drop namespaces no VM uses any more: their sockets would keep dead namespaces alive. */
	size_t k = 0;
	for (size_t i = 0; i < nc->nns; i++) {
		if (nc->ns[i].used)
			nc->ns[k++] = nc->ns[i];
		else
			netns_close(&nc->ns[i]);
	}
	nc->nns = k;

	if (enter_errno == EPERM || enter_errno == EACCES)
		host_sample_warn(s, "%s", _("network counters of some VMs unavailable: entering their network "
					    "namespace needs CAP_SYS_ADMIN"));
	else if (enter_errno)
		host_sample_warn(s, _("network counters of some VMs unavailable: cannot enter their network "
				      "namespace (%s)"), strerror(enter_errno));
}

static void *net_open(const struct source_args *a, char *why, size_t whylen)
{
	(void)a;
	struct net_collector *nc = net_collector_new();
	if (!nc)
		snprintf(why, whylen, _("cannot open /proc/self/ns/net: %s"), strerror(errno));
	return nc;
}

static bool net_sample(void *state, struct host_sample *s, char *why, size_t whylen)
{
	(void)why;
	(void)whylen;
	net_collect(state, s);
	return true;
}

static void net_close(void *state)
{
	net_collector_free(state);
}

const struct source net_source = {
	.part = PART_NET, .name = "netlink",
	.open = net_open, .sample = net_sample, .close = net_close,
};

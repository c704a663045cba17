/* test_collect_net.c - net_collect against real taps on a bridge in a test network namespace (set up by
 * test_collect_net.sh): counters and bridge names through a socket made inside that namespace, 3:1 bytes
 * written into the taps, the model's rates and split, dropping unused namespaces, the unprivileged case, and a
 * collector stranded in another namespace.
 * Usage: test_collect_net PID0 PID1 (two processes living in the namespace that holds br0, tap0, tap1). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collect_net.h"
#include "model.h"
#include "model_parts.h"
#include "unit.h"
#include "util.h"

#define FRAME_LEN 1000
static const unsigned char bridge_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };	/* set by the .sh */

static unsigned long long ns_ino(pid_t pid)
{
	char path[64];
	struct stat st;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	return stat(path, &st) == 0 ? st.st_ino : 0;
}

/* Attaches to the persistent taps from inside their namespace; the fds keep working after we return. */
static int open_taps(pid_t in_ns, int fds[2])
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)in_ns);
	int home = open("/proc/self/ns/net", O_RDONLY), there = open(path, O_RDONLY);
	if (home < 0 || there < 0 || setns(there, CLONE_NEWNET) < 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "tap%d", i);
		fds[i] = open("/dev/net/tun", O_RDWR);
		if (fds[i] < 0 || ioctl(fds[i], TUNSETIFF, &ifr) < 0)
			return -1;
	}
	int rc = setns(home, CLONE_NEWNET);
	close(home);
	close(there);
	return rc;
}

/* Frames to the bridge's own address: the bridge takes them in, floods nothing to the other tap. */
static int send_frames(int fd, int n, unsigned char src_last)
{
	unsigned char frame[FRAME_LEN] = { 0 };
	memcpy(frame, bridge_mac, 6);
	memcpy(frame + 6, (unsigned char[]){ 0x02, 0, 0, 0, 0, src_last }, 6);
	frame[12] = 0x88;	/* local experimental ethertype: no protocol answers */
	frame[13] = 0xb5;
	for (int i = 0; i < n; i++)
		if (write(fd, frame, sizeof(frame)) != (ssize_t)sizeof(frame))
			return -1;
	return 0;
}

static void add_vm(struct host_sample *s, pid_t pid, unsigned long long ino, const char *tap)
{
	s->vms = xrealloc(s->vms, (s->nvms + 1) * sizeof(*s->vms));
	struct vm_sample *vm = &s->vms[s->nvms++];
	memset(vm, 0, sizeof(*vm));
	vm->pid = pid;
	vm->netns_ino = ino;
	vm->taps = xcalloc(1, sizeof(*vm->taps));
	vm->ntaps = 1;
	str_copy(vm->taps[0].ifname, tap, sizeof(vm->taps[0].ifname));
}

static void build(struct host_sample *s, pid_t p0, pid_t p1)
{
	host_sample_init(s);
	add_vm(s, p0, ns_ino(p0), "tap0");
	add_vm(s, p1, ns_ino(p1), "tap1");
	add_vm(s, getpid(), ns_ino(getpid()), "lo");	/* vmtop's own namespace: no setns */
	add_vm(s, 999999, 4026000001ULL, "tapX");	/* a VM that is gone */
}

static void check_split(const struct host_sample *prev, const struct host_sample *cur)
{
	struct model m;
	model_init(&m);
	m.interval = 1;
	m.nvms = cur->nvms;
	m.vms = xcalloc(m.nvms, sizeof(*m.vms));
	for (size_t i = 0; i < m.nvms; i++)
		m.vms[i].pid = cur->vms[i].pid;
	m.host.perf_enabled = true;
	for (int c = 0; c < COMP__COUNT; c++)
		m.host.host_components[c] = 0;
	m.host.host_components[COMP_BRIDGE] = 20;
	model_net_update(&m, prev, cur);
	CHECK_NEAR(m.vms[0].net.tx_bytes, 30 * FRAME_LEN, 0.5);	/* written into the tap = sent by the VM */
	CHECK_NEAR(m.vms[1].net.tx_bytes, 10 * FRAME_LEN, 0.5);
	CHECK_NEAR(m.vms[0].net.rx_bytes, 0, 0.5);
	/* lo's own traffic (if any) takes a share: compare VM 0 and VM 1 with each other */
	CHECK(m.vms[1].apportioned[COMP_BRIDGE] > 0);
	CHECK_NEAR(m.vms[0].apportioned[COMP_BRIDGE] / m.vms[1].apportioned[COMP_BRIDGE], 3.0, 1e-9);
	CHECK(!m.vms[3].net.valid);
	model_free(&m);
}

/* Without CAP_SYS_ADMIN (as nobody), another namespace cannot be entered: counters invalid, one warning. */
static void check_unprivileged(pid_t p0)
{
	pid_t child = fork();
	if (child == 0) {
		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(3);
		struct net_collector *nc = net_collector_new();
		struct host_sample s;
		host_sample_init(&s);
		add_vm(&s, p0, ns_ino(p0) ? ns_ino(p0) : 4026000002ULL, "tap0");
		net_collect(nc, &s);
		int ok = !s.vms[0].taps[0].counters_valid && s.nwarnings == 1 && strstr(s.warnings[0], "CAP_SYS_ADMIN");
		if (!ok)
			fprintf(stderr, "unprivileged: valid=%d warnings=%d %s\n", s.vms[0].taps[0].counters_valid,
				s.nwarnings, s.nwarnings ? s.warnings[0] : "");
		host_sample_clear(&s);
		net_collector_free(nc);
		_exit(ok ? 0 : 1);
	}
	int status = -1;
	waitpid(child, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static bool fd_in_netns(int fd, unsigned long long ino)
{
	char path[64], link[64], want[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	snprintf(want, sizeof(want), "net:[%llu]", ino);
	ssize_t n = readlink(path, link, sizeof(link) - 1);
	return n > 0 && (link[n] = '\0', !strcmp(link, want));
}

/* A collector that could not return to its own namespace (setns refused by a seccomp filter, for its home
 * descriptor only) makes no more sockets, not even for its "home" namespace: it is not in it any more, and a VM
 * there would get the taps of the namespace it was left in (here tap0 of the test's namespace). */
static void check_stranded(pid_t p0)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__NR_setns)
	pid_t child = fork();
	if (child == 0) {
		unsigned long long home = ns_ino(getpid());
		bool before[256];
		for (int fd = 0; fd < 256; fd++)
			before[fd] = fd_in_netns(fd, home);	/* the parent's collector holds one too */
		struct net_collector *nc = net_collector_new();
		int home_fd = -1;
		for (int fd = 0; fd < 256 && home_fd < 0; fd++)
			if (!before[fd] && fd_in_netns(fd, home))
				home_fd = fd;
		if (!nc || home_fd < 0)
			_exit(3);
		struct sock_filter f[] = {
			BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
			BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_setns, 0, 3),
			BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
			BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)home_fd, 0, 1),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		};
		struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
			_exit(4);
		struct host_sample s;
		host_sample_init(&s);
		add_vm(&s, p0, ns_ino(p0), "tap0");
		net_collect(nc, &s);	/* enters the test's namespace, cannot come back */
		int entered = s.vms[0].taps[0].counters_valid && ns_ino(getpid()) != home;
		host_sample_clear(&s);
		host_sample_init(&s);
		add_vm(&s, getppid(), home, "tap0");
		net_collect(nc, &s);
		int ok = entered && !s.vms[0].taps[0].counters_valid;
		if (!ok)
			fprintf(stderr, "stranded: entered=%d home VM's tap0 valid=%d\n", entered,
				s.vms[0].taps[0].counters_valid);
		host_sample_clear(&s);
		net_collector_free(nc);
		_exit(ok ? 0 : 1);
	}
	int status = -1;
	waitpid(child, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
#else
	(void)p0;
#endif
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s PID0 PID1\n", argv[0]);
		return 2;
	}
	pid_t p0 = atoi(argv[1]), p1 = atoi(argv[2]);
	CHECK(ns_ino(p0) && ns_ino(p0) == ns_ino(p1) && ns_ino(p0) != ns_ino(getpid()));
	int fds[2];
	if (open_taps(p0, fds) < 0) {
		fprintf(stderr, "cannot attach to tap0/tap1: %s\n", strerror(errno));
		return 1;
	}

	struct net_collector *nc = net_collector_new();
	CHECK(nc != NULL);
	struct host_sample prev, cur;
	build(&prev, p0, p1);
	net_collect(nc, &prev);
	CHECK(net_collector_nnamespaces(nc) == 2);	/* the test's namespace and our own */
	CHECK(send_frames(fds[0], 30, 0x10) == 0);
	CHECK(send_frames(fds[1], 10, 0x11) == 0);
	build(&cur, p0, p1);
	net_collect(nc, &cur);

	for (int v = 0; v < 2; v++) {
		const struct tap_sample *a = &prev.vms[v].taps[0], *b = &cur.vms[v].taps[0];
		unsigned long long frames = v == 0 ? 30 : 10;
		CHECK(a->counters_valid && b->counters_valid);
		CHECK_STR(b->bridge, "br0");
		CHECK(b->rx_bytes - a->rx_bytes == frames * FRAME_LEN);
		CHECK(b->rx_packets - a->rx_packets == frames);
		CHECK(b->tx_bytes == a->tx_bytes);	/* nothing flooded back to the taps */
	}
	CHECK(cur.vms[2].taps[0].counters_valid && cur.vms[2].taps[0].bridge[0] == '\0');
	CHECK(!cur.vms[3].taps[0].counters_valid);
	CHECK(cur.nwarnings == 0);
	check_split(&prev, &cur);

	/* no VM left in the test namespace: its socket goes */
	struct host_sample none;
	host_sample_init(&none);
	net_collect(nc, &none);
	CHECK(net_collector_nnamespaces(nc) == 0);
	host_sample_clear(&none);
	/* and comes back when a VM appears there again */
	host_sample_clear(&cur);
	build(&cur, p0, p1);
	net_collect(nc, &cur);
	CHECK(cur.vms[0].taps[0].counters_valid && net_collector_nnamespaces(nc) == 2);

	check_unprivileged(p0);
	check_stranded(p0);
	host_sample_clear(&prev);
	host_sample_clear(&cur);
	net_collector_free(nc);
	close(fds[0]);
	close(fds[1]);
	return unit_done("test_collect_net");
}

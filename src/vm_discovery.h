/* vm_discovery.h - finds KVM VM processes (holders of anon_inode:kvm-vm) and what their descriptors say,
 * caching per PID so a refresh does not rescan every descriptor of every process. */
#ifndef VMTOP_VM_DISCOVERY_H
#define VMTOP_VM_DISCOVERY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "sample.h"

/* Static facts about one VM process, refreshed now and then. */
struct vm_info {
	pid_t pid;
	char name[VM_NAME_MAX];
	char uuid[40];
	char vmm[COMM_MAX];
	long long mem_config_kib;
	char qmp_path[108];		/* QMP unix socket from the command line, "" none */
	int vm_fd;			/* its lowest kvm-vm descriptor, -1 none (KVM's debugfs names the VM PID-FD) */
	int nr_vcpus;
	int *vcpu_fds;			/* fd number of vCPU i is vcpu_fds[i] ... */
	int *vcpu_fd_index;		/* ... and its index vcpu_fd_index[i] */
	char (*taps)[IFNAME_MAX];
	size_t ntaps;
	bool uses_vhost_net;
	unsigned long long netns_ino;
	pid_t *vhost_kthreads;		/* old-style vhost-PID kernel threads serving this VM */
	size_t nvhost_kthreads;
};

struct vm_discovery;

struct vm_discovery *vm_discovery_new(void);
/* Walks /proc; returns the VMs alive now (owned by d, valid until the next call). */
struct vm_info *vm_discovery_scan(struct vm_discovery *d, size_t *nvms);
/* The vCPU index a descriptor number of VM pid stands for, or -1. */
int vm_info_vcpu_of_fd(const struct vm_info *vm, int fd);
/* True when some descriptor could not be read for lack of permission (not root). */
bool vm_discovery_denied(const struct vm_discovery *d);
/* PID is no longer the process the last scan classified (a reader saw another start time): the next scan
 * classifies it anew. */
void vm_discovery_forget(struct vm_discovery *d, pid_t pid);
/* PID shows signs of new descriptors (more vCPU threads than vCPU descriptors): the next scan reads them. */
void vm_discovery_rescan(struct vm_discovery *d, pid_t pid);
void vm_discovery_free(struct vm_discovery *d);

/* Kinds of descriptor the scan cares about, from the readlink text of /proc/PID/fd/N. Pure, for tests. */
enum fd_kind { FD_OTHER, FD_KVM_VM, FD_KVM_VCPU, FD_TUN, FD_VHOST_NET };
enum fd_kind vm_discovery_fd_kind(const char *link, int *vcpu_index);
/* The interface a tun descriptor's fdinfo text names ("iff:\ttap0"), cut to IFNAME_MAX - 1; "" when none. */
void vm_discovery_tun_iff(const char *fdinfo, char *ifname);

#endif

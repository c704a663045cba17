/* thread_role.c - what a VM process's thread does, from the name its VMM gave it. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "thread_role.h"

/* vCPU thread names of the VMMs we know; the index follows the prefix. */
static const struct {
	const char *prefix, *suffix;
} vcpu_names[] = {
	{ "CPU ", "/KVM" },		/* qemu with debug-threads=on */
	{ "fc_vcpu ", "" },		/* firecracker */
	{ "crosvm_vcpu", "" },		/* crosvm */
	{ "kvm-vcpu-", "" },		/* kvmtool */
	{ "vcpu", "" },			/* cloud-hypervisor */
};

static const char *const io_prefixes[] = {
	"IO ",		/* qemu iothreads: "IO iothread0", "IO mon_iothread" */
	"worker",	/* qemu thread pool */
	"iou-wrk-",	/* io_uring workers inside the process */
	"iou-sqp-",
	"disk_",	/* cloud-hypervisor virtio-blk */
	"v_blk", "v_net", "virtio",
	"fc_vmm",	/* firecracker's device event loop */
};

static const char *const kvm_prefixes[] = {
	"kvm-nx-lpage-re",	/* KVM's NX huge page recovery worker */
	"kvm-pit/",		/* in-kernel PIT worker */
};

/* Digits by hand: sscanf was most of the cost of naming 750 threads every refresh. */
static bool parse_index(const char *s, const char *suffix, int *index)
{
	int n = 0, used = 0;
	while (s[used] >= '0' && s[used] <= '9' && used < 9)
		n = n * 10 + (s[used++] - '0');
	if (used == 0 || (s[used] >= '0' && s[used] <= '9'))
		return false;
	if (strcmp(s + used, suffix) != 0)
		return false;
	*index = n;
	return true;
}

/* The rest of s after prefix, or NULL: most names differ at the first letter, where this stops (strlen and
 * strncmp of 16 prefixes cost ~200 instructions a thread, 865 threads a refresh at 150 VMs). */
static const char *after_prefix(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return NULL;
	return s;
}

enum thread_role thread_role_from_comm(const char *comm, int *vcpu_index)
{
	*vcpu_index = -1;
	for (size_t i = 0; i < sizeof(vcpu_names) / sizeof(vcpu_names[0]); i++) {
		const char *rest = after_prefix(comm, vcpu_names[i].prefix);
		if (rest && parse_index(rest, vcpu_names[i].suffix, vcpu_index))
			return ROLE_VCPU;
	}
	if (after_prefix(comm, "vhost-"))
		return ROLE_VHOST;
	for (size_t i = 0; i < sizeof(io_prefixes) / sizeof(io_prefixes[0]); i++)
		if (after_prefix(comm, io_prefixes[i]))
			return ROLE_IO;
	for (size_t i = 0; i < sizeof(kvm_prefixes) / sizeof(kvm_prefixes[0]); i++)
		if (after_prefix(comm, kvm_prefixes[i]))
			return ROLE_KVM;
	return ROLE_OTHER;
}

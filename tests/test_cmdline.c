/* test_cmdline.c - VM identity from command lines, thread roles from names, descriptor kinds. */
#include "config.h"

#include "thread_role.h"
#include "unit.h"
#include "vm_cmdline.h"
#include "vm_discovery.h"

static void parse(const char *const *argv, size_t argc, struct vm_cmdline *out)
{
	char buf[4096];
	size_t len = 0;
	for (size_t i = 0; i < argc; i++) {
		size_t l = strlen(argv[i]) + 1;
		memcpy(buf + len, argv[i], l);
		len += l;
	}
	vm_cmdline_parse(buf, len, out);
}

static void test_qemu(void)
{
	struct vm_cmdline c;
	const char *a1[] = { "/usr/bin/qemu-system-x86_64", "-name", "guest=web,,01,debug-threads=on",
			     "-m", "size=4194304k,slots=4,maxmem=8G", "-uuid", "4f1c9e3a-2b7d-4c39-9a3e-1d2f3a4b5c6d",
			     "-smp", "4" };
	parse(a1, 9, &c);
	CHECK_STR(c.name, "web,01");
	CHECK_STR(c.uuid, "4f1c9e3a-2b7d-4c39-9a3e-1d2f3a4b5c6d");
	CHECK(c.mem_kib == 4194304);

	const char *a2[] = { "qemu-system-x86_64", "-name", "db", "-m", "2G" };
	parse(a2, 5, &c);
	CHECK_STR(c.name, "db");
	CHECK(c.mem_kib == 2 * 1024 * 1024);

	const char *a3[] = { "qemu-kvm", "--name", "legacy,process=qemu:legacy", "-m", "512" };
	parse(a3, 5, &c);
	CHECK_STR(c.name, "legacy");
	CHECK(c.mem_kib == 512 * 1024);

	const char *a4[] = { "qemu-system-x86_64", "-m" };	/* truncated: no value */
	parse(a4, 2, &c);
	CHECK_STR(c.name, "");
	CHECK(c.mem_kib == -1);
}

static void test_other_vmms(void)
{
	struct vm_cmdline c;
	const char *fc[] = { "firecracker", "--api-sock", "/tmp/fc.sock", "--id", "fc-vm1" };
	parse(fc, 5, &c);
	CHECK_STR(c.name, "fc-vm1");
	CHECK(c.mem_kib == -1);
	const char *ch[] = { "/usr/bin/cloud-hypervisor", "--memory", "size=1G,shared=on", "--cpus", "boot=2" };
	parse(ch, 5, &c);
	CHECK(c.mem_kib == 1024 * 1024);
	const char *kt[] = { "lkvm", "run", "--name", "tool,vm", "-m", "256" };
	parse(kt, 6, &c);
	CHECK_STR(c.name, "tool,vm");
	CHECK(c.mem_kib == 256 * 1024);
}

static void test_sizes(void)
{
	CHECK(vm_cmdline_size_kib("1024", 1024) == 1024 * 1024);
	CHECK(vm_cmdline_size_kib("1.5G", 1024) == 1536 * 1024);
	CHECK(vm_cmdline_size_kib("2048B", 1) == 2);
	CHECK(vm_cmdline_size_kib("12Q", 1) == -1);
	CHECK(vm_cmdline_size_kib("x", 1) == -1);
	CHECK(vm_cmdline_size_kib("1e30T", 1) == -1);		/* past long long: unknown, not INT64_MIN */
	CHECK(vm_cmdline_size_kib("9e18", 1) == 9000000000000000000LL);
	CHECK(vm_cmdline_size_kib("9.3e18", 1) == -1);
	CHECK(vm_cmdline_size_kib("1e999", 1) == -1);		/* strtod's HUGE_VAL */
}

static void test_roles(void)
{
	int idx;
	CHECK(thread_role_from_comm("CPU 3/KVM", &idx) == ROLE_VCPU && idx == 3);
	CHECK(thread_role_from_comm("CPU 12/KVM", &idx) == ROLE_VCPU && idx == 12);
	CHECK(thread_role_from_comm("CPU 1/TCG", &idx) == ROLE_OTHER && idx == -1);
	CHECK(thread_role_from_comm("fc_vcpu 0", &idx) == ROLE_VCPU && idx == 0);
	CHECK(thread_role_from_comm("vcpu7", &idx) == ROLE_VCPU && idx == 7);
	CHECK(thread_role_from_comm("kvm-vcpu-2", &idx) == ROLE_VCPU && idx == 2);
	CHECK(thread_role_from_comm("crosvm_vcpu1", &idx) == ROLE_VCPU && idx == 1);
	CHECK(thread_role_from_comm("vcpu", &idx) == ROLE_OTHER);
	CHECK(thread_role_from_comm("vhost-1234", &idx) == ROLE_VHOST);
	CHECK(thread_role_from_comm("IO iothread0", &idx) == ROLE_IO);
	CHECK(thread_role_from_comm("worker", &idx) == ROLE_IO);
	CHECK(thread_role_from_comm("kvm-nx-lpage-re", &idx) == ROLE_KVM);
	CHECK(thread_role_from_comm("qemu-system-x86", &idx) == ROLE_OTHER);
	CHECK(thread_role_from_comm("call_rcu", &idx) == ROLE_OTHER);
}

static void test_fd_kinds(void)
{
	int idx = -1;
	CHECK(vm_discovery_fd_kind("anon_inode:kvm-vm", &idx) == FD_KVM_VM);
	CHECK(vm_discovery_fd_kind("anon_inode:kvm-vcpu:5", &idx) == FD_KVM_VCPU && idx == 5);
	CHECK(vm_discovery_fd_kind("anon_inode:kvm-vcpu:", &idx) == FD_OTHER);
	CHECK(vm_discovery_fd_kind("anon_inode:kvm-vcpu-stats:0", &idx) == FD_OTHER);
	CHECK(vm_discovery_fd_kind("/dev/net/tun", &idx) == FD_TUN);
	CHECK(vm_discovery_fd_kind("/dev/vhost-net", &idx) == FD_VHOST_NET);
	CHECK(vm_discovery_fd_kind("/dev/kvm", &idx) == FD_OTHER);
}

int main(void)
{
	test_qemu();
	test_other_vmms();
	test_sizes();
	test_roles();
	test_fd_kinds();
	return unit_done("test_cmdline");
}

/*
 * kvm_standin.c - an LD_PRELOAD library for benchmarks on hosts without /dev/kvm: vmtop reads the
 * "/memfd:kvm-vm (deleted)" and "/memfd:kvm-vcpu:N (deleted)" descriptors of `fakehost --no-kvm` processes as
 * "anon_inode:kvm-vm" and "anon_inode:kvm-vcpu:N", so it follows them as VMs (threads, schedstat, statm: all
 * read for real) and the per-refresh cost of following N VMs can be measured. Benchmarks only; no test uses it.
 * Build: cc -shared -fPIC -O2 -o kvm_standin.so bench/kvm_standin.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t len);

/* Rewrites a stand-in target in place; returns the new length, or n when it is not one. */
static ssize_t as_kvm(char *buf, size_t len, ssize_t n)
{
	static const char prefix[] = "/memfd:kvm-", suffix[] = " (deleted)";
	const size_t lp = sizeof(prefix) - 1, ls = sizeof(suffix) - 1;
	if (n < (ssize_t)(lp + ls) || memcmp(buf, prefix, lp) || memcmp(buf + n - ls, suffix, ls))
		return n;
	char name[64];
	int m = snprintf(name, sizeof(name), "anon_inode:kvm-%.*s", (int)(n - lp - ls), buf + lp);
	if (m < 0 || (size_t)m > len || (size_t)m >= sizeof(name))
		return n;
	memcpy(buf, name, (size_t)m);
	return m;
}

ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t len)
{
	static ssize_t (*real)(int, const char *, char *, size_t);
	if (!real)
		real = (ssize_t(*)(int, const char *, char *, size_t))dlsym(RTLD_NEXT, "readlinkat");
	ssize_t n = real(dirfd, path, buf, len);
	return n > 0 ? as_kvm(buf, len, n) : n;
}

/* util.c - small helpers: checked allocation, whole-file reads, clocks, bounded string copy. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nls.h"
#include "util.h"

static void out_of_memory(void)
{
	fprintf(stderr, "vmtop: %s\n", _("out of memory"));
	exit(1);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

ssize_t read_file_at(int dirfd, const char *path, char *buf, size_t len)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, len - 1);
	int saved = errno;
	close(fd);
	if (n < 0) {
		errno = saved;
		return -1;
	}
	buf[n] = '\0';
	return n;
}

void pids_sort(pid_t *p, size_t n)
{
	if (n < 32) {
		for (size_t i = 1; i < n; i++) {
			pid_t k = p[i];
			size_t j = i;
			for (; j > 0 && p[j - 1] > k; j--)
				p[j] = p[j - 1];
			p[j] = k;
		}
		return;
	}
	pid_t max = 0;
	for (size_t i = 0; i < n; i++)
		if (p[i] > max)
			max = p[i];
	pid_t *tmp = xmalloc(n * sizeof(*tmp)), *from = p, *to = tmp;
	for (unsigned shift = 0; shift < 32 && (max >> shift); shift += 8) {
		size_t at[257] = { 0 };
		for (size_t i = 0; i < n; i++)
			at[(((unsigned)from[i] >> shift) & 0xff) + 1]++;
		for (int b = 0; b < 256; b++)
			at[b + 1] += at[b];
		for (size_t i = 0; i < n; i++)
			to[at[((unsigned)from[i] >> shift) & 0xff]++] = from[i];
		pid_t *t = from;
		from = to;
		to = t;
	}
	if (from != p)
		memcpy(p, from, n * sizeof(*p));
	free(tmp);
}

bool pids_contain(const pid_t *p, size_t n, pid_t pid)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p[mid] < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && p[lo] == pid;
}

size_t read_pid_dir(int dirfd, pid_t **ids, size_t *cap)
{
	size_t n = 0;
	/* getdents64 into the stack, not a DIR: opendir's 32-KB buffer for each VM's task directory the /proc reader
	 * holds cost 4 MB of RSS at 500 VMs */
	char buf[4096] __attribute__((aligned(8)));
	ssize_t got;
	if (lseek(dirfd, 0, SEEK_SET) < 0)
		return 0;
	while ((got = getdents64(dirfd, buf, sizeof(buf))) > 0)
		for (ssize_t at = 0; at < got;) {
			const struct dirent64 *de = (const void *)(buf + at);
			at += de->d_reclen;
			char *end;
			long id = strtol(de->d_name, &end, 10);
			if (*end || id <= 0)
				continue;
			if (n == *cap)
				*ids = xrealloc(*ids, (*cap = *cap ? *cap * 2 : 64) * sizeof(**ids));
			(*ids)[n++] = (pid_t)id;
		}
	pids_sort(*ids, n);
	return n;
}

double clock_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

double clock_thread_cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The clock /proc's starttime counts from (time since boot, suspend included). */
double clock_boot(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

long clk_tck(void)
{
	static long hz;
	if (!hz)
		hz = sysconf(_SC_CLK_TCK);
	return hz > 0 ? hz : 100;
}

double clock_real(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

char *str_copy(char *dst, const char *src, size_t n)
{
	if (n == 0)
		return dst;
	size_t l = strnlen(src, n - 1);
	memcpy(dst, src, l);
	dst[l] = '\0';
	return dst;
}

/* The next conversion of a format from *p ("%-8.2f" -> that text, length in *n); NULL at the end. */
static const char *next_conversion(const char **p, size_t *n)
{
	for (const char *s = *p; (s = strchr(s, '%')); ) {
		if (s[1] == '%') {
			s += 2;
			continue;
		}
		size_t k = 1 + strspn(s + 1, "0123456789.-+ #'*$hlLqjzt");
		if (!s[k]) {
			*n = k;	/* a lone '%' at the end: a conversion of its own, so that it never matches */
			*p = s + k;
			return s;
		}
		*n = k + 1;
		*p = s + k + 1;
		return s;
	}
	return NULL;
}

bool format_same(const char *a, const char *b)
{
	for (;;) {
		size_t na, nb;
		const char *ca = next_conversion(&a, &na), *cb = next_conversion(&b, &nb);
		if (!ca || !cb)
			return !ca && !cb;
		if (na != nb || memcmp(ca, cb, na))
			return false;
	}
}

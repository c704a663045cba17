/* util.h - small helpers: checked allocation, whole-file reads, clocks, bounded string copy. */
#ifndef VMTOP_UTIL_H
#define VMTOP_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* Reads up to len-1 bytes of path (relative to dirfd, or absolute) into buf, NUL-terminated.
 * Returns bytes read or -1 (errno set). One open, one read: /proc files are generated on read. */
ssize_t read_file_at(int dirfd, const char *path, char *buf, size_t len);
/* The numeric entries of a /proc directory open at dirfd (PIDs, or a task directory's TIDs), listed from its
 * start, sorted, in *ids (grown as needed; *cap is its size). Returns how many. */
size_t read_pid_dir(int dirfd, pid_t **ids, size_t *cap);
/* Sorts positive PIDs ascending (a radix sort: qsort's call per comparison cost ~200 instructions a PID, 900 TIDs
 * a refresh at 150 VMs); pids_contain searches the sorted array. */
void pids_sort(pid_t *p, size_t n);
bool pids_contain(const pid_t *p, size_t n, pid_t pid);
double clock_mono(void);
/* CPU seconds the calling thread has run. */
double clock_thread_cpu(void);
double clock_boot(void);
long clk_tck(void);	/* USER_HZ of /proc tick counts */
double clock_real(void);
/* Copies src into dst of size n, always terminated; returns dst. */
char *str_copy(char *dst, const char *src, size_t n);
/* Whether format b has the same conversions as a, in order ("%s", "%.2g"; "%%" is text): a translation of a
 * printf format is used only then, so that a bad translation cannot read arguments that are not there. */
bool format_same(const char *a, const char *b);

#endif

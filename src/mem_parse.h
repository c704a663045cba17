/* mem_parse.h - pure parsers of the memory files vmtop reads (status, smaps_rollup, numa_maps, ksm_stat, PSI,
 * THP mode, meminfo swap), over the text already read, so tests feed them recorded files. */
#ifndef VMTOP_MEM_PARSE_H
#define VMTOP_MEM_PARSE_H

#include "sample.h"

/* The value of a "Key:   123 kB" (or "key 123") line of text; -1 when the key is absent. */
long long mem_parse_field(const char *text, const char *key);
/* /proc/PID/status: RssAnon, RssFile, RssShmem, VmSwap into m (-1 each one absent), and HugetlbPages into
 * hugetlb_kib when present (it is what smaps_rollup's Shared_ and Private_Hugetlb add up to). */
void mem_parse_status(const char *text, struct vm_mem_sample *m);
/* /proc/PID/smaps_rollup: AnonHugePages, Shared_Hugetlb + Private_Hugetlb. */
void mem_parse_smaps_rollup(const char *text, struct vm_mem_sample *m);
/* /proc/PID/numa_maps: KiB per node (N<node>=pages times the line's kernelpagesize_kB) into kib[0..max);
 * returns the highest node seen + 1 (0 when none), -1 on text that is not numa_maps. */
int mem_parse_numa_maps(const char *text, long long *kib, int max);
/* /proc/PID/ksm_stat: ksm_merging_pages, ksm_rmap_items, ksm_zero_pages, ksm_process_profit, and the flags below. */
void mem_parse_ksm_stat(const char *text, struct vm_mem_sample *m);
/* Its ksm_mergeable and ksm_merge_any lines alone (6.6 and later): 1 yes, 0 no, -1 absent. */
void mem_parse_ksm_flags(const char *text, struct vm_mem_sample *m);
/* A sysfs CPU list ("0-3,8,10-11\n"): node is stored at cpu_node[cpu] for each CPU below n. Returns the CPUs
 * listed (below n), -1 when the text is not a CPU list. */
int mem_parse_cpulist(const char *text, signed char *cpu_node, int n, int node);
/* The bracketed choice of "always [madvise] never" into out; false when none is bracketed. */
bool mem_parse_thp_mode(const char *text, char *out, size_t len);
/* /proc/pressure/memory: the some and full lines' avg10 and total. false when the text is not PSI. */
bool mem_parse_psi(const char *text, struct host_mem_sample *h);
/* The /sys/kernel/mm/ksm file of each enum ksm_field. */
const char *mem_ksm_file(enum ksm_field f);

#endif

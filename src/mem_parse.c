/* mem_parse.c - pure parsers of the memory files vmtop reads; every value absent from the text stays -1. */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mem_parse.h"
#include "util.h"

long long mem_parse_field(const char *text, const char *key)
{
	size_t klen = strlen(key);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, klen) || (p[klen] != ':' && p[klen] != ' ' && p[klen] != '\t'))
			continue;
		const char *v = p + klen + (p[klen] == ':');
		while (*v == ' ' || *v == '\t')
			v++;
		if (!isdigit((unsigned char)*v))
			return -1;
		return strtoll(v, NULL, 10);
	}
	return -1;
}

void mem_parse_status(const char *text, struct vm_mem_sample *m)
{
	m->anon_kib = mem_parse_field(text, "RssAnon");
	m->file_kib = mem_parse_field(text, "RssFile");
	m->shmem_kib = mem_parse_field(text, "RssShmem");
	m->swap_kib = mem_parse_field(text, "VmSwap");
	long long hugetlb = mem_parse_field(text, "HugetlbPages");	/* since 4.4: smaps_rollup not needed */
	if (hugetlb >= 0)
		m->hugetlb_kib = hugetlb;
}

void mem_parse_smaps_rollup(const char *text, struct vm_mem_sample *m)
{
	m->thp_kib = mem_parse_field(text, "AnonHugePages");
	long long shared = mem_parse_field(text, "Shared_Hugetlb"), private = mem_parse_field(text, "Private_Hugetlb");
	if (shared < 0 && private < 0) {
		m->hugetlb_kib = -1;
		return;
	}
	shared = shared > 0 ? shared : 0;
	private = private > 0 ? private : 0;
	/* a sum past long long is no size a process has (fuzz_mem's 35 nines): unknown, not wrapped */
	m->hugetlb_kib = private > LLONG_MAX - shared ? -1 : shared + private;
}

int mem_parse_numa_maps(const char *text, long long *kib, int max)
{
	int nodes = 0;
	for (int i = 0; i < max; i++)
		kib[i] = 0;
	for (const char *line = text; *line;) {
		const char *end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		if (!isxdigit((unsigned char)*line) && line != end)
			return -1;	/* each line starts with the mapping's address */
		/* the page size comes last on the line: find it first */
		long long page_kib = 4;
		for (const char *q = line; q < end; q++)
			if (!strncmp(q, "kernelpagesize_kB=", 18)) {
				page_kib = strtoll(q + 18, NULL, 10);
				break;
			}
		for (const char *q = line; q + 2 < end; q++) {
			if (q[0] != ' ' || q[1] != 'N' || !isdigit((unsigned char)q[2]))
				continue;
			char *eq;
			long node = strtol(q + 2, &eq, 10);
			if (*eq != '=' || node < 0)
				continue;
			long long pages = strtoll(eq + 1, NULL, 10), add;
			/* no real file overflows; a garbled one saturates rather than wraps */
			if (node < max && pages > 0 && page_kib > 0 &&
			    (__builtin_mul_overflow(pages, page_kib, &add) || __builtin_add_overflow(kib[node], add, &kib[node])))
				kib[node] = LLONG_MAX;
			int seen = node < max ? (int)node + 1 : max;
			if (seen > nodes)
				nodes = seen;
		}
		line = *end ? end + 1 : end;
	}
	return nodes;
}

/* "NAME: yes" or "NAME: no" on a line of its own: 1, 0; -1 when absent */
static signed char yes_no(const char *text, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = text; (p = strstr(p, name)); p += n)
		if ((p == text || p[-1] == '\n') && p[n] == ':') {
			p += n + 1;
			p += strspn(p, " \t");
			return !strncmp(p, "yes", 3) ? 1 : !strncmp(p, "no", 2) ? 0 : -1;
		}
	return -1;
}

void mem_parse_ksm_flags(const char *text, struct vm_mem_sample *m)
{
	m->ksm_mergeable = yes_no(text, "ksm_mergeable");
	m->ksm_merge_any = yes_no(text, "ksm_merge_any");
}

void mem_parse_ksm_stat(const char *text, struct vm_mem_sample *m)
{
	mem_parse_ksm_flags(text, m);
	m->ksm_merging_pages = mem_parse_field(text, "ksm_merging_pages");
	m->ksm_rmap_items = mem_parse_field(text, "ksm_rmap_items");
	m->ksm_zero_pages = mem_parse_field(text, "ksm_zero_pages");
	const char *p = strstr(text, "ksm_process_profit ");
	m->ksm_profit_bytes = p ? strtoll(p + 19, NULL, 10) : MEM_UNKNOWN_SIGNED;
}

bool mem_parse_thp_mode(const char *text, char *out, size_t len)
{
	const char *open = strchr(text, '['), *close = open ? strchr(open, ']') : NULL;
	if (!close || close - open - 1 <= 0)
		return false;
	size_t n = (size_t)(close - open - 1);
	if (n >= len)
		n = len - 1;
	memcpy(out, open + 1, n);
	out[n] = '\0';
	return true;
}

/* One PSI line "some avg10=1.23 avg60=... total=456". */
static bool psi_line(const char *text, const char *kind, double *avg10, unsigned long long *total)
{
	const char *p = strstr(text, kind);
	if (!p)
		return false;
	const char *a = strstr(p, "avg10="), *t = strstr(p, "total=");
	const char *nl = strchr(p, '\n');
	if (!a || !t || (nl && (a > nl || t > nl)))
		return false;
	*avg10 = strtod(a + 6, NULL);
	*total = strtoull(t + 6, NULL, 10);
	return true;
}

bool mem_parse_psi(const char *text, struct host_mem_sample *h)
{
	h->psi_some_avg10 = h->psi_full_avg10 = NAN;
	h->psi_valid = psi_line(text, "some ", &h->psi_some_avg10, &h->psi_some_total_us);
	if (h->psi_valid && !psi_line(text, "full ", &h->psi_full_avg10, &h->psi_full_total_us))
		h->psi_full_avg10 = NAN;	/* "full" came in 5.x for memory; older kernels have only "some" */
	return h->psi_valid;
}

const char *mem_ksm_file(enum ksm_field f)
{
	static const char *const names[KSM__COUNT] = {
		[KSM_RUN] = "run", [KSM_PAGES_TO_SCAN] = "pages_to_scan", [KSM_SLEEP_MS] = "sleep_millisecs",
		[KSM_PAGES_SHARED] = "pages_shared", [KSM_PAGES_SHARING] = "pages_sharing",
		[KSM_PAGES_UNSHARED] = "pages_unshared", [KSM_PAGES_VOLATILE] = "pages_volatile",
		[KSM_FULL_SCANS] = "full_scans", [KSM_GENERAL_PROFIT] = "general_profit",
		[KSM_ZERO_PAGES] = "ksm_zero_pages", [KSM_MERGE_ACROSS_NODES] = "merge_across_nodes",
	};
	return f < KSM__COUNT ? names[f] : "?";
}

int mem_parse_cpulist(const char *text, signed char *cpu_node, int n, int node)
{
	int count = 0;
	const char *p = text + strspn(text, " \t\n");
	while (*p) {
		char *end;
		long a = strtol(p, &end, 10), b = a;
		if (end == p || a < 0)
			return -1;
		p = end;
		if (*p == '-') {
			b = strtol(p + 1, &end, 10);
			if (end == p + 1 || b < a)
				return -1;
			p = end;
		}
		for (long c = a; c <= b && c < n; c++, count++)
			cpu_node[c] = (signed char)node;
		if (*p == ',')
			p++;
		else if (*p && !strchr(" \t\n", *p))
			return -1;
		else
			p += strspn(p, " \t\n");
	}
	return count;
}

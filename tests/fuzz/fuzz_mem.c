/* fuzz_mem.c - libFuzzer target: the memory files' parsers (status, smaps_rollup, numa_maps, ksm_stat, THP mode,
 * PSI) over the same text, each value absent (-1) or what the text says (never negative). */
#include "config.h"

#include "fuzz.h"
#include "mem_parse.h"

static void check_known(long long v)
{
	if (v < -1)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	if (!text)
		return 0;
	struct vm_mem_sample m;
	memset(&m, 0xff, sizeof(m));
	mem_parse_status(text, &m);
	mem_parse_smaps_rollup(text, &m);
	mem_parse_ksm_stat(text, &m);
	check_known(m.anon_kib);
	check_known(m.file_kib);
	check_known(m.shmem_kib);
	check_known(m.swap_kib);
	check_known(m.thp_kib);
	check_known(m.hugetlb_kib);
	check_known(m.ksm_merging_pages);
	check_known(m.ksm_rmap_items);
	check_known(m.ksm_zero_pages);

	long long kib[MEM_NODES_MAX];
	int n = mem_parse_numa_maps(text, kib, MEM_NODES_MAX);
	if (n < -1 || n > MEM_NODES_MAX)
		abort();
	for (int i = 0; i < n; i++)
		check_known(kib[i]);

	char mode[16];
	if (mem_parse_thp_mode(text, mode, sizeof(mode)) && !memchr(mode, '\0', sizeof(mode)))
		abort();

	struct host_mem_sample h;
	memset(&h, 0, sizeof(h));
	mem_parse_psi(text, &h);
	free(text);
	return 0;
}

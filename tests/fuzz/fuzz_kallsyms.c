/* fuzz_kallsyms.c - libFuzzer target: /proc/kallsyms and /proc/modules text (the input split at its first NUL),
 * parsed by ksyms_parse and by ksym_names_parse (the functions view's names), then an address looked up in each. */
#include "config.h"

#include <stdio.h>

#include "fuzz.h"
#include "ksym_names.h"
#include "ksyms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t klen = nul ? (size_t)(nul - data) : size;
	char *modules = nul ? fuzz_string(nul + 1, size - klen - 1) : fuzz_string(data, 0);
	FILE *kallsyms = fmemopen((void *)data, klen ? klen : 1, "r");
	if (kallsyms && modules) {
		char why[256];
		struct ksyms *ks = ksyms_parse(kallsyms, modules, "", why, sizeof(why));
		if (ks) {
			(void)ksyms_classify(ks, 0xffffffffc0000000ULL);
			ksyms_free(ks);
		}
		rewind(kallsyms);
		struct ksym_names *kn = ksym_names_parse(kallsyms, why, sizeof(why));
		if (kn) {
			(void)ksym_names_name(kn, ksym_names_find(kn, 0xffffffffc0000000ULL));
			ksym_names_free(kn);
		}
	}
	if (kallsyms)
		fclose(kallsyms);
	free(modules);
	return 0;
}

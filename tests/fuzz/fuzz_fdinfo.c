/* fuzz_fdinfo.c - libFuzzer target: the fdinfo text of a tun descriptor ("iff:\ttap0"). */
#include "config.h"

#include "fuzz.h"
#include "sample.h"
#include "vm_discovery.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	char ifname[IFNAME_MAX];
	if (text) {
		vm_discovery_tun_iff(text, ifname);
		if (strlen(ifname) >= IFNAME_MAX || strchr(ifname, '\n'))
			abort();
	}
	free(text);
	return 0;
}

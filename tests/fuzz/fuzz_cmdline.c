/* fuzz_cmdline.c - libFuzzer target: a NUL-separated /proc/PID/cmdline of any VMM (qemu -name escaping, -m sizes). */
#include "config.h"

#include "fuzz.h"
#include "vm_cmdline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* as collect_vms hands it over: the bytes read, then the NUL read_file_at puts after them */
	char *args = fuzz_string(data, size);
	if (!args)
		return 0;
	struct vm_cmdline c;
	vm_cmdline_parse(args, size, &c);
	if (!memchr(c.name, '\0', sizeof(c.name)) || !memchr(c.uuid, '\0', sizeof(c.uuid)) || c.mem_kib < -1)
		abort();
	free(args);
	return 0;
}

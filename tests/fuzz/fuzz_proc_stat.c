/* fuzz_proc_stat.c - libFuzzer target: a /proc/PID/stat or task stat line (names with spaces, ')' and newlines). */
#include "config.h"

#include "fuzz.h"
#include "proc_stat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = fuzz_string(data, size);
	struct proc_stat ps;
	if (line && proc_stat_parse(line, &ps) && !memchr(ps.comm, '\0', sizeof(ps.comm)))
		abort();	/* a parsed name is always terminated inside comm */
	free(line);
	return 0;
}

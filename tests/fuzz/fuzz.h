/* fuzz.h - what every libFuzzer target here needs: the input as a NUL-terminated string of its own. */
#ifndef VMTOP_FUZZ_H
#define VMTOP_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A heap copy with a NUL after it (ASan sees a read past the end); the caller frees it. */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

#endif

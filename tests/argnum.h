/* argnum.h: whole decimal command-line numbers for the rig's helper programs (fakehost, minivmm). */
#ifndef VMTOP_TESTS_ARGNUM_H
#define VMTOP_TESTS_ARGNUM_H

#include <errno.h>
#include <stdlib.h>

/* Parse S as a whole decimal number in [MIN, MAX]; anything else calls USAGE, which must not return. */
static inline long argnum(const char *s, long min, long max, void (*usage)(void))
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		usage();
	return v;
}

#endif

/* unit.h - the few macros unit tests need: a check that reports file:line, and an exit status. */
#ifndef VMTOP_UNIT_H
#define VMTOP_UNIT_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int unit_failures, unit_checks;

#define CHECK(cond) do { \
	unit_checks++; \
	if (!(cond)) { \
		unit_failures++; \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
	} \
} while (0)

#define CHECK_STR(a, b) do { \
	unit_checks++; \
	if (strcmp((a), (b))) { \
		unit_failures++; \
		fprintf(stderr, "%s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__, (a), (b)); \
	} \
} while (0)

#define CHECK_NEAR(a, b, eps) do { \
	unit_checks++; \
	double a_ = (a), b_ = (b); \
	if (!(fabs(a_ - b_) <= (eps))) { \
		unit_failures++; \
		fprintf(stderr, "%s:%d: %s = %g, expected %g (+-%g)\n", __FILE__, __LINE__, #a, a_, b_, (double)(eps)); \
	} \
} while (0)

static inline int unit_done(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, unit_checks, unit_failures);
	return unit_failures ? 1 : 0;
}

#endif

/* collect.h - one sample of the whole host: runs every collector in order. */
#ifndef VMTOP_COLLECT_H
#define VMTOP_COLLECT_H

#include <stddef.h>

#include "sample.h"

struct collector;

/* sample_hz 0 leaves perf sampling off. NULL with why set when a required source (/proc) fails. */
struct collector *collector_open(unsigned sample_hz, char *why, size_t whylen);
/* Fills s (which must be clear). Sources that can't be read leave their fields invalid and a warning. */
void collector_sample(struct collector *c, struct host_sample *s);
/* Between samples: keeps what perf sampled so far, so long intervals lose none of it (c may be NULL). */
void collector_drain(struct collector *c);
void collector_close(struct collector *c);

#endif

/* collect.h - one sample of the whole host from a table of sources, part by part (source.h). */
#ifndef VMTOP_COLLECT_H
#define VMTOP_COLLECT_H

#include <stddef.h>

#include "sample.h"
#include "source.h"

/* vmtop's sources, in the order a part's candidates are tried: the first that opens fills the part. */
extern const struct source *const collect_sources[];
extern const size_t collect_nsources;
/* What -r reads instead: one source, the recording. */
extern const struct source *const replay_sources[];
extern const size_t replay_nsources;

struct collector;

/* Opens, part by part in the parts' order, the first candidate that can. NULL with why set when a required
 * source cannot open. */
struct collector *collector_open(const struct source *const *table, size_t n, const struct source_args *a,
				 char *why, size_t whylen);
/* Fills s (which must be clear), part by part; s->sources says which source filled each and why not. */
void collector_sample(struct collector *c, struct host_sample *s);
/* Between samples: lets every source keep what it would otherwise lose (c may be NULL). */
void collector_drain(struct collector *c);
/* Asks the sources for the kernel-function split from the next sample on (sources read the collector's
 * source_args by pointer). */
void collector_want_functions(struct collector *c);
/* Asks for VM pid's page-table walks (THP, NUMA) at the next sample alone (source_args.mem_walk_pid). */
void collector_want_mem_walk(struct collector *c, pid_t pid);
void collector_close(struct collector *c);

#endif

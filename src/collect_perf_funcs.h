/* collect_perf_funcs.h - kernel samples counted per (thread, component, leaf function, via function), when asked. */
#ifndef VMTOP_COLLECT_PERF_FUNCS_H
#define VMTOP_COLLECT_PERF_FUNCS_H

#include <stdint.h>
#include <sys/types.h>

#include "ksym_names.h"
#include "sample.h"

struct func_agg;

/* names must outlive the aggregation (the perf source owns both). */
struct func_agg *func_agg_new(const struct ksym_names *names);
/* One kernel sample of tid charged to comp (an enum component or PERF_COMP_IOCTL): its IP, and the caller frame's IP
 * that charged comp (0 when the leaf did). */
void func_agg_add(struct func_agg *fa, pid_t tid, int comp, uint64_t ip, uint64_t via_ip);
/* Moves what was added since the last call into out->funcs (names copied, sorted by tid) and starts over. */
void func_agg_finish(struct func_agg *fa, struct perf_sample *out);
void func_agg_free(struct func_agg *fa);

#endif

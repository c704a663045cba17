/* collect_perf.h - system-wide cpu-clock sampling (libperf): samples per thread by component, each refresh. */
#ifndef VMTOP_COLLECT_PERF_H
#define VMTOP_COLLECT_PERF_H

#include <linux/perf_event.h>
#include <stddef.h>

#include "ksym_names.h"
#include "ksyms.h"
#include "sample.h"

/* What each sample record carries, in this order after its header: u64 ip; u32 pid, tid; u32 cpu, res; u64 nr,
 * ips[nr] (the kernel part of the callchain, context markers included; at most PERF_COLLECT_STACK frames). */
#define PERF_COLLECT_SAMPLE_TYPE (PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_CPU | PERF_SAMPLE_CALLCHAIN)
/* Frames kept per sample: deep enough to climb from a leaf helper (cr4_set_bits, native_read_msr) through the
 * vendor's world switch to kvm's run loop, shallow enough to keep a record near 200 bytes. */
#define PERF_COLLECT_STACK 20

struct perf_collector;

/* One cpu-clock event per online CPU at hz samples/s each. NULL with why set on failure (hz 0: off). */
struct perf_collector *perf_collector_open(unsigned hz, char *why, size_t whylen);
/* Same with a ring of pages (a power of two) per CPU; tests use a small one to make samples get lost. */
struct perf_collector *perf_collector_open_ring(unsigned hz, int pages, char *why, size_t whylen);
/* Drains the ring buffers: everything sampled since the last read goes into out (out->threads is
 * allocated; host_sample_clear frees it). */
void perf_collector_read(struct perf_collector *pc, const struct ksyms *ks, struct perf_sample *out);
/* Moves what the rings hold into the interval under way without ending it: rings hold about 10 s, so a longer
 * interval (a long delay, a paused view) drains them now and then or loses its later samples. */
void perf_collector_drain(struct perf_collector *pc, const struct ksyms *ks);
/* Splits kernel samples by function too from now on (names NULL: stops); names must outlive pc's use of them. */
void perf_collector_set_names(struct perf_collector *pc, const struct ksym_names *names);
void perf_collector_close(struct perf_collector *pc);

/* Per-TID aggregation of decoded records, the part of the collector tests feed directly. */
struct perf_agg;
struct perf_agg *perf_agg_new(void);
/* Adds one ring-buffer record (a perf_event_header and its body, sample layout as above). Samples and lost
 * counts are kept; other record types are ignored. */
void perf_agg_add(struct perf_agg *a, const void *record, const struct ksyms *ks);
/* Moves what was added since the last call into out (threads sorted by tid) and starts over. */
void perf_agg_finish(struct perf_agg *a, struct perf_sample *out);
/* Counts kernel samples per (tid, component, leaf function, via function) too, into out->funcs (NULL: stops). */
void perf_agg_set_names(struct perf_agg *a, const struct ksym_names *names);
void perf_agg_free(struct perf_agg *a);

#endif

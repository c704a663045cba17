/* model_parts.h - the model's stages kept in their own files; model_update() runs each for its part of the
 * sample (enum sample_part). prev NULL: the first sample, no interval to make rates over. */
#ifndef VMTOP_MODEL_PARTS_H
#define VMTOP_MODEL_PARTS_H

#include "model.h"

/* model.c: per-VM and per-thread CPU split from /proc counters, host summary. */
/* model_perf.c: perf samples -> per-VM components, guest estimate, host-wide components. */
void model_perf_update(struct model *m, const struct host_sample *prev, const struct host_sample *cur);
/* model_perf.c: where the backend may not account guest time (no VMX/SVM), whether one thread's gtime over one
 * interval (% of one CPU, of its total) agrees with its perf samples (guest-flagged of all), within their
 * sampling error, a tick and 5 points: 1 agrees, 0 does not, -1 too few samples to tell. */
int model_gtime_agrees(double gtime, double total, unsigned long guest_samples, unsigned long samples,
		       double tick_pct);
/* model_net.c: per-VM network rates, and bridge/nic/tun host time apportioned by bytes. */
void model_net_update(struct model *m, const struct host_sample *prev, const struct host_sample *cur);
/* model_mem.c: per-VM memory figures and major-fault rates, host KSM savings and overcommit after KSM. */
void model_mem_update(struct model *m, const struct host_sample *prev, const struct host_sample *cur);
/* model_mem.c: per-VM balloon as its source read it. */
void model_domains_update(struct model *m, const struct host_sample *prev, const struct host_sample *cur);
void model_balloon_update(struct model *m, const struct host_sample *prev, const struct host_sample *cur);
/* model_totals.c: after the stages, adds the interval's figures to each VM's totals (kept across updates). */
void model_totals_update(struct model *m);
/* model_totals.c: frees every VM's totals. */
void model_totals_free(struct model *m);

/* model_exits.c: per-VM and per-vCPU exit rates by reason, exits to the VMM, ports, MMIO, MSRs, vectors. */
void model_exits_update(struct model *m, const struct host_sample *prev, const struct host_sample *cur);
void model_exits_free(struct exits_stat *e);

#endif

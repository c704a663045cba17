/* source.h - the one shape of a data source: opened (or unavailable, with a reason), sampled into its part of a
 * host_sample, drained between samples, closed. collect.c runs a table of them, part by part. */
#ifndef VMTOP_SOURCE_H
#define VMTOP_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "sample.h"

struct rec_cursor;

/* Which VMs' memory the mem source reads: what the output prints. Its figures are status, stat and ksm_stat (the
 * eBPF threads source's counters give most of them for free); its walks smaps_rollup and numa_maps, which walk the
 * VM's page tables (milliseconds for a big VM). */
enum mem_detail {
	MEM_DETAIL_ALL,		/* figures and walks of every VM: JSON, CSV, OpenMetrics, recordings */
	MEM_DETAIL_FIGURES,	/* every VM's figures (the TUI's columns), walks for mem_walk_pid alone */
	MEM_DETAIL_NONE,	/* the text table (RSS alone, from the threads source): nothing but mem_walk_pid's */
};

/* What the session asks of the sources; each takes what applies to it. */
struct source_args {
	unsigned sample_hz;		/* perf: samples/s per CPU, 0 leaves sampling off */
	bool no_qmp;			/* qmp: --no-qmp, never connect to a VMM's QMP socket */
	bool no_libvirt;		/* libvirt: --no-libvirt, never connect to libvirtd */
	bool exits_off;			/* exits: --exits=off */
	bool exits_all;			/* exits: --exits=all, kvm_emulate_insn too */
	/* perf: split kernel samples by function too (--functions, or the functions view opened). Sources keep
	 * a pointer to the collector's copy, so collector_want_functions() reaches them while they run. */
	bool kernel_functions;
	struct rec_cursor *replay;	/* replay: the recording and where in it (record.h) */
	bool threads_proc_only;		/* threads: --threads-source proc, the eBPF source is not tried */
	bool threads_bpf_only;		/* threads: --threads-source bpf, no /proc fallback */
	enum mem_detail mem_detail;	/* mem: which VMs' memory is read */
	/* mem: the VM whose memory view is open (0: none), read whole; the view asks again before each sample
	 * (collector_want_mem_walk()) */
	pid_t mem_walk_pid;
};

struct source {
	enum sample_part part;		/* what it fills, and so the model stage that reads it (model.c) */
	const char *name;		/* how it reads, for the header and host.sources: "proc", "perf", "netlink" */
	bool required;			/* vmtop cannot run without it: its open's reason ends the session */
	/* Its state, or NULL with why set when it cannot work here (a capability, an option that turns it off). */
	void *(*open)(const struct source_args *a, char *why, size_t whylen);
	/* Fills its part of s; a failure this time is a warning in s. false: it stopped for good (why set), is
	 * closed, and the part's next candidate (if one opens) fills it from the next sample on. */
	bool (*sample)(void *state, struct host_sample *s, char *why, size_t whylen);
	/* Between samples: keeps what would be lost before the next one (perf rings); NULL when nothing would be. */
	void (*drain)(void *state);
	void (*close)(void *state);
	bool fills_all;			/* fills every part and says itself which source did (a recording) */
};

/* Each collector's source (defined beside the collector it wraps). */
extern const struct source stat_source, vms_source, perf_source, net_source, mem_source, qmp_source;
extern const struct source libvirt_source;	/* libvirtd's domains (says why not when built without libvirt) */
bool libvirt_running(void);	/* libvirtd's read-only socket is there: a reason it cannot be asked is news */
extern const struct source replay_source;	/* -r: the table of one source that replays a recording */
#ifdef HAVE_BPF
extern const struct source vms_bpf_source;	/* threads by the eBPF task iterator */
struct exits_key;
struct exits_val;
/* bench/exits_read_cost: counts put in the exits source's slots as its programs would (false: all taken) */
bool exits_bpf_inject(void *exits_state, const struct exits_key *k, const struct exits_val *v);
#endif
extern const struct source exits_bpf_source;	/* KVM tracepoints counted in the kernel (says why not when
						 * built without eBPF) */
extern const struct source exits_debugfs_source;	/* KVM's per-VM counters in debugfs, where eBPF cannot */

#endif

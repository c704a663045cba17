/* options.h - the command line, parsed and checked. */
#ifndef VMTOP_OPTIONS_H
#define VMTOP_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum output_format { OUT_TEXT, OUT_CSV, OUT_JSON, OUT_NONE };
/* --threads-source: how VM threads are read (auto: the eBPF task iterator where it loads, else /proc) */
enum threads_source { THREADS_AUTO, THREADS_BPF, THREADS_PROC };

struct options {
	bool batch;
	long count;			/* refreshes to show; -1 = until quit */
	double delay;			/* seconds between refreshes */
	enum output_format format;
	pid_t *pids;			/* -p filter; NULL = every VM */
	size_t npids;
	char sort[16];			/* sort column key, see sort_keys in vm_sort.h */
	unsigned sample_hz;		/* perf sampling frequency, 0 = off */
	bool no_qmp;			/* --no-qmp: never connect to a VMM's QMP socket (balloon unknown) */
	bool no_libvirt;		/* --no-libvirt: never connect to libvirtd */
	bool exits_off;			/* --exits=off: no exit counting */
	bool exits_all;			/* --exits=all: kvm_emulate_insn too (it can fire 100,000s of times a second) */
	bool functions;			/* --functions: split kernel samples by function from the start */
	enum threads_source threads_source;
	bool color;			/* false with NO_COLOR or --no-color */
	/* Record (-w) and replay (-r): see record.h. */
	const char *record;		/* -w FILE (strftime patterns allowed), NULL: not recording */
	double record_interval;		/* -W SECONDS, 0: every refresh */
	long record_max_mb;		/* --w-max-mb, 0: no rotation */
	const char *replay;		/* -r FILE, NULL: the live host */
	const char *begin, *end;	/* --begin/--end TIME of a replay, NULL: open */
	const char *listen;		/* --listen ADDR:PORT or socket path (argv's), NULL: none */
	const char *textfile;		/* --textfile DIR (argv's), NULL: none */
};

/* Parses argv into opt. Returns -1 to go on, or an exit status (0 for --help/--version, 2 for bad usage,
 * after printing one line on stderr). */
int options_parse(struct options *opt, int argc, char **argv);
void options_free(struct options *opt);
bool options_wants_pid(const struct options *opt, pid_t pid);

#endif

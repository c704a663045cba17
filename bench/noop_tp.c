/* noop_tp.c - attaches bench/noop_tp.bpf.c's do-nothing programs to the KVM tracepoints vmtop's exits source uses
 * (those the kernel has), says how many, and holds them until killed: exits_event_cost.sh's dispatch-only peer.
 * usage: noop_tp   (as root) */
#include <bpf/libbpf.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "bench/noop_tp.skel.h"

static int quiet(enum libbpf_print_level level, const char *fmt, va_list args)
{
	(void)level;
	(void)fmt;
	(void)args;
	return 0;	/* a tracepoint this kernel lacks is skipped, as vmtop skips it */
}

int main(void)
{
	libbpf_set_print(quiet);
	struct noop_tp *skel = noop_tp__open();
	if (!skel) {
		fprintf(stderr, "noop_tp: cannot open the BPF object\n");
		return 1;
	}
	if (noop_tp__load(skel)) {
		fprintf(stderr, "noop_tp: cannot load (root? BTF?)\n");
		noop_tp__destroy(skel);
		return 1;
	}
	int n = 0;
	struct bpf_program *p;
	bpf_object__for_each_program(p, skel->obj)
		n += bpf_program__attach(p) != NULL;	/* links are freed with the process */
	printf("attached %d\n", n);
	fflush(stdout);
	if (!n)
		return 1;
	pause();
	return 0;
}

/* bpf_load.c - one line saying why an eBPF program did not load: no BTF, no permission, or libbpf's last warning. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "bpf_load.h"
#include "nls.h"

/* libbpf's last warning, for the reason when a load fails for a cause other than permission. */
static char libbpf_last[160];

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN) {
		vsnprintf(libbpf_last, sizeof(libbpf_last), fmt, ap);
		libbpf_last[strcspn(libbpf_last, "\n")] = '\0';
	}
	return 0;
}

bool bpf_load_begin(char *why, size_t whylen)
{
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		snprintf(why, whylen, _("no kernel BTF (/sys/kernel/btf/vmlinux): %s"), strerror(errno));
		return false;
	}
	libbpf_set_print(libbpf_quiet);
	return true;
}

void bpf_load_failed(int err, const char *not_loaded, char *why, size_t whylen)
{
	err = err < 0 ? -err : err;
	/* EACCES is also the verifier refusing a program: for root, that is what it means */
	if (err == EPERM || (err == EACCES && geteuid() != 0))
		snprintf(why, whylen, "%s", _("eBPF needs CAP_BPF and CAP_PERFMON (or root)"));
	else
		snprintf(why, whylen, not_loaded, strerror(err), libbpf_last[0] ? ": " : "", libbpf_last);
}

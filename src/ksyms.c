/* ksyms.c - kernel text addresses to hypervisor components: module ranges where KVM and the network path are
 * loadable modules, a table of symbol-name rules where they are built in; binary search per IP. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"
#include "nls.h"
#include "util.h"

/*
 * Name rules for built-in code (no /proc/modules), first match wins. "x*" is a prefix, anything else an exact
 * name; a compiler suffix (".cold", ".isra.0", ...) is ignored. Order matters: exceptions come before the
 * broad prefixes they would otherwise fall into.
 *
 * Guest entry. With cpu-clock (an hrtimer) the sample is taken in the host interrupt that ends guest
 * execution, after the VM exit:
 *  - kvm_pvm delivers it through pvm_do_event_irqoff, so guest time shows up as host-kernel samples there
 *    (measured on these hosts, shared/README.md).
 *  - VMX hands the exit's interrupt to the host IDT through vmx_do_interrupt_irqoff (older kernels:
 *    vmx_do_interrupt_nmi_irqoff), wrapped in kvm_before_interrupt() (arch/x86/kvm/vmx/common.h,
 *    vmx_handle_interrupt_nmi_irqoff); SVM takes it at local_irq_enable() in vcpu_enter_guest() (x86.c), also
 *    inside kvm_before_interrupt(). While that is set, perf_misc_flags() asks KVM's perf_guest_state() and
 *    marks the sample GUEST_KERNEL/GUEST_USER with the guest's IP (arch/x86/events/core.c), so on VMX/SVM
 *    the collector sees guest samples directly; the VMX symbols below only catch kernels without that.
 *    For SVM no symbol tells guest time apart (vcpu_enter_guest is ordinary kvm work).
 * Idle. The kernel puts its idle routines in .cpuidle.text (__cpuidle_text_start/_end, used below when
 * present); the names cover kernels without it and the callers around it.
 * Guest-side paravirt. A host that is itself a KVM or PVM guest (this one is) runs kvm_* / pvm_* code that
 * is not the hypervisor: clocks, IPIs, TLB flushes, irq flags (arch/x86/kernel/kvm.c, kvmclock.c, pvm.c).
 */
struct name_rule {
	const char *pattern;
	enum ksym_class cls;
};

static const struct name_rule name_rules[] = {
	{ "pvm_do_event_irqoff", KSYM_GUEST_ENTRY },
	{ "pvm_do_nmi_irqoff", KSYM_GUEST_ENTRY },
	{ "vmx_do_interrupt_irqoff", KSYM_GUEST_ENTRY },
	{ "vmx_do_interrupt_nmi_irqoff", KSYM_GUEST_ENTRY },
	{ "vmx_do_nmi_irqoff", KSYM_GUEST_ENTRY },

	{ "do_idle", KSYM_IDLE }, { "cpu_idle_poll", KSYM_IDLE }, { "default_idle", KSYM_IDLE },
	{ "default_idle_call", KSYM_IDLE }, { "default_enter_idle", KSYM_IDLE }, { "arch_cpu_idle", KSYM_IDLE },
	{ "cpuidle_enter", KSYM_IDLE }, { "cpuidle_enter_state", KSYM_IDLE }, { "cpuidle_idle_call", KSYM_IDLE },
	{ "call_cpuidle", KSYM_IDLE }, { "mwait_idle", KSYM_IDLE }, { "mwait_idle_with_hints", KSYM_IDLE },
	{ "intel_idle*", KSYM_IDLE }, { "acpi_idle_*", KSYM_IDLE }, { "acpi_safe_halt", KSYM_IDLE },
	{ "poll_idle", KSYM_IDLE }, { "io_idle", KSYM_IDLE }, { "amd_e400_idle", KSYM_IDLE },
	{ "native_safe_halt", KSYM_IDLE }, { "pv_native_safe_halt", KSYM_IDLE }, { "xen_safe_halt", KSYM_IDLE },
	{ "pvm_safe_halt*", KSYM_IDLE }, { "pvm_halt*", KSYM_IDLE },

	{ "kvm_clock_*", KSYM_OTHER }, { "kvmclock_*", KSYM_OTHER }, { "kvm_sched_clock_*", KSYM_OTHER },
	{ "kvm_steal_clock", KSYM_OTHER }, { "kvm_wait", KSYM_OTHER }, { "kvm_kick_cpu", KSYM_OTHER },
	{ "kvm_send_ipi_*", KSYM_OTHER }, { "kvm_smp_*", KSYM_OTHER }, { "kvm_flush_tlb_multi", KSYM_OTHER },
	{ "kvm_guest_apic_eoi_write", KSYM_OTHER }, { "kvm_guest_cpu_*", KSYM_OTHER },
	{ "kvm_guest_init", KSYM_OTHER }, { "kvm_async_pf_task_*", KSYM_OTHER },
	{ "kvm_read_and_reset_apf_flags", KSYM_OTHER }, { "kvm_para_*", KSYM_OTHER },
	{ "kvm_arch_para_*", KSYM_OTHER }, { "kvm_cpu_online", KSYM_OTHER }, { "kvm_pv_guest_cpu_reboot", KSYM_OTHER },
	{ "kvm_pv_reboot_notify", KSYM_OTHER }, { "kvm_set_wallclock", KSYM_OTHER },
	{ "kvm_get_wallclock", KSYM_OTHER }, { "kvm_register_clock", KSYM_OTHER },
	{ "kvm_setup_secondary_clock", KSYM_OTHER }, { "kvm_save_sched_clock_state", KSYM_OTHER },
	{ "kvm_restore_sched_clock_state", KSYM_OTHER }, { "kvm_check_and_clear_guest_paused", KSYM_OTHER },
	{ "pvm_irq_*", KSYM_OTHER }, { "pvm_save_fl", KSYM_OTHER }, { "pvm_read_cr2", KSYM_OTHER },
	{ "pvm_write_cr2", KSYM_OTHER }, { "pvm_write_cr3", KSYM_OTHER }, { "pvm_cpuid", KSYM_OTHER },
	{ "pvm_flush_tlb_local", KSYM_OTHER }, { "pvm_flush_tlb_one_user", KSYM_OTHER },
	{ "pvm_flush_tlb_multi", KSYM_OTHER }, { "pvm_apic_eoi_nop", KSYM_OTHER }, { "pvm_write_msr*", KSYM_OTHER },
	{ "pvm_get_tsc_khz", KSYM_OTHER }, { "pvm_write_seg_base_legacy", KSYM_OTHER }, { "pvm_make_*", KSYM_OTHER },
	{ "pvm_early_*", KSYM_OTHER }, { "pvm_guest_late_init", KSYM_OTHER },
	/* the ioctl system call up to the file's handler (kvm_vcpu_ioctl for KVM_RUN): its fd lookup, LSM hooks */
	{ "__x64_sys_ioctl", KSYM_IOCTL }, { "__ia32_sys_ioctl", KSYM_IOCTL }, { "__x64_compat_sys_ioctl", KSYM_IOCTL },
	{ "__ia32_compat_sys_ioctl", KSYM_IOCTL }, { "__se_sys_ioctl", KSYM_IOCTL }, { "__do_sys_ioctl", KSYM_IOCTL },
	{ "ksys_ioctl", KSYM_IOCTL }, { "do_vfs_ioctl", KSYM_IOCTL }, { "vfs_ioctl", KSYM_IOCTL },
	/* core mm and the energy model share prefixes with kvm's mmu and emulator */
	{ "mmu_notifier_*", KSYM_OTHER }, { "mmu_interval_*", KSYM_OTHER },
	{ "em_cpu_*", KSYM_OTHER }, { "em_dev_*", KSYM_OTHER }, { "em_pd_*", KSYM_OTHER },

	{ "vmx_*", KSYM_KVM_VENDOR }, { "__vmx_*", KSYM_KVM_VENDOR }, { "nested_vmx_*", KSYM_KVM_VENDOR },
	{ "svm_*", KSYM_KVM_VENDOR }, { "__svm_*", KSYM_KVM_VENDOR }, { "nested_svm_*", KSYM_KVM_VENDOR },
	{ "avic_*", KSYM_KVM_VENDOR }, { "pvm_*", KSYM_KVM_VENDOR }, { "__pvm_*", KSYM_KVM_VENDOR },

	{ "kvm_*", KSYM_KVM }, { "__kvm_*", KSYM_KVM }, { "vcpu_*", KSYM_KVM }, { "x86_emulate_*", KSYM_KVM },
	{ "x86_decode_*", KSYM_KVM }, { "em_*", KSYM_KVM }, { "emulator_*", KSYM_KVM }, { "mmu_*", KSYM_KVM },
	{ "tdp_mmu_*", KSYM_KVM }, { "tdp_iter_*", KSYM_KVM }, { "paging32_*", KSYM_KVM },
	{ "paging64_*", KSYM_KVM }, { "ept_*", KSYM_KVM }, { "pte_list_*", KSYM_KVM },

	{ "vhost_*", KSYM_VHOST }, { "handle_tx", KSYM_VHOST }, { "handle_rx", KSYM_VHOST },
	{ "handle_tx_*", KSYM_VHOST }, { "handle_rx_*", KSYM_VHOST },

	{ "tun_*", KSYM_TUN }, { "__tun_*", KSYM_TUN }, { "tap_*", KSYM_TUN }, { "macvtap_*", KSYM_TUN },

	{ "br_*", KSYM_BRIDGE }, { "__br_*", KSYM_BRIDGE }, { "nbp_*", KSYM_BRIDGE },

	/* virtio_net's static functions have generic names; these are its hot paths */
	{ "virtnet_*", KSYM_NIC }, { "start_xmit", KSYM_NIC }, { "xmit_skb", KSYM_NIC },
	{ "free_old_xmit*", KSYM_NIC }, { "receive_buf", KSYM_NIC }, { "receive_small*", KSYM_NIC },
	{ "receive_mergeable*", KSYM_NIC }, { "receive_big", KSYM_NIC }, { "page_to_skb", KSYM_NIC },
	{ "try_fill_recv", KSYM_NIC }, { "add_recvbuf_*", KSYM_NIC }, { "skb_recv_done", KSYM_NIC },
	{ "skb_xmit_done", KSYM_NIC }, { "refill_work", KSYM_NIC },
	{ "e1000_*", KSYM_NIC }, { "e1000e_*", KSYM_NIC }, { "igb_*", KSYM_NIC }, { "igc_*", KSYM_NIC },
	{ "ixgbe_*", KSYM_NIC }, { "ixgbevf_*", KSYM_NIC }, { "i40e_*", KSYM_NIC }, { "iavf_*", KSYM_NIC },
	{ "ice_*", KSYM_NIC }, { "mlx4_*", KSYM_NIC }, { "mlx5_*", KSYM_NIC }, { "mlx5e_*", KSYM_NIC },
	{ "bnxt_*", KSYM_NIC }, { "tg3_*", KSYM_NIC }, { "ena_*", KSYM_NIC }, { "gve_*", KSYM_NIC },
	{ "vmxnet3_*", KSYM_NIC }, { "rtl8169_*", KSYM_NIC }, { "efx_*", KSYM_NIC }, { "nfp_*", KSYM_NIC },
	{ "qede_*", KSYM_NIC },
};

/* Loadable modules by name. */
static const struct name_rule module_rules[] = {
	{ "kvm", KSYM_KVM },
	{ "kvm_intel", KSYM_KVM_VENDOR }, { "kvm_amd", KSYM_KVM_VENDOR }, { "kvm_pvm", KSYM_KVM_VENDOR },
	{ "vhost*", KSYM_VHOST },
	{ "tun", KSYM_TUN }, { "tap", KSYM_TUN }, { "macvtap", KSYM_TUN },
	{ "bridge", KSYM_BRIDGE },
	{ "virtio_net", KSYM_NIC }, { "e1000", KSYM_NIC }, { "e1000e", KSYM_NIC }, { "igb", KSYM_NIC },
	{ "igc", KSYM_NIC }, { "ixgbe", KSYM_NIC }, { "ixgbevf", KSYM_NIC }, { "i40e", KSYM_NIC },
	{ "iavf", KSYM_NIC }, { "ice", KSYM_NIC }, { "mlx4_en", KSYM_NIC }, { "mlx4_core", KSYM_NIC },
	{ "mlx5_core", KSYM_NIC }, { "bnxt_en", KSYM_NIC }, { "tg3", KSYM_NIC }, { "ena", KSYM_NIC },
	{ "gve", KSYM_NIC }, { "vmxnet3", KSYM_NIC }, { "r8169", KSYM_NIC }, { "sfc", KSYM_NIC },
	{ "nfp", KSYM_NIC }, { "qede", KSYM_NIC }, { "be2net", KSYM_NIC }, { "enic", KSYM_NIC },
};

/* A kvm vendor's presence is told by its vCPU run routine. */
static const struct {
	const char *sym, *vendor;
} vendor_syms[] = {
	{ "vmx_vcpu_run", "kvm_intel" }, { "svm_vcpu_run", "kvm_amd" }, { "pvm_vcpu_run", "kvm_pvm" },
};

/* One range per run of same-class symbols: [start, next range's start). */
struct krange {
	uint64_t start;
	enum ksym_class cls;
};

struct ksyms {
	struct krange *ranges;
	size_t nranges;
	struct kmodule *mods;
	size_t nmods;
	uint64_t idle_start, idle_end;	/* .cpuidle.text, 0 when absent */
	char vendor[32];
	char *modules_text;		/* modules_layout() of /proc/modules as last read, to notice changes */
	bool hidden;			/* addresses read as 0 (kptr_restrict): names only, no ranges */
};

enum component ksym_class_component(enum ksym_class c)
{
	static const enum component map[KSYM__COUNT] = {
		[KSYM_OTHER] = COMP_OTHER_KERNEL, [KSYM_KVM] = COMP_KVM, [KSYM_KVM_VENDOR] = COMP_KVM_VENDOR,
		[KSYM_VHOST] = COMP_VHOST, [KSYM_TUN] = COMP_TUN, [KSYM_BRIDGE] = COMP_BRIDGE, [KSYM_NIC] = COMP_NIC,
		[KSYM_IOCTL] = COMP_OTHER_KERNEL, [KSYM_GUEST_ENTRY] = COMP_GUEST, [KSYM_IDLE] = COMP__COUNT,
	};
	return c < KSYM__COUNT ? map[c] : COMP_OTHER_KERNEL;
}

const char *ksym_class_name(enum ksym_class c)
{
	static const char *const names[KSYM__COUNT] = {
		"other", "kvm", "kvm_vendor", "vhost", "tun", "bridge", "nic", "ioctl", "guest_entry", "idle",
	};
	return c < KSYM__COUNT ? names[c] : "?";
}

/* Length of sym without a compiler suffix such as ".cold" or ".isra.0". */
static size_t base_len(const char *sym)
{
	const char *dot = strchr(sym, '.');
	return dot ? (size_t)(dot - sym) : strlen(sym);
}

static bool rule_matches(const char *pattern, const char *sym, size_t len)
{
	size_t plen = strlen(pattern);
	if (plen && pattern[plen - 1] == '*')
		return len >= plen - 1 && !strncmp(sym, pattern, plen - 1);
	return len == plen && !strncmp(sym, pattern, len);
}

static enum ksym_class match_rules(const struct name_rule *rules, size_t n, const char *sym, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (rule_matches(rules[i].pattern, sym, len))
			return rules[i].cls;
	return KSYM_OTHER;
}

enum ksym_class ksyms_classify_name(const char *sym)
{
	return match_rules(name_rules, sizeof(name_rules) / sizeof(name_rules[0]), sym, base_len(sym));
}

enum ksym_class ksyms_classify_module(const char *module)
{
	return match_rules(module_rules, sizeof(module_rules) / sizeof(module_rules[0]), module, strlen(module));
}

int ksyms_name_rule(size_t i, const char **pattern, enum ksym_class *cls)
{
	if (i >= sizeof(name_rules) / sizeof(name_rules[0]))
		return 0;
	*pattern = name_rules[i].pattern;
	*cls = name_rules[i].cls;
	return 1;
}

const char *ksyms_vendor_of_name(const char *sym)
{
	size_t len = base_len(sym);
	for (size_t i = 0; i < sizeof(vendor_syms) / sizeof(vendor_syms[0]); i++)
		if (rule_matches(vendor_syms[i].sym, sym, len))
			return vendor_syms[i].vendor;
	return NULL;
}

static bool has_flag(const char *flags, const char *flag)
{
	size_t n = strlen(flag);
	for (const char *p = flags; p && (p = strstr(p, flag)); p += n)
		if ((p == flags || p[-1] == ' ' || p[-1] == '\t') && (p[n] == '\0' || p[n] == ' ' || p[n] == '\n'))
			return true;
	return false;
}

const char *ksyms_pick_vendor(int has_intel, int has_amd, int has_pvm, const char *cpu_flags)
{
	if (has_intel + has_amd + has_pvm == 1)
		return has_intel ? "kvm_intel" : has_amd ? "kvm_amd" : "kvm_pvm";
	/* several built in: hardware virtualization wins where the CPU has it, PVM needs none */
	if (has_intel && has_flag(cpu_flags, "vmx"))
		return "kvm_intel";
	if (has_amd && has_flag(cpu_flags, "svm"))
		return "kvm_amd";
	if (has_pvm)
		return "kvm_pvm";
	return "";
}

const struct kmodule *kmodule_find(const struct kmodule *mods, size_t n, uint64_t ip)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {	/* first module whose base is above ip */
		size_t mid = lo + (hi - lo) / 2;
		if (mods[mid].base <= ip)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct kmodule *m = &mods[lo - 1];
	return ip - m->base < m->size ? m : NULL;
}

static int cmp_module(const void *a, const void *b)
{
	const struct kmodule *x = a, *y = b;
	return x->base < y->base ? -1 : x->base > y->base;
}

/* The line at line (up to nl, or the end) as a string of its own, cut to len: sscanf's spaces match newlines, so
 * a short line would take its missing fields from the lines below. */
static const char *one_line(char *buf, size_t len, const char *line, const char *nl)
{
	size_t n = nl ? (size_t)(nl - line) : strlen(line);
	if (n >= len)
		n = len - 1;
	memcpy(buf, line, n);
	buf[n] = '\0';
	return buf;
}

size_t kmodules_parse(const char *text, struct kmodule **out)
{
	size_t n = 0, cap = 0;
	struct kmodule *v = NULL;
	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		char one[512], name[56];
		unsigned long long size, base;
		/* name size refcount deps state address */
		if (sscanf(one_line(one, sizeof(one), line, nl), "%55s %llu %*s %*s %*s %llx", name, &size, &base) == 3 &&
		    base) {
			if (n == cap)
				v = xrealloc(v, (cap = cap ? 2 * cap : 32) * sizeof(*v));
			v[n] = (struct kmodule){ .base = base, .size = size, .cls = ksyms_classify_module(name) };
			str_copy(v[n].name, name, sizeof(v[n].name));
			n++;
		}
		line = nl ? nl + 1 : NULL;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_module);
	*out = v;
	return n;
}

/* "name size address" per module: what the table depends on. The refcount column is left out: it moves with
 * every VM, vCPU and tun descriptor opened or closed, and would reload kallsyms each time a VM starts. */
static char *modules_layout(const char *text)
{
	size_t cap = strlen(text) + 1, len = 0;
	char *out = xmalloc(cap);
	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		/* one line at a time: fields taken from the lines below made the output longer than the text (a heap
		 * overflow the kallsyms fuzz target found in a second) */
		char one[512], name[64], size[32], addr[32];
		if (sscanf(one_line(one, sizeof(one), line, nl), "%63s %31s %*s %*s %*s %31s", name, size, addr) == 3) {
			int w = snprintf(out + len, cap - len, "%s %s %s\n", name, size, addr);
			if (w > 0 && (size_t)w < cap - len)
				len += (size_t)w;
		}
		line = nl ? nl + 1 : NULL;
	}
	out[len] = '\0';
	return out;
}

static int cmp_range(const void *a, const void *b)
{
	const struct krange *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (int)y->cls - (int)x->cls;	/* at one address, the most specific class first */
}

/* Class of one kallsyms symbol: the special name rules always, then its module, then the name table. */
static enum ksym_class symbol_class(const char *name, const char *module)
{
	enum ksym_class by_name = ksyms_classify_name(name);
	if (!module || by_name == KSYM_GUEST_ENTRY || by_name == KSYM_IDLE)
		return by_name;
	return ksyms_classify_module(module);
}

/* Reads kallsyms text symbols into ranges; notes vendors and .cpuidle.text. Returns count, *zero set when every
 * address read 0. */
static size_t read_kallsyms(FILE *f, struct ksyms *ks, bool vendors[3], bool *all_zero)
{
	char *line = NULL;
	size_t linecap = 0, n = 0, cap = 0;
	*all_zero = true;
	while (getline(&line, &linecap, f) > 0) {
		unsigned long long addr;
		char type, name[256], module[64] = "";
		int got = sscanf(line, "%llx %c %255s [%63[^]]", &addr, &type, name, module);
		if (got < 3 || (type != 't' && type != 'T'))
			continue;
		if (addr)
			*all_zero = false;
		if (!strcmp(name, "__cpuidle_text_start"))
			ks->idle_start = addr;
		else if (!strcmp(name, "__cpuidle_text_end"))
			ks->idle_end = addr;
		if (!strncmp(name, "__pfx_", 6))
			continue;	/* padding before a function: IPs never land there */
		const char *vendor = got == 3 ? ksyms_vendor_of_name(name) : NULL;
		for (int i = 0; vendor && i < 3; i++)
			if (!strcmp(vendor, vendor_syms[i].vendor))
				vendors[i] = true;
		if (got == 4) {
			for (int i = 0; i < 3; i++)
				if (!strcmp(module, vendor_syms[i].vendor))
					vendors[i] = true;
		}
		if (n == cap)
			ks->ranges = xrealloc(ks->ranges, (cap = cap ? 2 * cap : 4096) * sizeof(*ks->ranges));
		ks->ranges[n++] = (struct krange){ addr, symbol_class(name, got == 4 ? module : NULL) };
	}
	free(line);
	return n;
}

/* Sorts the ranges and keeps one per run of equal class: a few thousand instead of ~100,000 symbols. */
static void merge_ranges(struct ksyms *ks, size_t n)
{
	if (n > 1)	/* no symbols: ranges may be NULL */
		qsort(ks->ranges, n, sizeof(*ks->ranges), cmp_range);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (k && ks->ranges[k - 1].start == ks->ranges[i].start)
			continue;	/* aliases at one address: the first is the most specific */
		if (k && ks->ranges[k - 1].cls == ks->ranges[i].cls)
			continue;
		ks->ranges[k++] = ks->ranges[i];
	}
	ks->nranges = k;
	if (k)
		ks->ranges = xrealloc(ks->ranges, k * sizeof(*ks->ranges));
}

struct ksyms *ksyms_parse(FILE *kallsyms, const char *modules, const char *cpu_flags, char *why, size_t whylen)
{
	struct ksyms *ks = xcalloc(1, sizeof(*ks));
	bool vendors[3] = { false, false, false }, all_zero;
	size_t n = read_kallsyms(kallsyms, ks, vendors, &all_zero);
	if (!n) {
		snprintf(why, whylen, "%s", _("no kernel text symbols in /proc/kallsyms"));
		goto fail;
	}
	if (all_zero) {
		/* names still tell the vendor module; samples stay split into guest, VMM user space and kernel */
		snprintf(why, whylen, "%s",
			 _("kernel symbol addresses are hidden (kernel.kptr_restrict, or no CAP_SYSLOG): kernel time "
			   "is not split by component"));
		ks->hidden = true;
		ks->nranges = 0;
		str_copy(ks->vendor, ksyms_pick_vendor(vendors[0], vendors[1], vendors[2], cpu_flags),
			 sizeof(ks->vendor));
		return ks;
	}
	merge_ranges(ks, n);
	if (ks->idle_end <= ks->idle_start)
		ks->idle_start = ks->idle_end = 0;
	if (modules) {
		ks->nmods = kmodules_parse(modules, &ks->mods);
		ks->modules_text = modules_layout(modules);
	}
	str_copy(ks->vendor, ksyms_pick_vendor(vendors[0], vendors[1], vendors[2], cpu_flags), sizeof(ks->vendor));
	return ks;
fail:
	ksyms_free(ks);
	return NULL;
}

/* Whole /proc/modules, or NULL when the kernel has none (everything built in). */
static char *read_modules(void)
{
	FILE *f = fopen("/proc/modules", "re");
	if (!f)
		return NULL;
	size_t len = 0, cap = 0;
	char *text = NULL;
	for (;;) {
		if (cap - len < 4096)
			text = xrealloc(text, cap = cap ? 2 * cap : 16384);
		size_t got = fread(text + len, 1, cap - len - 1, f);
		len += got;
		if (!got)
			break;
	}
	fclose(f);
	text[len] = '\0';
	return text;
}

static char *read_cpu_flags(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	buf[0] = '\0';
	if (!f)
		return buf;
	char line[4096];
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "flags", 5)) {
			char *colon = strchr(line, ':');
			str_copy(buf, colon ? colon + 1 : line, len);
			break;
		}
	fclose(f);
	return buf;
}

struct ksyms *ksyms_load(char *why, size_t whylen)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	if (!f) {
		snprintf(why, whylen, _("cannot read /proc/kallsyms: %s"), strerror(errno));
		return NULL;
	}
	char *modules = read_modules(), flags[4096];
	struct ksyms *ks = ksyms_parse(f, modules, read_cpu_flags(flags, sizeof(flags)), why, whylen);
	fclose(f);
	free(modules);
	return ks;
}

bool ksyms_modules_changed(const struct ksyms *ks, const char *modules)
{
	if (!modules || !ks->modules_text)
		return !modules != !ks->modules_text;
	char *layout = modules_layout(modules);
	bool changed = strcmp(layout, ks->modules_text) != 0;
	free(layout);
	return changed;
}

int ksyms_refresh(struct ksyms *ks)
{
	char *modules = read_modules();
	bool changed = ksyms_modules_changed(ks, modules);
	free(modules);
	if (!changed)
		return 0;
	char why[160];
	struct ksyms *fresh = ksyms_load(why, sizeof(why));
	if (!fresh)
		return -1;
	struct ksyms old = *ks;
	*ks = *fresh;
	free(fresh);
	free(old.ranges);
	free(old.mods);
	free(old.modules_text);
	return 1;
}

enum ksym_class ksyms_classify(const struct ksyms *ks, uint64_t ip)
{
	if (!ks || !ks->nranges)
		return KSYM_OTHER;
	if (ip >= ks->idle_start && ip < ks->idle_end)
		return KSYM_IDLE;
	size_t lo = 0, hi = ks->nranges;
	while (lo < hi) {	/* first range starting above ip */
		size_t mid = lo + (hi - lo) / 2;
		if (ks->ranges[mid].start <= ip)
			lo = mid + 1;
		else
			hi = mid;
	}
	enum ksym_class by_sym = lo ? ks->ranges[lo - 1].cls : KSYM_OTHER;
	if (by_sym == KSYM_GUEST_ENTRY || by_sym == KSYM_IDLE)
		return by_sym;
	if (ks->nmods) {
		/* module bounds are exact where the last symbol's range is not */
		const struct kmodule *m = kmodule_find(ks->mods, ks->nmods, ip);
		if (m)
			return m->cls;
	}
	return by_sym;
}

bool ksyms_hidden(const struct ksyms *ks)
{
	return ks && ks->hidden;
}

const char *ksyms_split_by(const struct ksyms *ks)
{
	for (size_t i = 0; ks && i < ks->nmods; i++)
		if (ks->mods[i].cls == KSYM_KVM || ks->mods[i].cls == KSYM_KVM_VENDOR)
			return "modules";
	return "symbol names";
}

const char *ksyms_vendor(const struct ksyms *ks)
{
	return ks ? ks->vendor : "";
}

size_t ksyms_nranges(const struct ksyms *ks)
{
	return ks ? ks->nranges : 0;
}

void ksyms_free(struct ksyms *ks)
{
	if (!ks)
		return;
	free(ks->ranges);
	free(ks->mods);
	free(ks->modules_text);
	free(ks);
}

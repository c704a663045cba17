/* test_ksyms.c - kernel symbol classification: the name table row by row, module ranges, vendor, idle, and the
 * kallsyms parser on a synthetic table. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"
#include "unit.h"

/* Every row classifies a name built from it as the row says: no row is shadowed by an earlier one. */
static void test_every_row(void)
{
	const char *pattern;
	enum ksym_class cls;
	size_t rows = 0;
	for (size_t i = 0; ksyms_name_rule(i, &pattern, &cls); i++, rows++) {
		char name[128];
		size_t len = strlen(pattern);
		if (pattern[len - 1] == '*')
			snprintf(name, sizeof(name), "%.*sfoo", (int)(len - 1), pattern);
		else
			snprintf(name, sizeof(name), "%s", pattern);
		if (ksyms_classify_name(name) != cls)
			fprintf(stderr, "row %zu (%s): %s is %s\n", i, pattern, name,
				ksym_class_name(ksyms_classify_name(name)));
		CHECK(ksyms_classify_name(name) == cls);
	}
	CHECK(rows > 50);
}

static void test_names(void)
{
	static const struct {
		const char *sym;
		enum ksym_class cls;
	} cases[] = {
		{ "pvm_do_event_irqoff", KSYM_GUEST_ENTRY }, { "vmx_do_interrupt_irqoff", KSYM_GUEST_ENTRY },
		{ "vmx_vcpu_run", KSYM_KVM_VENDOR }, { "__svm_vcpu_run", KSYM_KVM_VENDOR },
		{ "pvm_handle_exit_irqoff.cold", KSYM_KVM_VENDOR }, { "pvm_vcpu_run", KSYM_KVM_VENDOR },
		{ "kvm_arch_vcpu_ioctl_run", KSYM_KVM }, { "vcpu_enter_guest", KSYM_KVM },
		{ "x86_emulate_insn", KSYM_KVM }, { "em_mov", KSYM_KVM }, { "kvm_mmu_page_fault", KSYM_KVM },
		{ "mmu_set_spte", KSYM_KVM }, { "ept_page_fault", KSYM_KVM }, { "paging64_walk_addr_generic", KSYM_KVM },
		/* guest-side paravirt, core mm and energy model lookalikes are not kvm */
		{ "kvm_clock_read", KSYM_OTHER }, { "kvm_sched_clock_read", KSYM_OTHER }, { "kvm_wait", KSYM_OTHER },
		{ "kvm_send_ipi_mask", KSYM_OTHER }, { "pvm_irq_enable", KSYM_OTHER }, { "pvm_save_fl", KSYM_OTHER },
		{ "mmu_notifier_register", KSYM_OTHER }, { "em_cpu_get", KSYM_OTHER },
		{ "kvm_guest_state", KSYM_KVM },	/* host side: perf's guest-state callback */
		{ "vhost_worker", KSYM_VHOST }, { "vhost_task_fn", KSYM_VHOST }, { "handle_tx_kick", KSYM_VHOST },
		{ "tun_get_user", KSYM_TUN }, { "tun_net_xmit", KSYM_TUN }, { "tap_do_read.cold", KSYM_TUN },
		{ "br_handle_frame", KSYM_BRIDGE }, { "br_forward", KSYM_BRIDGE }, { "nbp_backup_change", KSYM_BRIDGE },
		{ "virtnet_poll", KSYM_NIC }, { "start_xmit", KSYM_NIC }, { "ixgbe_clean_rx_irq", KSYM_NIC },
		{ "mlx5e_napi_poll", KSYM_NIC }, { "e1000_xmit_frame", KSYM_NIC },
		{ "default_idle", KSYM_IDLE }, { "do_idle", KSYM_IDLE }, { "intel_idle_irq", KSYM_IDLE },
		{ "pv_native_safe_halt", KSYM_IDLE }, { "pvm_safe_halt_hc", KSYM_IDLE },
		{ "schedule", KSYM_OTHER }, { "tcp_sendmsg", KSYM_OTHER }, { "brd_submit_bio", KSYM_OTHER },
		{ "tune_something", KSYM_OTHER }, { "kvm", KSYM_OTHER }, { "", KSYM_OTHER },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum ksym_class got = ksyms_classify_name(cases[i].sym);
		if (got != cases[i].cls)
			fprintf(stderr, "%s: %s, expected %s\n", cases[i].sym, ksym_class_name(got),
				ksym_class_name(cases[i].cls));
		CHECK(got == cases[i].cls);
	}
	CHECK(ksym_class_component(KSYM_GUEST_ENTRY) == COMP_GUEST);
	CHECK(ksym_class_component(KSYM_IDLE) == COMP__COUNT);
	CHECK(ksym_class_component(KSYM_OTHER) == COMP_OTHER_KERNEL);
	CHECK(ksym_class_component(KSYM_NIC) == COMP_NIC);
}

static void test_modules(void)
{
	CHECK(ksyms_classify_module("kvm") == KSYM_KVM);
	CHECK(ksyms_classify_module("kvm_intel") == KSYM_KVM_VENDOR);
	CHECK(ksyms_classify_module("vhost_net") == KSYM_VHOST);
	CHECK(ksyms_classify_module("tun") == KSYM_TUN);
	CHECK(ksyms_classify_module("bridge") == KSYM_BRIDGE);
	CHECK(ksyms_classify_module("mlx5_core") == KSYM_NIC);
	CHECK(ksyms_classify_module("kvmgt") == KSYM_OTHER);
	CHECK(ksyms_classify_module("ext4") == KSYM_OTHER);

	/* unsorted, with one hidden address (kptr_restrict) that must be skipped */
	const char *text =
		"tun 61440 2 vhost_net, Live 0xffffffffc0300000\n"
		"kvm_intel 380928 0 - Live 0xffffffffc0100000\n"
		"secret 4096 0 - Live 0x0000000000000000\n"
		"kvm 1146880 1 kvm_intel, Live 0xffffffffc0200000 (O)\n";
	struct kmodule *mods;
	size_t n = kmodules_parse(text, &mods);
	CHECK(n == 3);
	CHECK(n == 3 && !strcmp(mods[0].name, "kvm_intel") && !strcmp(mods[2].name, "tun"));
	uint64_t b = 0xffffffffc0100000ull, s = 380928;
	CHECK(kmodule_find(mods, n, b - 1) == NULL);
	CHECK(kmodule_find(mods, n, b) == &mods[0]);
	CHECK(kmodule_find(mods, n, b + s - 1) == &mods[0]);
	CHECK(kmodule_find(mods, n, b + s) == NULL);	/* gap between kvm_intel and kvm */
	CHECK(kmodule_find(mods, n, 0xffffffffc0200000ull) == &mods[1]);
	CHECK(kmodule_find(mods, n, 0xffffffffc0300000ull + 61439) == &mods[2]);
	CHECK(kmodule_find(mods, n, 0xffffffffc0300000ull + 61440) == NULL);
	CHECK(kmodule_find(mods, n, 0) == NULL);
	CHECK(kmodule_find(mods, n, ~0ull) == NULL);
	CHECK(kmodule_find(mods, 0, b) == NULL);
	CHECK(kmodule_find(mods, 1, b + 5) == &mods[0]);
	free(mods);
	CHECK(kmodules_parse("", &mods) == 0);
	free(mods);
}

static void test_vendor(void)
{
	CHECK(ksyms_vendor_of_name("vmx_vcpu_run") && !strcmp(ksyms_vendor_of_name("vmx_vcpu_run"), "kvm_intel"));
	CHECK(ksyms_vendor_of_name("svm_vcpu_run.cold") && !strcmp(ksyms_vendor_of_name("svm_vcpu_run.cold"), "kvm_amd"));
	CHECK(ksyms_vendor_of_name("pvm_vcpu_run") && !strcmp(ksyms_vendor_of_name("pvm_vcpu_run"), "kvm_pvm"));
	CHECK(ksyms_vendor_of_name("vmx_vcpu_run_x") == NULL);
	CHECK_STR(ksyms_pick_vendor(0, 0, 0, "fpu vme"), "");
	CHECK_STR(ksyms_pick_vendor(0, 0, 1, NULL), "kvm_pvm");
	CHECK_STR(ksyms_pick_vendor(1, 1, 0, " fpu svm lm"), "kvm_amd");
	CHECK_STR(ksyms_pick_vendor(1, 1, 1, " fpu vmx\n"), "kvm_intel");
	CHECK_STR(ksyms_pick_vendor(1, 1, 1, " fpu vmxnope"), "kvm_pvm");	/* a flag is a whole word */
	CHECK_STR(ksyms_pick_vendor(1, 1, 0, NULL), "");
}

static struct ksyms *parse_text(const char *text, const char *modules, char *why, size_t len)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct ksyms *ks = ksyms_parse(f, modules, " fpu vmx", why, len);
	fclose(f);
	return ks;
}

static void test_parser(void)
{
	const char *text =
		"ffffffff81000000 T _stext\n"
		"ffffffff81000000 T schedule\n"
		"ffffffff81001000 t kvm_arch_vcpu_ioctl_run\n"
		"ffffffff81001800 t __pfx_vcpu_enter_guest\n"
		"ffffffff81001810 t vcpu_enter_guest\n"
		"ffffffff81002000 D some_data\n"
		"ffffffff81003000 T vmx_vcpu_run\n"
		"ffffffff81003100 T vmx_do_interrupt_irqoff\n"
		"ffffffff81003200 T vmx_vmexit\n"
		"ffffffff81004000 T tcp_sendmsg\n"
		"ffffffff81005000 T __cpuidle_text_start\n"
		"ffffffff81005000 T some_idle_helper\n"
		"ffffffff81005100 T __cpuidle_text_end\n"
		"ffffffff81005100 T br_handle_frame\n"
		"ffffffff81006000 T tun_get_user\n"
		"ffffffff81007000 T do_idle\n"
		"ffffffff81007100 T _etext\n"
		"ffffffffc0100000 t ixgbe_poll\t[ixgbe]\n"
		"ffffffffc0100800 t ixgbe_other\t[ixgbe]\n"
		"ffffffffc0200000 t vhost_worker\t[vhost]\n"
		"ffffffffc0300000 t svm_vcpu_run\t[kvm_amd]\n";
	const char *modules =
		"ixgbe 8192 0 - Live 0xffffffffc0100000\n"
		"vhost 4096 0 - Live 0xffffffffc0200000\n"
		"kvm_amd 4096 0 - Live 0xffffffffc0300000\n";
	char why[160] = "";
	struct ksyms *ks = parse_text(text, modules, why, sizeof(why));
	CHECK(ks != NULL);
	if (!ks)
		return;
	CHECK(ksyms_classify(ks, 0xffffffff80000000ull) == KSYM_OTHER);	/* below the first symbol */
	CHECK(ksyms_classify(ks, 0xffffffff81000010ull) == KSYM_OTHER);
	CHECK(ksyms_classify(ks, 0xffffffff81001000ull) == KSYM_KVM);
	CHECK(ksyms_classify(ks, 0xffffffff81001808ull) == KSYM_KVM);	/* padding belongs to the one before */
	CHECK(ksyms_classify(ks, 0xffffffff81002500ull) == KSYM_KVM);	/* data symbols do not cut text */
	CHECK(ksyms_classify(ks, 0xffffffff81003050ull) == KSYM_KVM_VENDOR);
	CHECK(ksyms_classify(ks, 0xffffffff81003100ull) == KSYM_GUEST_ENTRY);
	CHECK(ksyms_classify(ks, 0xffffffff810031ffull) == KSYM_GUEST_ENTRY);
	CHECK(ksyms_classify(ks, 0xffffffff81003200ull) == KSYM_KVM_VENDOR);
	CHECK(ksyms_classify(ks, 0xffffffff81004fffull) == KSYM_OTHER);
	CHECK(ksyms_classify(ks, 0xffffffff81005000ull) == KSYM_IDLE);	/* .cpuidle.text by range */
	CHECK(ksyms_classify(ks, 0xffffffff810050ffull) == KSYM_IDLE);
	CHECK(ksyms_classify(ks, 0xffffffff81005100ull) == KSYM_BRIDGE);
	CHECK(ksyms_classify(ks, 0xffffffff81006010ull) == KSYM_TUN);
	CHECK(ksyms_classify(ks, 0xffffffff81007010ull) == KSYM_IDLE);	/* by name */
	CHECK(ksyms_classify(ks, 0xffffffffc0100900ull) == KSYM_NIC);	/* module by name, not by symbol */
	CHECK(ksyms_classify(ks, 0xffffffffc0101fffull) == KSYM_NIC);
	CHECK(ksyms_classify(ks, 0xffffffffc0102000ull) == KSYM_NIC);	/* past ixgbe: no module, last symbol's */
	CHECK(ksyms_classify(ks, 0xffffffffc0200010ull) == KSYM_VHOST);
	CHECK(ksyms_classify(ks, 0xffffffffc0300010ull) == KSYM_KVM_VENDOR);
	/* intel built in and amd as a module: cpu flags say vmx */
	CHECK_STR(ksyms_vendor(ks), "kvm_intel");
	CHECK_STR(ksyms_split_by(ks), "modules");	/* kvm_amd is one */
	CHECK(ksyms_nranges(ks) < 17);	/* merged */
	/* a VM starting moves refcounts only: no reload of kallsyms; a module loaded or moved is a change */
	CHECK(!ksyms_modules_changed(ks, modules));
	CHECK(!ksyms_modules_changed(ks, "ixgbe 8192 0 - Live 0xffffffffc0100000\n"
					  "vhost 4096 3 - Live 0xffffffffc0200000\n"
					  "kvm_amd 4096 12 - Live 0xffffffffc0300000 (E)\n"));
	CHECK(ksyms_modules_changed(ks, "ixgbe 8192 0 - Live 0xffffffffc0100000\n"
					 "vhost 4096 0 - Live 0xffffffffc0200000\n"));
	CHECK(ksyms_modules_changed(ks, "ixgbe 8192 0 - Live 0xffffffffc0100000\n"
					 "vhost 4096 0 - Live 0xffffffffc0200000\n"
					 "kvm_amd 4096 0 - Live 0xffffffffc0400000\n"));
	CHECK(ksyms_modules_changed(ks, NULL));
	ksyms_free(ks);

	/* the same table without /proc/modules: module symbols classify by their [module] tag */
	ks = parse_text(text, NULL, why, sizeof(why));
	CHECK(ks && ksyms_classify(ks, 0xffffffffc0200010ull) == KSYM_VHOST);
	CHECK_STR(ksyms_split_by(ks), "symbol names");
	ksyms_free(ks);
	/* modules, but kvm built in (kvm_pvm hosts have no /proc/modules; others may load only a NIC driver) */
	ks = parse_text(text, "ixgbe 8192 0 - Live 0xffffffffc0100000\n", why, sizeof(why));
	CHECK_STR(ksyms_split_by(ks), "symbol names");
	ksyms_free(ks);

	/* hidden addresses: a table that knows the vendor by name and classifies nothing */
	ks = parse_text("0000000000000000 T schedule\n0000000000000000 t vmx_vcpu_run\n", NULL, why, sizeof(why));
	CHECK(ks && ksyms_hidden(ks));
	CHECK(strstr(why, "kptr_restrict") != NULL);
	CHECK(ks && ksyms_classify(ks, 0xffffffff81000000ull) == KSYM_OTHER);
	CHECK_STR(ksyms_vendor(ks), "kvm_intel");
	ksyms_free(ks);
	CHECK(!ksyms_hidden(NULL));
	ks = parse_text("garbage\n\nffffffff81000000 D data_only\n", NULL, why, sizeof(why));
	CHECK(ks == NULL);
	CHECK(strstr(why, "no kernel text") != NULL);
	CHECK(ksyms_classify(NULL, 1) == KSYM_OTHER);
	CHECK_STR(ksyms_vendor(NULL), "");
}

/* The real table, when this process may read addresses: the PVM entry symbol, if present, is guest. */
static void test_live(void)
{
	char why[160] = "";
	struct ksyms *ks = ksyms_load(why, sizeof(why));
	if (!ks) {
		printf("live kallsyms skipped: %s\n", why);
		return;
	}
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512];
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long long addr;
		char type, name[256];
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3 || (type != 't' && type != 'T'))
			continue;
		if (!strcmp(name, "pvm_do_event_irqoff") || !strcmp(name, "vmx_do_interrupt_irqoff"))
			CHECK(ksyms_classify(ks, addr) == KSYM_GUEST_ENTRY);
		else if (!strcmp(name, "kvm_arch_vcpu_ioctl_run"))
			CHECK(ksyms_classify(ks, addr) == KSYM_KVM);
		else if (!strcmp(name, "default_idle"))
			CHECK(ksyms_classify(ks, addr) == KSYM_IDLE);
		else if (!strcmp(name, "br_handle_frame"))
			CHECK(ksyms_classify(ks, addr) == KSYM_BRIDGE);
	}
	if (f)
		fclose(f);
	printf("live kallsyms: %zu ranges, vendor \"%s\"\n", ksyms_nranges(ks), ksyms_vendor(ks));
	CHECK(ksyms_refresh(ks) == 0);
	ksyms_free(ks);
}

/* /proc/modules lines with fewer fields than six: each is read on its own. Taking the missing fields from the lines
 * below made the module layout longer than the text and overflowed its buffer (found by tests/fuzz/fuzz_kallsyms;
 * ASan, as in scripts/sanitize.sh, reports it). */
static void test_short_module_lines(void)
{
	char why[128];
	struct ksyms *ks = parse_text("ffffffff81000000 T _stext\n", "kv\nffffffffu\n[kvm_intel]\nfffff[kvm_intel]\n"
				      "a 1\nb 2\nc 3\nd 4\ne 5\nf 6\ng 7\n", why, sizeof(why));
	CHECK(ks != NULL);
	struct kmodule *mods = NULL;
	CHECK(kmodules_parse("kvm 1138688\n1 - Live 0xffffffffc0800000\n", &mods) == 0);	/* one line, not two */
	free(mods);
	if (ks)
		ksyms_free(ks);
}

int main(void)
{
	test_short_module_lines();
	test_every_row();
	test_names();
	test_modules();
	test_vendor();
	test_parser();
	test_live();
	return unit_done("test_ksyms");
}

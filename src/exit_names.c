/* exit_names.c - exit reason names: VMX_EXIT_REASONS and SVM_EXIT_REASONS of <asm/vmx.h> and <asm/svm.h> as they
 * are (linux-libc-dev), KVM_EXIT_* from the table scripts/gen-kvm-exit-names.sh makes of <linux/kvm.h>. */
#include "config.h"

#include <linux/kvm.h>	/* asm/kvm.h: the exception vectors SVM_EXIT_REASONS names */
#include <asm/svm.h>
#include <asm/vmx.h>
#include <stdio.h>

#include "bpf/exits_events.h"
#include "exit_names.h"
#include "kvm_exit_names.h"

struct code_name {
	unsigned long long code;
	const char *name;
};

static const struct code_name vmx_names[] = { VMX_EXIT_REASONS };
static const struct code_name svm_names[] = { SVM_EXIT_REASONS };
static const struct code_name kvm_names[] = { KVM_EXIT_NAMES };
#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *find(const struct code_name *t, size_t n, unsigned long long code)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].code == code)
			return t[i].name;
	return NULL;
}

static const char *const stat_files[EXITS_STAT__COUNT] = {
#define EXITS_STAT_FILE(id, file) [EXITS_STAT_##id] = #file,
	EXITS_STATS(EXITS_STAT_FILE)
#undef EXITS_STAT_FILE
	[EXITS_STAT_OTHER] = "other",
};

const char *exit_stat_file(unsigned stat)
{
	return stat < EXITS_STAT__COUNT ? stat_files[stat] : NULL;
}

unsigned exit_vmx_basic(unsigned long long code)
{
	return (unsigned)(code & 0xffff);	/* bits 16-31 are flags: 27 enclave mode, 31 failed VM entry */
}

const char *exit_reason_name(unsigned long long arg, char *buf, size_t len)
{
	unsigned isa = (unsigned)(arg >> 32);
	unsigned long long code = arg & 0xffffffffULL;
	const char *name = NULL;
	if (code == EXITS_CODE_UNREAD)
		name = "unread";
	else if (isa == EXITS_ISA_VMX)
		name = find(vmx_names, N(vmx_names), exit_vmx_basic(code));
	else if (isa == EXITS_ISA_SVM)
		/* SVM_EXIT_ERR is -1 in 64 bits; the code is read as 32 */
		name = code == 0xffffffffULL ? "invalid" : find(svm_names, N(svm_names), code);
	else if (isa == EXITS_ISA_STAT)
		name = exit_stat_file((unsigned)code);
	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "%s_0x%llx",
			 isa == EXITS_ISA_VMX ? "VMX" : isa == EXITS_ISA_SVM ? "SVM" : isa == EXITS_ISA_STAT ? "STAT" : "ISA",
			 isa == EXITS_ISA_VMX ? (unsigned long long)exit_vmx_basic(code) : code);
	return buf;
}

const char *exit_userspace_name(unsigned long long reason, char *buf, size_t len)
{
	const char *name = reason == EXITS_USER_ERROR ? "ERROR" : find(kvm_names, N(kvm_names), reason);
	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "KVM_EXIT_%llu", reason);
	return buf;
}

const char *exit_wake_name(unsigned long long arg, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", arg & EXITS_WAKE_WAITED ? "waited" : "polled",
		 arg & EXITS_WAKE_SPURIOUS ? "_spurious" : "");
	return buf;
}

const char *exit_fault_name(unsigned long long arg, char *buf, size_t len)
{
	unsigned isa = (unsigned)(arg >> 32), e = (unsigned)(arg & 0x3f);
	const char *access, *cause;
	if (isa == EXITS_ISA_VMX) {
		/* the EPT violation's qualification: bits 0-2 the access (read, write, fetch), 3-5 what the entry allowed */
		access = e & 4 ? "fetch" : e & 2 ? "write" : "read";
		cause = e & 0x38 ? "protect" : "missing";
	} else {
		/* a #PF error code (SVM's NPF, or shadow paging): P 0, W 1, U 2, RSVD 3 (KVM's MMIO entries), FETCH 4 */
		access = e & 0x10 ? "fetch" : e & 2 ? "write" : "read";
		cause = e & 8 ? "mmio" : e & 1 ? "protect" : "missing";
	}
	snprintf(buf, len, "%s_%s", access, cause);
	return buf;
}

const char *exit_emul_name(unsigned long long arg, char *buf, size_t len)
{
	snprintf(buf, len, "%s", arg ? "failed" : "ok");
	return buf;
}

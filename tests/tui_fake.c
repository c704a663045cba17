/* tui_fake.c - the real curses view over a made-up model, so the UI can be driven in tmux on a host without KVM.
 *
 * It replaces session_refresh and session_drain (the linker takes these, so libvmtop's collectors are never
 * opened): session_refresh builds a model of fixed VMs whose numbers differ per column, so every sort gives its
 * own order, and there is no perf ring to drain.
 * session_want_functions (the modules view's Enter) gives the perf VMs kernel functions from the next refresh on.
 * TUI_FAKE_VMS=N adds N more VMs (scrolling); SIGUSR1 makes "build-runner" (pid 1003) exit at the next refresh.
 */
#include "config.h"

#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "options.h"
#include "session.h"
#include "tui.h"

struct fake_vm {
	pid_t pid;
	const char *name;
	int vcpus;
	double guest, vmm, kernel, vhost, ready;
	long long rss_kib;
	bool perf;
};

/* GUEST of idle-vm is unknown, to check "-" in the table. */
static const struct fake_vm fixed[] = {
	{ 1001, "web-frontend", 4, 200, 20, 25, 5, 1.5, 4 << 20, true },
	{ 1002, "db-primary", 8, 60, 10, 15, 5, 9.0, 16 << 20, true },
	{ 1003, "build-runner", 2, 150, 12, 16, 2, 0.5, 1 << 20, false },
	{ 1004, "idle-vm", 1, NAN, 0.5, 0.3, 0, 0.0, 512 << 10, false },
	{ 1005, "überlanger-gastname-der-nie-umbricht-sondern-abgeschnitten-wird-0123456789", 2, 30, 3, 4, 0, 0.2,
	  2 << 20, false },
};
#define NFIXED (sizeof(fixed) / sizeof(fixed[0]))

static volatile sig_atomic_t kill_runner;

static void on_usr1(int sig)
{
	(void)sig;
	kill_runner = 1;
}

static void fill_threads(struct vm_stat *v, const struct fake_vm *f)
{
	static const enum thread_role extra[] = { ROLE_VHOST, ROLE_IO, ROLE_KVM, ROLE_OTHER };
	static const char *const extra_comm[] = { "vhost-1", "IO mon_iothread", "kvm-nx-lpage-re", "qemu-system-x86" };
	v->nthreads = (size_t)f->vcpus + 4;
	v->threads = calloc(v->nthreads, sizeof(*v->threads));
	if (!v->threads) {
		v->nthreads = 0;
		return;
	}
	for (int i = 0; i < f->vcpus; i++) {
		struct thread_stat *th = &v->threads[i];
		th->tid = f->pid + 1 + i;
		th->role = ROLE_VCPU;
		th->vcpu_index = i;
		snprintf(th->comm, sizeof(th->comm), "CPU %d/KVM", i);
		/* vCPU i gets a share growing with i, so sorting the threads reorders them. */
		double w = (double)(i + 1) * 2 / ((double)f->vcpus * (f->vcpus + 1));
		th->guest = isnan(f->guest) ? NAN : f->guest * w;
		th->kernel = f->kernel * w;
		th->user = (isnan(f->guest) ? 0 : th->guest) + f->vmm * w / 2;
		th->total = th->user + th->kernel;
		th->ready = f->ready * w;
		th->last_cpu = i % 2;
		th->guest_estimated = f->pid == 1002 && i % 2 == 0;	/* judged per vCPU: some estimated */
	}
	for (size_t k = 0; k < 4; k++) {
		struct thread_stat *th = &v->threads[f->vcpus + k];
		th->tid = f->pid + 100 + (pid_t)k;
		th->role = extra[k];
		th->vcpu_index = -1;
		snprintf(th->comm, sizeof(th->comm), "%s", extra_comm[k]);
		th->total = th->user = th->kernel = 0.1 * (double)k;
		th->guest = 0;
		th->ready = 0;
		th->last_cpu = -1;
	}
}

/* Memory figures that differ per VM (so SWAP, KSM and BALLOON sort in their own orders); idle-vm's are unknown. */
static void fill_mem(struct vm_stat *v, const struct fake_vm *f)
{
	struct vm_mem_stat *s = &v->mem;
	long long rss = f->rss_kib, i = f->pid - 1000;
	bool unknown = f->pid == 1004;
	s->config_kib = v->mem_config_kib;
	s->rss_kib = rss;
	s->anon_kib = unknown ? -1 : rss * 9 / 10;
	s->file_kib = unknown ? -1 : rss / 20;
	s->shmem_kib = unknown ? -1 : rss / 20;
	s->swap_kib = unknown ? -1 : (i == 2 ? 256 << 10 : (i % 3) << 10);
	s->thp_kib = unknown ? -1 : rss / 2;
	s->hugetlb_kib = unknown ? -1 : 0;
	s->majflt_rate = unknown ? NAN : 2.5 * (double)i;
	s->nnodes = unknown ? -1 : 2;
	s->node_kib[0] = rss / 4;
	s->node_kib[1] = rss - rss / 4;
	s->ksm_merging_pages = unknown ? -1 : (i == 1 ? 262144 : 1000 * i);
	s->ksm_kib = s->ksm_merging_pages >= 0 ? s->ksm_merging_pages * 4 : -1;
	s->ksm_rmap_items = unknown ? -1 : s->ksm_merging_pages + 10;
	s->ksm_zero_pages = unknown ? -1 : 0;
	s->ksm_profit_bytes = unknown ? MEM_UNKNOWN_SIGNED : s->ksm_merging_pages * 4096 - 640;
	s->ksm_mergeable = unknown ? -1 : 1;
	s->vcpu_nodes_known = !unknown;
	s->vcpu_nodes[0] = f->vcpus / 4;
	s->vcpu_nodes[1] = f->vcpus - f->vcpus / 4;
	s->ksm_merge_any = unknown ? -1 : 0;
	s->balloon = (struct balloon_sample){ .source = "qmp", .actual_kib = v->mem_config_kib - (i == 3 ? 1 << 20 : 0),
					      .target_kib = -1 };
	/* what a guest's balloon driver reports (swap_in left out: a guest may report some and not others) */
	s->balloon.stats_known = 1u << BSTAT_USABLE_KIB | 1u << BSTAT_UNUSED_KIB | 1u << BSTAT_DISK_CACHES_KIB |
				 1u << BSTAT_SWAP_OUT_KIB | 1u << BSTAT_MAJOR_FAULTS;
	s->balloon.stats[BSTAT_USABLE_KIB] = 6 << 20;
	s->balloon.stats[BSTAT_UNUSED_KIB] = 2 << 20;
	s->balloon.stats[BSTAT_DISK_CACHES_KIB] = 1 << 20;
	s->balloon.stats[BSTAT_SWAP_OUT_KIB] = 4096;
	s->balloon.stats[BSTAT_MAJOR_FAULTS] = 12;
	if (unknown)
		s->balloon = (struct balloon_sample){ .source = "", .actual_kib = -1, .target_kib = -1,
						      .reason = "no QMP socket on the VMM's command line" };
}

static struct exit_row *rows_of(const struct exit_row *r, size_t n)
{
	struct exit_row *c = calloc(n, sizeof(*c));
	if (c)
		memcpy(c, r, n * sizeof(*r));
	return c;
}

/* SVM reasons for web-frontend (io the top one, with its time); the others only a rate that sorts them apart. */
static void fill_exits(struct vm_stat *v, const struct fake_vm *f)
{
	struct exits_stat *e = &v->exits;
	e->valid = true;
	e->top_ev = -1;
	e->rate = isnan(f->guest) ? 0 : f->guest * 10;
	e->userspace_rate = 0;
	e->time_pct = 0;
	if (f->pid == 1001) {
		static const struct exit_row reasons[] = {
			{ 2ULL << 32 | 0x7b, 5000, 20 }, { 2ULL << 32 | 0x400, 200, 1.5 }, { 2ULL << 32 | 0x60, 100, 0.2 },
		};
		static const struct exit_row user[] = { { 2, 4900, NAN }, { 6, 150, NAN } };
		static const struct exit_row pio[] = { { 1ULL << 16 | 0x80, 4900, NAN }, { 0x3f8, 12, NAN } };
		static const struct exit_row mmio[] = { { 2ULL << 56 | 0xfee00, 150, NAN } };
		static const struct exit_row wake[] = { { EXITS_WAKE_WAITED, 800, 42.5 }, { 0, 120, 0.3 } };
		static const struct exit_row pf[] = { { 2ULL << 32 | 0xf, 150, NAN } };
		e->rate = 5300;
		e->time_pct = 21.7;
		e->userspace_rate = 5050;
		e->top_ev = EXITS_EV_EXIT;
		e->top = reasons[0].arg;
		e->rows[EXITS_EV_EXIT] = rows_of(reasons, 3);
		e->nrows[EXITS_EV_EXIT] = e->rows[EXITS_EV_EXIT] ? 3 : 0;
		e->rows[EXITS_EV_USER] = rows_of(user, 2);
		e->nrows[EXITS_EV_USER] = e->rows[EXITS_EV_USER] ? 2 : 0;
		e->rows[EXITS_EV_PIO] = rows_of(pio, 2);
		e->nrows[EXITS_EV_PIO] = e->rows[EXITS_EV_PIO] ? 2 : 0;
		e->rows[EXITS_EV_MMIO] = rows_of(mmio, 1);
		e->nrows[EXITS_EV_MMIO] = e->rows[EXITS_EV_MMIO] ? 1 : 0;
		e->rows[EXITS_EV_WAKE] = rows_of(wake, 2);
		e->nrows[EXITS_EV_WAKE] = e->rows[EXITS_EV_WAKE] ? 2 : 0;
		e->rows[EXITS_EV_PF] = rows_of(pf, 1);
		e->nrows[EXITS_EV_PF] = e->rows[EXITS_EV_PF] ? 1 : 0;
	}
	for (size_t i = 0; i < v->nthreads; i++) {
		struct thread_stat *th = &v->threads[i];
		bool vcpu = th->role == ROLE_VCPU;
		th->exits_top_ev = vcpu && f->pid == 1001 ? EXITS_EV_EXIT : -1;
		th->exits_top = e->top;
		th->exits_rate = vcpu ? e->rate / f->vcpus : NAN;
		th->exits_userspace = vcpu ? e->userspace_rate / f->vcpus : NAN;
	}
}

static void fill_vm(struct vm_stat *v, const struct fake_vm *f, unsigned long n)
{
	memset(v, 0, sizeof(*v));
	v->pid = f->pid;
	snprintf(v->name, sizeof(v->name), "%s", f->name);
	snprintf(v->vmm, sizeof(v->vmm), "qemu-system-x86");
	v->nr_vcpus = f->vcpus;
	v->mem_config_kib = f->rss_kib * 2;
	v->rss_kib = (unsigned long long)f->rss_kib;
	/* A small wobble per refresh, so the screen visibly updates without changing any order. */
	double wobble = (double)(n % 3) * 0.01;
	v->guest = f->guest + wobble;
	v->vmm_user = f->vmm;
	v->kernel = f->kernel;
	v->vhost = f->vhost;
	v->ready = f->ready;
	v->total = (isnan(v->guest) ? 0 : v->guest) + v->vmm_user + v->kernel + v->vhost;
	v->guest_estimated = f->pid == 1002;
	fill_threads(v, f);
	fill_mem(v, f);
	fill_exits(v, f);
	v->components_valid = f->perf;
	if (f->perf) {
		v->components[COMP_GUEST] = v->guest;
		v->components[COMP_VMM_USER] = v->vmm_user;
		v->components[COMP_KVM] = v->kernel * 0.6;
		v->components[COMP_KVM_VENDOR] = v->kernel * 0.3;
		v->components[COMP_OTHER_KERNEL] = v->kernel * 0.1;
		v->components[COMP_VHOST] = v->vhost;
		v->apportioned[COMP_BRIDGE] = 1.5;
		v->apportioned[COMP_NIC] = 0.5;
	}
	v->net.valid = true;
	v->net.rx_bytes = 1e6;
	v->net.tx_bytes = 2.5e5;
	v->net.rx_packets = 800;
	v->net.tx_packets = 300;
	v->ntaps = 1;
	v->taps = calloc(1, sizeof(*v->taps));
	if (!v->taps) {
		v->ntaps = 0;
		return;
	}
	snprintf(v->taps[0].ifname, sizeof(v->taps[0].ifname), "tap%d", (int)f->pid);
	snprintf(v->taps[0].bridge, sizeof(v->taps[0].bridge), "br0");
	v->taps[0].counters_valid = true;
	v->taps[0].rx_bytes = 123456789ULL;
	v->taps[0].tx_bytes = 9876543ULL;
	v->taps[0].rx_packets = 100000;
	v->taps[0].tx_packets = 50000;
}

static void fill_host(struct model *m)
{
	struct host_stat *h = &m->host;
	h->ncpus = 2;
	h->cpu = (struct cpu_pct){ .user = 30, .system = 10, .guest = 25, .idle = 35 };
	h->nvms = m->nvms;
	for (size_t i = 0; i < m->nvms; i++)
		h->nvcpus += m->vms[i].nr_vcpus;
	h->vcpu_ratio = (double)h->nvcpus / h->ncpus;
	h->mem_ratio = 1.25;
	h->mem_total_kib = 24ULL << 20;
	h->mem_avail_kib = 20ULL << 20;
	h->loadavg[0] = 1.5;
	h->uptime = 90061;
	/* KSM: 1.2G shared in 300M, 5 full scans */
	h->mem.valid = true;
	for (int f = 0; f < KSM__COUNT; f++)
		h->mem.ksm[f] = 0;
	h->page_kib = 4;
	h->mem.ksm[KSM_RUN] = getenv("TUI_FAKE_KSM_OFF") ? 0 : 1;
	h->mem.ksm[KSM_PAGES_SHARING] = 314573;
	h->mem.ksm[KSM_PAGES_SHARED] = 76800;
	h->mem.ksm[KSM_FULL_SCANS] = 5;
	snprintf(h->mem.thp_enabled, sizeof(h->mem.thp_enabled), "madvise");
	h->mem.npools = 1;
	h->mem.pools[0].size_kib = 2048;
	h->mem.pools[0].total = 512;
	h->mem.pools[0].free = 128;
	h->mem.swap_total_kib = 8 << 20;
	h->mem.swap_free_kib = 7 << 20;
	h->mem.psi_valid = true;
	h->mem.psi_some_avg10 = 1.25;
	h->mem.psi_full_avg10 = 0.5;
	h->ksm_saved_kib = 314573 * 4;
	h->mem_ratio_after_ksm = 1.2;
	h->guest_estimated = true;
	snprintf(h->guest_why, sizeof(h->guest_why), "guest time not accounted by this KVM backend (fake)");
	h->perf_enabled = true;
	h->sample_hz = 99;
	for (int c = 0; c < COMP__COUNT; c++)
		h->host_components[c] = 5;
	h->apportioned_components[COMP_BRIDGE] = 3;
	h->exits_valid = true;
	h->exits_observable = h->exits_per_vcpu = h->exits_timed = true;
	for (int ev = 0; ev < EXITS_EV__COUNT; ev++)
		h->exits_live[ev] = true;
	snprintf(h->sources[PART_EXITS].name, sizeof(h->sources[PART_EXITS].name), "bpf");
	snprintf(h->warnings[0], sizeof(h->warnings[0]), "fake model for UI tests: no data was read from this host");
	h->nwarnings = 1;
}

static bool funcs_wanted;

/* A few functions per kernel component, as the perf stage would have them (sorted, shares of the component). */
static void fill_funcs(struct vm_stat *v)
{
	static const struct { int comp; const char *func, *via; double part; } rows[] = {
		{ COMP_KVM, "native_read_msr", "kvm_arch_vcpu_load", 0.5 },
		{ COMP_KVM, "kvm_arch_vcpu_ioctl_run", "", 0.3 },
		{ COMP_KVM, "x86_emulate_insn", "", 0.2 },
		{ COMP_KVM_VENDOR, "cr4_set_bits", "svm_vcpu_run", 0.7 },
		{ COMP_KVM_VENDOR, "svm_handle_exit", "", 0.3 },
		{ COMP_OTHER_KERNEL, "finish_task_switch.isra.0", "", 1.0 },
	};
	size_t n = sizeof(rows) / sizeof(rows[0]);
	v->funcs = calloc(n, sizeof(*v->funcs));
	if (!v->funcs)
		return;
	for (size_t i = 0; i < n; i++) {
		struct func_stat *f = &v->funcs[i];
		f->comp = rows[i].comp;
		f->pct = v->components[f->comp] * rows[i].part;
		f->share = 100 * rows[i].part;
		snprintf(f->func, sizeof(f->func), "%s", rows[i].func);
		snprintf(f->via, sizeof(f->via), "%s", rows[i].via);
	}
	v->nfuncs = n;
}

void session_want_functions(struct session *s)
{
	(void)s;
	funcs_wanted = true;
}

/* The fake's memory figures are all there from the start (t_tui_kvm.sh checks the walk a real guest's view asks) */
void session_want_mem_walk(struct session *s, pid_t pid)
{
	(void)s;
	(void)pid;
}

static void fake_model_free(struct model *m)
{
	for (size_t i = 0; i < m->nvms; i++)
		model_vm_free(&m->vms[i]);
	free(m->vms);
	memset(m, 0, sizeof(*m));
}

void session_drain(struct session *s)
{
	(void)s;
}

/* The fake has no recording (s->recording stays NULL): the replay keys never reach these. */
void session_seek(struct session *s, size_t i)
{
	(void)s;
	(void)i;
}

size_t session_replay_at(const struct session *s)
{
	(void)s;
	return 0;
}

size_t session_replay_count(const struct session *s)
{
	(void)s;
	return 0;
}

bool session_refresh(struct session *s)
{
	static bool runner_gone;
	struct model *m = &s->model;
	if (kill_runner)
		runner_gone = true;
	const char *env = getenv("TUI_FAKE_VMS");
	size_t more = env ? strtoul(env, NULL, 10) : 0, n = 0;
	fake_model_free(m);
	m->vms = calloc(NFIXED + more, sizeof(*m->vms));
	if (!m->vms)
		abort();
	for (size_t i = 0; i < NFIXED; i++) {
		if (runner_gone && fixed[i].pid == 1003)
			continue;
		if (options_wants_pid(s->opt, fixed[i].pid))
			fill_vm(&m->vms[n++], &fixed[i], s->refreshes);
	}
	for (size_t i = 0; i < more; i++) {
		char name[32];
		snprintf(name, sizeof(name), "extra-%03zu", i);
		struct fake_vm f = { (pid_t)(2000 + i * 10), name, 1, (double)(i % 50), 1, 1, 0, 0, 1 << 20, false };
		if (options_wants_pid(s->opt, f.pid))
			fill_vm(&m->vms[n++], &f, s->refreshes);
	}
	m->nvms = n;
	m->time = (double)time(NULL);
	m->interval = s->opt->delay;
	fill_host(m);
	if (funcs_wanted) {
		/* TUI_FAKE_FUNCS_HIDDEN: as under kptr_restrict, the view says why instead */
		m->host.funcs_wanted = true;
		m->host.funcs_valid = !getenv("TUI_FAKE_FUNCS_HIDDEN");
		snprintf(m->host.funcs_why, sizeof(m->host.funcs_why), "%s", m->host.funcs_valid ? "" :
			 "kernel symbol addresses are hidden (kernel.kptr_restrict, or no CAP_SYSLOG): no function names");
		for (size_t i = 0; m->host.funcs_valid && i < m->nvms; i++)
			if (m->vms[i].components_valid)
				fill_funcs(&m->vms[i]);
	}
	s->have_prev = true;
	s->refreshes++;
	return true;
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	struct options opt;
	int status = options_parse(&opt, argc, argv);
	if (status >= 0)
		return status;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	struct session s;
	memset(&s, 0, sizeof(s));
	s.opt = &opt;
	if (gethostname(s.hostname, sizeof(s.hostname) - 1) < 0)
		snprintf(s.hostname, sizeof(s.hostname), "?");
	session_refresh(&s);
	status = tui_run(&s);
	fake_model_free(&s.model);
	options_free(&opt);
	return status;
}

/* test_record.c - the recording format: a sample with every part (exits too) filled encodes, decodes and encodes
 * again to the same bytes; written by the recorder and read back it gives the same model; an older reader's view of
 * a part it does not know (skipped), a damaged section and a header of a newer format. With --seeds DIR it writes the
 * fuzz target's seed corpus (tests/fuzz/corpus/recording). */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "record.h"
#include "unit.h"
#include "util.h"

/* Two VMs, every part filled, values that differ from field to field (a swapped pair of fields shows). */
static void fill(struct host_sample *s, int k)
{
	host_sample_init(s);
	s->mono = 1000.5 + k;
	s->realtime = 1796170000.25 + k;
	s->clk_tck = 100;
	s->page_size = 4096;
	s->uptime = 5000 + k;
	s->ncpus = 2;
	s->ncpus_online = 2;
	s->cpus = xcalloc(2, sizeof(*s->cpus));
	for (int c = 0; c < 2; c++)
		s->cpus[c] = (struct cpu_ticks){ 100 + k * 50, 2, 30 + k * 10, 900, 4, 5, 6, 7, 40 + k * 30, 1 };
	s->cpu_total = (struct cpu_ticks){ 200 + k * 100, 4, 60, 1800, 8, 10, 12, 14, 80 + k * 60, 2 };
	s->mem_total_kib = 24000000;
	s->mem_avail_kib = 20000000 - k;
	s->loadavg[0] = 1.5;
	s->loadavg[1] = 0.25;
	s->loadavg[2] = 3.125;
	s->guest_time_unreliable = k & 1;
	snprintf(s->guest_time_why, sizeof(s->guest_time_why), "why %d", k);
	snprintf(s->kvm_backend, sizeof(s->kvm_backend), "kvm_amd");
	s->schedstat_valid = true;
	s->nvms = 2;
	s->vms = xcalloc(2, sizeof(*s->vms));
	for (int v = 0; v < 2; v++) {
		struct vm_sample *vm = &s->vms[v];
		vm->pid = 4000 + v;
		vm->start_ticks = 777 + v;
		snprintf(vm->name, sizeof(vm->name), "guest-%d \xc3\xa9", v);
		snprintf(vm->uuid, sizeof(vm->uuid), "uuid-%d", v);
		snprintf(vm->vmm, sizeof(vm->vmm), "qemu-system-x86");
		vm->nr_vcpus = 1 + v;
		vm->mem_config_kib = v ? -1 : 1048576;
		vm->rss_kib = 65536 + v;
		snprintf(vm->qmp_path, sizeof(vm->qmp_path), "/run/q%d.sock", v);
		vm->uses_vhost_net = v;
		vm->netns_ino = 4026531840ULL + v;
		vm->nthreads = 2 + v;
		vm->threads = xcalloc(vm->nthreads, sizeof(*vm->threads));
		for (size_t t = 0; t < vm->nthreads; t++)
			vm->threads[t] = (struct thread_sample){ 4100 + v * 10 + (pid_t)t, t ? ROLE_OTHER : ROLE_VCPU,
								 t ? -1 : 0, "CPU 0/KVM", 500 + k * 90 + t,
								 50 + k * 5, 400 + k * 80, 900, 123456789ULL * (k + 1),
								 true, (int)t };
		vm->ntaps = 1;
		vm->taps = xcalloc(1, sizeof(*vm->taps));
		snprintf(vm->taps[0].ifname, sizeof(vm->taps[0].ifname), "tap%d", v);
		snprintf(vm->taps[0].bridge, sizeof(vm->taps[0].bridge), "br0");
		vm->taps[0].counters_valid = true;
		vm->taps[0].rx_bytes = 1000000 + k * 5000;
		vm->taps[0].tx_bytes = 2000000 + k * 7000;
		vm->taps[0].rx_packets = 1000 + k;
		vm->taps[0].tx_packets = 2000 + k;
		struct vm_mem_sample *m = &vm->mem;
		*m = (struct vm_mem_sample){ 60000, 5000, 1000, v ? -1 : 0, 2048, 0, 17 + k, 17, 1000.5 + k, 999.5, 2,
					     { 30000, 35000 }, 300, 310, 0, v ? MEM_UNKNOWN_SIGNED : -4096,
					     v ? -1 : 1, v ? -1 : 0 };
		vm->balloon = (struct balloon_sample){ .source = "qmp", .actual_kib = 1048576, .target_kib = 1048576 - v };
		if (v)
			vm->balloon = (struct balloon_sample){ .actual_kib = -1, .target_kib = -1, .reason = "no QMP socket" };
		else {	/* a libvirt domain whose guest reports some memory statistics */
			snprintf(vm->domain, sizeof(vm->domain), "web-%d", v);
			snprintf(vm->balloon.source, sizeof(vm->balloon.source), "libvirt");
			vm->balloon.stats_known = 1u << BSTAT_USABLE_KIB | 1u << BSTAT_MAJOR_FAULTS;
			vm->balloon.stats[BSTAT_USABLE_KIB] = 700000;
			vm->balloon.stats[BSTAT_MAJOR_FAULTS] = 42;
		}
	}
	s->perf.enabled = true;
	s->perf.sample_hz = 99;
	snprintf(s->perf.vendor, sizeof(s->perf.vendor), "kvm_amd");
	snprintf(s->perf.split_by, sizeof(s->perf.split_by), "modules");
	s->perf.kernel_split = true;
	s->perf.total_samples = 198;
	s->perf.lost_samples = 1;
	s->perf.sample_bytes = 12345;
	for (int c = 0; c < COMP__COUNT; c++)
		s->perf.host_counts[c] = (unsigned long)c * 3;
	s->perf.nthreads = 1;
	s->perf.threads = xcalloc(1, sizeof(*s->perf.threads));
	s->perf.threads[0].tid = 4100;
	for (int c = 0; c < COMP__COUNT; c++)
		s->perf.threads[0].counts[c] = (unsigned long)(c + k);
	s->perf.threads[0].ioctl = 1;	/* after the components, in the same array */
	s->mem.valid = true;
	for (int f = 0; f < KSM__COUNT; f++)
		s->mem.ksm[f] = f == KSM_GENERAL_PROFIT ? -5 : f;
	snprintf(s->mem.thp_enabled, sizeof(s->mem.thp_enabled), "madvise");
	s->mem.npools = 1;
	s->mem.pools[0].size_kib = 2048;
	s->mem.pools[0].total = 10;
	s->mem.pools[0].free = 3;
	s->mem.swap_total_kib = -1;
	s->mem.swap_free_kib = -1;
	s->mem.psi_some_avg10 = NAN;
	s->mem.psi_full_avg10 = 0.5;
	s->mem.psi_valid = true;
	for (int p = 0; p < PART__COUNT; p++) {
		snprintf(s->sources[p].name, sizeof(s->sources[p].name), "src%d", p);
		if (p == PART_PERF)
			snprintf(s->sources[p].why, sizeof(s->sources[p].why), "fell back");
	}
	s->exits.valid = true;
	s->exits.mono = s->mono + 0.001;
	s->exits.realtime = s->realtime + 0.001;
	s->exits.live[EXITS_EV_EXIT] = true;
	s->exits.off[EXITS_EV_EMUL] = true;
	s->mem.ncpu_node = 3;
	s->mem.cpu_node[0] = 0, s->mem.cpu_node[1] = 1, s->mem.cpu_node[2] = -1;
	s->exits.per_thread = true;
	s->exits.timed = true;
	s->exits.drops = 3;
	s->exits.ncounts = 2;
	s->exits.counts = xcalloc(2, sizeof(*s->exits.counts));
	s->exits.counts[0] = (struct exit_count){ 4100, EXITS_EV_EXIT, 0x7b, 1000 + k * 500, 9000000 };
	s->exits.counts[1] = (struct exit_count){ 4100, EXITS_EV__COUNT - 1, 0x3f8, 20 + k, 0 };
	s->exits.nvm_counts = 1;
	s->exits.vm_counts = xcalloc(1, sizeof(*s->exits.vm_counts));
	s->exits.vm_counts[0] = (struct exit_count){ 4000, EXITS_EV_EXIT, 1, 5 + k, 0 };
	host_sample_warn(s, "warning %d", k);
}

static bool same_bytes(const struct host_sample *a, const struct host_sample *b)
{
	struct rec_buf x = { 0 }, y = { 0 };
	rec_encode_sample(&x, a);
	rec_encode_sample(&y, b);
	bool same = x.len == y.len && !memcmp(x.p, y.p, x.len);
	free(x.p);
	free(y.p);
	return same;
}

static void write_file(const char *dir, const char *name, const void *p, size_t n)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
		perror(path);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	const char *seeds = argc == 3 && !strcmp(argv[1], "--seeds") ? argv[2] : NULL;
	struct host_sample a, b;
	char why[512] = "";

	/* round trip: every field the encoder writes comes back */
	fill(&a, 1);
	struct rec_buf enc = { 0 };
	rec_encode_sample(&enc, &a);
	host_sample_init(&b);
	CHECK(rec_decode_sample(enc.p, enc.len, &b, why, sizeof(why)));
	CHECK(same_bytes(&a, &b));
	CHECK(b.nvms == 2 && b.vms[1].nthreads == 3 && b.vms[1].threads[2].tid == 4112);
	CHECK_STR(b.vms[0].name, "guest-0 \xc3\xa9");
	CHECK(b.vms[1].mem.ksm_profit_bytes == MEM_UNKNOWN_SIGNED && b.vms[0].mem.ksm_profit_bytes == -4096);
	CHECK(b.mem.ncpu_node == 3 && b.mem.cpu_node[0] == 0 && b.mem.cpu_node[1] == 1 && b.mem.cpu_node[2] == -1);
	CHECK(b.vms[0].mem.ksm_mergeable == 1 && b.vms[0].mem.ksm_merge_any == 0 && b.vms[1].mem.ksm_mergeable == -1);
	CHECK(isnan(b.mem.psi_some_avg10) && b.mem.psi_full_avg10 == 0.5);
	CHECK(b.vms[0].taps[0].tx_bytes == 2007000 && !strcmp(b.vms[0].taps[0].bridge, "br0"));
	CHECK(b.perf.threads[0].counts[COMP_OTHER_KERNEL] == COMP_OTHER_KERNEL + 1 && b.perf.threads[0].ioctl == 1);
	CHECK_STR(b.sources[PART_PERF].why, "fell back");
	CHECK(b.nwarnings == 1 && !strcmp(b.warnings[0], "warning 1"));
	CHECK(b.clk_tck == 100 && b.page_size == 4096 && b.realtime == a.realtime);
	CHECK(b.exits.valid && b.exits.ncounts == 2 && b.exits.counts[1].arg == 0x3f8 && b.exits.live[EXITS_EV_EXIT]);
	CHECK(b.exits.off[EXITS_EV_EMUL] && !b.exits.off[EXITS_EV_EXIT] && !b.exits.live[EXITS_EV_EMUL]);
	CHECK(b.exits.nvm_counts == 1 && b.exits.vm_counts[0].count == 6 && b.exits.drops == 3);
	if (seeds) {
		unsigned char *raw = xmalloc(enc.len + 1);
		raw[0] = 1;	/* the target's odd first byte: straight to the decoder */
		memcpy(raw + 1, enc.p, enc.len);
		write_file(seeds, "sample-raw", raw, enc.len + 1);
		free(raw);
	}

	/* a section a later vmtop added is skipped; a cut one is damage, never a crash */
	struct rec_buf more = { 0 };
	more.p = xmalloc(enc.len + 64);
	memcpy(more.p, enc.p, enc.len);
	more.len = enc.len;
	memcpy(more.p + more.len, "\x06" "future\x03xyz", 11);
	more.len += 11;
	host_sample_clear(&b);
	CHECK(rec_decode_sample(more.p, more.len, &b, why, sizeof(why)));
	CHECK(same_bytes(&a, &b));
	host_sample_clear(&b);
	CHECK(!rec_decode_sample(enc.p, enc.len / 2, &b, why, sizeof(why)));
	host_sample_clear(&b);
	free(more.p);

	/* a header of a newer format: refused, saying which */
	struct rec_header h, h2;
	rec_header_here(&h, &a);
	h.version = REC_FORMAT_VERSION + 1;
	struct rec_buf ht = { 0 };
	rec_header_text(&h, &ht);
	CHECK(!rec_header_parse((const char *)ht.p, ht.len, &h2, why, sizeof(why)));
	CHECK(strstr(why, "newer vmtop") != NULL);
	free(ht.p);

	/* the recorder and the reader: three samples, the second model the same from the file as from memory */
	char dir[] = "/tmp/test_record.XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char path[64];
	snprintf(path, sizeof(path), "%s/r.rec", dir);
	struct rec_writer_opts wo = { path, 0, 0 };
	struct host_sample s[3];
	for (int k = 0; k < 3; k++)
		fill(&s[k], k);
	struct rec_writer *w = rec_writer_open(&wo, &s[0], why, sizeof(why));
	CHECK(w != NULL);
	for (int k = 0; k < 3; k++)
		rec_writer_add(w, &s[k]);
	rec_writer_close(w);
	struct rec_reader *r = rec_reader_open(path, 0, 0, why, sizeof(why));
	CHECK(r != NULL);
	if (r) {
		CHECK(rec_reader_count(r) == 3 && rec_reader_warning(r, 0) == NULL);
		CHECK(rec_reader_time(r, 2) == s[2].realtime);
		CHECK(rec_reader_header(r, 0)->clk_tck == 100 && rec_reader_header(r, 0)->version == REC_FORMAT_VERSION);
		struct host_sample p, c;
		host_sample_init(&p);
		host_sample_init(&c);
		CHECK(rec_reader_load(r, 0, &p, why, sizeof(why)));
		CHECK(rec_reader_load(r, 1, &c, why, sizeof(why)));
		CHECK(same_bytes(&c, &s[1]));
		struct model m1, m2;
		model_init(&m1);
		model_init(&m2);
		model_update(&m1, &s[0], &s[1]);
		model_update(&m2, &p, &c);
		CHECK(m2.nvms == 2 && m1.vms[0].total == m2.vms[0].total && m1.vms[0].total > 0);
		CHECK(m1.host.cpu.guest == m2.host.cpu.guest);
		model_free(&m1);
		model_free(&m2);
		host_sample_clear(&p);
		host_sample_clear(&c);
		CHECK(rec_reader_find(r, s[1].realtime) == 1 && rec_reader_find(r, s[2].realtime + 1) == 3);
		rec_reader_close(r);
	}
	if (seeds) {
		FILE *f = fopen(path, "rb");
		static unsigned char file[1 << 20];
		size_t n = f ? fread(file, 1, sizeof(file), f) : 0;
		if (f)
			fclose(f);
		write_file(seeds, "recording-3", file, n);
	}
	double t;
	CHECK(rec_parse_time("@1796170000.5", 0, &t) && t == 1796170000.5);
	CHECK(rec_parse_time("2026-12-02 00:41", 0, &t) && rec_parse_time("00:41:00", t + 3600, &a.uptime) &&
	      a.uptime == t);
	CHECK(!rec_parse_time("25:99", 0, &t) && !rec_parse_time("yesterday", 0, &t));
	unlink(path);
	rmdir(dir);
	for (int k = 0; k < 3; k++)
		host_sample_clear(&s[k]);
	host_sample_clear(&a);
	host_sample_clear(&b);
	free(enc.p);
	return unit_done("test_record");
}

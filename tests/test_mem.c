/* test_mem.c - the memory parsers on text recorded from Linux 6.18, the model's memory stage, the QMP path on qemu
 * command lines, and the QMP client against servers that answer, never answer, answer late and die mid-query. */
#include "config.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mem_parse.h"
#include "model.h"
#include "qmp.h"
#include "util.h"
#include "vm_cmdline.h"
#include "unit.h"

static const char status_text[] =
	"Name:\tqemu-system-x86\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t28315\n"
	"VmPeak:\t 1489240 kB\nVmSize:\t 1423704 kB\nVmLck:\t       0 kB\nVmHWM:\t  170208 kB\nVmRSS:\t  163840 kB\n"
	"RssAnon:\t  140000 kB\nRssFile:\t   21792 kB\nRssShmem:\t    2048 kB\nVmData:\t  300000 kB\n"
	"VmSwap:\t     512 kB\nHugetlbPages:\t    4096 kB\nThreads:\t4\n";

static const char rollup_text[] =
	"556c371d7000-7fff4dc65000 ---p 00000000 00:00 0                          [rollup]\n"
	"Rss:              163840 kB\nPss:              150000 kB\nAnonymous:        140000 kB\nKSM:                4096 kB\n"
	"LazyFree:              0 kB\nAnonHugePages:     61440 kB\nShmemPmdMapped:        0 kB\nFilePmdMapped:         0 kB\n"
	"Shared_Hugetlb:     2048 kB\nPrivate_Hugetlb:  1048576 kB\nSwap:                512 kB\nSwapPss:             512 kB\n";

static const char numa_text[] =
	"561221468000 default file=/usr/bin/qemu-system-x86_64 mapped=2 N0=2 kernelpagesize_kB=4\n"
	"7f0000000000 default anon=32768 dirty=32768 active=0 N0=20000 N1=12768 kernelpagesize_kB=4\n"
	"7f1000000000 bind:1 file=/dev/hugepages/qemu_back_mem huge dirty=2 N1=2 kernelpagesize_kB=2048\n"
	"7ffd00000000 default stack anon=3 dirty=3 N0=3 kernelpagesize_kB=4\n";

static const char ksm_stat_text[] =
	"ksm_rmap_items 32770\nksm_zero_pages 12\nksm_merging_pages 30000\nksm_process_profit -4096\n"
	"ksm_merge_any: no\nksm_mergeable: yes\n"
	"ksm_merge_any: no\nksm_mergeable: yes\n";

static void test_parsers(void)
{
	struct vm_mem_sample m;
	memset(&m, 0, sizeof(m));
	mem_parse_status(status_text, &m);
	CHECK(m.anon_kib == 140000 && m.file_kib == 21792 && m.shmem_kib == 2048 && m.swap_kib == 512);
	CHECK(m.hugetlb_kib == 4096);
	/* a kernel without the split (before 4.5): unknown, not 0 */
	mem_parse_status("VmRSS:\t  163840 kB\n", &m);
	CHECK(m.anon_kib == -1 && m.swap_kib == -1);
	CHECK(mem_parse_field("RssAnonX: 5 kB\nRssAnon: 7 kB\n", "RssAnon") == 7);	/* whole keys only */

	mem_parse_smaps_rollup(rollup_text, &m);
	CHECK(m.thp_kib == 61440);
	CHECK(m.hugetlb_kib == 2048 + 1048576);
	mem_parse_smaps_rollup("Rss: 5 kB\n", &m);
	CHECK(m.thp_kib == -1 && m.hugetlb_kib == -1);
	/* fuzz_mem: two sizes whose sum passes long long (UBSan: signed overflow) are unknown, not wrapped */
	mem_parse_smaps_rollup("Shared_Hugetlb:  2\nPrivate_Hugetlb: 99999999999999999999999999999999999\n", &m);
	CHECK(m.hugetlb_kib == -1);
	mem_parse_smaps_rollup("Shared_Hugetlb: 0 kB\nPrivate_Hugetlb: 4096 kB\n", &m);
	CHECK(m.hugetlb_kib == 4096);

	long long kib[MEM_NODES_MAX];
	CHECK(mem_parse_numa_maps(numa_text, kib, MEM_NODES_MAX) == 2);
	CHECK(kib[0] == (2 + 20000 + 3) * 4LL);
	CHECK(kib[1] == 12768 * 4LL + 2 * 2048LL);	/* huge pages count by their own size */
	CHECK(mem_parse_numa_maps("", kib, MEM_NODES_MAX) == 0);
	CHECK(mem_parse_numa_maps("not numa_maps\n", kib, MEM_NODES_MAX) == -1);
	CHECK(mem_parse_numa_maps("7f00 default anon=1 N3=1 kernelpagesize_kB=4\n", kib, 2) == 2);	/* capped */

	mem_parse_ksm_stat(ksm_stat_text, &m);
	CHECK(m.ksm_rmap_items == 32770 && m.ksm_zero_pages == 12 && m.ksm_merging_pages == 30000);
	CHECK(m.ksm_profit_bytes == -4096);	/* negative is a value, not unknown */
	CHECK(m.ksm_mergeable == 1 && m.ksm_merge_any == 0);
	mem_parse_ksm_stat("ksm_rmap_items 3\n", &m);	/* 6.1: fewer fields */
	CHECK(m.ksm_rmap_items == 3 && m.ksm_merging_pages == -1 && m.ksm_profit_bytes == MEM_UNKNOWN_SIGNED);
	CHECK(m.ksm_mergeable == -1 && m.ksm_merge_any == -1);
	mem_parse_ksm_flags("xksm_mergeable: yes\nksm_merge_any: yes\nksm_mergeable: maybe\n", &m);	/* whole lines */
	CHECK(m.ksm_merge_any == 1 && m.ksm_mergeable == -1);

	signed char cpu_node[8];
	memset(cpu_node, -1, sizeof(cpu_node));
	CHECK(mem_parse_cpulist("0-2,5\n", cpu_node, 8, 1) == 4);
	CHECK(mem_parse_cpulist("6-9\n", cpu_node, 8, 2) == 2);	/* past the array: left out */
	CHECK(cpu_node[0] == 1 && cpu_node[2] == 1 && cpu_node[3] == -1 && cpu_node[5] == 1 && cpu_node[7] == 2);
	CHECK(mem_parse_cpulist("\n", cpu_node, 8, 3) == 0);	/* a node without CPUs */
	CHECK(mem_parse_cpulist("3-1\n", cpu_node, 8, 3) == -1 && mem_parse_cpulist("x\n", cpu_node, 8, 3) == -1);

	char mode[16];
	CHECK(mem_parse_thp_mode("always [madvise] never\n", mode, sizeof(mode)));
	CHECK_STR(mode, "madvise");
	CHECK(!mem_parse_thp_mode("always madvise never\n", mode, sizeof(mode)));

	struct host_mem_sample h;
	CHECK(mem_parse_psi("some avg10=1.50 avg60=0.20 avg300=0.00 total=123456\n"
			    "full avg10=0.25 avg60=0.00 avg300=0.00 total=789\n", &h));
	CHECK_NEAR(h.psi_some_avg10, 1.5, 1e-9);
	CHECK_NEAR(h.psi_full_avg10, 0.25, 1e-9);
	CHECK(h.psi_some_total_us == 123456 && h.psi_full_total_us == 789);
	CHECK(mem_parse_psi("some avg10=1.00 avg60=0.00 avg300=0.00 total=1\n", &h) && isnan(h.psi_full_avg10));
	CHECK(!mem_parse_psi("", &h) && isnan(h.psi_some_avg10));
	CHECK_STR(mem_ksm_file(KSM_PAGES_SHARING), "pages_sharing");
}

/* The model's memory stage: the overcommit ratio after KSM, major faults per second, unknown kept unknown. */
static void test_model(void)
{
	struct host_sample s;
	host_sample_init(&s);
	long long page_kib = sysconf(_SC_PAGESIZE) / 1024;
	s.mem_total_kib = 1 << 20;	/* 1 GiB host */
	s.nvms = 2;
	s.vms = calloc(2, sizeof(*s.vms));
	for (int i = 0; i < 2; i++) {
		s.vms[i].pid = 100 + i;
		s.vms[i].mem_config_kib = 1 << 20;	/* 2 GiB of guests */
		struct vm_mem_sample *m = &s.vms[i].mem;
		memset(m, 0xff, sizeof(*m));	/* every field -1 */
		m->ksm_profit_bytes = MEM_UNKNOWN_SIGNED;
		m->nnodes = -1;
		m->majflt_prev_mono = m->majflt_mono = 0;
	}
	s.vms[0].mem.majflt_prev = 100, s.vms[0].mem.majflt_prev_mono = 10.0;
	s.vms[0].mem.majflt = 150, s.vms[0].mem.majflt_mono = 12.0;
	s.vms[0].mem.ksm_merging_pages = 256;
	s.mem.valid = true;
	for (int f = 0; f < KSM__COUNT; f++)
		s.mem.ksm[f] = MEM_UNKNOWN_SIGNED;
	s.mem.ksm[KSM_PAGES_SHARING] = (256 << 10) / page_kib;	/* 256 MiB saved */
	struct model m;
	model_init(&m);
	model_update(&m, NULL, &s);
	CHECK_NEAR(m.host.mem_ratio, 2.0, 1e-9);
	CHECK(m.host.ksm_saved_kib == 256 << 10);
	CHECK_NEAR(m.host.mem_ratio_after_ksm, 1.75, 1e-9);
	CHECK_NEAR(m.vms[0].mem.majflt_rate, 25.0, 1e-9);
	CHECK(isnan(m.vms[1].mem.majflt_rate));	/* one reading or none: no rate, not 0 */
	CHECK(m.vms[0].mem.ksm_kib == 256 * page_kib);
	CHECK(m.vms[1].mem.ksm_kib == -1 && m.vms[1].mem.swap_kib == -1 && m.vms[1].mem.nnodes == -1);
	CHECK(m.vms[1].mem.balloon.actual_kib == -1 && !m.vms[1].mem.balloon.source[0]);
	/* KSM files absent: savings and the ratio after them unknown */
	s.mem.ksm[KSM_PAGES_SHARING] = MEM_UNKNOWN_SIGNED;
	model_update(&m, NULL, &s);
	CHECK(m.host.ksm_saved_kib == -1 && isnan(m.host.mem_ratio_after_ksm));
	/* a libvirt domain: its name stands for the VM, its balloon is libvirt's even with no QMP source (--no-qmp) */
	snprintf(s.vms[1].name, sizeof(s.vms[1].name), "cmdline-name");
	snprintf(s.vms[1].domain, sizeof(s.vms[1].domain), "web-1");
	s.vms[1].balloon = BALLOON_UNKNOWN;
	snprintf(s.vms[1].balloon.source, sizeof(s.vms[1].balloon.source), "libvirt");
	s.vms[1].balloon.actual_kib = 524288;
	snprintf(s.sources[PART_BALLOON].why, sizeof(s.sources[PART_BALLOON].why), "QMP off (--no-qmp)");
	model_update(&m, NULL, &s);
	CHECK_STR(m.vms[1].name, "web-1");
	CHECK(m.vms[1].libvirt && !m.vms[0].libvirt);
	CHECK(m.vms[1].mem.balloon.actual_kib == 524288);
	CHECK_STR(m.vms[1].mem.balloon.source, "libvirt");
	CHECK_STR(m.vms[0].mem.balloon.reason, "QMP off (--no-qmp)");
	model_free(&m);
	host_sample_clear(&s);
}

static void parse(const char *const *argv, int argc, struct vm_cmdline *cl)
{
	char buf[2048];
	size_t n = 0;
	for (int i = 0; i < argc; i++) {
		size_t l = strlen(argv[i]) + 1;
		memcpy(buf + n, argv[i], l);
		n += l;
	}
	vm_cmdline_parse(buf, n, cl);
}

static void test_qmp_cmdline(void)
{
	struct vm_cmdline cl;
	const char *a[] = { "qemu-system-x86_64", "-m", "128", "-qmp", "unix:/run/rig/g1.qmp,server=on,wait=off" };
	parse(a, 5, &cl);
	CHECK_STR(cl.qmp, "/run/rig/g1.qmp");
	const char *b[] = { "qemu", "-qmp", "unix:/tmp/q,,x.sock,server,nowait" };
	parse(b, 3, &cl);
	CHECK_STR(cl.qmp, "/tmp/q,x.sock");
	const char *c[] = { "qemu", "-qmp", "unix:/tmp/client.sock" };	/* qemu connects out: nothing to ask */
	parse(c, 3, &cl);
	CHECK_STR(cl.qmp, "");
	const char *d[] = { "qemu", "-chardev", "socket,id=hmp,path=/tmp/hmp.sock,server=on,wait=off",
			    "-mon", "chardev=hmp,mode=readline", "-chardev",
			    "socket,id=charmonitor,path=/var/lib/libvirt/qemu/domain-1-vm/monitor.sock,server=on,wait=off",
			    "-mon", "chardev=charmonitor,id=monitor,mode=control" };
	parse(d, 9, &cl);
	CHECK_STR(cl.qmp, "/var/lib/libvirt/qemu/domain-1-vm/monitor.sock");
	const char *e[] = { "qemu", "-mon", "chardev=m,mode=control", "-chardev", "socket,path=/tmp/m.sock,server=on,id=m" };
	parse(e, 5, &cl);
	CHECK_STR(cl.qmp, "/tmp/m.sock");
}

static void test_replies(void)
{
	char desc[64];
	CHECK(qmp_reply_number("{\"return\": {\"actual\": 1073741824}}", "actual") == 1073741824LL);
	CHECK(qmp_reply_number("{\"return\": {}}", "actual") == -1);
	CHECK(qmp_reply_error("{\"error\": {\"class\": \"DeviceNotActive\", \"desc\": \"No balloon device has been "
			      "activated\"}}", desc, sizeof(desc)));
	CHECK_STR(desc, "No balloon device has been activated");
	CHECK(!qmp_reply_error("{\"return\": {}}", desc, sizeof(desc)));
	CHECK(qmp_allowed("query-balloon") && qmp_allowed("qmp_capabilities"));
	CHECK(!qmp_allowed("balloon") && !qmp_allowed("quit") && !qmp_allowed("system_reset"));
	/* the object tree is read (qom-list, qom-get), never written */
	CHECK(qmp_allowed("qom-get") && qmp_allowed("qom-list") && !qmp_allowed("qom-set"));
	char path[96];
	CHECK(qmp_find_balloon("{\"return\": [{\"name\": \"type\", \"type\": \"string\"}, {\"name\": \"device[0]\", "
			       "\"type\": \"child<virtio-net-pci>\"}, {\"name\": \"device[1]\", "
			       "\"type\": \"child<virtio-balloon-pci>\"}]}", "/machine/peripheral-anon", path, sizeof(path)));
	CHECK_STR(path, "/machine/peripheral-anon/device[1]");
	CHECK(!qmp_find_balloon("{\"return\": [{\"name\": \"net0\", \"type\": \"child<virtio-net-pci>\"}]}",
				"/machine/peripheral", path, sizeof(path)));
	/* an id vmtop would have to escape is not asked about */
	CHECK(!qmp_find_balloon("{\"return\": [{\"name\": \"b\\\"x\", \"type\": \"child<virtio-balloon-pci>\"}]}",
				"/machine/peripheral", path, sizeof(path)));
	struct balloon_sample b = BALLOON_UNKNOWN;
	qmp_take_stats("{\"return\": {\"stats\": {\"stat-htlb-pgfail\": -1, \"stat-swap-out\": 0, \"stat-available-memory\": "
		       "1048576000, \"stat-free-memory\": 524288000, \"stat-major-faults\": 12, \"stat-total-memory\": -1}, "
		       "\"last-update\": 1796640000}}", &b);
	CHECK(b.stats_known == (1u << BSTAT_SWAP_OUT_KIB | 1u << BSTAT_USABLE_KIB | 1u << BSTAT_UNUSED_KIB |
				1u << BSTAT_MAJOR_FAULTS | 1u << BSTAT_LAST_UPDATE));
	CHECK(b.stats[BSTAT_USABLE_KIB] == 1024000 && b.stats[BSTAT_UNUSED_KIB] == 512000);
	CHECK(b.stats[BSTAT_MAJOR_FAULTS] == 12 && b.stats[BSTAT_SWAP_OUT_KIB] == 0);
	/* what qemu says of a guest that never reported: every statistic 2^64-1, last-update 0 */
	qmp_take_stats("{\"return\": {\"stats\": {\"stat-free-memory\": 18446744073709551615, \"stat-major-faults\": "
		       "18446744073709551615}, \"last-update\": 0}}", &b);
	CHECK(b.stats_known == 0);	/* nothing known, not zeros nor 2^64-1 */
	qmp_take_stats("{\"return\": {\"stats\": {\"stat-free-memory\": 18446744073709551615, \"stat-major-faults\": 3}, "
		       "\"last-update\": 5}}", &b);
	CHECK(b.stats_known == (1u << BSTAT_MAJOR_FAULTS | 1u << BSTAT_LAST_UPDATE));
}

static int listen_at(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	str_copy(sa.sun_path, path, sizeof(sa.sun_path));
	unlink(path);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0)
		return -1;
	return fd;
}

/* A fake qemu on fd: greets, answers capabilities, then answers the query (mode 0), or exits before (mode 1);
 * mode 2 greets and then sleeps (a busy VMM). */
static void serve(int lfd, int mode)
{
	int c = accept(lfd, NULL, NULL);
	char buf[512];
	signal(SIGPIPE, SIG_IGN);	/* the server's own writes; the client must not need this */
	const char *greet = "{\"QMP\": {\"version\": {}, \"capabilities\": []}}\r\n";
	if (write(c, greet, strlen(greet)) < 0 || read(c, buf, sizeof(buf)) <= 0)
		_exit(1);
	if (mode == 2) {
		sleep(2);
		_exit(0);
	}
	const char *ok = "{\"event\": \"RESUME\"}\r\n{\"return\": {}}\r\n";
	if (write(c, ok, strlen(ok)) < 0 || read(c, buf, sizeof(buf)) <= 0)
		_exit(1);
	if (mode == 1)
		_exit(0);	/* the VMM dies with the query unanswered */
	const char *ans = "{\"return\": {\"actual\": 67108864}}\r\n";
	if (write(c, ans, strlen(ans)) < 0)
		_exit(1);
	_exit(0);
}

static void test_live(void)
{
	char path[] = "/tmp/vmtop-test-qmp-XXXXXX", sock[64], reply[256], why[128];
	CHECK(mkdtemp(path) != NULL);
	snprintf(sock, sizeof(sock), "%s/q", path);
	for (int mode = 0; mode < 3; mode++) {
		int lfd = listen_at(sock);
		CHECK(lfd >= 0);
		pid_t pid = fork();
		if (pid == 0)
			serve(lfd, mode);
		close(lfd);
		enum qmp_status st = qmp_query(sock, "query-balloon", mode == 2 ? 0.05 : 2.0, reply, sizeof(reply), why,
					       sizeof(why));
		if (mode == 0) {
			CHECK(st == QMP_OK);
			CHECK(qmp_reply_number(reply, "actual") == 67108864);
		} else if (mode == 1) {
			CHECK(st == QMP_FAILED);
		} else {
			CHECK(st == QMP_SLOW);	/* greeted, then late: not the same as nobody there */
			kill(pid, SIGKILL);
		}
		waitpid(pid, NULL, 0);
	}
	/* accepted by the kernel (in the backlog) and never answered: the deadline holds */
	int lfd = listen_at(sock);
	double t0 = clock_mono();
	enum qmp_status st = qmp_query(sock, "query-balloon", 0.05, reply, sizeof(reply), why, sizeof(why));
	double took = clock_mono() - t0;
	CHECK(st == QMP_TIMEOUT);
	CHECK(took >= 0.045 && took < 0.08);
	CHECK(strstr(why, "50 ms") != NULL);
	close(lfd);
	/* nobody listening any more */
	CHECK(qmp_query(sock, "query-balloon", 0.05, reply, sizeof(reply), why, sizeof(why)) == QMP_FAILED);
	unlink(sock);
	/* not on the allow-list: never sent (the server would see it) */
	lfd = listen_at(sock);
	pid_t pid = fork();
	if (pid == 0)
		serve(lfd, 0);
	close(lfd);
	CHECK(qmp_query(sock, "quit", 2.0, reply, sizeof(reply), why, sizeof(why)) == QMP_FAILED);
	CHECK(strstr(why, "allow-list") != NULL);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	unlink(sock);
	rmdir(path);
}

int main(void)
{
	test_parsers();
	test_model();
	test_qmp_cmdline();
	test_replies();
	test_live();
	return unit_done("test_mem");
}

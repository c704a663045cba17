/* test_threads.c - /proc stat parsing, and thread_reader over this process's own real threads: thread counters
 * (not the process's), threads that ran vs idled, threads that exit, PID-wide budget of held descriptors; the
 * eBPF source's split of run time (cputime_adjust). */
#include "config.h"

#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cputime.h"
#include "proc_stat.h"
#include "thread_reader.h"
#include "unit.h"

static void test_parse(void)
{
	struct proc_stat ps;
	/* a name with spaces and a ')' of its own; 44 fields as kernel 6.x prints */
	const char *line = "4242 (CPU 0) x/KVM) R 1 4242 4242 0 -1 4194560 123 0 0 0 700 55 0 0 20 0 6 0 "
			   "98765 1000000 300 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 3 0 0 0 650 0 0";
	CHECK(proc_stat_parse(line, &ps));
	CHECK_STR(ps.comm, "CPU 0) x/KVM");
	CHECK(ps.state == 'R');
	CHECK(ps.flags == 4194560);
	CHECK(ps.utime == 700 && ps.stime == 55);
	CHECK(ps.start_ticks == 98765);
	CHECK(ps.num_threads == 6 && ps.rss_pages == 300);
	CHECK(ps.processor == 3);
	CHECK(ps.gtime == 650);
	/* cut before the processor field: not a stat line vmtop can use */
	CHECK(!proc_stat_parse("1 (init) S 0 1 1 0 -1 4194560 1 0 0 0 5 6 0 0 20 0 1 0 9", &ps));
	CHECK(!proc_stat_parse("1 init S 0", &ps));
	CHECK(!proc_stat_parse("1 (init)S 0", &ps));
	/* an empty name, one of only ")", and non-UTF-8 bytes past COMM_MAX are cut, never overrun */
	CHECK(proc_stat_parse("7 () S 1 7 7 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 5 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 9", &ps) &&
	      ps.comm[0] == '\0' && ps.processor == 9);
	CHECK(proc_stat_parse("7 ()) S 1 7 7 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 5 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 9", &ps) &&
	      !strcmp(ps.comm, ")") && ps.state == 'S');
	CHECK(proc_stat_parse("7 (\xff\xfe kworker/u8:2-events_unbound_long_name) I 2 0 0 0 -1 69238880 0 0 0 0 0 0 0 "
			      "0 20 0 1 0 5 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1", &ps) &&
	      strlen(ps.comm) == COMM_MAX - 1 && ps.state == 'I' && ps.processor == 1);
	char own[1024];
	FILE *f = fopen("/proc/self/stat", "r");
	CHECK(f && fgets(own, sizeof(own), f));
	if (f)
		fclose(f);
	CHECK(proc_stat_parse(own, &ps) && ps.state == 'R' && ps.start_ticks > 0);
}

static atomic_int burn = 1, quit_sleepers;

static double cpu_seconds(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *burner(void *arg)
{
	(void)arg;
	prctl(PR_SET_NAME, "burner");
	volatile unsigned long x = 0;
	while (atomic_load(&burn))
		x++;
	return NULL;
}

static void *sleeper(void *arg)
{
	prctl(PR_SET_NAME, (const char *)arg);
	while (!atomic_load(&quit_sleepers))
		usleep(1000 * 20);
	return NULL;
}

static atomic_int quit_late;

static void *late_thread(void *arg)
{
	prctl(PR_SET_NAME, (const char *)arg);
	while (!atomic_load(&quit_late))
		usleep(1000 * 5);
	return NULL;
}

static const struct thread_info *find(const struct thread_info *ti, size_t n, const char *comm)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(ti[i].stat.comm, comm))
			return &ti[i];
	return NULL;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Descriptors this process holds, as the kernel counts them. */
static long open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	long n = 0;
	while (d && readdir(d))
		n++;
	if (d)
		closedir(d);
	return n - 3;	/* ".", ".." and the listing's own */
}

static void *idle_thread(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

/* A process whose main thread called pthread_exit: a zombie leader with live threads, read in full. */
static void test_zombie_leader(void)
{
	pid_t child = fork();
	if (child == 0) {
		pthread_t t;
		pthread_create(&t, NULL, idle_thread, NULL);
		pthread_create(&t, NULL, idle_thread, NULL);
		pthread_exit(NULL);
	}
	CHECK(child > 0);
	if (child <= 0)
		return;
	sleep_ms(200);
	long base = open_fds();
	struct thread_reader *tr = thread_reader_new();
	const struct thread_info *ti;
	bool replaced;
	for (int r = 0; r < 3; r++) {
		size_t n = thread_reader_read(tr, child, &ti, &replaced);
		CHECK(n == 3 && !replaced);
		CHECK(n == 3 && ti[0].tid == child && ti[0].stat.state == 'Z' && ti[1].stat.state != 'Z' &&
		      ti[0].stat.num_threads == 3);
		thread_reader_end(tr);
		CHECK(open_fds() - base == thread_reader_fds(tr));
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	CHECK(thread_reader_read(tr, child, &ti, &replaced) == 0);
	CHECK(thread_reader_fds(tr) == 0 && open_fds() == base);
	thread_reader_free(tr);
}

static void test_reader(void)
{
	pid_t self = getpid();
	pthread_t b, s1, s2;
	prctl(PR_SET_NAME, "leader");
	pthread_create(&b, NULL, burner, NULL);
	pthread_create(&s1, NULL, sleeper, "sleeper-1");
	pthread_create(&s2, NULL, sleeper, "sleeper-2");
	sleep_ms(100);

	long base = open_fds();
	struct thread_reader *tr = thread_reader_new();
	const struct thread_info *ti;
	bool replaced;
	size_t n = thread_reader_read(tr, self, &ti, &replaced);
	CHECK(n == 4 && !replaced);
	CHECK(open_fds() - base == thread_reader_fds(tr));
	for (size_t i = 1; i < n; i++)
		CHECK(ti[i - 1].tid < ti[i].tid);
	CHECK(ti[0].tid == self);
	const struct thread_info *bt = find(ti, n, "burner");
	CHECK(bt && find(ti, n, "sleeper-1") && find(ti, n, "leader"));
	unsigned long long burned0 = bt ? bt->stat.utime + bt->stat.stime : 0;
	thread_reader_end(tr);
	CHECK(thread_reader_fds(tr) > 0);

	/* what the burner really ran in between, from its own CPU clock: on a loaded host it gets less than 0.6 s */
	clockid_t burner_clock;
	CHECK(pthread_getcpuclockid(b, &burner_clock) == 0);
	double ran0 = cpu_seconds(burner_clock);
	sleep_ms(600);
	double ran = cpu_seconds(burner_clock) - ran0;
	n = thread_reader_read(tr, self, &ti, &replaced);
	CHECK(n == 4);
	bt = find(ti, n, "burner");
	const struct thread_info *lt = find(ti, n, "leader");
	CHECK(bt && lt);
	if (bt && lt) {
		unsigned long long burned = bt->stat.utime + bt->stat.stime;
		/* stat re-read for the thread that ran: its ticks grew by what its clock says, within 10 % and 2 ticks */
		double hz = (double)sysconf(_SC_CLK_TCK), grew = (double)(burned - burned0);
		CHECK(ran > 0.02);
		CHECK(grew + 2 >= 0.9 * ran * hz && grew <= 1.1 * ran * hz + 2);
		/* the leader's own ticks (its own clock), not the whole process's, which hold the burner's too */
		double lead = cpu_seconds(CLOCK_THREAD_CPUTIME_ID) * hz;
		CHECK((double)(lt->stat.utime + lt->stat.stime) <= 1.1 * lead + 2);
		CHECK(lead + 3 < (double)burned);
		CHECK(bt->run_delay_valid == lt->run_delay_valid);
	}
	thread_reader_end(tr);

	pid_t burner_tid = bt ? bt->tid : 0;
	atomic_store(&burn, 0);
	pthread_join(b, NULL);
	/* join returns when the thread cleared its TID, a moment before its task leaves /proc (seen under load) */
	char task_dir[64];
	snprintf(task_dir, sizeof(task_dir), "/proc/self/task/%d", (int)burner_tid);
	for (int i = 0; i < 200 && access(task_dir, F_OK) == 0; i++)
		sleep_ms(10);
	n = thread_reader_read(tr, self, &ti, &replaced);
	CHECK(n == 3);
	CHECK(!find(ti, n, "burner"));
	CHECK(open_fds() - base == thread_reader_fds(tr));	/* the burner's closed once */
	thread_reader_end(tr);

	/* a thread that starts is found (the thread count grew) */
	pthread_t late;
	atomic_store(&quit_late, 0);
	pthread_create(&late, NULL, late_thread, "late");
	sleep_ms(50);
	n = thread_reader_read(tr, self, &ti, &replaced);
	CHECK(n == 4 && find(ti, n, "late"));
	thread_reader_end(tr);
	/* one ends and another starts between two reads: same count, still the right threads */
	atomic_store(&quit_late, 1);
	pthread_join(late, NULL);
	atomic_store(&quit_late, 0);
	pthread_create(&late, NULL, late_thread, "later");
	sleep_ms(50);
	n = thread_reader_read(tr, self, &ti, &replaced);
	CHECK(n == 4 && find(ti, n, "later") && !find(ti, n, "late"));
	CHECK(open_fds() - base == thread_reader_fds(tr));
	thread_reader_end(tr);
	atomic_store(&quit_late, 1);
	pthread_join(late, NULL);

	/* a refresh without this process forgets it and closes what it held */
	thread_reader_end(tr);
	CHECK(thread_reader_fds(tr) == 0 && open_fds() == base);
	CHECK(thread_reader_read(tr, 0x3fffffff, &ti, &replaced) == 0);	/* no such process */
	thread_reader_end(tr);
	thread_reader_free(tr);

	/* with room for only a few descriptors, every thread is still read (files opened and closed) */
	struct rlimit old, low = { 16, 16 };
	getrlimit(RLIMIT_NOFILE, &old);
	low.rlim_max = old.rlim_max;
	CHECK(setrlimit(RLIMIT_NOFILE, &low) == 0);
	tr = thread_reader_new();
	setrlimit(RLIMIT_NOFILE, &old);
	for (int r = 0; r < 3; r++) {
		n = thread_reader_read(tr, self, &ti, &replaced);
		CHECK(n == 3 && find(ti, n, "sleeper-2"));
		/* more processes than room: their task directories are not held past the budget either */
		CHECK(thread_reader_read(tr, getppid(), &ti, &replaced) > 0);
		CHECK(thread_reader_read(tr, 1, &ti, &replaced) > 0);
		CHECK(thread_reader_fds(tr) <= 8 && open_fds() - base == thread_reader_fds(tr));
		thread_reader_end(tr);
	}
	thread_reader_free(tr);
	CHECK(open_fds() == base);

	atomic_store(&quit_sleepers, 1);
	pthread_join(s1, NULL);
	pthread_join(s2, NULL);
}

/* When stat is read again: schedstat moved, or the thread was running when last seen (nohz_full: a vCPU that runs
 * on moves its schedstat only at the remote tick, once a second, so -d 0.5 read it 0% then twice its use). */
static void test_may_have_run(void)
{
	struct sched_seen a = { 1000, 50, 7 }, same = a, ran = { 2000, 50, 8 }, woke = { 1000, 50, 8 },
			  waited = { 1000, 90, 7 };
	CHECK(!thread_reader_may_have_run(&a, &same, 'S'));	/* asleep, nothing moved: skip its stat */
	CHECK(!thread_reader_may_have_run(&a, &same, 'D'));
	CHECK(thread_reader_may_have_run(&a, &same, 'R'));	/* running on with a stale schedstat */
	CHECK(thread_reader_may_have_run(&a, &woke, 'S'));	/* arrived on a CPU since, on-CPU time not yet moved */
	CHECK(thread_reader_may_have_run(&a, &ran, 'S'));
	CHECK(thread_reader_may_have_run(&a, &waited, 'S'));
}

/* Ticks that come to more than the thread ran: utime is scaled down, and gtime with it, so the VMM's time stays. */
static void test_cputime_adjust(void)
{
	const unsigned long long ms = 1000000;
	struct cputime_prev p = { 0 };
	cputime_adjust(&p, 1000 * ms, 600 * ms, 400 * ms, 500 * ms);
	CHECK(p.utime == 600 * ms && p.stime == 400 * ms && p.gtime == 500 * ms);
	/* ran 900 ms, sampled as 1000 (600 user, 570 of it guest): 30 ms of ticks in the VMM, 27 ms of time */
	struct cputime_prev before = p;
	cputime_adjust(&p, 1900 * ms, 1200 * ms, 800 * ms, 1070 * ms);
	unsigned long long du = p.utime - before.utime, dg = p.gtime - before.gtime;
	CHECK(p.utime + p.stime == 1900 * ms);
	CHECK(du == 540 * ms);
	CHECK(dg == 513 * ms);	/* 570 sampled as the kernel reports it: more than utime grew */
	CHECK(du - dg == 27 * ms);
	/* no run time since: nothing moves, and the ticks are not lost for the next call */
	before = p;
	cputime_adjust(&p, 1900 * ms, 1300 * ms, 800 * ms, 1170 * ms);
	CHECK(p.utime == before.utime && p.gtime == before.gtime);
	cputime_adjust(&p, 2000 * ms, 1300 * ms, 800 * ms, 1170 * ms);
	CHECK(p.gtime - before.gtime <= p.utime - before.utime && p.gtime > before.gtime);
	/* all guest: never more guest than user */
	struct cputime_prev g = { 0 };
	cputime_adjust(&g, 500 * ms, 800 * ms, 0, 800 * ms);
	CHECK(g.utime == 500 * ms && g.gtime == 500 * ms);
}

int main(void)
{
	test_cputime_adjust();
	test_may_have_run();
	test_parse();
	test_reader();
	test_zombie_leader();
	return unit_done("test_threads");
}

/* thread_reader.c - VM threads' stat and schedstat each refresh at a few system calls per thread: the task
 * directory and each thread's files stay open and are re-read with pread (proc regenerates them at offset 0),
 * and a thread whose schedstat did not move (it did not run) keeps last refresh's stat. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "thread_reader.h"
#include "util.h"

/* A thread that exits is noticed at once (its files fail) and a new one by the thread count; list anyway now
 * and then, in case one exits and another starts unseen between two refreshes. */
#define RELIST_PERIOD 16
/* Each open /proc file holds about 4-5 KB of kernel memory once read (its seq_file buffer): beyond this many,
 * files are opened and closed per read instead (measured: 1 pread vs openat+read+close, 2-3x the CPU here). */
#define HELD_FDS_MAX 4096

struct tthread {
	struct thread_info info;
	int stat_fd, sched_fd;		/* -1: not held (then opened and closed per read) */
	struct sched_seen sched;	/* schedstat last read: see thread_reader_may_have_run */
	bool stat_valid, sched_valid, alive;
};

struct tproc {
	pid_t pid;
	int task;			/* /proc/PID/task, listed from its start each refresh; -1 not held */
	unsigned long long start_ticks;	/* of the leader: another start time means the PID was reused */
	struct tthread *threads;	/* sorted by tid */
	size_t n, cap;
	struct thread_info *out;
	unsigned gen;
	unsigned since_list;		/* refreshes since the task directory was last listed */
};

struct thread_reader {
	struct tproc *procs;		/* sorted by pid */
	size_t n, cap;
	unsigned gen;
	long fds, budget;
};

struct thread_reader *thread_reader_new(void)
{
	struct thread_reader *tr = xcalloc(1, sizeof(*tr));
	struct rlimit rl;
	long soft = 1024;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		soft = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > (rlim_t)1 << 30 ? 1L << 30 : (long)rl.rlim_cur;
	/* leave room for perf (a descriptor per CPU), netlink sockets and the views */
	tr->budget = soft > 2048 ? soft - 1024 : soft / 2;
	if (tr->budget > HELD_FDS_MAX)
		tr->budget = HELD_FDS_MAX;
	tr->gen = 1;
	return tr;
}

long thread_reader_fds(const struct thread_reader *tr)
{
	return tr->fds;
}

static void close_fd(struct thread_reader *tr, int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		tr->fds--;
		*fd = -1;
	}
}

static void drop_threads(struct thread_reader *tr, struct tproc *p)
{
	for (size_t i = 0; i < p->n; i++) {
		close_fd(tr, &p->threads[i].stat_fd);
		close_fd(tr, &p->threads[i].sched_fd);
	}
	p->n = 0;
}

static void close_task_dir(struct thread_reader *tr, struct tproc *p)
{
	if (p->task >= 0) {
		close(p->task);
		tr->fds--;
		p->task = -1;
	}
}

static void drop_proc(struct thread_reader *tr, struct tproc *p)
{
	drop_threads(tr, p);
	close_task_dir(tr, p);
	free(p->threads);
	free(p->out);
}

/* Reads one of a thread's files: through its held descriptor, opening (and holding, within budget) one when
 * there is none. A held descriptor that fails (the task died, its TID was reused) is reopened once. */
static ssize_t read_thread_file(struct thread_reader *tr, struct tproc *p, pid_t tid, const char *name, int *fd,
				char *buf, size_t len)
{
	char path[40];
	snprintf(path, sizeof(path), "%d/%s", (int)tid, name);
	for (int attempt = 0; attempt < 2; attempt++) {
		if (*fd < 0 && tr->fds < tr->budget) {
			*fd = openat(p->task, path, O_RDONLY | O_CLOEXEC);
			if (*fd < 0)
				return -1;
			tr->fds++;
		}
		if (*fd < 0)
			return read_file_at(p->task, path, buf, len);
		ssize_t n = pread(*fd, buf, len - 1, 0);
		if (n > 0) {
			buf[n] = '\0';
			return n;
		}
		close_fd(tr, fd);
	}
	return -1;
}

/* The TIDs in the task directory, sorted; 0 when the process is gone. */
static size_t list_tids(struct tproc *p, pid_t **tids, size_t *cap)
{
	return read_pid_dir(p->task, tids, cap);
}

/* Brings p->threads in line with the TIDs listed: threads gone are closed, new ones added (sorted merge). */
static void merge_threads(struct thread_reader *tr, struct tproc *p, const pid_t *tids, size_t n)
{
	struct tthread *next = xcalloc(n ? n : 1, sizeof(*next));
	size_t i = 0;
	for (size_t k = 0; k < n; k++) {
		while (i < p->n && p->threads[i].info.tid < tids[k]) {
			close_fd(tr, &p->threads[i].stat_fd);
			close_fd(tr, &p->threads[i].sched_fd);
			i++;
		}
		if (i < p->n && p->threads[i].info.tid == tids[k]) {
			next[k] = p->threads[i++];
		} else {
			next[k] = (struct tthread){ .stat_fd = -1, .sched_fd = -1 };
			next[k].info.tid = tids[k];
		}
	}
	for (; i < p->n; i++) {
		close_fd(tr, &p->threads[i].stat_fd);
		close_fd(tr, &p->threads[i].sched_fd);
	}
	free(p->threads);
	p->threads = next;
	p->n = p->cap = n;
}

bool thread_reader_may_have_run(const struct sched_seen *prev, const struct sched_seen *cur, char last_state)
{
	/* pcount: a thread that slept at the last read and has run ever since arrived on a CPU once */
	return cur->exec_ns != prev->exec_ns || cur->delay_ns != prev->delay_ns || cur->pcount != prev->pcount ||
	       last_state == 'R';
}

/* schedstat: "sum_exec_runtime run_delay pcount" (ns, ns, arrivals on a CPU). */
static void read_sched(struct thread_reader *tr, struct tproc *p, struct tthread *t)
{
	char buf[128];
	struct sched_seen now;
	char *end = buf, *end2 = buf, *end3 = buf;
	/* exec 0 tells nothing: older kernels print "0 0 0" for ever when sched_info is off (nodelayacct) */
	if (read_thread_file(tr, p, t->info.tid, "schedstat", &t->sched_fd, buf, sizeof(buf)) > 0 &&
	    ((now.exec_ns = strtoull(buf, &end, 10)), end != buf) &&
	    ((now.delay_ns = strtoull(end, &end2, 10)), end2 != end) && now.exec_ns > 0) {
		now.pcount = strtoull(end2, &end3, 10);
		if (end3 == end2)
			now.pcount = t->sched.pcount;	/* a two-field schedstat: no count to compare */
		bool moved = !t->sched_valid ||
			     thread_reader_may_have_run(&t->sched, &now, t->info.stat.state);
		t->sched = now;
		t->info.run_delay_ns = now.delay_ns;
		t->info.run_delay_valid = t->sched_valid = true;
		if (moved)
			t->stat_valid = false;
	} else {
		t->info.run_delay_valid = t->sched_valid = false;
		t->stat_valid = false;	/* no way to tell whether it ran */
	}
}

static bool read_stat(struct thread_reader *tr, struct tproc *p, struct tthread *t)
{
	char buf[1024];
	return read_thread_file(tr, p, t->info.tid, "stat", &t->stat_fd, buf, sizeof(buf)) > 0 &&
	       proc_stat_parse(buf, &t->info.stat);
}

static struct tproc *find_or_add(struct thread_reader *tr, pid_t pid)
{
	size_t lo = 0, hi = tr->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (tr->procs[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < tr->n && tr->procs[lo].pid == pid)
		return &tr->procs[lo];
	if (tr->n == tr->cap)
		tr->procs = xrealloc(tr->procs, (tr->cap = tr->cap ? tr->cap * 2 : 64) * sizeof(*tr->procs));
	memmove(&tr->procs[lo + 1], &tr->procs[lo], (tr->n - lo) * sizeof(*tr->procs));
	tr->n++;
	memset(&tr->procs[lo], 0, sizeof(tr->procs[lo]));
	tr->procs[lo].pid = pid;
	tr->procs[lo].task = -1;
	return &tr->procs[lo];
}

static bool open_task_dir(struct thread_reader *tr, struct tproc *p)
{
	char path[40];
	snprintf(path, sizeof(path), "/proc/%d/task", (int)p->pid);
	p->task = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (p->task >= 0)
		tr->fds++;
	return p->task >= 0;
}

/* Lists the task directory again (reopened when asked: a held one of a process that is gone lists nothing)
 * and brings the threads in line. False when the process is gone. */
static bool relist(struct thread_reader *tr, struct tproc *p, bool reopen)
{
	if (reopen || p->task < 0) {
		close_task_dir(tr, p);
		if (reopen)	/* a directory only released for the budget keeps its threads (fds checked on read) */
			drop_threads(tr, p);
		if (!open_task_dir(tr, p)) {
			drop_threads(tr, p);
			return false;
		}
	}
	pid_t *tids = NULL;
	size_t cap = 0, n = list_tids(p, &tids, &cap);
	if (n == 0 && !reopen) {
		free(tids);
		return relist(tr, p, true);
	}
	merge_threads(tr, p, tids, n);
	free(tids);
	p->since_list = 0;
	return n > 0;
}

static struct tthread *leader_of(struct tproc *p)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->threads[i].info.tid == p->pid)
			return &p->threads[i];
	return NULL;
}

static size_t read_proc(struct thread_reader *tr, struct tproc *p, const struct thread_info **out, bool *replaced)
{
	p->gen = tr->gen;
	*replaced = false;
	bool listed = false;
	if (p->task < 0 || p->n == 0) {
		if (!relist(tr, p, false))
			return 0;
		listed = true;
	}
	for (int round = 0; round < 3; round++) {
		/* the leader first and every time: its start time tells a reused PID, its thread count whether
		 * the task directory needs listing again, its state a zombie */
		struct tthread *lead = leader_of(p);
		bool ok = lead && read_stat(tr, p, lead);
		if (ok && p->start_ticks && lead->info.stat.start_ticks != p->start_ticks) {
			*replaced = true;
			p->start_ticks = 0;
			if (!relist(tr, p, true))
				return 0;
			listed = true;
			continue;
		}
		if (!listed && (!ok || lead->info.stat.num_threads != (long)p->n || ++p->since_list >= RELIST_PERIOD)) {
			if (!relist(tr, p, !ok))
				return 0;
			listed = true;
			continue;
		}
		if (!ok)
			return 0;
		p->start_ticks = lead->info.stat.start_ticks;
		p->out = xrealloc(p->out, p->n * sizeof(*p->out));
		size_t live = 0;
		bool failed = false;
		for (size_t i = 0; i < p->n; i++) {
			struct tthread *t = &p->threads[i];
			read_sched(tr, p, t);
			if (t == lead)
				t->stat_valid = true;	/* read just above */
			else if (!t->stat_valid)
				t->stat_valid = read_stat(tr, p, t);
			if (t->stat_valid)
				p->out[live++] = t->info;
			else
				failed = true;	/* exited since the listing; another may have come */
		}
		if (failed && !listed) {
			relist(tr, p, false);
			listed = true;
			continue;
		}
		*out = p->out;
		return live;
	}
	return 0;
}

size_t thread_reader_read(struct thread_reader *tr, pid_t pid, const struct thread_info **out, bool *replaced)
{
	struct tproc *p = find_or_add(tr, pid);
	size_t n = read_proc(tr, p, out, replaced);
	/* past the budget the task directory is not held either: one per VM would exhaust a small RLIMIT_NOFILE */
	if (p->task >= 0 && tr->fds > tr->budget)
		close_task_dir(tr, p);
	return n;
}

void thread_reader_end(struct thread_reader *tr)
{
	size_t k = 0;
	for (size_t i = 0; i < tr->n; i++) {
		if (tr->procs[i].gen == tr->gen)
			tr->procs[k++] = tr->procs[i];
		else
			drop_proc(tr, &tr->procs[i]);
	}
	tr->n = k;
	tr->gen++;
}

void thread_reader_free(struct thread_reader *tr)
{
	if (!tr)
		return;
	for (size_t i = 0; i < tr->n; i++)
		drop_proc(tr, &tr->procs[i]);
	free(tr->procs);
	free(tr);
}

/* collect_exits_debugfs.c - the exits part where eBPF cannot count: KVM's per-VM counters in debugfs
 * (/sys/kernel/debug/kvm/PID-FD/exits, io_exits, halt_exits, ...), the directory matched by the VM's PID and its
 * kvm-vm descriptor exactly. Counts per VM only (KVM sums them over the vCPUs), and no exit timing. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "nls.h"
#include "source.h"
#include "util.h"

#define DEBUGFS_ROOT "/sys/kernel/debug"
#define KVM_DEBUGFS DEBUGFS_ROOT "/kvm"
#define NSTATS EXITS_STAT_OTHER		/* the files of the table: OTHER is made by the model */

static const char *const stat_files[NSTATS] = {
#define EXITS_STAT_FILE(id, file) [EXITS_STAT_##id] = #file,
	EXITS_STATS(EXITS_STAT_FILE)
#undef EXITS_STAT_FILE
};

/* The VM directory of one VM, kept open while the VM lives (its files are opened and read each refresh: they do
 * not seek, so a kept descriptor would not read the value again). */
struct vm_dir {
	pid_t pid;
	int vm_fd;
	unsigned long long start_ticks;
	int dirfd;			/* -1: the directory was not there (retried next refresh) */
	bool seen;
};

struct exits_debugfs {
	int kvmfd;			/* /sys/kernel/debug/kvm */
	bool live[EXITS_EV__COUNT];
	struct vm_dir *dirs;
	size_t ndirs, capdirs;
};

/* Why KVM's debugfs cannot be read, from the errno of opening it or its host-wide "exits" file. */
static void debugfs_why(int err, char *why, size_t whylen)
{
	struct statfs fs;
	if (err == ENOENT && (statfs(DEBUGFS_ROOT, &fs) != 0 || fs.f_type != DEBUGFS_MAGIC)) {
		snprintf(why, whylen, "%s", _("debugfs is not mounted at /sys/kernel/debug"));
	} else if (err == ENOENT) {
		snprintf(why, whylen, "%s", _("no kvm directory in debugfs (is the kvm module loaded?)"));
	} else if (err == EACCES) {
		snprintf(why, whylen, "%s", _("KVM's debugfs counters need root (/sys/kernel/debug is root's alone)"));
	} else if (err == EPERM) {
		/* lockdown refuses debugfs files that can be written (KVM's counters are 0644), even to root */
		char mode[128] = "";
		char *open_br = NULL, *close_br = NULL;
		if (read_file_at(AT_FDCWD, "/sys/kernel/security/lockdown", mode, sizeof(mode)) > 0 &&
		    (open_br = strchr(mode, '[')) && (close_br = strchr(open_br, ']'))) {
			*close_br = '\0';
			snprintf(why, whylen, _("kernel lockdown (%s) refuses KVM's debugfs counters"), open_br + 1);
		} else {
			snprintf(why, whylen, "%s", _("KVM's debugfs counters refused (EPERM: kernel lockdown?)"));
		}
	} else {
		snprintf(why, whylen, _("KVM's debugfs counters: %s"), strerror(err));
	}
}

static void debugfs_close(void *state)
{
	struct exits_debugfs *e = state;
	if (!e)
		return;
	for (size_t i = 0; i < e->ndirs; i++)
		if (e->dirs[i].dirfd >= 0)
			close(e->dirs[i].dirfd);
	free(e->dirs);
	if (e->kvmfd >= 0)
		close(e->kvmfd);
	free(e);
}

/* Reads the counter file name under dirfd: 0, or the errno of why it could not be read. */
static int read_counter(int dirfd, const char *name, unsigned long long *v)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	char buf[32];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);	/* not pread: KVM's stat files cannot seek (ESPIPE) */
	int err = n < 0 ? errno : n == 0 ? EIO : 0;
	close(fd);
	if (err)
		return err;
	buf[n] = '\0';
	char *end;
	errno = 0;
	*v = strtoull(buf, &end, 10);
	return errno || end == buf ? EIO : 0;
}

static void *debugfs_open(const struct source_args *a, char *why, size_t whylen)
{
	if (a->exits_off) {
		snprintf(why, whylen, "%s", _("exit counting off (--exits=off)"));
		return NULL;
	}
	int kvmfd = open(KVM_DEBUGFS, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	unsigned long long v;
	/* the host-wide "exits" read once: lockdown lets the directory be listed but not the counters be read */
	int err = kvmfd < 0 ? errno : read_counter(kvmfd, stat_files[EXITS_STAT_ALL], &v);
	if (err) {
		debugfs_why(err, why, whylen);
		if (kvmfd >= 0)
			close(kvmfd);
		return NULL;
	}
	struct exits_debugfs *e = xcalloc(1, sizeof(*e));
	e->kvmfd = kvmfd;
	e->live[EXITS_EV_EXIT] = true;
	e->live[EXITS_EV_VIRQ] = faccessat(kvmfd, stat_files[EXITS_STAT_VIRQ], R_OK, 0) == 0;
	e->live[EXITS_EV_HCALL] = faccessat(kvmfd, stat_files[EXITS_STAT_HCALL], R_OK, 0) == 0;
	return e;
}

static struct vm_dir *vm_dir_of(struct exits_debugfs *e, const struct vm_sample *vm)
{
	for (size_t i = 0; i < e->ndirs; i++) {
		struct vm_dir *d = &e->dirs[i];
		if (d->pid != vm->pid)
			continue;
		if (d->vm_fd == vm->vm_fd && d->start_ticks == vm->start_ticks && d->dirfd >= 0)
			return d;
		/* another VM behind the PID (or its directory not there last time): open it again */
		if (d->dirfd >= 0)
			close(d->dirfd);
		*d = e->dirs[--e->ndirs];
		break;
	}
	if (e->ndirs == e->capdirs) {
		e->capdirs = e->capdirs ? e->capdirs * 2 : 16;
		e->dirs = xrealloc(e->dirs, e->capdirs * sizeof(*e->dirs));
	}
	struct vm_dir *d = &e->dirs[e->ndirs++];
	char name[32];
	snprintf(name, sizeof(name), "%d-%d", (int)vm->pid, vm->vm_fd);
	*d = (struct vm_dir){ .pid = vm->pid, .vm_fd = vm->vm_fd, .start_ticks = vm->start_ticks,
			      .dirfd = openat(e->kvmfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC) };
	return d;
}

/* The key a counter file is counted under (bpf/exits_events.h). */
static void stat_key(int stat, unsigned *ev, unsigned long long *arg)
{
	if (stat == EXITS_STAT_VIRQ || stat == EXITS_STAT_HCALL) {
		*ev = stat == EXITS_STAT_VIRQ ? EXITS_EV_VIRQ : EXITS_EV_HCALL;
		*arg = EXITS_ARG_ALL;
	} else {
		*ev = EXITS_EV_EXIT;
		*arg = (unsigned long long)EXITS_ISA_STAT << 32 | (unsigned)stat;
	}
}

static bool debugfs_sample(void *state, struct host_sample *s, char *why, size_t whylen)
{
	(void)why, (void)whylen;
	struct exits_debugfs *e = state;
	struct exits_sample *x = &s->exits;
	x->mono = clock_mono();
	x->realtime = clock_real();
	for (size_t i = 0; i < e->ndirs; i++)
		e->dirs[i].seen = false;
	size_t cap = s->nvms * NSTATS;
	x->vm_counts = xcalloc(cap ? cap : 1, sizeof(*x->vm_counts));
	x->nvm_counts = 0;
	for (size_t i = 0; i < s->nvms; i++) {
		const struct vm_sample *vm = &s->vms[i];
		if (vm->vm_fd < 0)
			continue;
		struct vm_dir *d = vm_dir_of(e, vm);
		d->seen = true;
		unsigned long long v;
		/* no "exits" in it: the VM is not known this time (the model leaves it unknown, not 0) */
		if (d->dirfd < 0 || read_counter(d->dirfd, stat_files[EXITS_STAT_ALL], &v))
			continue;
		for (int f = 0; f < NSTATS; f++) {
			if (f != EXITS_STAT_ALL && read_counter(d->dirfd, stat_files[f], &v))
				continue;
			struct exit_count *c = &x->vm_counts[x->nvm_counts++];
			*c = (struct exit_count){ .tid = vm->pid, .count = v };
			stat_key(f, &c->ev, &c->arg);
		}
	}
	/* VMs gone since: their directories go too */
	for (size_t i = 0; i < e->ndirs;) {
		if (e->dirs[i].seen) {
			i++;
			continue;
		}
		if (e->dirs[i].dirfd >= 0)
			close(e->dirs[i].dirfd);
		e->dirs[i] = e->dirs[--e->ndirs];
	}
	qsort(x->vm_counts, x->nvm_counts, sizeof(*x->vm_counts), exit_count_cmp);
	x->valid = true;
	x->per_thread = false;
	x->timed = false;
	memcpy(x->live, e->live, sizeof(x->live));
	return true;
}

/* KVM's per-VM debugfs counters: the exits part where the eBPF source could not load. */
const struct source exits_debugfs_source = {
	.part = PART_EXITS, .name = "debugfs",
	.open = debugfs_open, .sample = debugfs_sample, .close = debugfs_close,
};

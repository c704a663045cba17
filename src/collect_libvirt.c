/* collect_libvirt.c - the libvirt domains among the VMs (matched by the -uuid on their command line): their names,
 * balloons and the guests' memory statistics, from libvirtd's read-only API. A thread of its own asks, so a libvirtd
 * that never answers costs a refresh 50 ms once (the last answer is shown meanwhile), never a hang. libvirt is
 * loaded (dlopen) only where libvirtd runs: elsewhere vmtop neither pays its start-up nor its libraries' reads. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "nls.h"
#include "source.h"
#include "util.h"

/* The read-only sockets of the monolithic libvirtd and of the modular qemu daemon. */
static const char *const ro_sockets[] = { "/run/libvirt/libvirt-sock-ro", "/run/libvirt/virtqemud-sock-ro" };

bool libvirt_running(void)
{
	for (size_t i = 0; i < sizeof(ro_sockets) / sizeof(ro_sockets[0]); i++)
		if (access(ro_sockets[i], F_OK) == 0)
			return true;
	return false;
}

#ifdef HAVE_LIBVIRT
#include <dlfcn.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

/* The calls vmtop makes, each through a pointer of the header's own type. */
#define LV_CALLS(X) X(virConnectOpenReadOnly) X(virConnectClose) X(virConnectIsAlive) X(virConnectGetAllDomainStats) \
	X(virDomainStatsRecordListFree) X(virDomainGetName) X(virDomainGetUUIDString) X(virTypedParamsGetULLong) \
	X(virGetLastErrorMessage) X(virSetErrorFunc)
#define LV_POINTER(f) static __typeof__(f) *p_##f;
LV_CALLS(LV_POINTER)
#undef LV_POINTER

/* Loads libvirt once; false with why when it cannot. (An ASan build needs libtirpc preloaded beside libasan:
 * ASan's xdr interceptors look their targets up at start, before libvirt brings libtirpc in.) */
static bool lv_load(char *why, size_t whylen)
{
	static void *lib;
	if (lib)
		return true;
	void *h = dlopen("libvirt.so.0", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(why, whylen, _("libvirt: cannot load libvirt.so.0 (%s)"), dlerror());
		return false;
	}
#define LV_RESOLVE(f) \
	if (!(p_##f = (__typeof__(f) *)dlsym(h, #f))) { \
		snprintf(why, whylen, _("libvirt: libvirt.so.0 has no %s"), #f); \
		dlclose(h); \
		return false; \
	}
	LV_CALLS(LV_RESOLVE)
#undef LV_RESOLVE
	lib = h;
	return true;
}

#define LV_URI "qemu:///system"
#define LV_TIMEOUT_S 0.05	/* the most a refresh waits for libvirtd's answer */
#define LV_FIRST_TIMEOUT_S 0.3	/* ... the first time, which connects too */
#define LV_STALE_S 10.0		/* an answer older than this is not shown as the balloon */

struct lv_domain {
	char uuid[VIR_UUID_STRING_BUFLEN];
	char name[VM_NAME_MAX];
	struct balloon_sample balloon;
};

struct lv_source {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned long long asked, answered;	/* asks made, and the last one the thread finished */
	bool stop;
	struct lv_domain *doms;		/* its last answer */
	size_t ndoms;
	double when;			/* CLOCK_MONOTONIC of that answer, 0 none */
	char err[128];			/* why the last ask failed, "" when it did not */
	virConnectPtr conn;		/* the thread's */
};

/* libvirt prints every error to stderr unless told otherwise: vmtop says them itself, once, in its own words */
static void lv_quiet(void *data, virErrorPtr e)
{
	(void)data;
	(void)e;
}

static void lv_error(char *err, size_t len)
{
	const char *m = p_virGetLastErrorMessage();
	snprintf(err, len, "libvirt: %s", m && *m ? m : _("unknown error"));
}

/* The stats libvirt's balloon group names (in KiB and counts, as vmtop keeps them). */
static const char *const stat_keys[BSTAT__COUNT] = {
#define BSTAT_LIBVIRT(id, json, libvirt, qemu, bytes) [BSTAT_##id] = libvirt,
	BALLOON_STATS(BSTAT_LIBVIRT)
#undef BSTAT_LIBVIRT
};

static void take_balloon(struct balloon_sample *b, virTypedParameterPtr params, int n)
{
	unsigned long long v;
	*b = BALLOON_UNKNOWN;
	if (p_virTypedParamsGetULLong(params, n, "balloon.current", &v) == 1) {
		str_copy(b->source, "libvirt", sizeof(b->source));
		b->actual_kib = (long long)v;	/* libvirt tells no target apart from it: target_kib stays unknown */
	} else {
		str_copy(b->reason, _("libvirt gave no balloon size"), sizeof(b->reason));
	}
	for (int k = 0; k < BSTAT__COUNT; k++)
		if (p_virTypedParamsGetULLong(params, n, stat_keys[k], &v) == 1) {
			b->stats[k] = (long long)v;
			b->stats_known |= 1u << k;
		}
	if (b->stats_known >> BSTAT_LAST_UPDATE & 1 && !b->stats[BSTAT_LAST_UPDATE])
		b->stats_known &= ~(1u << BSTAT_LAST_UPDATE);	/* 0: the guest never reported (polling on, no driver) */
}

/* One ask: every running domain's balloon group. Runs on the thread, without the lock. */
static void ask(struct lv_source *l, struct lv_domain **out, size_t *nout, char *err, size_t errlen)
{
	if (l->conn && p_virConnectIsAlive(l->conn) != 1) {
		p_virConnectClose(l->conn);	/* libvirtd restarted: connect again */
		l->conn = NULL;
	}
	if (!l->conn && !(l->conn = p_virConnectOpenReadOnly(LV_URI))) {
		lv_error(err, errlen);
		return;
	}
	virDomainStatsRecordPtr *rec = NULL;
	int n = p_virConnectGetAllDomainStats(l->conn, VIR_DOMAIN_STATS_BALLOON, &rec,
					    VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE);
	if (n < 0) {
		lv_error(err, errlen);
		p_virConnectClose(l->conn);
		l->conn = NULL;
		return;
	}
	struct lv_domain *d = n ? xcalloc((size_t)n, sizeof(*d)) : NULL;
	size_t k = 0;
	for (int i = 0; i < n; i++) {
		const char *name = p_virDomainGetName(rec[i]->dom);
		if (p_virDomainGetUUIDString(rec[i]->dom, d[k].uuid) < 0 || !name)
			continue;
		str_copy(d[k].name, name, sizeof(d[k].name));
		take_balloon(&d[k].balloon, rec[i]->params, rec[i]->nparams);
		k++;
	}
	p_virDomainStatsRecordListFree(rec);
	*out = d;
	*nout = k;
}

static void *lv_thread(void *arg)
{
	struct lv_source *l = arg;
	pthread_mutex_lock(&l->lock);
	for (;;) {
		while (!l->stop && l->answered == l->asked)
			pthread_cond_wait(&l->cond, &l->lock);
		if (l->stop)
			break;
		unsigned long long n = l->asked;
		pthread_mutex_unlock(&l->lock);
		struct lv_domain *doms = NULL;
		size_t ndoms = 0;
		char err[sizeof(l->err)] = "";
		ask(l, &doms, &ndoms, err, sizeof(err));
		pthread_mutex_lock(&l->lock);
		str_copy(l->err, err, sizeof(l->err));
		if (!err[0]) {
			free(l->doms);
			l->doms = doms;
			l->ndoms = ndoms;
			l->when = clock_mono();
		}
		l->answered = n;
		pthread_cond_broadcast(&l->cond);
	}
	pthread_mutex_unlock(&l->lock);
	if (l->conn)
		p_virConnectClose(l->conn);
	return NULL;
}

static void *lv_open(const struct source_args *a, char *why, size_t whylen)
{
	if (a->no_libvirt) {
		snprintf(why, whylen, "%s", _("libvirt off (--no-libvirt)"));
		return NULL;
	}
	if (!libvirt_running()) {
		snprintf(why, whylen, _("libvirtd is not running (no %s)"), ro_sockets[0]);
		return NULL;
	}
	if (!lv_load(why, whylen))
		return NULL;
	p_virSetErrorFunc(NULL, lv_quiet);
	struct lv_source *l = xcalloc(1, sizeof(*l));
	pthread_mutex_init(&l->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);	/* a refresh's wait, not moved by the wall clock */
	pthread_cond_init(&l->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&l->thread, NULL, lv_thread, l)) {
		snprintf(why, whylen, "%s", _("libvirt: cannot start a thread"));
		free(l);
		return NULL;
	}
	return l;
}

static void lv_close(void *state)
{
	struct lv_source *l = state;
	pthread_mutex_lock(&l->lock);
	l->stop = true;
	bool busy = l->answered != l->asked;
	pthread_cond_broadcast(&l->cond);
	pthread_mutex_unlock(&l->lock);
	if (busy) {
		pthread_detach(l->thread);	/* stuck in a call to a libvirtd that does not answer: left to exit */
		return;
	}
	pthread_join(l->thread, NULL);
	free(l->doms);
	pthread_mutex_destroy(&l->lock);
	pthread_cond_destroy(&l->cond);
	free(l);
}

static const struct lv_domain *find_domain(const struct lv_source *l, const char *uuid)
{
	for (size_t i = 0; uuid[0] && i < l->ndoms; i++)
		if (!strcasecmp(l->doms[i].uuid, uuid))
			return &l->doms[i];
	return NULL;
}

static bool lv_sample(void *state, struct host_sample *s, char *why, size_t whylen)
{
	struct lv_source *l = state;
	pthread_mutex_lock(&l->lock);
	/* wait for a fresh answer only where the thread is free: one stuck call costs one refresh its wait */
	bool idle = l->answered == l->asked;
	double wait = l->when ? LV_TIMEOUT_S : LV_FIRST_TIMEOUT_S;
	l->asked++;
	pthread_cond_broadcast(&l->cond);
	if (idle) {
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		double t = until.tv_sec + until.tv_nsec * 1e-9 + wait;
		until.tv_sec = (time_t)t;
		until.tv_nsec = (long)((t - (double)until.tv_sec) * 1e9);
		while (l->answered != l->asked && pthread_cond_timedwait(&l->cond, &l->lock, &until) == 0)
			;
	}
	if (l->err[0] && !l->when && l->answered == l->asked) {
		str_copy(why, l->err, whylen);	/* never answered (no permission, say): said once, not asked again */
		pthread_mutex_unlock(&l->lock);
		return false;
	}
	bool fresh = l->answered == l->asked && !l->err[0];
	bool recent = l->when && clock_mono() - l->when < LV_STALE_S;
	for (size_t i = 0; i < s->nvms; i++) {
		struct vm_sample *vm = &s->vms[i];
		const struct lv_domain *d = find_domain(l, vm->uuid);
		if (!d)
			continue;
		str_copy(vm->domain, d->name, sizeof(vm->domain));
		if (recent) {
			vm->balloon = d->balloon;
		} else {
			vm->balloon = BALLOON_UNKNOWN;
			str_copy(vm->balloon.reason, l->err[0] ? l->err : _("libvirtd did not answer"),
				 sizeof(vm->balloon.reason));
		}
	}
	if (!fresh)
		host_sample_warn(s, "%s", l->err[0] ? l->err
					  : l->when ? _("libvirt: libvirtd is slow to answer; its last answer shown")
						    : _("libvirt: libvirtd has not answered yet"));
	pthread_mutex_unlock(&l->lock);
	return true;
}

const struct source libvirt_source = {
	.part = PART_DOMAINS, .name = "libvirt", .open = lv_open, .sample = lv_sample, .close = lv_close,
};
#else
static void *lv_open(const struct source_args *a, char *why, size_t whylen)
{
	if (a->no_libvirt)
		snprintf(why, whylen, "%s", _("libvirt off (--no-libvirt)"));
	else
		snprintf(why, whylen, "%s", _("built without libvirt (configure found no libvirt-dev)"));
	return NULL;
}

const struct source libvirt_source = { .part = PART_DOMAINS, .name = "libvirt", .open = lv_open };
#endif

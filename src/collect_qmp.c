/* collect_qmp.c - each qemu's balloon (libvirt's domains aside) through the QMP socket on its command line: a short
 * connection per refresh (qmp.c); a socket that never greets costs 50 ms once, one that answers late three times
 * in a row 150 ms (its last answer shown meanwhile), and is then left alone for 30 s; one that answered before and
 * stops is asked again after 1 s, then 2, 4 ... up to 30 (QMP serves one client at a time: another one's short
 * session is the likely cause). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nls.h"
#include "qmp.h"
#include "source.h"
#include "util.h"

#define QMP_TIMEOUT_S 0.05	/* the most one VM's QMP may cost a refresh */
#define QMP_BACKOFF_S 30.0	/* a socket that did not answer (or has no balloon) is asked again after this */
#define QMP_BACKOFF_FIRST_S 1.0	/* ... or this, doubling, when it answered before */
#define QMP_SLOW_MAX 3		/* late answers in a row before a VMM counts as unresponsive */
#define QMP_STATS_RETRY_S 30.0	/* a balloon whose guest reports no statistics is asked again after this */

struct qmp_vm {
	pid_t pid;
	unsigned long long start_ticks;
	double next_try;		/* CLOCK_MONOTONIC; 0 now */
	double backoff;			/* the last wait before asking again, 0 none */
	bool answered;			/* it gave a balloon once */
	int slow;			/* late answers in a row */
	struct balloon_sample last;
	bool seen;
	bool searched;			/* its balloon device was looked for in the object tree */
	char device[96];		/* that device's QOM path, "" none */
	double next_stats;		/* when to ask for the guest's statistics again (CLOCK_MONOTONIC) */
};

struct qmp_source {
	struct qmp_vm *vms;
	size_t nvms, cap;
};

static void *qmp_src_open(const struct source_args *a, char *why, size_t whylen)
{
	if (a->no_qmp) {
		snprintf(why, whylen, "%s", _("QMP off (--no-qmp)"));
		return NULL;
	}
	return xcalloc(1, sizeof(struct qmp_source));
}

static void qmp_src_close(void *state)
{
	struct qmp_source *q = state;
	if (q)
		free(q->vms);
	free(q);
}

static struct qmp_vm *vm_state(struct qmp_source *q, const struct vm_sample *vm, size_t hint)
{
	/* the VMs come in the same order each refresh: the one at the same place first, not a search per VM */
	for (size_t k = 0; k < q->nvms; k++) {
		size_t i = (hint + k) % q->nvms;
		if (q->vms[i].pid == vm->pid) {
			if (q->vms[i].start_ticks == vm->start_ticks)
				return &q->vms[i];
			memset(&q->vms[i], 0, sizeof(q->vms[i]));	/* PID reused */
			q->vms[i].pid = vm->pid;
			q->vms[i].start_ticks = vm->start_ticks;
			return &q->vms[i];
		}
	}
	if (q->nvms == q->cap) {
		q->cap = q->cap ? 2 * q->cap : 16;
		q->vms = xrealloc(q->vms, q->cap * sizeof(*q->vms));
	}
	struct qmp_vm *e = &q->vms[q->nvms++];
	memset(e, 0, sizeof(*e));
	e->pid = vm->pid;
	e->start_ticks = vm->start_ticks;
	return e;
}

/* The guest's statistics where its balloon device has them: qemu keeps what the guest reported when something
 * turned polling on (vmtop never does); "guest hasn't updated any stats yet" otherwise, asked again in 30 s. */
static void ask_stats(struct qmp_conn *c, struct qmp_vm *e, double now)
{
	char reply[8192], why[96], args[192];
	static const char *const containers[] = { "/machine/peripheral", "/machine/peripheral-anon" };
	for (size_t i = 0; !e->searched && i < sizeof(containers) / sizeof(containers[0]); i++) {
		snprintf(args, sizeof(args), "{\"path\": \"%s\"}", containers[i]);
		if (qmp_ask(c, "qom-list", args, reply, sizeof(reply), why, sizeof(why)) != QMP_OK)
			return;	/* late or refused: looked for again next time */
		if (qmp_find_balloon(reply, containers[i], e->device, sizeof(e->device)) || i == 1)
			e->searched = true;
	}
	if (!e->device[0] || now < e->next_stats)
		return;
	snprintf(args, sizeof(args), "{\"path\": \"%s\", \"property\": \"guest-stats\"}", e->device);
	if (qmp_ask(c, "qom-get", args, reply, sizeof(reply), why, sizeof(why)) == QMP_OK)
		qmp_take_stats(reply, &e->last);
	if (!e->last.stats_known)
		e->next_stats = now + QMP_STATS_RETRY_S;
}

/* Asks one VMM for its balloon; keeps the answer and when to ask again. */
static void ask_balloon(struct qmp_vm *e, const char *path, double now)
{
	char reply[1024], why[96] = "";
	struct balloon_sample *b = &e->last, before = *b;
	*b = BALLOON_UNKNOWN;
	enum qmp_status st;
	struct qmp_conn *c = qmp_open(path, QMP_TIMEOUT_S, &st, why, sizeof(why));
	if (c)
		st = qmp_ask(c, "query-balloon", NULL, reply, sizeof(reply), why, sizeof(why));
	long long actual = st == QMP_OK ? qmp_reply_number(reply, "actual") : -1;
	if (actual >= 0)
		ask_stats(c, e, now);
	qmp_close(c);
	e->slow = st == QMP_SLOW ? e->slow + 1 : 0;
	if (actual >= 0) {
		e->answered = true;
		e->backoff = 0;
		str_copy(b->source, "qmp", sizeof(b->source));
		b->actual_kib = actual / 1024;	/* query-balloon tells no target: target_kib stays unknown */
		return;
	}
	if (st == QMP_OK)
		snprintf(why, sizeof(why), "%s", _("query-balloon gave no size"));
	if (st == QMP_SLOW && e->slow < QMP_SLOW_MAX && before.actual_kib >= 0) {
		*b = before;	/* a late answer is no news: the last one stands (under TCG one in three was late) */
	} else if (st == QMP_SLOW && e->slow < QMP_SLOW_MAX) {
		snprintf(b->reason, sizeof(b->reason), _("QMP slow: %s"), why);	/* it greeted: asked again next time */
	} else if (st == QMP_TIMEOUT || st == QMP_SLOW || st == QMP_ERROR) {
		/* not again every refresh: a stuck socket costs its 50 ms, a VM without balloon a connection */
		if (!e->answered)
			e->backoff = QMP_BACKOFF_S;
		else
			e->backoff = e->backoff ? fmin(2 * e->backoff, QMP_BACKOFF_S) : QMP_BACKOFF_FIRST_S;
		e->next_try = now + e->backoff;
		e->slow = 0;
		snprintf(b->reason, sizeof(b->reason), st == QMP_ERROR ? "%s" : _("QMP unresponsive: %s"), why);
	} else {
		snprintf(b->reason, sizeof(b->reason), "%s", why);	/* gone or refused: asked again next time */
	}
}

static bool qmp_src_sample(void *state, struct host_sample *s, char *why, size_t whylen)
{
	(void)why;
	(void)whylen;
	struct qmp_source *q = state;
	const char *no_socket = NULL;	/* translated once: gettext costs ~1,600 instructions a call */
	for (size_t i = 0; i < q->nvms; i++)
		q->vms[i].seen = false;
	for (size_t i = 0; i < s->nvms; i++) {
		struct vm_sample *vm = &s->vms[i];
		struct qmp_vm *e = vm_state(q, vm, i);
		e->seen = true;
		if (vm->domain[0])
			continue;	/* libvirt's (collect_libvirt): libvirtd holds its monitor */
		if (!vm->qmp_path[0]) {
			vm->balloon = BALLOON_UNKNOWN;
			if (!no_socket)
				no_socket = _("no QMP socket on the VMM's command line");
			str_copy(vm->balloon.reason, no_socket, sizeof(vm->balloon.reason));
			continue;
		}
		double now = clock_mono();
		if (now >= e->next_try)
			ask_balloon(e, vm->qmp_path, now);
		vm->balloon = e->last;
	}
	size_t k = 0;
	for (size_t i = 0; i < q->nvms; i++)
		if (q->vms[i].seen)
			q->vms[k++] = q->vms[i];
	q->nvms = k;
	return true;
}

const struct source qmp_source = {
	.part = PART_BALLOON, .name = "qmp", .open = qmp_src_open, .sample = qmp_src_sample, .close = qmp_src_close,
};

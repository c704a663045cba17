/* qmp.c - a QMP client that only asks: non-blocking connect, every read under one deadline for the whole
 * session, the socket closed after the few questions of one refresh, and only allow-listed commands ever written. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "nls.h"
#include "qmp.h"
#include "sample.h"
#include "util.h"

/* qom-list and qom-get read the object tree: where the balloon device is, and its guest-stats property */
static const char *const allowed[] = { "qmp_capabilities", "query-balloon", "query-status", "query-name", "qom-list",
				       "qom-get" };

bool qmp_allowed(const char *command)
{
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (!strcmp(command, allowed[i]))
			return true;
	return false;
}

/* Milliseconds left before deadline, at least 0. */
static int ms_left(double deadline)
{
	double left = deadline - clock_mono();
	return left > 0 ? (int)(left * 1000) + 1 : 0;
}

/* Waits for events on fd until deadline: 1 ready, 0 timed out, -1 error. */
static int wait_for(int fd, short events, double deadline)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = events };
		int r = poll(&p, 1, ms_left(deadline));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r;
		return (p.revents & (events | POLLHUP | POLLERR)) ? 1 : 0;
	}
}

struct qmp_conn {
	int fd;
	double deadline;
	int timeout_ms;			/* for the messages */
	char buf[8192];
	size_t used;
};

/* The next complete line that is not an event, moved into line; QMP_OK, or why not. */
static enum qmp_status read_line(struct qmp_conn *c, char *line, size_t len, char *why, size_t whylen)
{
	for (;;) {
		char *nl;
		while ((nl = memchr(c->buf, '\n', c->used))) {
			size_t n = (size_t)(nl - c->buf) + 1;
			bool event = memmem(c->buf, n, "\"event\"", 7) != NULL;
			if (!event) {
				size_t k = n < len ? n : len - 1;
				memcpy(line, c->buf, k);
				line[k] = '\0';
			}
			memmove(c->buf, c->buf + n, c->used - n);
			c->used -= n;
			if (!event)
				return QMP_OK;
		}
		if (c->used == sizeof(c->buf))
			c->used = 0;	/* a line longer than the buffer: not one we need (we ask for small replies) */
		int r = wait_for(c->fd, POLLIN, c->deadline);
		if (r == 0) {
			snprintf(why, whylen, _("no answer within %d ms"), c->timeout_ms);
			return QMP_TIMEOUT;
		}
		ssize_t got = r < 0 ? -1 : recv(c->fd, c->buf + c->used, sizeof(c->buf) - c->used, 0);
		if (got < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (got <= 0) {
			snprintf(why, whylen, "%s", got == 0 ? _("the VMM closed the QMP socket") : strerror(errno));
			return QMP_FAILED;
		}
		c->used += (size_t)got;
	}
}

/* Sends one allowed command and reads its answer. */
static enum qmp_status ask(struct qmp_conn *c, const char *command, const char *args, char *reply, size_t len,
			   char *why, size_t whylen)
{
	char msg[384];
	if (!qmp_allowed(command)) {
		snprintf(why, whylen, _("QMP command %s is not on vmtop's allow-list"), command);
		return QMP_FAILED;
	}
	int n = args ? snprintf(msg, sizeof(msg), "{\"execute\": \"%s\", \"arguments\": %s}\r\n", command, args)
		     : snprintf(msg, sizeof(msg), "{\"execute\": \"%s\"}\r\n", command);
	if (n < 0 || (size_t)n >= sizeof(msg)) {
		snprintf(why, whylen, "%s", _("QMP question too long"));
		return QMP_FAILED;
	}
	if (wait_for(c->fd, POLLOUT, c->deadline) <= 0 || send(c->fd, msg, (size_t)n, MSG_NOSIGNAL) != n) {
		snprintf(why, whylen, "%s", _("cannot write to the QMP socket"));
		return QMP_FAILED;
	}
	enum qmp_status st = read_line(c, reply, len, why, whylen);
	if (st != QMP_OK)
		return st;
	if (strstr(reply, "\"return\""))
		return QMP_OK;
	if (!qmp_reply_error(reply, why, whylen))
		snprintf(why, whylen, "%s", _("unexpected QMP reply"));
	return QMP_ERROR;
}

void qmp_close(struct qmp_conn *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}

struct qmp_conn *qmp_open(const char *path, double timeout_s, enum qmp_status *st, char *why, size_t whylen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	*st = QMP_FAILED;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(why, whylen, "%s", _("QMP socket path too long"));
		return NULL;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	struct qmp_conn *c = xcalloc(1, sizeof(*c));
	c->deadline = clock_mono() + timeout_s;
	c->timeout_ms = (int)(timeout_s * 1000 + 0.5);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	char line[512];
	if (c->fd < 0) {
		snprintf(why, whylen, "socket: %s", strerror(errno));
		goto fail;
	}
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		/* a full backlog makes a unix connect wait: EAGAIN, or EINPROGRESS on some kernels */
		if (errno != EAGAIN && errno != EINPROGRESS) {
			snprintf(why, whylen, "%s: %s", path, strerror(errno));
			goto fail;
		}
		int err = 0;
		socklen_t el = sizeof(err);
		if (wait_for(c->fd, POLLOUT, c->deadline) <= 0) {
			snprintf(why, whylen, _("no answer within %d ms"), c->timeout_ms);
			*st = QMP_TIMEOUT;
			goto fail;
		}
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0 || err) {
			snprintf(why, whylen, "%s: %s", path, strerror(err ? err : errno));
			goto fail;
		}
	}
	/* the greeting, then capabilities negotiation: only then does qemu take commands */
	*st = read_line(c, line, sizeof(line), why, whylen);
	if (*st == QMP_TIMEOUT)
		snprintf(why, whylen, _("no QMP greeting within %d ms (another client may hold the socket)"),
			 c->timeout_ms);
	if (*st != QMP_OK)
		goto fail;
	if (!strstr(line, "\"QMP\"")) {
		snprintf(why, whylen, "%s", _("not a QMP socket"));
		*st = QMP_FAILED;
		goto fail;
	}
	*st = qmp_ask(c, "qmp_capabilities", NULL, line, sizeof(line), why, whylen);
	if (*st == QMP_OK)
		return c;
fail:
	qmp_close(c);
	return NULL;
}

enum qmp_status qmp_ask(struct qmp_conn *c, const char *command, const char *args, char *reply, size_t len, char *why,
			size_t whylen)
{
	enum qmp_status st = ask(c, command, args, reply, len, why, whylen);
	return st == QMP_TIMEOUT ? QMP_SLOW : st;	/* it greeted: a late answer, not nobody there */
}

enum qmp_status qmp_query(const char *path, const char *command, double timeout_s, char *reply, size_t len,
			  char *why, size_t whylen)
{
	enum qmp_status st;
	struct qmp_conn *c = qmp_open(path, timeout_s, &st, why, whylen);
	if (c)
		st = qmp_ask(c, command, NULL, reply, len, why, whylen);
	qmp_close(c);
	return st;
}

long long qmp_reply_number(const char *reply, const char *key)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\"", key);
	const char *p = strstr(reply, pat);
	if (!p)
		return -1;
	p += strlen(pat);
	while (*p == ' ' || *p == ':')
		p++;
	char *end;
	errno = 0;
	long long v = strtoll(p, &end, 10);
	return end == p || errno == ERANGE ? -1 : v;	/* ERANGE: qemu's 2^64-1, "not reported" */
}

bool qmp_reply_error(const char *reply, char *desc, size_t len)
{
	const char *e = strstr(reply, "\"error\"");
	const char *d = e ? strstr(e, "\"desc\"") : NULL;
	if (!d)
		return false;
	d = strchr(d + 6, '"');
	if (!d)
		return false;
	d++;
	size_t n = 0;
	while (d[n] && d[n] != '"' && n + 1 < len)
		n++;
	memcpy(desc, d, n);
	desc[n] = '\0';
	return true;
}

/* The balloon device's QOM path in a qom-list reply of container: the name of the first child<virtio-balloon-...>
 * (a device id as qemu allows them, or device[N]); false when there is none. */
bool qmp_find_balloon(const char *reply, const char *container, char *path, size_t len)
{
	const char *t = strstr(reply, "\"child<virtio-balloon");
	if (!t)
		return false;
	const char *name = NULL;
	for (const char *p = reply; (p = strstr(p, "\"name\"")) && p < t; p++)
		name = p;	/* the last name before it: its object's */
	if (!name || !(name = strchr(name + 6, '"')))
		return false;
	size_t n = strcspn(++name, "\"");
	if (!n || name[n] != '"' || strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-[]") < n)
		return false;	/* nothing vmtop must escape goes into its question */
	return snprintf(path, len, "%s/%.*s", container, (int)n, name) < (int)len;
}

/* The guest's memory statistics in a qom-get guest-stats reply (qemu: bytes and counts, -1 not reported). */
void qmp_take_stats(const char *reply, struct balloon_sample *b)
{
	static const struct { const char *key; bool bytes; } keys[BSTAT__COUNT] = {
#define BSTAT_QEMU(id, json, libvirt, qemu, bytes) [BSTAT_##id] = { qemu, bytes },
		BALLOON_STATS(BSTAT_QEMU)
#undef BSTAT_QEMU
	};
	b->stats_known = 0;
	if (qmp_reply_number(reply, "last-update") <= 0)
		return;	/* the guest never reported: qemu still lists every statistic, each 2^64-1 */
	for (int k = 0; k < BSTAT__COUNT; k++) {
		long long v = qmp_reply_number(reply, keys[k].key);
		if (v < 0)
			continue;
		b->stats[k] = keys[k].bytes ? v / 1024 : v;
		b->stats_known |= 1u << k;
	}
}

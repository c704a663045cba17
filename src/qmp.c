/* qmp.c - a QMP client that only asks: non-blocking connect, every read under one deadline, the socket closed
 * after each question, and only allow-listed commands ever written. */
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
#include "util.h"

static const char *const allowed[] = { "qmp_capabilities", "query-balloon", "query-status", "query-name" };

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

struct conn {
	int fd;
	double deadline;
	int timeout_ms;			/* for the messages */
	char buf[8192];
	size_t used;
};

/* The next complete line that is not an event, moved into line; QMP_OK, or why not. */
static enum qmp_status read_line(struct conn *c, char *line, size_t len, char *why, size_t whylen)
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
static enum qmp_status ask(struct conn *c, const char *command, char *reply, size_t len, char *why, size_t whylen)
{
	char msg[96];
	if (!qmp_allowed(command)) {
		snprintf(why, whylen, _("QMP command %s is not on vmtop's allow-list"), command);
		return QMP_FAILED;
	}
	int n = snprintf(msg, sizeof(msg), "{\"execute\": \"%s\"}\r\n", command);
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

enum qmp_status qmp_query(const char *path, const char *command, double timeout_s, char *reply, size_t len,
			  char *why, size_t whylen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(why, whylen, "%s", _("QMP socket path too long"));
		return QMP_FAILED;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	struct conn *c = xcalloc(1, sizeof(*c));
	c->deadline = clock_mono() + timeout_s;
	c->timeout_ms = (int)(timeout_s * 1000 + 0.5);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	enum qmp_status st = QMP_FAILED;
	if (c->fd < 0) {
		snprintf(why, whylen, "socket: %s", strerror(errno));
		goto out;
	}
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		/* a full backlog makes a unix connect wait: EAGAIN, or EINPROGRESS on some kernels */
		if (errno != EAGAIN && errno != EINPROGRESS) {
			snprintf(why, whylen, "%s: %s", path, strerror(errno));
			goto out;
		}
		int err = 0;
		socklen_t el = sizeof(err);
		if (wait_for(c->fd, POLLOUT, c->deadline) <= 0) {
			snprintf(why, whylen, _("no answer within %d ms"), c->timeout_ms);
			st = QMP_TIMEOUT;
			goto out;
		}
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0 || err) {
			snprintf(why, whylen, "%s: %s", path, strerror(err ? err : errno));
			goto out;
		}
	}
	/* the greeting, then capabilities negotiation: only then does qemu take commands */
	st = read_line(c, reply, len, why, whylen);
	if (st == QMP_TIMEOUT)
		snprintf(why, whylen, _("no QMP greeting within %d ms (another client may hold the socket)"),
			 c->timeout_ms);
	if (st != QMP_OK)
		goto out;
	if (!strstr(reply, "\"QMP\"")) {
		snprintf(why, whylen, "%s", _("not a QMP socket"));
		st = QMP_FAILED;
		goto out;
	}
	st = ask(c, "qmp_capabilities", reply, len, why, whylen);
	if (st == QMP_OK)
		st = ask(c, command, reply, len, why, whylen);
	if (st == QMP_TIMEOUT)
		st = QMP_SLOW;
out:
	if (c->fd >= 0)
		close(c->fd);
	free(c);
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
	long long v = strtoll(p, &end, 10);
	return end == p ? -1 : v;
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

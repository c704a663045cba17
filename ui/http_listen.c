/* http_listen.c - --listen: libmicrohttpd serves GET /metrics (and a page at /) from its own thread, from the text
 * the refresh loop published last; a scrape never waits for a refresh nor starts one. */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <microhttpd.h>

#include "http_listen.h"
#include "nls.h"
#include "util.h"

/* libmicrohttpd is loaded when --listen is given, not linked: it brings gnutls and the crypto libraries under it,
 * 2.9 MiB resident and 3 ms of start-up that every vmtop would pay (MHD_SONAME: configure read it). */
#define MHD_CALLS(X)                                                                                                \
	X(MHD_start_daemon) X(MHD_stop_daemon) X(MHD_queue_response) X(MHD_destroy_response)                        \
	X(MHD_create_response_from_buffer) X(MHD_create_response_from_callback) X(MHD_add_response_header)          \
	X(MHD_lookup_connection_value) X(MHD_get_connection_info)
static struct {
#define MHD_POINTER(f) __typeof__(f) *f;
	MHD_CALLS(MHD_POINTER)
#undef MHD_POINTER
} mhd;

static bool mhd_load(char *why, size_t whylen)
{
	if (mhd.MHD_start_daemon)
		return true;
	void *lib = dlopen(MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		snprintf(why, whylen, _("--listen needs libmicrohttpd: %s"), dlerror());
		return false;
	}
	void *sym;
	const char *missing = NULL;
#define MHD_SYMBOL(f)                                  \
	if (!(sym = dlsym(lib, #f)) && !missing)       \
		missing = #f;                          \
	memcpy(&mhd.f, &sym, sizeof(sym));
	MHD_CALLS(MHD_SYMBOL)
#undef MHD_SYMBOL
	if (missing) {
		snprintf(why, whylen, _("--listen needs libmicrohttpd (%s): %s is missing from it"), MHD_SONAME, missing);
		memset(&mhd, 0, sizeof(mhd));
		dlclose(lib);
		return false;
	}
	return true;	/* kept loaded: its thread runs until exit */
}

/* One published exposition; each response being sent holds a reference. */
struct snapshot {
	int refs;
	struct expo_text text[EXPO__COUNT];
};

struct http_listen {
	struct MHD_Daemon *daemon;
	int fd;
	pthread_mutex_t lock;		/* guards cur and every snapshot's refs */
	struct snapshot *cur;
	char where[160];
	char unix_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	ino_t unix_ino;
};

/* What one response sends. */
struct body {
	struct http_listen *h;
	struct snapshot *snap;
	const struct expo_text *text;
	double deadline;		/* monotonic: past it the connection is cut */
};

static const char page[] = "<!DOCTYPE html>\n<html><head><title>vmtop</title></head><body><h1>vmtop</h1>\n"
			   "<p>Per-VM CPU split, memory and network of this KVM host: <a href=\"/metrics\">/metrics</a>"
			   " (OpenMetrics or Prometheus text).</p></body></html>\n";

static void unref(struct http_listen *h, struct snapshot *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&h->lock);
	bool last = --s->refs == 0;
	pthread_mutex_unlock(&h->lock);
	if (last) {
		for (int f = 0; f < EXPO__COUNT; f++)
			expo_text_free(&s->text[f]);
		free(s);
	}
}

static ssize_t body_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct body *b = cls;
	if (clock_mono() > b->deadline)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	if (pos >= b->text->len)
		return MHD_CONTENT_READER_END_OF_STREAM;
	size_t n = b->text->len - (size_t)pos;
	if (n > max)
		n = max;
	memcpy(buf, b->text->buf + pos, n);
	return (ssize_t)n;
}

static void body_free(void *cls)
{
	struct body *b = cls;
	unref(b->h, b->snap);
	free(b);
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, struct MHD_Response *r, const char *type)
{
	if (!r)
		return MHD_NO;
	mhd.MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		mhd.MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	enum MHD_Result ret = mhd.MHD_queue_response(c, status, r);
	mhd.MHD_destroy_response(r);
	return ret;
}

static struct MHD_Response *fixed(const char *text)
{
	return mhd.MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			      const char *version, const char *upload, size_t *upload_size, void **req)
{
	struct http_listen *h = cls;
	(void)version, (void)upload, (void)upload_size, (void)req;
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, fixed("only GET /metrics\n"), "text/plain");
	if (!strcmp(url, "/"))
		return reply(c, MHD_HTTP_OK, fixed(page), "text/html; charset=utf-8");
	if (strcmp(url, "/metrics"))
		return reply(c, MHD_HTTP_NOT_FOUND, fixed("not found: try /metrics\n"), "text/plain");
	enum expo_format f = expo_negotiate(mhd.MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT));
	struct body *b = xcalloc(1, sizeof(*b));
	b->h = h;
	pthread_mutex_lock(&h->lock);
	b->snap = h->cur;
	if (b->snap)
		b->snap->refs++;
	pthread_mutex_unlock(&h->lock);
	if (!b->snap) {
		free(b);
		return reply(c, MHD_HTTP_SERVICE_UNAVAILABLE, fixed("no refresh yet\n"), "text/plain");
	}
	b->text = &b->snap->text[f];
	b->deadline = clock_mono() + HTTP_ANSWER_SECONDS;
	/* what the kernel buffers for a reader that does not read is bounded too (it autotunes up to MiBs): the rest
	 * stays in the text this response holds, until the deadline cuts it */
	const union MHD_ConnectionInfo *ci = mhd.MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	int sndbuf = HTTP_SNDBUF_BYTES;
	if (ci)
		setsockopt(ci->connect_fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	struct MHD_Response *r = mhd.MHD_create_response_from_callback(b->text->len, 64 * 1024, body_read, b, body_free);
	if (!r) {
		body_free(b);
		return MHD_NO;
	}
	mhd.MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept");
	return reply(c, MHD_HTTP_OK, r, f == EXPO_OPENMETRICS ? EXPO_OPENMETRICS_TYPE : EXPO_PROMETHEUS_TYPE);
}

/* Whether the socket file at sa is one nobody accepts on any more (a vmtop that was killed). */
static bool stale_socket(const struct sockaddr_un *sa)
{
	struct stat st;
	if (lstat(sa->sun_path, &st) != 0 || !S_ISSOCK(st.st_mode))
		return false;
	int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (probe < 0)
		return false;
	bool refused = connect(probe, (const struct sockaddr *)sa, sizeof(*sa)) < 0 && errno == ECONNREFUSED;
	close(probe);
	return refused;
}

/* A unix socket at path; a stale one (nobody accepts on it) is replaced. */
static int listen_unix(struct http_listen *h, const char *path, char *why, size_t whylen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (!*path || strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(why, whylen, "%s", _("the socket path is empty or too long"));
		return -1;
	}
	str_copy(sa.sun_path, path, sizeof(sa.sun_path));
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(why, whylen, "socket: %s", strerror(errno));
		return -1;
	}
	int rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	if (rc < 0 && errno == EADDRINUSE && stale_socket(&sa)) {
		unlink(path);
		rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	}
	struct stat st;
	if (rc < 0 || listen(fd, 64) < 0 || lstat(path, &st) < 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		close(fd);
		return -1;
	}
	str_copy(h->unix_path, path, sizeof(h->unix_path));
	h->unix_ino = st.st_ino;
	snprintf(h->where, sizeof(h->where), "%s", path);
	return fd;
}

/* host:port (host "" is 127.0.0.1); the first address it resolves to. */
static int listen_inet(struct http_listen *h, const char *host, const char *port, char *why, size_t whylen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG };
	struct addrinfo *ai = NULL;
	char *end;
	long p = strtol(port, &end, 10);
	if (!*port || *end || p < 0 || p > 65535) {
		snprintf(why, whylen, _("'%s' is not a port (0 to 65535)"), port);
		return -1;
	}
	int rc = getaddrinfo(*host ? host : "127.0.0.1", port, &hints, &ai);
	if (rc) {
		snprintf(why, whylen, "%s: %s", host, gai_strerror(rc));
		return -1;
	}
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 64) < 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char addr[INET6_ADDRSTRLEN] = "?";
	unsigned bound = 0;
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0) {
		if (ss.ss_family == AF_INET6) {
			const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&ss;
			inet_ntop(AF_INET6, &s6->sin6_addr, addr, sizeof(addr));
			bound = ntohs(s6->sin6_port);
		} else {
			const struct sockaddr_in *s4 = (const struct sockaddr_in *)&ss;
			inet_ntop(AF_INET, &s4->sin_addr, addr, sizeof(addr));
			bound = ntohs(s4->sin_port);
		}
	}
	snprintf(h->where, sizeof(h->where), ss.ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u", addr, bound);
	return fd;
}

/* Splits spec into a listening socket (see http_listen.h). */
static int open_socket(struct http_listen *h, const char *spec, char *why, size_t whylen)
{
	if (spec[0] == '/')
		return listen_unix(h, spec, why, whylen);
	if (!strncmp(spec, "unix:", 5))
		return listen_unix(h, spec + 5, why, whylen);
	char host[256];
	const char *port;
	if (spec[0] == '[') {
		const char *close_ = strchr(spec, ']');
		if (!close_ || close_[1] != ':' || (size_t)(close_ - spec - 1) >= sizeof(host)) {
			snprintf(why, whylen, "%s", _("expected [IPV6]:PORT"));
			return -1;
		}
		memcpy(host, spec + 1, (size_t)(close_ - spec - 1));
		host[close_ - spec - 1] = '\0';
		port = close_ + 2;
	} else {
		const char *colon = strrchr(spec, ':');
		if (colon && memchr(spec, ':', (size_t)(colon - spec))) {
			snprintf(why, whylen, "%s", _("an IPv6 address goes in brackets: [ADDR]:PORT"));
			return -1;
		}
		size_t n = colon ? (size_t)(colon - spec) : 0;
		if (n >= sizeof(host)) {
			snprintf(why, whylen, "%s", _("the host name is too long"));
			return -1;
		}
		memcpy(host, spec, n);
		host[n] = '\0';
		port = colon ? colon + 1 : spec;
	}
	return listen_inet(h, host, port, why, whylen);
}

struct http_listen *http_listen_start(const char *spec, char *why, size_t whylen)
{
	if (!mhd_load(why, whylen))
		return NULL;
	struct http_listen *h = xcalloc(1, sizeof(*h));
	pthread_mutex_init(&h->lock, NULL);
	errno = 0;
	h->fd = open_socket(h, spec, why, whylen);
	if (h->fd < 0) {
		pthread_mutex_destroy(&h->lock);
		free(h);
		return NULL;
	}
	/* the server's thread takes no stop signal: they are the refresh loop's, whose sleep they must interrupt */
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	h->daemon = mhd.MHD_start_daemon(MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, answer, h,
				     MHD_OPTION_LISTEN_SOCKET, h->fd,
				     MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_CONNECTIONS_MAX,
				     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_IDLE_SECONDS,
				     MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!h->daemon) {
		snprintf(why, whylen, "%s", _("libmicrohttpd could not start"));
		http_listen_stop(h);
		return NULL;
	}
	return h;
}

const char *http_listen_where(const struct http_listen *h)
{
	return h->where;
}

void http_listen_publish(struct http_listen *h, struct expo_text text[EXPO__COUNT])
{
	struct snapshot *s = xcalloc(1, sizeof(*s));
	s->refs = 1;
	for (int f = 0; f < EXPO__COUNT; f++) {
		s->text[f] = text[f];
		memset(&text[f], 0, sizeof(text[f]));
	}
	pthread_mutex_lock(&h->lock);
	struct snapshot *old = h->cur;
	h->cur = s;
	pthread_mutex_unlock(&h->lock);
	unref(h, old);
}

void http_listen_stop(struct http_listen *h)
{
	if (!h)
		return;
	if (h->daemon)
		mhd.MHD_stop_daemon(h->daemon);
	if (h->fd >= 0)
		close(h->fd);
	struct stat st;
	if (h->unix_path[0] && lstat(h->unix_path, &st) == 0 && st.st_ino == h->unix_ino)
		unlink(h->unix_path);	/* ours still: not one a later vmtop put there */
	unref(h, h->cur);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

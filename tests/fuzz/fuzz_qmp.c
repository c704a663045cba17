/* fuzz_qmp.c - libFuzzer target: a VMM's QMP socket that answers with the input (greeting, replies, events, in
 * any shape), read by qmp_query as vmtop reads a real one, then the reply's fields. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "fuzz.h"
#include "qmp.h"

static int listener = -1;
static char path[108];

struct peer {
	const uint8_t *data;
	size_t size;
};

/* The VMM's side: sends everything, closes its half, then reads what vmtop sends until vmtop closes. */
static void *serve(void *arg)
{
	const struct peer *p = arg;
	int fd = accept(listener, NULL, NULL);
	if (fd < 0)
		return NULL;
	for (size_t off = 0; off < p->size;) {
		ssize_t n = send(fd, p->data + off, p->size - off, MSG_NOSIGNAL);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	shutdown(fd, SHUT_WR);
	char sink[512];
	while (read(fd, sink, sizeof(sink)) > 0)
		;
	close(fd);
	return NULL;
}

static void setup(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(path, sizeof(path), "/tmp/vmtop-fuzz-qmp.%d", (int)getpid());
	unlink(path);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listener < 0 || bind(listener, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(listener, 4) < 0)
		abort();
}

static void teardown(void)
{
	unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (listener < 0) {
		setup();
		atexit(teardown);
	}
	struct peer p = { data, size };
	pthread_t t;
	if (pthread_create(&t, NULL, serve, &p))
		abort();
	char reply[4096], why[160];
	memset(reply, 'x', sizeof(reply));
	why[0] = '\0';
	enum qmp_status st = qmp_query(path, "query-balloon", 1.0, reply, sizeof(reply), why, sizeof(why));
	pthread_join(t, NULL);
	if (st > QMP_FAILED || !memchr(why, '\0', sizeof(why)))
		abort();
	if (st == QMP_OK) {
		if (!memchr(reply, '\0', sizeof(reply)))
			abort();
		long long actual = qmp_reply_number(reply, "actual");
		(void)actual;
		char desc[96];
		if (qmp_reply_error(reply, desc, sizeof(desc)) && !memchr(desc, '\0', sizeof(desc)))
			abort();
	}
	return 0;
}

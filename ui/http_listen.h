/* http_listen.h - --listen: GET /metrics answered by libmicrohttpd in its own thread from the last published text. */
#ifndef VMTOP_HTTP_LISTEN_H
#define VMTOP_HTTP_LISTEN_H

#include <stddef.h>

#include "openmetrics.h"

#define HTTP_CONNECTIONS_MAX 32		/* connections served at once; more are closed at once */
#define HTTP_IDLE_SECONDS 10		/* a connection that sends or reads nothing that long is closed */
#define HTTP_ANSWER_SECONDS 30		/* a scrape not read by then is cut (a client reading 1 byte/s) */
#define HTTP_SNDBUF_BYTES (64 * 1024)	/* socket send buffer of a scrape (the kernel doubles it) */

struct http_listen;

/* Listens on spec: PORT or :PORT (127.0.0.1), HOST:PORT, [IPV6]:PORT, or a unix socket path (starting with '/',
 * or unix:PATH). NULL with why set when it cannot. */
struct http_listen *http_listen_start(const char *spec, char *why, size_t whylen);
/* Where it listens, e.g. "127.0.0.1:9100" (the port bound when 0 was asked), or the socket path. */
const char *http_listen_where(const struct http_listen *h);
/* Every scrape from now on answers with text (its buffers are taken, text left empty); one being sent keeps its own. */
void http_listen_publish(struct http_listen *h, struct expo_text text[EXPO__COUNT]);
void http_listen_stop(struct http_listen *h);

#endif

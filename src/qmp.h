/* qmp.h - a QMP client that only asks: one short connection per refresh, a deadline on every wait, an
 * allow-list of query commands (vmtop never changes a VM). */
#ifndef VMTOP_QMP_H
#define VMTOP_QMP_H

#include <stdbool.h>
#include <stddef.h>

enum qmp_status {
	QMP_OK,		/* reply holds the command's {"return": ...} line */
	QMP_ERROR,	/* qemu answered {"error": ...}: why holds its desc */
	QMP_TIMEOUT,	/* no greeting before the deadline: nobody serves it (or another client holds it) */
	QMP_SLOW,	/* greeted, but the answer came too late: a busy VMM (qemu's first connection can take 150 ms) */
	QMP_FAILED,	/* no such socket, refused, closed or reset (a VMM dying mid-query) */
};

/* True for the commands vmtop may send: qmp_capabilities, a few query-* commands, qom-list and qom-get. */
bool qmp_allowed(const char *command);
struct qmp_conn;
/* Connects to the unix socket path and negotiates capabilities; every answer of the session must come within
 * timeout_s of now. NULL with st and why set when it cannot (QMP_TIMEOUT: no greeting, QMP_FAILED). */
struct qmp_conn *qmp_open(const char *path, double timeout_s, enum qmp_status *st, char *why, size_t whylen);
/* Sends command (allowed) with args (a JSON object, or NULL) and reads its answer into reply (QMP_SLOW: late). */
enum qmp_status qmp_ask(struct qmp_conn *c, const char *command, const char *args, char *reply, size_t len, char *why,
			size_t whylen);
void qmp_close(struct qmp_conn *c);
/* qmp_open, one argument-less command, qmp_close: all within timeout_s. why says what went wrong. */
enum qmp_status qmp_query(const char *path, const char *command, double timeout_s, char *reply, size_t len,
			  char *why, size_t whylen);
/* The number of "key": in a reply line, -1 when absent ({"return": {"actual": 1073741824}}). */
long long qmp_reply_number(const char *reply, const char *key);
/* The desc of an {"error": {"class": ..., "desc": "..."}} line into desc; false when it is none. */
bool qmp_reply_error(const char *reply, char *desc, size_t len);
/* The balloon device's QOM path (container/name) in a qom-list reply of container; false when none is there. */
bool qmp_find_balloon(const char *reply, const char *container, char *path, size_t len);
struct balloon_sample;
/* The guest's memory statistics of a qom-get guest-stats reply into b's stats (in KiB; what it lacks unknown). */
void qmp_take_stats(const char *reply, struct balloon_sample *b);

#endif

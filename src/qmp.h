/* qmp.h - a QMP client that only asks: one short connection per question, a deadline on every wait, an
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

/* True for the commands vmtop may send: qmp_capabilities and a few query-* commands. */
bool qmp_allowed(const char *command);
/* Connects to the unix socket path, negotiates capabilities, sends command (argument-less, allowed) and reads
 * its answer into reply, all within timeout_s; closes the socket whatever happens. why says what went wrong. */
enum qmp_status qmp_query(const char *path, const char *command, double timeout_s, char *reply, size_t len,
			  char *why, size_t whylen);
/* The number of "key": in a reply line, -1 when absent ({"return": {"actual": 1073741824}}). */
long long qmp_reply_number(const char *reply, const char *key);
/* The desc of an {"error": {"class": ..., "desc": "..."}} line into desc; false when it is none. */
bool qmp_reply_error(const char *reply, char *desc, size_t len);

#endif

/* export.c - --listen and --textfile: each refresh's model written once as metrics text, handed to the HTTP server
 * (http_listen.c) and put in DIR/vmtop.prom by a rename, so node_exporter's textfile collector never reads half. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export.h"
#include "http_listen.h"
#include "nls.h"
#include "util.h"

struct exporter {
	struct http_listen *http;
	char *dir;			/* --textfile, NULL without */
	bool failed;			/* the textfile could not be written: said once */
	struct expo_text text[EXPO__COUNT];
	size_t last_len[EXPO__COUNT];
};

/* Writes t to dir/vmtop.prom through a temporary file in dir ("." first: the collector reads *.prom only). */
static int textfile_write(const char *dir, const struct expo_text *t, char *why, size_t whylen)
{
	char tmp[4096], final[4096];
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.vmtop.prom.XXXXXX", dir) >= sizeof(tmp) ||
	    (size_t)snprintf(final, sizeof(final), "%s/vmtop.prom", dir) >= sizeof(final)) {
		snprintf(why, whylen, "%s", _("the directory name is too long"));
		return -1;
	}
	int fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(why, whylen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	fchmod(fd, 0644);	/* node_exporter may run as its own user */
	size_t done = 0;
	while (done < t->len) {
		ssize_t n = write(fd, t->buf + done, t->len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	int err = done < t->len ? (errno ? errno : EIO) : 0;
	if (close(fd) < 0 && !err)
		err = errno;
	if (!err && rename(tmp, final) < 0)
		err = errno;
	if (err) {
		unlink(tmp);
		snprintf(why, whylen, "%s: %s", final, strerror(err));
		return -1;
	}
	return 0;
}

struct exporter *export_open(const struct options *opt, char *why, size_t whylen)
{
	struct exporter *e = xcalloc(1, sizeof(*e));
	/* each refresh's text (hundreds of KiB) is freed by whichever thread sent it last: a fixed threshold keeps such
	 * buffers mmapped, so a freed one goes back to the system instead of fragmenting the heap (RSS stays flat) */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	if (opt->textfile) {
		struct stat st;
		if (stat(opt->textfile, &st) < 0 || !S_ISDIR(st.st_mode) || access(opt->textfile, W_OK | X_OK) < 0) {
			snprintf(why, whylen, _("--textfile %s: not a directory vmtop can write to"), opt->textfile);
			free(e);
			return NULL;
		}
		e->dir = strdup(opt->textfile);
	}
	if (opt->listen) {
		char reason[256] = "";
		e->http = http_listen_start(opt->listen, reason, sizeof(reason));
		if (!e->http) {
			snprintf(why, whylen, _("cannot listen on %s: %s"), opt->listen, reason);
			free(e->dir);
			free(e);
			return NULL;
		}
		fprintf(stderr, _("vmtop: serving /metrics on %s\n"), http_listen_where(e->http));
	}
	return e;
}

void export_publish(struct exporter *e, const struct model *m)
{
	bool want[EXPO__COUNT] = { [EXPO_OPENMETRICS] = e->http != NULL, [EXPO_PROMETHEUS] = true };
	for (int f = 0; f < EXPO__COUNT; f++)
		if (want[f] && !e->text[f].buf && e->last_len[f]) {
			/* the last one's size and a little: no reallocations while writing */
			e->text[f].cap = e->last_len[f] + e->last_len[f] / 8 + 4096;
			e->text[f].buf = xmalloc(e->text[f].cap);
		}
	expo_write(e->text, want, m);
	for (int f = 0; f < EXPO__COUNT; f++)
		e->last_len[f] = e->text[f].len;
	if (e->dir) {
		char why[4200];
		bool ok = textfile_write(e->dir, &e->text[EXPO_PROMETHEUS], why, sizeof(why)) == 0;
		if (!ok && !e->failed)
			fprintf(stderr, "vmtop: --textfile: %s\n", why);	/* once until it works again */
		e->failed = !ok;
	}
	if (e->http)
		http_listen_publish(e->http, e->text);
}

void export_close(struct exporter *e)
{
	if (!e)
		return;
	http_listen_stop(e->http);
	for (int f = 0; f < EXPO__COUNT; f++)
		expo_text_free(&e->text[f]);
	free(e->dir);
	free(e);
}

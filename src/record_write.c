/* record_write.c - the recorder (-w): each recorded sample compressed into one frame, written by a thread of its
 * own so that a stalled disk never holds up the refreshes; strftime file names and size rotation. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#include "nls.h"
#include "record.h"
#include "util.h"

#define ZSTD_LEVEL 3			/* zstd's default: fast enough to run every refresh (bench/record_cost.sh) */
#define QUEUE_MAX_BYTES (16u << 20)	/* what may wait for a slow disk before samples are dropped */
#define ROTATE_KEEP 9			/* FILE.1 .. FILE.9 */
#define CLOSE_WAIT_SECONDS 5

struct item {
	struct item *next;
	char path[PATH_MAX];
	size_t len;
	unsigned char data[];		/* the frame: head and payload */
};

struct rec_writer {
	struct rec_writer_opts o;
	char pattern[PATH_MAX];
	double last_mono;		/* the last sample recorded (-1: none yet) */
	ZSTD_CCtx *cctx;
	struct rec_buf enc, header;	/* the encoded sample; the header frame's text */
	struct rec_header hdr;
	unsigned long reported_drops;
	/* shared with the thread, under mu */
	pthread_mutex_t mu;
	pthread_cond_t more, done_cv;
	struct item *head, *tail;
	size_t queued;
	bool stop, done;
	unsigned long drops;		/* samples not recorded: the queue was full */
	char error[PATH_MAX + 300];	/* the thread's last write error, "" once reported */
	/* the thread's own */
	pthread_t thread;
	int fd;
	char path[PATH_MAX];
	off_t size;
	bool header_done;		/* this file has this session's header */
};

static void expand(const struct rec_writer *w, double when, char *out, size_t len)
{
	time_t t = (time_t)when;
	struct tm tm;
	if (!strchr(w->pattern, '%') || !localtime_r(&t, &tm) || !strftime(out, len, w->pattern, &tm))
		str_copy(out, w->pattern, len);
}

/* Opens path for appending; refuses a file that is something else than a recording. -1 with why set. */
static int open_recording(const char *path, off_t *size, char *why, size_t whylen)
{
	/* O_NONBLOCK: a FIFO without a reader fails here instead of blocking the start (refused below anyway) */
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK, 0644);
	if (fd < 0) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "%s: %s", path, _("not a regular file"));
		close(fd);
		return -1;
	}
	if (st.st_size > 0) {
		char head[5];
		int rfd = open(path, O_RDONLY | O_CLOEXEC);
		ssize_t n = rfd >= 0 ? pread(rfd, head, 5, 0) : -1;
		if (rfd >= 0)
			close(rfd);
		if (n != 5 || memcmp(head, "vmtR", 4) || head[4] != 'H') {
			snprintf(why, whylen, "%s: %s", path, _("exists and is not a vmtop recording; not appending to it"));
			close(fd);
			return -1;
		}
	}
	fcntl(fd, F_SETFL, O_WRONLY | O_APPEND);
	*size = st.st_size;
	return fd;
}

/* FILE.8 -> FILE.9, ..., FILE -> FILE.1 (the oldest beyond ROTATE_KEEP goes). */
static void rotate(const char *path)
{
	char from[PATH_MAX + 8], to[PATH_MAX + 8];
	for (int k = ROTATE_KEEP - 1; k >= 1; k--) {
		snprintf(from, sizeof(from), "%s.%d", path, k);
		snprintf(to, sizeof(to), "%s.%d", path, k + 1);
		rename(from, to);
	}
	snprintf(to, sizeof(to), "%s.1", path);
	rename(path, to);
}

static void set_error(struct rec_writer *w, const char *path, int err)
{
	pthread_mutex_lock(&w->mu);
	snprintf(w->error, sizeof(w->error), "%s: %s: %s", _("recording"), path, strerror(err));
	pthread_mutex_unlock(&w->mu);
}

/* All of a frame with one write where the disk takes it; a part written is taken back, so that the file holds
 * whole frames (and one cut frame at most, after a crash). */
static bool write_frame(struct rec_writer *w, const unsigned char *p, size_t len)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = write(w->fd, p + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n < 0 ? errno : ENOSPC;
			if (done && ftruncate(w->fd, w->size) < 0)
				(void)0;	/* the reader skips the cut frame */
			set_error(w, w->path, err);
			return false;
		}
		done += (size_t)n;
	}
	w->size += (off_t)len;
	return true;
}

static bool write_header(struct rec_writer *w)
{
	unsigned char head[REC_FRAME_HEAD];
	rec_frame_head(head, 'H', w->header.p, w->header.len, w->hdr.started);
	unsigned char *f = xmalloc(sizeof(head) + w->header.len);
	memcpy(f, head, sizeof(head));
	memcpy(f + sizeof(head), w->header.p, w->header.len);
	bool ok = write_frame(w, f, sizeof(head) + w->header.len);
	free(f);
	w->header_done = ok;
	return ok;
}

/* The file an item goes to: a new name (strftime), or past --w-max-mb. */
static bool file_for(struct rec_writer *w, const struct item *it)
{
	bool rotating = w->o.max_mb > 0 && w->fd >= 0 && w->size > 0 &&
			w->size + (off_t)it->len > (off_t)w->o.max_mb << 20 && !strcmp(it->path, w->path);
	if (w->fd >= 0 && strcmp(it->path, w->path) == 0 && !rotating)
		return w->header_done || write_header(w);
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	if (rotating)
		rotate(it->path);
	char why[PATH_MAX + 100];
	str_copy(w->path, it->path, sizeof(w->path));
	w->fd = open_recording(it->path, &w->size, why, sizeof(why));
	if (w->fd < 0) {
		pthread_mutex_lock(&w->mu);
		str_copy(w->error, why, sizeof(w->error));
		pthread_mutex_unlock(&w->mu);
		return false;
	}
	return write_header(w);
}

static void *writer_thread(void *arg)
{
	struct rec_writer *w = arg;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->head && !w->stop)
			pthread_cond_wait(&w->more, &w->mu);
		struct item *it = w->head;
		if (!it)
			break;
		w->head = it->next;
		if (!w->head)
			w->tail = NULL;
		pthread_mutex_unlock(&w->mu);
		if (file_for(w, it))
			write_frame(w, it->data, it->len);
		pthread_mutex_lock(&w->mu);
		w->queued -= it->len;
		free(it);
	}
	w->done = true;
	pthread_cond_signal(&w->done_cv);
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

struct rec_writer *rec_writer_open(const struct rec_writer_opts *o, const struct host_sample *first, char *why,
				   size_t whylen)
{
	struct rec_writer *w = xcalloc(1, sizeof(*w));
	w->o = *o;
	str_copy(w->pattern, o->pattern, sizeof(w->pattern));
	w->o.pattern = w->pattern;
	w->last_mono = -1;
	w->fd = -1;
	char path[PATH_MAX];
	expand(w, first->realtime, path, sizeof(path));
	w->fd = open_recording(path, &w->size, why, whylen);
	if (w->fd < 0) {
		free(w);
		return NULL;
	}
	str_copy(w->path, path, sizeof(w->path));
	rec_header_here(&w->hdr, first);
	rec_header_text(&w->hdr, &w->header);
	w->cctx = ZSTD_createCCtx();
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->more, NULL);
	pthread_cond_init(&w->done_cv, NULL);
	if (!w->cctx || pthread_create(&w->thread, NULL, writer_thread, w) != 0) {
		snprintf(why, whylen, "%s: %s", path, _("cannot start the recorder"));
		close(w->fd);
		ZSTD_freeCCtx(w->cctx);
		free(w->header.p);
		free(w);
		return NULL;
	}
	return w;
}

void rec_writer_add(struct rec_writer *w, struct host_sample *s)
{
	if (!w)
		return;
	if (w->last_mono >= 0 && s->mono - w->last_mono < w->o.interval * 0.95)
		return;	/* -W: a coarser interval than the refreshes (jitter of a refresh is no reason to skip one) */
	/* what went wrong since the last recorded sample is a warning in this one, recorded with it */
	pthread_mutex_lock(&w->mu);
	if (w->error[0]) {
		host_sample_warn(s, "%s", w->error);
		w->error[0] = '\0';
	}
	if (w->drops != w->reported_drops) {
		host_sample_warn(s, _("recording: %lu samples dropped, the disk is not keeping up"),
				 w->drops - w->reported_drops);
		w->reported_drops = w->drops;
	}
	pthread_mutex_unlock(&w->mu);
	w->last_mono = s->mono;
	w->enc.len = 0;
	rec_encode_sample(&w->enc, s);
	size_t bound = ZSTD_compressBound(w->enc.len);
	struct item *it = xmalloc(sizeof(*it) + REC_FRAME_HEAD + bound);
	size_t n = ZSTD_compressCCtx(w->cctx, it->data + REC_FRAME_HEAD, bound, w->enc.p, w->enc.len, ZSTD_LEVEL);
	if (ZSTD_isError(n)) {
		host_sample_warn(s, "%s: %s", _("recording"), ZSTD_getErrorName(n));
		free(it);
		return;
	}
	rec_frame_head(it->data, 'S', it->data + REC_FRAME_HEAD, n, s->realtime);
	it->len = REC_FRAME_HEAD + n;
	it->next = NULL;
	expand(w, s->realtime, it->path, sizeof(it->path));
	pthread_mutex_lock(&w->mu);
	if (w->queued + it->len > QUEUE_MAX_BYTES) {
		w->drops++;
		free(it);
	} else {
		w->queued += it->len;
		if (w->tail)
			w->tail->next = it;
		else
			w->head = it;
		w->tail = it;
		pthread_cond_signal(&w->more);
	}
	pthread_mutex_unlock(&w->mu);
}

void rec_writer_close(struct rec_writer *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_cond_signal(&w->more);
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += CLOSE_WAIT_SECONDS;
	while (!w->done && pthread_cond_timedwait(&w->done_cv, &w->mu, &until) != ETIMEDOUT)
		;
	bool done = w->done;
	if (w->error[0])
		fprintf(stderr, "vmtop: %s\n", w->error);
	pthread_mutex_unlock(&w->mu);
	if (!done) {
		/* the disk hangs: the thread stays blocked in write() until exit; its memory goes with the process */
		fprintf(stderr, "vmtop: %s: %s\n", w->path, _("the disk did not take the last samples in 5 s; "
							    "they are not recorded"));
		return;
	}
	pthread_join(w->thread, NULL);
	if (w->fd >= 0)
		close(w->fd);
	ZSTD_freeCCtx(w->cctx);
	free(w->enc.p);
	free(w->header.p);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->more);
	pthread_cond_destroy(&w->done_cv);
	free(w);
}

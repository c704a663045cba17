/* record_read.c - reading a recording (-r): an index of its complete, intact records, each decoded on demand. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
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

#define WARNINGS_MAX 16
#define SAMPLE_MAX (256u << 20)	/* a decoded sample larger than this is damage, not 100,000 VMs */

struct rec_entry {
	off_t off;			/* of the payload */
	uint32_t len;
	double when;
	size_t header;			/* index in hdrs */
};

struct rec_reader {
	int fd;
	char name[256];
	struct rec_entry *e;
	size_t n, cap;
	struct rec_header *hdrs;
	size_t nhdrs;
	char warnings[WARNINGS_MAX + 1][300];
	int nwarnings;
	unsigned long damaged;		/* records skipped past WARNINGS_MAX */
	unsigned char *buf, *out;
	size_t bufcap, outcap;
	ZSTD_DCtx *dctx;
};

static void warn(struct rec_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct rec_reader *r, const char *fmt, ...)
{
	if (r->nwarnings >= WARNINGS_MAX) {
		r->damaged++;
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->warnings[r->nwarnings++], sizeof(r->warnings[0]), fmt, ap);
	va_end(ap);
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static double le_double(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	double d;
	memcpy(&d, &v, 8);
	return d;
}

static bool read_at(int fd, void *buf, size_t len, off_t off)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, off + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		done += (size_t)n;
	}
	return true;
}

static unsigned char *grow(unsigned char **p, size_t *cap, size_t need)
{
	if (need > *cap) {
		*cap = need;
		*p = xrealloc(*p, need);
	}
	return *p;
}

/* The next "vmtR" at or after from, or size when there is none. */
static off_t next_magic(struct rec_reader *r, off_t from, off_t size)
{
	unsigned char chunk[65536 + 3];
	for (off_t at = from; at < size; at += 65536) {
		size_t want = (size_t)(size - at < (off_t)sizeof(chunk) ? size - at : (off_t)sizeof(chunk));
		if (!read_at(r->fd, chunk, want, at))
			return size;
		for (size_t i = 0; i + 4 <= want; i++)
			if (!memcmp(chunk + i, "vmtR", 4))
				return at + (off_t)i;
	}
	return size;
}

/* Whether off is the end or the start of a frame: a damaged frame's length is trusted only then. */
static bool frame_at(struct rec_reader *r, off_t off, off_t size)
{
	unsigned char m[4];
	return off == size || (off < size && read_at(r->fd, m, 4, off) && !memcmp(m, "vmtR", 4));
}

/* Reads every frame head, checks every payload: the index, the headers and the warnings. -1: a fatal why. */
static int scan(struct rec_reader *r, double begin, double end, char *why, size_t whylen)
{
	struct stat st;
	if (fstat(r->fd, &st) < 0) {
		snprintf(why, whylen, "%s: %s", r->name, strerror(errno));
		return -1;
	}
	off_t size = st.st_size, off = 0;
	unsigned char head[REC_FRAME_HEAD];
	if (size < REC_FRAME_HEAD || !read_at(r->fd, head, REC_FRAME_HEAD, 0) || memcmp(head, "vmtR", 4) ||
	    head[4] != 'H') {
		snprintf(why, whylen, "%s: %s", r->name, _("not a vmtop recording"));
		return -1;
	}
	while (off < size) {
		if (size - off < REC_FRAME_HEAD || !read_at(r->fd, head, REC_FRAME_HEAD, off)) {
			warn(r, _("%s ends inside a record at byte %lld (cut short?): replaying the %zu complete records "
				  "before it"), r->name, (long long)off, r->n);
			break;
		}
		if (memcmp(head, "vmtR", 4)) {
			off_t next = next_magic(r, off + 1, size);
			warn(r, _("%s: %lld damaged bytes at byte %lld skipped"), r->name, (long long)(next - off),
			     (long long)off);
			off = next;
			continue;
		}
		uint32_t len = le32(head + 8);
		off_t payload = off + REC_FRAME_HEAD;
		if (len > REC_FRAME_MAX) {
			off_t next = next_magic(r, off + 1, size);
			warn(r, _("%s: damaged record at byte %lld (length %u) skipped"), r->name, (long long)off, len);
			off = next;
			continue;
		}
		if ((off_t)len > size - payload) {
			/* cut short, unless a frame follows inside it (a damaged length) */
			off_t next = next_magic(r, off + 1, size);
			if (next < size) {
				warn(r, _("%s: damaged record at byte %lld skipped"), r->name, (long long)off);
				off = next;
				continue;
			}
			warn(r, _("%s ends inside a record at byte %lld (cut short?): replaying the %zu complete records "
				  "before it"), r->name, (long long)off, r->n);
			break;
		}
		grow(&r->buf, &r->bufcap, len ? len : 1);
		if (!read_at(r->fd, r->buf, len, payload)) {
			warn(r, _("%s: cannot read the record at byte %lld"), r->name, (long long)off);
			break;
		}
		if (rec_crc32(rec_crc32(0, head + 4, 16), r->buf, len) != le32(head + 20)) {
			off_t next = payload + len;
			if (!frame_at(r, next, size))
				next = next_magic(r, off + 1, size);
			warn(r, _("%s: damaged record at byte %lld (checksum) skipped"), r->name, (long long)off);
			off = next;
			continue;
		}
		double when = le_double(head + 12);
		if (head[4] == 'H') {
			struct rec_header h;
			char err[300];
			if (!rec_header_parse((const char *)r->buf, len, &h, err, sizeof(err))) {
				if (h.version > REC_FORMAT_VERSION) {
					snprintf(why, whylen, "%s: %s", r->name, err);
					return -1;
				}
				warn(r, _("%s: damaged header at byte %lld skipped"), r->name, (long long)off);
			} else {
				r->hdrs = xrealloc(r->hdrs, (r->nhdrs + 1) * sizeof(*r->hdrs));
				r->hdrs[r->nhdrs++] = h;
			}
		} else if (head[4] == 'S' && r->nhdrs > 0) {
			if ((begin <= 0 || when >= begin) && (end <= 0 || when <= end)) {
				if (r->n == r->cap) {
					r->cap = r->cap ? 2 * r->cap : 64;
					r->e = xrealloc(r->e, r->cap * sizeof(*r->e));
				}
				r->e[r->n++] = (struct rec_entry){ payload, len, when, r->nhdrs - 1 };
			}
		}	/* other types: a later vmtop's, skipped */
		off = payload + len;
	}
	if (r->damaged)
		warn(r, _("%s: %lu more damaged records skipped"), r->name, r->damaged);
	if (!r->n) {
		snprintf(why, whylen, "%s: %s", r->name,
			 begin > 0 || end > 0 ? _("no record between --begin and --end") : _("no complete record"));
		return -1;
	}
	return 0;
}

struct rec_reader *rec_reader_open_fd(int fd, const char *name, double begin, double end, char *why,
				      size_t whylen)
{
	struct rec_reader *r = xcalloc(1, sizeof(*r));
	r->fd = fd;
	str_copy(r->name, name, sizeof(r->name));
	r->dctx = ZSTD_createDCtx();
	if (!r->dctx || scan(r, begin, end, why, whylen) < 0) {
		rec_reader_close(r);
		return NULL;
	}
	return r;
}

struct rec_reader *rec_reader_open(const char *path, double begin, double end, char *why, size_t whylen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	return rec_reader_open_fd(fd, path, begin, end, why, whylen);
}

size_t rec_reader_count(const struct rec_reader *r)
{
	return r->n;
}

double rec_reader_time(const struct rec_reader *r, size_t i)
{
	return i < r->n ? r->e[i].when : 0;
}

const struct rec_header *rec_reader_header(const struct rec_reader *r, size_t i)
{
	return &r->hdrs[i < r->n ? r->e[i].header : 0];
}

const char *rec_reader_warning(const struct rec_reader *r, int n)
{
	return n >= 0 && n < r->nwarnings ? r->warnings[n] : NULL;
}

size_t rec_reader_find(const struct rec_reader *r, double t)
{
	size_t i = 0;
	while (i < r->n && r->e[i].when < t)
		i++;
	return i;
}

bool rec_reader_load(struct rec_reader *r, size_t i, struct host_sample *s, char *why, size_t whylen)
{
	if (i >= r->n) {
		snprintf(why, whylen, "%s", "no such record");
		return false;
	}
	const struct rec_entry *e = &r->e[i];
	grow(&r->buf, &r->bufcap, e->len ? e->len : 1);
	if (!read_at(r->fd, r->buf, e->len, e->off)) {
		snprintf(why, whylen, "%s", _("cannot read it"));
		return false;
	}
	unsigned long long n = ZSTD_getFrameContentSize(r->buf, e->len);
	if (n == ZSTD_CONTENTSIZE_ERROR || n == ZSTD_CONTENTSIZE_UNKNOWN || n > SAMPLE_MAX) {
		snprintf(why, whylen, "%s", _("not a zstd frame of a sample"));
		return false;
	}
	grow(&r->out, &r->outcap, n ? n : 1);
	size_t got = ZSTD_decompressDCtx(r->dctx, r->out, n, r->buf, e->len);
	if (ZSTD_isError(got) || got != n) {
		snprintf(why, whylen, "%s", ZSTD_isError(got) ? ZSTD_getErrorName(got) : "short");
		return false;
	}
	const struct rec_header *h = rec_reader_header(r, i);
	if (!rec_decode_sample(r->out, got, s, why, whylen)) {
		host_sample_clear(s);
		return false;
	}
	/* what the sample lacks, its header says (a sample always carries them since format 1) */
	if (s->clk_tck <= 0)
		s->clk_tck = h->clk_tck;
	if (s->page_size <= 0)
		s->page_size = h->page_size;
	return true;
}

bool rec_parse_time(const char *text, double ref, double *out)
{
	char *end;
	if (text[0] == '@') {
		errno = 0;
		double v = strtod(text + 1, &end);
		if (errno || end == text + 1 || *end || v <= 0)
			return false;
		*out = v;
		return true;
	}
	static const char *const full[] = { "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M",
					     "%Y-%m-%dT%H:%M", "%Y-%m-%d" };
	static const char *const clock[] = { "%H:%M:%S", "%H:%M" };
	struct tm tm;
	for (size_t i = 0; i < sizeof(full) / sizeof(full[0]); i++) {
		memset(&tm, 0, sizeof(tm));
		end = strptime(text, full[i], &tm);
		if (end && !*end) {
			tm.tm_isdst = -1;
			time_t t = mktime(&tm);
			if (t == (time_t)-1)
				return false;
			*out = (double)t;
			return true;
		}
	}
	time_t r = (time_t)ref;
	for (size_t i = 0; i < sizeof(clock) / sizeof(clock[0]); i++) {
		struct tm day;
		if (!localtime_r(&r, &day))
			return false;
		memset(&tm, 0, sizeof(tm));
		end = strptime(text, clock[i], &tm);
		if (end && !*end) {
			day.tm_hour = tm.tm_hour;
			day.tm_min = tm.tm_min;
			day.tm_sec = tm.tm_sec;
			day.tm_isdst = -1;
			time_t t = mktime(&day);
			if (t == (time_t)-1)
				return false;
			*out = (double)t;
			return true;
		}
	}
	return false;
}

void rec_reader_close(struct rec_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	ZSTD_freeDCtx(r->dctx);
	free(r->e);
	free(r->hdrs);
	free(r->buf);
	free(r->out);
	free(r);
}

/* record.h - vmtop recordings: raw host samples appended to a file (-w), read back for replay (-r). */
#ifndef VMTOP_RECORD_H
#define VMTOP_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "sample.h"

/*
 * A recording is a run of frames. Each frame: 24 bytes, then its payload:
 *   "vmtR"  magic, to find the next frame after a damaged one
 *   u8      type: 'H' a header (text key=value lines), 'S' a sample (zstd of the encoded sample parts)
 *   u8[3]   zero
 *   u32 LE  payload length
 *   f64 LE  the sample's wall clock (the header's: when the recorder started)
 *   u32 LE  CRC-32 of bytes 4..19 and the payload
 * A session appends one header, then one frame per recorded sample, each with one write(): a frame is there
 * whole or it is the last, cut one. The header says the format version; a reader refuses a newer one.
 */
#define REC_FORMAT_VERSION 1
#define REC_FRAME_HEAD 24
#define REC_FRAME_MAX (64u << 20)	/* no sample compresses to more: a bigger length is damage */

/* What a header says: the host and the vmtop that recorded what follows it. */
struct rec_header {
	int version;
	char host[65];
	char kernel[160];
	char vmtop[32];
	char sources[256];		/* "stat=proc threads=bpf ..." of the recorder's first sample */
	int ncpus;
	long clk_tck;
	long page_size;
	double started;			/* wall clock */
};

/* record_frame.c: the header this host and this vmtop would write, with the sources of the first sample s. */
void rec_header_here(struct rec_header *h, const struct host_sample *s);

/* record_codec.c: a sample to bytes and back, one encoder and decoder per part (its table). */
struct rec_buf {
	unsigned char *p;
	size_t len, cap;
};
/* Appends n bytes, growing the buffer. */
void rec_buf_add(struct rec_buf *b, const void *p, size_t n);
void rec_encode_sample(struct rec_buf *b, const struct host_sample *s);
/* Fills s (initialised, empty) from data; false with why set when the bytes do not make a sample (s then
 * holds what was decoded and must be cleared). */
bool rec_decode_sample(const unsigned char *data, size_t len, struct host_sample *s, char *why, size_t whylen);
/* record_frame.c: the 24-byte head for a payload, and the CRC-32 it carries. */
void rec_frame_head(unsigned char head[REC_FRAME_HEAD], char type, const unsigned char *payload, size_t len,
		    double when);
unsigned rec_crc32(unsigned crc, const unsigned char *p, size_t n);
/* The header as payload text, and back (false, why set: not a header, or a version this vmtop cannot read). */
void rec_header_text(const struct rec_header *h, struct rec_buf *b);
bool rec_header_parse(const char *text, size_t len, struct rec_header *h, char *why, size_t whylen);

/* record_write.c: the recorder. */
struct rec_writer_opts {
	const char *pattern;		/* file name, strftime patterns expanded at each sample's time */
	double interval;		/* seconds between recorded samples, 0: every sample */
	long max_mb;			/* rotate past this many MiB (FILE.1, FILE.2, ...), 0: never */
};
struct rec_writer;
/* Opens the first file now (so that a bad path is one error at start); NULL with why set. */
struct rec_writer *rec_writer_open(const struct rec_writer_opts *o, const struct host_sample *first, char *why,
				   size_t whylen);
/* Records s when interval has passed since the last recorded one; never blocks on the disk (a writer thread
 * writes; when it is far behind the sample is dropped and counted, and a warning goes into the next sample). */
void rec_writer_add(struct rec_writer *w, struct host_sample *s);
/* Flushes what is queued (waiting at most a few seconds for a stalled disk) and closes. */
void rec_writer_close(struct rec_writer *w);

/* record_read.c: the reader. */
struct rec_reader;
/* Indexes the recording at path (or fd, which it then owns) from begin to end (wall clock; 0: open ends).
 * Complete records only: one warning for a file cut inside a record, one for each damaged record skipped (see
 * rec_reader_warning). NULL with why set when it is no recording, a newer format, or has no record. */
struct rec_reader *rec_reader_open(const char *path, double begin, double end, char *why, size_t whylen);
struct rec_reader *rec_reader_open_fd(int fd, const char *name, double begin, double end, char *why,
				      size_t whylen);
size_t rec_reader_count(const struct rec_reader *r);
double rec_reader_time(const struct rec_reader *r, size_t i);
/* The header the i-th record was written under. */
const struct rec_header *rec_reader_header(const struct rec_reader *r, size_t i);
/* Decodes record i into s (initialised, empty); false (why set, s cleared) when it does not decode. */
bool rec_reader_load(struct rec_reader *r, size_t i, struct host_sample *s, char *why, size_t whylen);
/* The warnings of the scan, one per line (NULL when none); each is printed once by whoever opened it. */
const char *rec_reader_warning(const struct rec_reader *r, int n);
/* The first record at or after wall clock t (count when none). */
size_t rec_reader_find(const struct rec_reader *r, double t);
void rec_reader_close(struct rec_reader *r);
/* A time as --begin, --end and the replay's g take it: "@EPOCH", "YYYY-MM-DD[ HH:MM[:SS]]" (also with T), or
 * "HH:MM[:SS]" on the day of ref (local time). */
bool rec_parse_time(const char *text, double ref, double *out);

/* The replay cursor the session moves and the replay source reads (collect_replay.c). */
struct rec_cursor {
	struct rec_reader *r;
	size_t next;			/* the record the next sample is */
	size_t at;			/* the record the last sample was */
	bool end;			/* the last sample asked for was past the end */
};

#endif

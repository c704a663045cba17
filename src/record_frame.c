/* record_frame.c - a recording's framing: each frame's head (type, length, time, CRC-32 of both) and the text
 * header (format version, host, kernel, sources) that opens each file. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "record.h"
#include "util.h"

unsigned rec_crc32(unsigned crc, const unsigned char *p, size_t n)
{
	static unsigned table[256];
	if (!table[1])
		for (unsigned i = 0; i < 256; i++) {
			unsigned c = i;
			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
	crc = ~crc;
	for (size_t i = 0; i < n; i++)
		crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static void le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

void rec_frame_head(unsigned char head[REC_FRAME_HEAD], char type, const unsigned char *payload, size_t len,
		    double when)
{
	memcpy(head, "vmtR", 4);
	head[4] = (unsigned char)type;
	head[5] = head[6] = head[7] = 0;
	le32(head + 8, (uint32_t)len);
	uint64_t v;
	memcpy(&v, &when, 8);
	for (int i = 0; i < 8; i++)
		head[12 + i] = (unsigned char)(v >> (8 * i));
	le32(head + 20, rec_crc32(rec_crc32(0, head + 4, 16), payload, len));
}

void rec_header_here(struct rec_header *h, const struct host_sample *s)
{
	memset(h, 0, sizeof(*h));
	h->version = REC_FORMAT_VERSION;
	struct utsname u;
	if (uname(&u) == 0) {
		str_copy(h->host, u.nodename, sizeof(h->host));
		char k[sizeof(u.sysname) + sizeof(u.release) + sizeof(u.machine) + 2];
		snprintf(k, sizeof(k), "%s %s %s", u.sysname, u.release, u.machine);
		str_copy(h->kernel, k, sizeof(h->kernel));
	}
	str_copy(h->vmtop, PACKAGE_VERSION, sizeof(h->vmtop));
	size_t n = 0;
	for (int p = 0; p < PART__COUNT && n < sizeof(h->sources); p++)
		n += (size_t)snprintf(h->sources + n, sizeof(h->sources) - n, "%s%s=%s", p ? " " : "",
				      sample_part_name((enum sample_part)p),
				      s->sources[p].name[0] ? s->sources[p].name : "-");
	h->ncpus = s->ncpus;
	h->clk_tck = s->clk_tck;
	h->page_size = s->page_size;
	h->started = s->realtime;
}

/* One "key=value" line; values never hold a newline (replaced). */
static void header_line(struct rec_buf *b, const char *key, const char *value)
{
	rec_buf_add(b, key, strlen(key));
	rec_buf_add(b, "=", 1);
	for (const char *p = value; *p; p++)
		rec_buf_add(b, *p == '\n' ? " " : p, 1);
	rec_buf_add(b, "\n", 1);
}

void rec_header_text(const struct rec_header *h, struct rec_buf *b)
{
	char num[64];
	header_line(b, "vmtop-recording", "raw host samples; see vmtop(1), RECORDING");
	snprintf(num, sizeof(num), "%d", h->version);
	header_line(b, "format", num);
	header_line(b, "host", h->host);
	header_line(b, "kernel", h->kernel);
	header_line(b, "vmtop", h->vmtop);
	header_line(b, "sources", h->sources);
	snprintf(num, sizeof(num), "%d", h->ncpus);
	header_line(b, "cpus", num);
	snprintf(num, sizeof(num), "%ld", h->clk_tck);
	header_line(b, "clock_ticks", num);
	snprintf(num, sizeof(num), "%ld", h->page_size);
	header_line(b, "page_size", num);
	snprintf(num, sizeof(num), "%.6f", h->started);
	header_line(b, "started", num);
	header_line(b, "compression", "zstd");
}

bool rec_header_parse(const char *text, size_t len, struct rec_header *h, char *why, size_t whylen)
{
	memset(h, 0, sizeof(*h));
	h->version = -1;
	bool magic = false;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		const char *eq = memchr(p, '=', (size_t)(nl - p));
		if (eq) {
			char key[32], val[256];
			size_t kl = (size_t)(eq - p), vl = (size_t)(nl - eq - 1);
			if (kl < sizeof(key)) {
				memcpy(key, p, kl);
				key[kl] = '\0';
				if (vl >= sizeof(val))
					vl = sizeof(val) - 1;
				memcpy(val, eq + 1, vl);
				val[vl] = '\0';
				if (memchr(val, '\0', vl))
					val[0] = '\0';
				if (!strcmp(key, "vmtop-recording"))
					magic = true;
				else if (!strcmp(key, "format"))
					h->version = atoi(val);
				else if (!strcmp(key, "host"))
					str_copy(h->host, val, sizeof(h->host));
				else if (!strcmp(key, "kernel"))
					str_copy(h->kernel, val, sizeof(h->kernel));
				else if (!strcmp(key, "vmtop"))
					str_copy(h->vmtop, val, sizeof(h->vmtop));
				else if (!strcmp(key, "sources"))
					str_copy(h->sources, val, sizeof(h->sources));
				else if (!strcmp(key, "cpus"))
					h->ncpus = atoi(val);
				else if (!strcmp(key, "clock_ticks"))
					h->clk_tck = atol(val);
				else if (!strcmp(key, "page_size"))
					h->page_size = atol(val);
				else if (!strcmp(key, "started"))
					h->started = atof(val);
			}
		}
		p = nl + 1;
	}
	if (!magic || h->version < 1) {
		snprintf(why, whylen, "%s", "not a vmtop recording header");
		return false;
	}
	if (h->version > REC_FORMAT_VERSION) {
		snprintf(why, whylen, "recorded in format %d by vmtop %s; this vmtop (%s) reads format %d at most: "
			 "replay it with a newer vmtop", h->version, h->vmtop[0] ? h->vmtop : "?", PACKAGE_VERSION,
			 REC_FORMAT_VERSION);
		return false;
	}
	return true;
}

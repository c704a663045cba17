/* fmt.h - number formatting shared by the views: "-" for unknown, sizes with units. */
#ifndef VMTOP_FMT_H
#define VMTOP_FMT_H

#include <stddef.h>

/* "%.1f" of a percentage, or "-" when NAN. Returns buf. */
const char *fmt_pct(char *buf, size_t len, double v);
/* Rounds the parts of a total to multiples of unit (0.1 for "%.1f") so that the known ones (NAN stays NAN)
 * add up to the total rounded the same way, by largest remainder; returns that total. Printed each on its
 * own, GUEST 24.96 + VMM 24.96 would show 25.0 + 25.0 beside a TOTAL of 49.9. */
double fmt_round_split(double total, double *parts, int n, double unit);
/* KiB as "512M", "1.5G", "-" when negative. */
const char *fmt_kib(char *buf, size_t len, long long kib);
/* Bytes per second as "12.3K", "4.0M". */
const char *fmt_rate(char *buf, size_t len, double bytes_per_s);
/* Seconds as "3 days, 04:05" like uptime. */
const char *fmt_uptime(char *buf, size_t len, double seconds);
/* Bytes of the well-formed UTF-8 character at s (1 for ASCII), 0 when ill-formed (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF). */
size_t fmt_utf8_len(const char *s);
/* A name safe for a terminal: control characters and ill-formed UTF-8 become '?'; with width > 0, cut to at
 * most width characters and padded with spaces to width (names come from command lines anyone can set). */
const char *fmt_name(char *buf, size_t len, const char *s, int width);

#endif

/* fmt.h - formatting shared by the views: "-" for unknown, sizes with units, names made safe for a terminal. */
#ifndef VMTOP_FMT_H
#define VMTOP_FMT_H

#include <stdbool.h>
#include <stddef.h>

/* printf's "%.*f" of v, without printf for 0 or 1 decimals but near a tie. Returns buf. */
const char *fmt_fixed(char *buf, size_t len, double v, int decimals);
/* "%.1f" of a percentage, or "-" when NAN. Returns buf. */
const char *fmt_pct(char *buf, size_t len, double v);
/* A rate per second, whole ("%.0f"), or "-" when NAN. Returns buf. */
const char *fmt_per_s(char *buf, size_t len, double v);
/* GUEST% as the views show it: fmt_pct of guest after '~' when it is estimated from perf samples and '!' when it
 * includes a material world switch (includes_switch 1) (frequent exits); unknown is "-", unmarked. Returns buf. */
const char *fmt_guest(char *buf, size_t len, double guest, bool estimated, int includes_switch);
/* A top exit (exits_stat.top_ev, top): a kvm_exit reason, or an exit to the VMM where kvm_exit is not seen; NULL
 * when there is none. */
const char *fmt_exit_top(char *buf, size_t len, int ev, unsigned long long arg);
/* The note beside a GUEST marked '!': on how many vCPUs, and how the backend switches (guest_switch: "software",
 * "hardware" or NULL). Returns buf. */
const char *fmt_switch_note(char *buf, size_t len, int vcpus, const char *guest_switch);
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
/* The one rule for text from outside (VM names come from command lines anyone can set): bytes at s up to the next
 * character, and in *width its display width, or -1 when it must show as '?': ill-formed UTF-8 (one byte), C0,
 * DEL, C1 (U+0080-009F), zero-width characters and what the locale cannot print (wcwidth). */
size_t fmt_safe_char(const char *s, int *width);
/* s made safe (each unsafe character one '?') and cut to at most width columns (width <= 0: no cut) and to len;
 * the columns used in *used when not NULL. Returns buf. */
const char *fmt_text(char *buf, size_t len, const char *s, int width, int *used);
/* fmt_text padded with spaces to width columns. */
const char *fmt_name(char *buf, size_t len, const char *s, int width);

#endif

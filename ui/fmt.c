/* fmt.c - formatting shared by the views: "-" for unknown, sizes with units, names made safe for a terminal. */
#include "config.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>
#include <stdio.h>
#include <wchar.h>

#include "bpf/exits_events.h"
#include "exit_names.h"
#include "fmt.h"
#include "nls.h"
#include "util.h"

/* v with decimals (0 or 1) fraction digits into buf as printf's "%.*f" puts them, or false where the rounding
 * could differ from printf's (near a tie) or v is out of range: printf's %.1f costs ~1,000 instructions, a third
 * of a text refresh, these digits by hand a tenth of that. */
static bool fixed_digits(char *buf, size_t len, double v, int decimals)
{
	double x = decimals ? v * 10 : v;
	if (decimals < 0 || decimals > 1 || !(fabs(x) < 1e9))
		return false;
	long long r = llround(x);
	if (fabs(fabs(x - (double)r) - 0.5) <= 1e-6)
		return false;
	char tmp[24];
	int n = 0;
	unsigned long long a = r < 0 ? (unsigned long long)-r : (unsigned long long)r;
	if (decimals) {
		tmp[n++] = (char)('0' + a % 10);
		tmp[n++] = '.';
		a /= 10;
	}
	do {
		tmp[n++] = (char)('0' + a % 10);
		a /= 10;
	} while (a);
	if (r < 0 || (r == 0 && signbit(v)))
		tmp[n++] = '-';
	if ((size_t)n >= len)
		return false;
	for (int i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
	return true;
}

const char *fmt_fixed(char *buf, size_t len, double v, int decimals)
{
	if (!fixed_digits(buf, len, v, decimals))
		snprintf(buf, len, "%.*f", decimals, v);
	return buf;
}

const char *fmt_pct(char *buf, size_t len, double v)
{
	return isnan(v) ? str_copy(buf, "-", len) : fmt_fixed(buf, len, v, 1);
}

const char *fmt_per_s(char *buf, size_t len, double v)
{
	return isnan(v) ? str_copy(buf, "-", len) : fmt_fixed(buf, len, v, 0);
}

const char *fmt_guest(char *buf, size_t len, double guest, bool estimated, int includes_switch)
{
	char pct[24];
	fmt_pct(pct, sizeof(pct), guest);
	bool known = !isnan(guest);
	size_t o = 0;
	if (known && estimated && o + 1 < len)
		buf[o++] = '~';
	if (known && includes_switch == 1 && o + 1 < len)
		buf[o++] = '!';
	str_copy(buf + o, pct, len - o);
	return buf;
}

const char *fmt_switch_note(char *buf, size_t len, int vcpus, const char *guest_switch)
{
	snprintf(buf, len, _("GUEST! (vCPUs: %d): entering and leaving the guest (many exits) is a good part of GUEST%s"),
		 vcpus, !guest_switch ? "" : !strcmp(guest_switch, "software") ? _(" (kvm_pvm: a software switch)") :
		 !strcmp(guest_switch, "nested") ? _(" (nested: each switch emulated)") : "");
	return buf;
}

double fmt_round_split(double total, double *parts, int n, double unit)
{
	enum { MAX_PARTS = 8 };
	if (isnan(total) || isinf(total) || !(unit > 0) || n > MAX_PARTS)
		return total;
	long long want = llround(total / unit), got = 0, q[MAX_PARTS];
	double rem[MAX_PARTS];
	for (int i = 0; i < n; i++) {
		if (isnan(parts[i]))
			continue;
		double x = parts[i] / unit;
		q[i] = (long long)floor(x);
		rem[i] = x - (double)q[i];
		got += q[i];
	}
	/* each unit short goes to the largest remainder not yet served; one too many comes off the smallest */
	bool served[MAX_PARTS] = { false };
	while (got != want) {
		int best = -1;
		for (int i = 0; i < n; i++) {
			if (isnan(parts[i]) || served[i] || (got > want && q[i] <= 0))
				continue;
			if (best < 0 || (got < want ? rem[i] > rem[best] : rem[i] < rem[best]))
				best = i;
		}
		if (best < 0)
			break;
		served[best] = true;
		q[best] += got < want ? 1 : -1;
		got += got < want ? 1 : -1;
	}
	for (int i = 0; i < n; i++)
		if (!isnan(parts[i]))
			parts[i] = (double)q[i] * unit;
	return (double)want * unit;
}

static const char *scaled(char *buf, size_t len, double v, const char *units)
{
	int u = 0;
	while (v >= 1024 && units[u + 1]) {
		v /= 1024;
		u++;
	}
	int decimals = u == 0 || v >= 100 ? 0 : 1;
	if (len > 1 && fixed_digits(buf, len - 1, v, decimals)) {	/* one byte left for the unit */
		size_t n = strlen(buf);
		buf[n] = units[u];
		buf[n + 1] = '\0';
	} else {
		snprintf(buf, len, "%.*f%c", decimals, v, units[u]);
	}
	return buf;
}

const char *fmt_kib(char *buf, size_t len, long long kib)
{
	if (kib < 0) {
		snprintf(buf, len, "-");
		return buf;
	}
	return scaled(buf, len, (double)kib, "KMGTP");
}

const char *fmt_rate(char *buf, size_t len, double bytes_per_s)
{
	if (isnan(bytes_per_s)) {
		snprintf(buf, len, "-");
		return buf;
	}
	return scaled(buf, len, bytes_per_s, "BKMGT");
}

const char *fmt_uptime(char *buf, size_t len, double seconds)
{
	if (seconds < 0 || isnan(seconds)) {
		snprintf(buf, len, "-");
		return buf;
	}
	long s = (long)seconds, days = s / 86400, hours = s % 86400 / 3600, mins = s % 3600 / 60;
	if (days)
		snprintf(buf, len, "%ld day%s, %2ld:%02ld", days, days == 1 ? "" : "s", hours, mins);
	else
		snprintf(buf, len, "%2ld:%02ld", hours, mins);
	return buf;
}

size_t fmt_utf8_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char c = p[0];
	if (c < 0x80)
		return 1;
	size_t len = c < 0xc2 ? 0 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : c < 0xf5 ? 4 : 0;
	if (!len)
		return 0;
	/* the second byte's range narrows for E0 (no overlong), ED (no surrogates), F0 and F4 */
	unsigned char lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : 0x80;
	unsigned char hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : 0xbf;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/* The code point of the well-formed UTF-8 character of n bytes at s. */
static unsigned long utf8_decode(const unsigned char *s, size_t n)
{
	static const unsigned char lead_mask[] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	unsigned long cp = s[0] & lead_mask[n];
	for (size_t i = 1; i < n; i++)
		cp = cp << 6 | (s[i] & 0x3f);
	return cp;
}

size_t fmt_safe_char(const char *s, int *width)
{
	size_t n = fmt_utf8_len(s);
	if (n == 0) {
		*width = -1;
		return 1;
	}
	unsigned long cp = utf8_decode((const unsigned char *)s, n);
	/* C0, DEL and C1 (U+0080-009F: \xc2\x9b is CSI to many terminals) never pass; zero-width characters
	 * neither (bidi overrides reorder the columns), nor what this locale cannot show (wcwidth < 0) */
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
		*width = -1;
		return n;
	}
	int w = cp < 0x7f ? 1 : wcwidth((wchar_t)cp);
	*width = w > 0 ? w : -1;
	return n;
}

const char *fmt_text(char *buf, size_t len, const char *s, int width, int *used)
{
	size_t o = 0;
	int cols = 0;
	while (*s) {
		int w = 1;
		/* printable ASCII, most of any name, without the UTF-8 decoding */
		size_t n = *s >= 0x20 && *s < 0x7f ? 1 : fmt_safe_char(s, &w);
		bool bad = w < 0;
		size_t out = bad ? 1 : n;
		if (bad)
			w = 1;
		if ((width > 0 && cols + w > width) || o + out >= len)
			break;
		if (bad)
			buf[o] = '?';
		else
			memcpy(buf + o, s, n);
		o += out;
		s += n;
		cols += w;
	}
	buf[o] = '\0';
	if (used)
		*used = cols;
	return buf;
}

const char *fmt_name(char *buf, size_t len, const char *s, int width)
{
	int cols;
	fmt_text(buf, len, s, width, &cols);
	size_t o = strlen(buf);
	while (width > 0 && cols < width && o + 1 < len) {
		buf[o++] = ' ';
		cols++;
	}
	buf[o] = '\0';
	return buf;
}

const char *fmt_exit_top(char *buf, size_t len, int ev, unsigned long long arg)
{
	if (ev == EXITS_EV_EXIT)
		return exit_reason_name(arg, buf, len);
	if (ev == EXITS_EV_USER)
		return exit_userspace_name(arg, buf, len);
	return NULL;
}

/* fmt.c - number formatting shared by the views: "-" for unknown, sizes with units. */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include "fmt.h"

const char *fmt_pct(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f", v);
	return buf;
}

static const char *scaled(char *buf, size_t len, double v, const char *units)
{
	int u = 0;
	while (v >= 1024 && units[u + 1]) {
		v /= 1024;
		u++;
	}
	if (u == 0 || v >= 100)
		snprintf(buf, len, "%.0f%c", v, units[u]);
	else
		snprintf(buf, len, "%.1f%c", v, units[u]);
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

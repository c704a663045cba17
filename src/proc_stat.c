/* proc_stat.c - parses /proc stat lines (fields as in proc(5)) without sscanf's cost per field. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "proc_stat.h"

enum {
	F_STATE = 3, F_FLAGS = 9, F_MAJFLT = 12, F_UTIME = 14, F_STIME = 15, F_THREADS = 20, F_START = 22, F_RSS = 24,
	F_PROCESSOR = 39, F_GTIME = 43,
};

bool proc_stat_parse(const char *line, struct proc_stat *ps)
{
	const char *open = strchr(line, '('), *close = strrchr(line, ')');
	if (!open || !close || close < open || close[1] != ' ')
		return false;
	memset(ps, 0, sizeof(*ps));
	size_t len = (size_t)(close - open - 1);
	if (len >= sizeof(ps->comm))
		len = sizeof(ps->comm) - 1;
	memcpy(ps->comm, open + 1, len);
	ps->comm[len] = '\0';
	const char *p = close + 2;
	ps->state = *p;
	if (!ps->state || p[1] != ' ')
		return false;
	p += 2;
	int field = F_STATE + 1;
	/* guest_time (43) is missing only on kernels older than 2.6.24: then it stays 0 */
	for (; *p && field <= F_GTIME; field++) {
		char *end;
		unsigned long long v = strtoull(p, &end, 10);
		if (end == p)	/* signed fields (ppid, nice) parse too: strtoull takes a '-' */
			return false;
		switch (field) {
		case F_FLAGS: ps->flags = (unsigned long)v; break;
		case F_MAJFLT: ps->majflt = v; break;
		case F_UTIME: ps->utime = v; break;
		case F_STIME: ps->stime = v; break;
		case F_THREADS: ps->num_threads = (long)v; break;
		case F_START: ps->start_ticks = v; break;
		case F_RSS: ps->rss_pages = v; break;
		case F_PROCESSOR: ps->processor = (int)v; break;
		case F_GTIME: ps->gtime = v; break;
		}
		p = end;
		while (*p == ' ')
			p++;
	}
	return field > F_PROCESSOR;
}

/* fmt_mem.c - the memory figures as views print them: the KSM header line shared by batch text and curses. */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "fmt.h"
#include "fmt_mem.h"
#include "nls.h"

const char *fmt_ksm_line(char *buf, size_t len, const struct host_stat *h)
{
	const long long *k = h->mem.ksm;
	buf[0] = '\0';
	if (!h->mem.valid || k[KSM_RUN] == MEM_UNKNOWN_SIGNED)
		return buf;
	long long page_kib = h->page_kib;
	char sharing[16], shared[16];
	bool counted = k[KSM_PAGES_SHARING] != MEM_UNKNOWN_SIGNED && k[KSM_PAGES_SHARED] != MEM_UNKNOWN_SIGNED;
	if (counted) {
		fmt_kib(sharing, sizeof(sharing), k[KSM_PAGES_SHARING] * page_kib);
		fmt_kib(shared, sizeof(shared), k[KSM_PAGES_SHARED] * page_kib);
	}
	/* run: 0 stopped (merged pages stay merged), 1 running, 2 unmerging everything */
	if (k[KSM_RUN] != 1) {
		if (counted && k[KSM_PAGES_SHARING] > 0)
			snprintf(buf, len, _("KSM off (%s still shared in %s)"), sharing, shared);
		else
			snprintf(buf, len, "%s", _("KSM off"));
	} else if (counted) {
		snprintf(buf, len, _("KSM: %s shared in %s, %lld full scans"), sharing, shared,
			 k[KSM_FULL_SCANS] != MEM_UNKNOWN_SIGNED ? k[KSM_FULL_SCANS] : 0);
	} else {
		snprintf(buf, len, "%s", _("KSM on"));
	}
	return buf;
}

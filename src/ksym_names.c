/* ksym_names.c - kernel text addresses to function names: kallsyms' text symbols in one sorted table with a
 * string pool, binary search per IP. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ksym_names.h"
#include "nls.h"
#include "util.h"

struct ksym_names {
	uint64_t *addrs;	/* sorted */
	uint32_t *offs;		/* name of addrs[i]: pool + offs[i] */
	size_t n;
	char *pool;
	size_t pool_len;
};

struct sym_tmp {
	uint64_t addr;
	uint32_t off;
};

static int cmp_sym(const void *a, const void *b)
{
	const struct sym_tmp *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return (x->off > y->off) - (x->off < y->off);	/* aliases: the first in kallsyms wins */
}

struct ksym_names *ksym_names_parse(FILE *f, char *why, size_t whylen)
{
	struct ksym_names *kn = xcalloc(1, sizeof(*kn));
	struct sym_tmp *tmp = NULL;
	size_t n = 0, cap = 0, pool_cap = 0;
	bool all_zero = true;
	char *line = NULL;
	size_t linecap = 0;
	while (getline(&line, &linecap, f) > 0) {
		unsigned long long addr;
		char type, name[256];
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3 || (type != 't' && type != 'T'))
			continue;
		if (addr)
			all_zero = false;
		if (!strncmp(name, "__pfx_", 6))
			continue;	/* padding before a function: IPs never land there */
		size_t len = strlen(name) + 1;
		if (kn->pool_len + len > pool_cap)
			kn->pool = xrealloc(kn->pool, pool_cap = pool_cap ? 2 * pool_cap : 65536);
		if (n == cap)
			tmp = xrealloc(tmp, (cap = cap ? 2 * cap : 4096) * sizeof(*tmp));
		tmp[n++] = (struct sym_tmp){ addr, (uint32_t)kn->pool_len };
		memcpy(kn->pool + kn->pool_len, name, len);
		kn->pool_len += len;
	}
	free(line);
	if (!n || all_zero) {
		snprintf(why, whylen, "%s",
			 !n ? _("no kernel text symbols in /proc/kallsyms")
			    : _("kernel symbol addresses are hidden (kernel.kptr_restrict, or no CAP_SYSLOG): no function "
				"names"));
		free(tmp);
		ksym_names_free(kn);
		return NULL;
	}
	qsort(tmp, n, sizeof(*tmp), cmp_sym);
	kn->addrs = xmalloc(n * sizeof(*kn->addrs));
	kn->offs = xmalloc(n * sizeof(*kn->offs));
	for (size_t i = 0; i < n; i++) {
		if (kn->n && kn->addrs[kn->n - 1] == tmp[i].addr)
			continue;	/* one name per address */
		kn->addrs[kn->n] = tmp[i].addr;
		kn->offs[kn->n++] = tmp[i].off;
	}
	free(tmp);
	kn->pool = xrealloc(kn->pool, kn->pool_len);
	return kn;
}

struct ksym_names *ksym_names_load(char *why, size_t whylen)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	if (!f) {
		snprintf(why, whylen, _("cannot read /proc/kallsyms: %s"), strerror(errno));
		return NULL;
	}
	struct ksym_names *kn = ksym_names_parse(f, why, whylen);
	fclose(f);
	return kn;
}

long ksym_names_find(const struct ksym_names *kn, uint64_t ip)
{
	size_t lo = 0, hi = kn ? kn->n : 0;
	while (lo < hi) {	/* first symbol above ip */
		size_t mid = lo + (hi - lo) / 2;
		if (kn->addrs[mid] <= ip)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo - 1;
}

const char *ksym_names_name(const struct ksym_names *kn, long index)
{
	if (!kn || index < 0 || (size_t)index >= kn->n)
		return "?";
	return kn->pool + kn->offs[index];
}

size_t ksym_names_count(const struct ksym_names *kn)
{
	return kn ? kn->n : 0;
}

size_t ksym_names_bytes(const struct ksym_names *kn)
{
	return kn ? kn->n * (sizeof(*kn->addrs) + sizeof(*kn->offs)) + kn->pool_len : 0;
}

void ksym_names_free(struct ksym_names *kn)
{
	if (!kn)
		return;
	free(kn->addrs);
	free(kn->offs);
	free(kn->pool);
	free(kn);
}

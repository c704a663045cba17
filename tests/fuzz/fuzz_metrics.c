/* fuzz_metrics.c - libFuzzer target: what a scrape brings in (its Accept header) and what a VM's owner chooses (its
 * name, uuid, VMM and tap names, written into label values; exit codes, named): the negotiation returns a format, the escaper's output
 * is UTF-8 without a raw newline or an unescaped quote and reads back as the input, and the whole exposition of a
 * VM so named has well-formed sample lines only. */
#include "config.h"

#include <math.h>
#include <stdbool.h>

#include "fmt.h"
#include "fuzz.h"
#include "openmetrics.h"
#include "util.h"

/* Undoes expo_label_value's escapes; false when an escape is not one it writes or a quote is bare. */
static bool unescape(const char *s, size_t n, char *out, size_t *outn)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\n')
			return false;
		if (s[i] != '\\') {
			out[k++] = s[i];
			continue;
		}
		if (++i == n)
			return false;
		if (s[i] == 'n')
			out[k++] = '\n';
		else if (s[i] == '\\' || s[i] == '"')
			out[k++] = s[i];
		else
			return false;
	}
	*outn = k;
	return true;
}

static bool valid_utf8(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t len = fmt_utf8_len(s + i);
		if (!len || i + len > n)
			return false;
		i += len;
	}
	return true;
}

/* A sample line: name, optional {label="value",...}, a space, a number; nothing after. */
static bool sample_line(const char *p, const char *end)
{
	const char *q = p;
	while (q < end && (*q == '_' || (*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9')))
		q++;
	if (q == p)
		return false;
	if (q < end && *q == '{') {
		q++;
		while (q < end && *q != '}') {
			while (q < end && *q != '=')
				q++;
			if (end - q < 2 || q[1] != '"')
				return false;
			for (q += 2; q < end && *q != '"'; q++)
				if (*q == '\\')
					q++;
			if (q >= end)
				return false;
			q++;
			if (q < end && *q == ',')
				q++;
		}
		if (q >= end)
			return false;
		q++;
	}
	if (q >= end || *q != ' ')
		return false;
	char *num_end;
	double v = strtod(q + 1, &num_end);
	return num_end == end && !isnan(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	if (!s)
		return 0;
	enum expo_format f = expo_negotiate(s);
	if (f != EXPO_OPENMETRICS && f != EXPO_PROMETHEUS)
		abort();

	struct expo_text t = { 0 };
	expo_label_value(&t, s);
	size_t len = strlen(s), n = 0;
	char *back = malloc(t.len + 1);
	if (t.len && (!valid_utf8(t.buf, t.len) || !unescape(t.buf, t.len, back, &n)))
		abort();
	if (valid_utf8(s, len) && (n != len || memcmp(back, s, len)))
		abort();	/* well-formed input comes back as it went in */
	free(back);
	expo_text_free(&t);

	/* a VM named by the input, with a tap so named */
	struct model m;
	memset(&m, 0, sizeof(m));
	struct vm_stat vm = { .pid = 42, .nr_vcpus = 1, .total = NAN };
	str_copy(vm.name, s, sizeof(vm.name));
	str_copy(vm.uuid, s, sizeof(vm.uuid));
	str_copy(vm.vmm, s, sizeof(vm.vmm));
	struct tap_sample tap = { .counters_valid = true, .rx_bytes = 1, .tx_bytes = 2 };
	str_copy(tap.ifname, s, sizeof(tap.ifname));
	vm.taps = &tap;
	vm.ntaps = 1;
	struct vm_totals tot = { .pid = 42, .created = 1, .guest = 1.5, .vmm_user = NAN, .kernel = 0, .vhost = NAN,
				 .ready = 2 };
	double cpu = 3;
	tot.nvcpus = 1;
	/* exit reasons keyed by the input's first bytes: any isa and code gets a name */
	unsigned long long arg = 0;
	memcpy(&arg, data, size < sizeof(arg) ? size : sizeof(arg));
	tot.exits = (struct exit_totals){ .known = true, .n = 1, .by = { { arg, 5 } } };
	tot.userspace = (struct exit_totals){ .known = true, .n = EXIT_TOTALS_MAX, .other = 1 };
	for (size_t k = 0; k < EXIT_TOTALS_MAX; k++)
		tot.userspace.by[k] = (struct exit_total){ arg + k, (double)k };
	tot.vcpu_cpu = tot.vcpu_ready = &cpu;
	vm.totals = &tot;
	vm.mem.balloon.actual_kib = vm.mem.balloon.target_kib = -1;
	m.vms = &vm;
	m.nvms = 1;
	m.time = 1;
	struct expo_text text[EXPO__COUNT] = { 0 };
	bool want[EXPO__COUNT] = { true, true };
	expo_write(text, want, &m);
	for (int k = 0; k < EXPO__COUNT; k++) {
		const char *p = text[k].buf, *end = p + text[k].len;
		if (!valid_utf8(p, text[k].len) || text[k].len == 0 || end[-1] != '\n')
			abort();
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			if (*p != '#' && !sample_line(p, nl))
				abort();
			p = nl + 1;
		}
		expo_text_free(&text[k]);
	}
	free(s);
	return 0;
}

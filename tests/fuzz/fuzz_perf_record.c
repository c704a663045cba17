/* fuzz_perf_record.c - libFuzzer target: a run of perf ring-buffer records (sample, lost, lost-samples, others)
 * through perf_agg_add, each in a buffer of exactly its header's size, with no kernel symbols. */
#include "config.h"

#include <linux/perf_event.h>

#include "collect_perf.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct perf_agg *a = perf_agg_new();
	size_t off = 0;
	while (size - off >= sizeof(struct perf_event_header)) {
		struct perf_event_header h;
		memcpy(&h, data + off, sizeof(h));
		if (h.size < sizeof(h) || h.size > size - off)
			break;	/* libperf's reader stops there too */
		void *rec = malloc(h.size);
		memcpy(rec, data + off, h.size);
		perf_agg_add(a, rec, NULL);
		free(rec);
		off += h.size;
	}
	struct perf_sample out = { 0 };
	perf_agg_finish(a, &out);
	free(out.threads);
	perf_agg_free(a);
	return 0;
}

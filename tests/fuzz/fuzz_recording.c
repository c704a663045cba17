/* fuzz_recording.c - libFuzzer target: a recording file (-r) through the reader, every record decoded; an input
 * whose first byte is odd goes straight to the sample decoder (past the CRC and zstd that would stop most
 * mutations before it). */
#include "config.h"

#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct host_sample s;
	char why[512];
	if (size && (data[0] & 1)) {
		host_sample_init(&s);
		rec_decode_sample(data + 1, size - 1, &s, why, sizeof(why));
		host_sample_clear(&s);
		return 0;
	}
	int fd = memfd_create("fuzz.rec", MFD_CLOEXEC);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	struct rec_reader *r = rec_reader_open_fd(fd, "fuzz.rec", 0, 0, why, sizeof(why));
	if (!r)
		return 0;
	for (size_t i = 0; i < rec_reader_count(r); i++) {
		host_sample_init(&s);
		if (rec_reader_load(r, i, &s, why, sizeof(why)) && s.ncpus > 0 && !s.cpus)
			abort();	/* the model indexes cpus[] up to ncpus */
		host_sample_clear(&s);
	}
	rec_reader_close(r);
	return 0;
}

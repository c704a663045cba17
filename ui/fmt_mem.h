/* fmt_mem.h - the memory figures as views print them: the KSM header line. */
#ifndef VMTOP_FMT_MEM_H
#define VMTOP_FMT_MEM_H

#include <stddef.h>

#include "model.h"

/* "KSM: 1.2G shared in 300M, 5 full scans", "KSM off" (with what stays merged), "" when the host has no KSM. */
const char *fmt_ksm_line(char *buf, size_t len, const struct host_stat *h);

#endif

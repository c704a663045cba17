/* collect_stat.h - host-wide counters: /proc/stat CPU ticks, memory, uptime and load (via libproc2). */
#ifndef VMTOP_COLLECT_STAT_H
#define VMTOP_COLLECT_STAT_H

#include "sample.h"

struct stat_collector;

struct stat_collector *stat_collector_new(char *why, size_t whylen);
/* Fills ncpus, cpu_total, cpus[], mem_*, uptime, loadavg of s. 0, or -1 when /proc/stat cannot be read. */
int stat_collect(struct stat_collector *sc, struct host_sample *s);
void stat_collector_free(struct stat_collector *sc);

#endif

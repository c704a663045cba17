/* batch.h - batch mode: refreshes printed as text, CSV or JSON lines. */
#ifndef VMTOP_BATCH_H
#define VMTOP_BATCH_H

#include <stdio.h>

#include "model.h"
#include "options.h"
#include "session.h"

/* Runs opt->count refreshes (forever when -1), printing each with -b, exporting each with --listen or
 * --textfile; returns the exit status. */
int batch_run(struct session *s);

/* One refresh in each format; order lists the VMs to print, in that order. first is true once. */
void batch_text_print(FILE *out, const struct model *m, const size_t *order, const char *hostname);
void batch_csv_print(FILE *out, const struct model *m, const size_t *order, int first);
void batch_json_print(FILE *out, const struct model *m, const size_t *order, const char *hostname);

#endif

/* export.h - --listen and --textfile: each refresh's model as metrics text, served and written to a file. */
#ifndef VMTOP_EXPORT_H
#define VMTOP_EXPORT_H

#include "model.h"
#include "options.h"

struct exporter;

/* NULL with why set when --listen cannot listen or --textfile's directory cannot take the file; says where it
 * listens on stderr. Call only when opt->listen or opt->textfile is set. */
struct exporter *export_open(const struct options *opt, char *why, size_t whylen);
/* The model of a refresh just made: the next scrapes answer with it, DIR/vmtop.prom is replaced by it. */
void export_publish(struct exporter *e, const struct model *m);
void export_close(struct exporter *e);

#endif

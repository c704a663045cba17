/* openmetrics.h - the model as metrics text: OpenMetrics 1.0 or Prometheus text 0.0.4 (--listen, --textfile). */
#ifndef VMTOP_OPENMETRICS_H
#define VMTOP_OPENMETRICS_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

enum expo_format { EXPO_OPENMETRICS, EXPO_PROMETHEUS, EXPO__COUNT };

#define EXPO_OPENMETRICS_TYPE "application/openmetrics-text; version=1.0.0; charset=utf-8"
#define EXPO_PROMETHEUS_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define EXPO_TAPS_MAX 8			/* taps labelled per VM (the first ones the model lists) */

/* A growing text buffer. */
struct expo_text {
	char *buf;
	size_t len, cap;
};

/* Writes the model in each format f with want[f] (each text emptied first; the others left alone). */
void expo_write(struct expo_text text[EXPO__COUNT], const bool want[EXPO__COUNT], const struct model *m);
void expo_text_free(struct expo_text *t);
/* Appends s as the inside of a label value: backslash, double quote and newline escaped, bytes that are not
 * well-formed UTF-8 replaced by U+FFFD (both formats ask for UTF-8; VM names come from anyone's command line). */
void expo_label_value(struct expo_text *t, const char *s);
/* The format an Accept header asks for (NULL: no header): OpenMetrics only when it is preferred to text/plain
 * by q-value (the most specific range that matches each decides), else Prometheus text. */
enum expo_format expo_negotiate(const char *accept);

#endif

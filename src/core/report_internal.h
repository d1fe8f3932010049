/* report_internal.h - what the parts of the report share (report.h). */
#ifndef DFC_REPORT_INTERNAL_H
#define DFC_REPORT_INTERNAL_H

#include "dfc/buf.h"
#include "dfc/run_record.h"

#include <jansson.h>

/** `s` as HTML text or attribute value: markup and control characters escaped. */
void report_escape(struct buf *out, const char *s);

/**
 * What became of step `id` in the run: "ran", "failed", "skipped", or
 * "not-run" (selected steps after a failure, and steps outside the run).
 */
const char *report_outcome(const struct run_record *rec, const char *id);

/**
 * The graph of the run as an SVG drawing: the pipeline's nodes in columns
 * by depth, scripts coloured by outcome, datasets with their size when the
 * record knows it. `pipeline` may be NULL: the graph is then made of what
 * the record holds.
 */
void report_graph_svg(struct buf *out, const struct run_record *rec, const json_t *pipeline);

#endif

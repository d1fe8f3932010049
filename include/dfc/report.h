/**
 * report.h - a recorded run as something to look at (SPEC §14): one
 * self-contained HTML page (the graph coloured by outcome, a timeline of
 * the steps, their durations and data sizes), or a mermaid gantt chart to
 * paste in a pull request.
 *
 * The page needs no network: its styles and its one small script are
 * inline, it uses no web font, and its drawings are SVG written here, so
 * that it reads the same offline, printed, or in a mail attachment. Every
 * text that comes from the record or the pipeline is escaped for HTML.
 */
#ifndef DFC_REPORT_H
#define DFC_REPORT_H

#include "dfc/buf.h"
#include "dfc/run_record.h"

#include <jansson.h>

/**
 * Append the HTML page of run `rec` to `out`. `pipeline` (borrowed, may be
 * NULL) is the pipeline the run ran, for its graph; without it the graph is
 * drawn from what the record holds (the steps that ran, their inputs and
 * outputs, and the steps it skipped). `version`: the local version with
 * the run's content, when the record names none (a run of a file), or 0.
 */
void report_html(struct buf *out, const struct run_record *rec, const json_t *pipeline,
		 int version);

/**
 * Append a mermaid gantt chart of run `rec` to `out`: one task per step
 * that ran or failed, in sections by outcome, placed by its start and end.
 */
void report_mermaid(struct buf *out, const struct run_record *rec);

#endif

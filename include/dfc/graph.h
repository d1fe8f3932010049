/**
 * graph.h - a pipeline's DAG drawn as text: mermaid, dot or layered ascii.
 *
 * The renderers read a parsed document (borrowed, never changed) and
 * append to a buffer; the output depends only on the document, so the same
 * pipeline always draws the same text. Nodes keep their file order; edges
 * keep their file order. Malformed nodes and edges are left out (dag.h).
 */
#ifndef DFC_GRAPH_H
#define DFC_GRAPH_H

#include "dfc/buf.h"

#include <jansson.h>

enum graph_format { GRAPH_MERMAID, GRAPH_DOT, GRAPH_ASCII };

/** Longest edge label, in bytes, before it is cut and ends in "...". */
#define GRAPH_LABEL_MAX 40

/**
 * Parse a --format value ("mermaid", "dot", "ascii") into `*out`. Returns
 * 0, or DFC_EUSAGE (with a hint) for anything else.
 */
int graph_format_parse(enum graph_format *out, const char *name);

/**
 * Append the graph of `root` (borrowed) to `out` in `format`:
 * - mermaid: `flowchart LR`, nodes n0..nK in file order labelled with
 *   their ids (datasets `n0[("raw")]`, scripts `n1["clean"]`), edges
 *   `n0 -- "--input raw" --> n1` (no label when there are no arguments);
 *   `"` in labels is written `#quot;`.
 * - dot: `digraph pipeline { rankdir=LR; ... }`, datasets shape=cylinder,
 *   scripts shape=box, labels quoted with `"` and `\` escaped.
 * - ascii: plain ASCII, one block per layer (a node's layer is the longest
 *   path to it from a source): `layer 0: (raw) [other]` with datasets in
 *   parentheses and scripts in brackets, then the layer's outgoing edges
 *   `  raw --> clean  "--input raw"`.
 * Edge labels are the arguments joined by spaces, a `{ "ref": X }` shown
 * as X, cut to GRAPH_LABEL_MAX bytes. Returns 0, or DFC_EINVALID when the
 * ascii layers cannot be computed because the graph has a cycle.
 */
int graph_render(struct buf *out, const json_t *root, enum graph_format format);

/**
 * The label the renderers give an edge whose arguments are `args` (an
 * array, borrowed; NULL or not an array gives ""): the arguments joined by
 * spaces, a `{ "ref": X }` shown as X, control characters as spaces, cut to
 * GRAPH_LABEL_MAX bytes. The caller frees it.
 */
char *graph_arguments_label(const json_t *args);

#endif

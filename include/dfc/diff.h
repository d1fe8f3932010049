/**
 * diff.h - a semantic diff of two pipelines, for review (SPEC §8).
 *
 * diff_pipelines() compares two parsed pipelines (SPEC §2) and lists what
 * changed: top-level fields, nodes (matched by node id) added, removed and
 * changed key by key, the content of scripts, edges added and removed, and
 * the arguments of edges that exist on both sides. An edge is identified by
 * its `from`, its `to` and its position among the edges with the same
 * `from` and `to`. Values are compared with json_equal().
 *
 * What is reviewed is what runs (SPEC §8): beside the changes to the file,
 * the diff compares the steps of both sides (steps.h) and reports every
 * step whose argument vector changed (edge order decides it) and every
 * step that starts at another place in the order. Nodes and edges that
 * only moved in the file are reported as moves, marked `order_only` when
 * the move changes nothing that runs.
 *
 * What is compared is what a version is (the content fingerprint of
 * catalog_form.h): the catalog ids `script_id` and `dataset_id` are not
 * compared as keys, so a file brought back by `sync` equals the version it
 * came from; a script's content is, by blob id.
 *
 * The formatters write a diff (or the two canonical forms) into a
 * `struct buf` as text, JSON (docs/diff-json.md), a unified patch or a
 * mermaid flowchart. Nothing is printed.
 */
#ifndef DFC_DIFF_H
#define DFC_DIFF_H

#include "dfc/buf.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum diff_kind {
	DIFF_FIELD_CHANGED,
	DIFF_NODE_REMOVED,
	DIFF_NODE_ADDED,
	DIFF_NODE_CHANGED,
	DIFF_EDGE_REMOVED,
	DIFF_EDGE_ADDED,
	DIFF_ARGUMENTS_CHANGED,
	DIFF_SCRIPT_CHANGED,
	DIFF_NODE_MOVED,
	DIFF_EDGE_MOVED,
	DIFF_STEP_ARGUMENTS_CHANGED,
	DIFF_STEP_MOVED,
};

/** One change. Strings are owned; values are new references or NULL. */
struct diff_change {
	enum diff_kind kind;
	/** Node id (node and step kinds), else NULL. */
	char *node;
	/** Edge ends (edge kinds), else NULL. */
	char *from;
	char *to;
	/** Top-level key (field_changed) or node key (node_changed), else NULL. */
	char *field;
	/**
	 * JSON pointer of what changed: in the new file, or in the old file
	 * for what only the old one has (removals).
	 */
	char *path;
	/**
	 * NULL when the old side has nothing (added) ... For script_changed,
	 * the old and new blob ids (hex strings); for step_arguments_changed,
	 * the argument vectors (arrays of strings); for the moves, the
	 * positions (integers: index in `nodes` or `edges`, or 1-based place
	 * in the start order of the steps).
	 */
	json_t *old_value;
	/** ... or the new side has nothing (removed). */
	json_t *new_value;
	/** A move that changes nothing that runs (node_moved, edge_moved). */
	bool order_only;
};

/** The changes, in a stable order (see diff_pipelines()). Owned. */
struct diff {
	struct diff_change *changes;
	size_t nr;
	size_t alloc;
};

#define DIFF_INIT { NULL, 0, 0 }

void diff_init(struct diff *d);
void diff_release(struct diff *d);

/**
 * Compare `old_root` and `new_root` (borrowed; both parsed pipelines whose
 * `nodes` and `edges` are arrays; missing or malformed ones count as empty)
 * and append the changes to `out`, in this order: top-level fields, nodes
 * removed (old file order), nodes added or changed (new file order; a
 * node's keys, then its script's content), nodes moved (new order), edges
 * removed (old order), edges added or with changed arguments (new order),
 * edges moved (new order), then the steps (new start order) whose
 * arguments changed, and the steps that start at another place. A move is
 * what is left out of the longest run of items whose order both sides
 * share, so swapping two neighbours moves one.
 *
 * `old_scripts` and `new_scripts` (borrowed, or NULL) map script node ids
 * to the blob id of their content, as a local version's scripts.json does;
 * a node they do not name counts by its `script_id`. A script node on both
 * sides whose content is known on both and differs is a script_changed.
 *
 * Time is linear in the size of the files (node ids and edge keys are
 * hashed). Returns 0.
 */
int diff_pipelines(struct diff *out, const json_t *old_root, const json_t *new_root,
		   const json_t *old_scripts, const json_t *new_scripts);

/**
 * One line per change:
 *     ~ field 'name': "a" -> "b"
 *     + node 'x' (script scripts/x.py)
 *     - edge a -> b
 *     ~ node 'clean': path "a.py" -> "b.py"
 *     ~ node 'clean': script content 0beb81f7d1db -> 4c3363c0fddf
 *     ~ edge raw -> clean: arguments [...] -> [...]
 *     ~ node 'x': moved /nodes/3 -> /nodes/0 (order only)
 *     ~ step 'clean': arguments [--input raw.csv] -> [--output x.csv --input raw.csv]
 *     ~ step 'load': start order 2 -> 1
 * With `color`, `+` lines are green, `-` red and `~` yellow (ANSI).
 * Keys, ids and values are the files' own text with control characters
 * (C0, DEL, C1) and bytes that are not UTF-8 shown as `\xNN`
 * (printable_quote()), so a hostile file cannot drive the terminal.
 * Nothing is written when there is no change.
 */
void diff_format_text(struct buf *out, const struct diff *d, bool color);

/**
 * The JSON document of docs/diff-json.md, in canonical form:
 * {"from": from_label, "to": to_label, "changes": [...]}.
 */
void diff_format_json(struct buf *out, const struct diff *d, const char *from_label,
		      const char *to_label);

/**
 * A unified diff (libgit2) of `old_text` and `new_text` (canonical forms)
 * with `diff --git a/<label> b/<label>`, `--- a/<label>` and
 * `+++ b/<label>` headers, which `git apply` accepts against a file
 * `<label>` holding `old_text`. Nothing is written when they are equal.
 * Returns 0 or DFC_EINTERNAL.
 */
int diff_format_patch(struct buf *out, const char *old_text, size_t old_len,
		      const char *new_text, size_t new_len, const char *label);

/**
 * A mermaid flowchart (`flowchart LR`) of the union of both pipelines
 * (borrowed): every node once, as n0, n1, ... with its id as the quoted
 * label (datasets `[(...)]`, scripts `[...]`), added nodes and edges
 * (`==>`), removed ones (dashed, `-.->`), changed nodes (keys or script)
 * marked with the classes `added`, `removed` and `changed` (a step whose
 * arguments or place in the start order changed is `changed`), and edges
 * whose arguments changed drawn in the colour of `changed` (`linkStyle`).
 * `d` is the diff of the two.
 */
void diff_format_mermaid(struct buf *out, const struct diff *d, const json_t *old_root,
			 const json_t *new_root);

/** The JSON name of a kind ("node_added", ...). Static string. */
const char *diff_kind_name(enum diff_kind kind);

#endif

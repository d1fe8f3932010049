/**
 * init_plan.h - the starter pipeline `init` proposes (SPEC §9): nodes for
 * the scanned scripts and datasets, which datasets each script reads and
 * writes with which argument, the best guess of those, and the JSON.
 *
 * A plan only ever holds edges between a dataset and a script (a read,
 * dataset -> script, or a write, script -> dataset), at most one writer
 * per dataset and no cycle, so the pipeline it gives always validates.
 *
 * The best guess, per script in path order (init_plan_guess()):
 * - a dataset whose file name the script's text holds (init_mention_find())
 *   is written when a line segment naming it looks like writing, else read;
 * - a read or write that would give a dataset a second writer or make a
 *   cycle is left out (first come, first served, in path order);
 * - inputs get the argument `--input`, outputs `--output`;
 * then (init_plan_propose_outputs()) a script left with no output gets the
 * dataset `data/<script id>.out.csv`, new unless an earlier run left it.
 */
#ifndef DFC_INIT_PLAN_H
#define DFC_INIT_PLAN_H

#include "dfc/init_scan.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/** Default argument names of an input and an output. */
#define INIT_INPUT_ARGUMENT  "--input"
#define INIT_OUTPUT_ARGUMENT "--output"

/** Largest script text the guess reads; longer scripts name nothing. */
#define INIT_MAX_SCRIPT_BYTES ((size_t)4 << 20)

struct init_node {
	enum init_kind kind;
	char *id;
	/** Relative to the pipeline file's folder. Owned. */
	char *path;
	/** A dataset that is not on disk (proposed or named as a new path). */
	bool is_new;
};

/** One edge: a read (dataset -> script) or a write (script -> dataset). */
struct init_link {
	size_t dataset;
	size_t script;
	bool write;
	/** The argument before `{"ref": dataset}`. Owned. */
	char *argument;
};

struct init_plan {
	char *name;
	struct init_node *nodes;
	size_t nr_nodes;
	size_t alloc_nodes;
	struct init_link *links;
	size_t nr_links;
	size_t alloc_links;
};

#define INIT_PLAN_INIT                                                                             \
	{                                                                                          \
		NULL, NULL, 0, 0, NULL, 0, 0                                                       \
	}

void init_plan_release(struct init_plan *plan);

/**
 * Nodes for every item of `scan` (ids kept), their paths prefixed with
 * `prefix` ("" or "sub/dir/": where the scanned folder is seen from the
 * pipeline file's folder). `name` is copied.
 */
void init_plan_from_scan(struct init_plan *plan, const struct init_scan *scan, const char *prefix,
			 const char *name);

/** Copy the nodes and the name of `from` into the empty `plan`, no links. */
void init_plan_copy_nodes(struct init_plan *plan, const struct init_plan *from);

/** Position of node `id`, or -1. */
long init_plan_find(const struct init_plan *plan, const char *id);

/** Position of the dataset at `path`, or -1. */
long init_plan_find_path(const struct init_plan *plan, const char *path);

/**
 * Add a dataset node at `path` (copied) with an id made from its file
 * name, unique in the plan; returns its position.
 */
size_t init_plan_add_dataset(struct init_plan *plan, const char *path, bool is_new);

/**
 * Add the edge between `dataset` and `script` (a write when `write`) with
 * `argument` (copied). Returns 0; DFC_ECONFLICT, with a message saying
 * why and nothing added, when the edge is there already, when it would
 * give the dataset a second writer, or when it would make a cycle.
 */
int init_plan_link(struct init_plan *plan, size_t dataset, size_t script, bool write,
		   const char *argument);

/** Whether `script` reads (or writes) `dataset`. */
bool init_plan_has_link(const struct init_plan *plan, size_t dataset, size_t script, bool write);

/** How a script's text names a dataset. */
enum init_mention { INIT_MENTION_NONE, INIT_MENTION_READ, INIT_MENTION_WRITE };

/**
 * Whether `text` names the dataset at `path`: its file name, not preceded
 * or followed by a character of a longer file name (`[A-Za-z0-9_.-]`; a
 * `/` before it, or a full stop ending a sentence after it, is fine), so
 * `data/raw.csv` is named by `read_csv("data/raw.csv")` and by `raw.csv`
 * but not by `myraw.csv` or `raw.csv.bak`. A mention is a write when
 * its line segment (a line cut at `;`, `|`, `&&` and ` --`) holds
 * `write`, `save`, `dump`, `output`, `to_csv` (any case), an open mode
 * `"w"`, `'w'`, `"wb"`, `'wb'`, `"a"`, `'a'`, or when `>` comes right
 * before it; any write mention makes the dataset written.
 */
enum init_mention init_mention_find(const char *text, size_t len, const char *path);

/**
 * Guess from the text of every script (read from `base_dir`, the pipeline
 * file's folder, joined with the script's path) what it reads and writes,
 * as described at the top. Scripts that cannot be read, or are larger
 * than INIT_MAX_SCRIPT_BYTES, name nothing.
 */
void init_plan_guess(struct init_plan *plan, const char *base_dir);

/** Guess for one script from its text (the part init_plan_guess() repeats). */
void init_plan_guess_script(struct init_plan *plan, size_t script, const char *text, size_t len);

/**
 * Give every script with no output the dataset `<prefix>data/<id>.out.csv`
 * (id `<script id>_out`), or the scanned dataset already at that path.
 */
void init_plan_propose_outputs(struct init_plan *plan, const char *prefix);

/**
 * The pipeline as a new JSON object: `name`, `nodes` (in plan order, new
 * datasets that no edge uses left out) and `edges` (in link order).
 */
json_t *init_plan_json(const struct init_plan *plan);

#endif

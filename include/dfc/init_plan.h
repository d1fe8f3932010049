/**
 * init_plan.h - the starter pipeline `init` proposes (SPEC §9): nodes for
 * the scanned scripts and datasets, which datasets each script reads and
 * writes with which argument, the best guess of those, and the JSON.
 *
 * A plan only ever holds edges between a dataset and a script (a read,
 * dataset -> script, or a write, script -> dataset), at most one writer
 * per dataset and no cycle, so the pipeline it gives always validates.
 * A link's argument is an option (`["--left", {"ref": d}]`), a position
 * (`[{"ref": d}]`, put after the script's options in position order) or
 * nothing (`[]`: the script names the file itself).
 *
 * The best guess (init_plan_guess()) starts from what each script says
 * (init_args.h) and what file names its text holds (init_mention_find()):
 * - a script that declares no arguments: a dataset it
 *   names is written when the line looks like writing, else read, with
 *   `--input` / `--output`; then (init_plan_propose_outputs()) it gets the
 *   output `data/<script id>.out.csv` when it writes nothing;
 * - a script that declares arguments gets edges with its own option names
 *   or positions, never an argument it does not take. First, for every
 *   script in path order, each output argument writes the dataset its
 *   default names, else a dataset the script names as written, else a new
 *   `data/<script id>.out.csv` (a plain `--output`) or
 *   `data/<script id>.<label>.csv` (`--model`). Then each input argument
 *   reads the first of: the dataset its default names; the dataset named
 *   like it (`--lookup`, `lookup.csv`); a dataset the script names; an
 *   output of the nearest script before it that no one reads yet (so
 *   clean -> join -> report chain); a dataset on disk no one uses yet; a
 *   dataset on disk no one writes. An option whose direction its name,
 *   type and help do not tell is an input only when it is required, a
 *   file type or has a file default (else only a same-named dataset or its
 *   default links it). Datasets the script names but no argument took are
 *   linked with no argument;
 * - a link that would give a dataset a second writer or make a cycle is
 *   left out, and the next candidate is tried.
 */
#ifndef DFC_INIT_PLAN_H
#define DFC_INIT_PLAN_H

#include "dfc/init_args.h"
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
	/** A script's declared arguments, once init_plan_guess() read them. */
	struct init_args args;
};

/** One edge: a read (dataset -> script) or a write (script -> dataset). */
struct init_link {
	size_t dataset;
	size_t script;
	bool write;
	/** The option before `{"ref": dataset}`, or "" (position, or none). Owned. */
	char *argument;
	/** With an empty argument: the position (1, 2, ...), or 0 for none. */
	unsigned position;
	/** Scratch: the order links were made in, for a stable sort. */
	size_t made;
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

/** init_plan_link() of a positional argument (`position` 1, 2, ...; 0: none). */
int init_plan_link_at(struct init_plan *plan, size_t dataset, size_t script, bool write,
		      const char *argument, unsigned position);

/**
 * Whether a new dataset may have `path`: relative, no `..` component, not
 * under `.dfc/`, UTF-8 text without control characters.
 */
bool init_path_usable(const char *path);

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

/** Whether the text at [at, at + n) of `text` is written, by the rules above. */
bool init_mention_writes(const char *text, size_t len, const char *at, size_t n);

/**
 * Guess from the text of every script (read from `base_dir`, the pipeline
 * file's folder, joined with the script's path) what it reads and writes,
 * as described at the top; new datasets go under `<prefix>data/`. Scripts
 * that cannot be read, or are larger than INIT_MAX_SCRIPT_BYTES, name
 * nothing.
 */
void init_plan_guess(struct init_plan *plan, const char *base_dir, const char *prefix);

/** Guess for one script that declares no arguments, from its text. */
void init_plan_guess_script(struct init_plan *plan, size_t script, const char *text, size_t len);

/**
 * The dataset a script's output `label` is proposed at: the plan's one at
 * `<prefix>data/<script id>.out.csv` (id `<script id>_out`) when the label
 * only says "output" (`--output`, `out_file`) or is NULL, else at
 * `<prefix>data/<script id>.<label>.csv` (id `<script id>_<label>`);
 * added, new, when the plan has none there.
 */
size_t init_plan_proposed_output(struct init_plan *plan, size_t script, const char *label,
				 const char *prefix);

/**
 * Give every script that declares no arguments and writes nothing the
 * dataset `<prefix>data/<id>.out.csv` (id `<script id>_out`), or the
 * scanned dataset already at that path.
 */
void init_plan_propose_outputs(struct init_plan *plan, const char *prefix);

/**
 * The pipeline as a new JSON object: `name`, `nodes` (in plan order, new
 * datasets that no edge uses left out) and `edges` (in link order).
 */
json_t *init_plan_json(const struct init_plan *plan);

#endif

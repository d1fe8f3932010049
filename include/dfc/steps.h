/**
 * steps.h - what a pipeline runs: its steps in start order, each with its
 * command and the argument vector its script receives (SPEC §6, §8).
 *
 * The generated script runs the script nodes in topological order, ties
 * broken by file order; a step's command is its interpreter (the node's
 * "interpreter" split into words, else the one its file name's extension
 * names, else none: executed directly), its file, then the arguments of
 * every edge whose script end it is, in edge order (on an edge between two
 * scripts, the arguments go to `to`). steps_plan() computes exactly that,
 * so that the review diff can show every change to what runs.
 *
 * A `{"ref": X}` argument becomes where node X lives: a dataset's `path`,
 * a script's file in the run folder (`.dfc/scripts/X/<file name>`), and
 * `<X>` for a node with no path (its place depends on data the file does
 * not hold). Numbers and booleans become their JSON text.
 */
#ifndef DFC_STEPS_H
#define DFC_STEPS_H

#include "dfc/buf.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/** One step. Strings are borrowed from the pipeline; values are owned. */
struct step {
	/** The script node's id. */
	const char *id;
	/** Its position in the file's `nodes`. */
	size_t node_index;
	/** Interpreter words then the script's file (new array of strings). */
	json_t *command;
	/** The arguments, as the script receives them (new array of strings). */
	json_t *arguments;
};

/** The steps of a pipeline, in the order they start. Owned. */
struct steps {
	struct step *items;
	size_t nr;
};

#define STEPS_INIT { NULL, 0 }

void steps_release(struct steps *s);

/**
 * Fill `out` with the steps of `root` (borrowed; a parsed pipeline), in the
 * order they start. Malformed nodes and edges (validate.h reports them)
 * are left out, and so is any argument that is not a string, number,
 * boolean or reference. Returns false, with no steps, when the graph has a
 * cycle.
 */
bool steps_plan(struct steps *out, const json_t *root);

/**
 * The interpreter a script file's name implies by its extension (SPEC §2:
 * `.py` python3, `.sh` bash, ...), or NULL: it is executed directly.
 * Static string.
 */
const char *steps_interpreter_for(const char *file_name);

/**
 * Append the word a script receives for a number or boolean argument
 * `arg` (borrowed): its JSON text (canonical.h), as `1000`, `0.5`, `true`.
 */
void steps_scalar_word(struct buf *out, const json_t *arg);

/**
 * The interpreter words of script node `node` (borrowed) whose file is
 * named `file_name` (or NULL): its "interpreter" split on blanks, else the
 * one the name's extension implies, else none (executed directly). A new
 * array of strings.
 */
json_t *steps_interpreter_words(const json_t *node, const char *file_name);

/**
 * Append `words` (borrowed, an array of strings) as a command line for
 * people: separated by spaces, each as bash would read it back
 * (shell_word()), control characters escaped (printable_quote()).
 */
void steps_add_command_line(struct buf *out, const json_t *words);

#endif

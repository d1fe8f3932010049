/*
 * generate_internal.h - what the files of the generator share. Not an API:
 * every other module goes through dfc/generate.h.
 *
 * generate.c writes the script: its header, the pipeline as data and the
 * runtime; generate_model.c reads the pipeline into a `struct gen` and
 * checks what it would write; generate_files.c writes the embedded files;
 * generate_text.c turns the pipeline's text into words, comments and names.
 */
#ifndef DFC_GENERATE_INTERNAL_H
#define DFC_GENERATE_INTERNAL_H

#include "dfc/buf.h"
#include "dfc/dag.h"
#include "dfc/generate.h"

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>

/* A git blob id in hex, with its NUL. */
#define GEN_BLOB_HEX_SIZE (GIT_OID_HEXSZ + 1)

/* What the generator knows about one node, by dag position. */
struct gen_node {
	const json_t *json;
	bool script;
	/* Where the node is in the run folder (owned). */
	char *run_path;
	/* Script: its content, its interpreter words (a new array; empty: executed). */
	const struct script_file *file;
	json_t *interp;
	/* Dataset: a stored copy to embed, or NULL. */
	const struct embedded_dataset *data;
	/* Git blob id of the embedded content (script or stored dataset). */
	char blob[GEN_BLOB_HEX_SIZE];
};

/* The script being generated: its input and the model built from it. */
struct gen {
	const struct generate_input *in;
	struct dag dag;
	const json_t *edges;
	size_t *order;
	struct gen_node *nodes;
	/* Edges by the node whose arguments they carry, in edge order (CSR). */
	size_t *arg_start;
	size_t *arg_edges;
	/* Incoming edges of each node, in edge order (CSR). */
	size_t *in_start;
	size_t *in_edges;
	/* Outgoing edges of each node, in edge order (CSR). */
	size_t *out_start;
	size_t *out_edges;
	/* Per-node marks to drop repeated ids from a list in linear time. */
	size_t *mark;
	size_t mark_gen;
};

#define GEN_INIT                                                                                   \
	{                                                                                          \
		NULL, DAG_INIT, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0      \
	}

/* generate_model.c */

/*
 * Build the model of `g->in->pipeline` (set `g->in` first): the dag and
 * its order, each node's JSON, content, blob id and place in the run
 * folder, and the edge lists. Returns 0, or DFC_EINVALID (no nodes, a
 * cycle, a node without a valid type, a bad sha256 or interpreter),
 * DFC_ESECURITY (an id, script name, dataset path or URL that could leave
 * the run folder) or DFC_EDEPEND (a script without content).
 */
int gen_prepare(struct gen *g);

/* Release what gen_prepare() built; `g` may be GEN_INIT. */
void gen_release(struct gen *g);

/* generate_files.c */

/*
 * Append one `dfc_file_<blob id>` function per distinct embedded content
 * (scripts and stored datasets), in the order first used.
 */
void gen_add_files(struct buf *out, const struct gen *g);

/* generate_text.c */

/* True when `s`[0, len) is valid UTF-8 (no overlong form, no surrogate). */
bool gen_utf8_valid(const unsigned char *s, size_t len);

/* Append ' ' and `s` single-quoted for the shell. */
void gen_add_word(struct buf *out, const char *s);

/*
 * Append `s` as text for a comment or a message: one line, plain UTF-8,
 * each control character shown as '?'.
 */
void gen_add_comment_text(struct buf *out, const char *s);

/* Append ' ' and `s`, made printable, single-quoted (for dfc_info). */
void gen_add_shown_word(struct buf *out, const char *s);

/* `c` when it is a letter, a digit, '.', '_' or '-'; '_' otherwise. */
char gen_plain_char(char c);

#endif

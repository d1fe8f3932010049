/**
 * pipeline.h - a pipeline file read and parsed with jansson (SPEC §2).
 *
 * Parsing is strict: duplicate keys, NUL bytes, invalid UTF-8, nesting
 * deeper than jansson's limit, a top level that is not an object and an
 * empty file are all syntax problems, reported with line and column.
 * Structure is checked separately by pipeline_validate() (validate.h).
 */
#ifndef DFC_PIPELINE_H
#define DFC_PIPELINE_H

#include "dfc/problems.h"
#include "dfc/strvec.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct pipeline {
	/** Name used in messages: the path given, or "<stdin>". Owned. */
	char *path;
	/** The raw bytes as read (NUL-terminated). Owned. */
	char *source;
	size_t source_len;
	/** The parsed document; a new reference owned by the pipeline. */
	json_t *root;
};

#define PIPELINE_INIT { NULL, NULL, 0, NULL }

/**
 * Parse `len` bytes of `data` (copied) as the pipeline named `path`.
 * Returns 0, or DFC_EINVALID with the syntax problem appended to
 * `problems`. On failure `root` is NULL but `path` (and `source`, once
 * read) stay set for messages: release `out` either way.
 */
int pipeline_parse(struct pipeline *out, const char *path, const char *data,
		   size_t len, struct problems *problems);

/**
 * Read `path` ("-" for standard input) and parse it. Returns 0,
 * DFC_EINVALID (problem appended, or a file too large), or the error of
 * reading (DFC_ENOTFOUND, DFC_EUSAGE) with the message set.
 */
int pipeline_load(struct pipeline *out, const char *path,
		  struct problems *problems);

void pipeline_release(struct pipeline *p);

/** The top-level "id" when it is a string, else NULL. Borrowed. */
const char *pipeline_id(const struct pipeline *p);

/**
 * Node id -> `path` of every node of `root` (borrowed, a parsed pipeline)
 * that has a string `path`, the first node of an id winning: a new
 * reference, so that finding a node's path is a lookup, not a scan.
 */
json_t *pipeline_node_paths(const json_t *root);

/**
 * Append to `out` the id of every node of `root` (borrowed, a parsed
 * pipeline) that has a string `id` and `type`, in file order; with
 * `scripts_only`, of its script nodes only (what `run --node` takes).
 */
void pipeline_node_ids(const json_t *root, bool scripts_only, struct strvec *out);

#endif

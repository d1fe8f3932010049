/**
 * merge.h - the three-way structural merge of pipeline documents (SPEC §5
 * "Three-way sync", §8 merge driver).
 *
 * One engine for `sync` (base = the version FILE started from, ours = FILE,
 * theirs = the catalog's version) and for git's merge driver (base, ours
 * and theirs of a pipeline file). Nodes match by `id`; edges by `from` and
 * `to` and their position among the edges with the same ends; top-level
 * keys by name, and so do the keys of a node or an edge. Every other value
 * (an argument list, `resources`, `name`) is one value. A change on one
 * side only is taken; the same change on both sides is taken once; two
 * different changes to one value, or a change to a node or edge the other
 * side deleted, are a conflict.
 */
#ifndef DFC_MERGE_H
#define DFC_MERGE_H

#include <jansson.h>
#include <stddef.h>

/* One value that both sides changed differently. Absent values are NULL. */
struct merge_conflict {
	char *pointer; /* JSON pointer into ours (else theirs) */
	json_t *base;
	json_t *ours;
	json_t *theirs;
};

struct merge_result {
	/*
	 * The merged document. With conflicts, each conflicting value is
	 * ours, so that the document is whole (what git's merge driver leaves).
	 */
	json_t *merged;
	struct merge_conflict *conflicts;
	size_t nr_conflicts;
	size_t alloc_conflicts;
	size_t from_ours;   /* values changed on our side only */
	size_t from_theirs; /* values changed on their side only */
	size_t from_both;   /* the same change on both sides */
};

#define MERGE_RESULT_INIT { NULL, NULL, 0, 0, 0, 0, 0 }

/*
 * Merge `ours` and `theirs`, two descendants of `base` (each a JSON
 * object), into `res`. Returns 0 (look at res->nr_conflicts), or -1 with
 * the error set when a document is not an object.
 */
int merge_documents(const json_t *base, const json_t *ours, const json_t *theirs,
		    struct merge_result *res);

void merge_result_release(struct merge_result *res);

#endif

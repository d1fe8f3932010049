/*
 * store_internal.h - what the files of the store (store.c, store_read.c,
 * store_repair.c) share with each other. Not an API: every other module
 * goes through dfc/store.h.
 */
#ifndef DFC_STORE_INTERNAL_H
#define DFC_STORE_INTERNAL_H

#include "dfc/store.h"

#include <git2.h>
#include <stdbool.h>

/* store.c */

/*
 * The commit (new) at the tip of `id`'s branch; DFC_ENOTFOUND when there
 * is no such pipeline.
 */
int store_tip_commit(git_commit **out, struct store *store, const char *id);

/*
 * Call `fn` on each commit of `id`'s branch from the tip down its first
 * parents, with the commit's version, until `fn` returns non-zero. Returns
 * that value (1 means "stopped, all well"), 0 after the oldest version, or a
 * negative code; DFC_ENOTFOUND when there is no such pipeline.
 */
int store_walk_versions(struct store *store, const char *id,
			int (*fn)(git_commit *commit, int version, void *payload), void *payload);

/* store_read.c */

/*
 * The commit (new) down the first parents of `id`'s branch that carries
 * version `version`, or NULL when none does; 0 or a negative code.
 */
int store_version_on_branch(git_commit **out, struct store *store, const char *id, int version);

/* Append the pipeline.json of a version's `commit` to `out`. */
int store_commit_pipeline_json(struct buf *out, struct store *store, const git_commit *commit);

/* store_repair.c */

/*
 * Restore the tag of version `version` (at `commit`) when it is missing;
 * `*existed` says whether it was there, `*changed` (may be NULL) counts
 * a restored one.
 */
int store_repair_tag(struct store *store, const char *id, int version,
		     const git_commit *commit, bool *existed, int *changed);

/* Bring tags and view in step with the branch; the caller holds the lock. */
int store_repair_locked(struct store *store, const char *id, bool full, int *changed);

#endif

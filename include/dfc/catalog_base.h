/**
 * catalog_base.h - the catalog version a pipeline was last synced or
 * shared from this home (SPEC §5 "No lost updates"): what a share started
 * from, and the base of a three-way sync. Kept as a ref of repo.git
 * (refs.h: refs_catalog_base), so it keeps that catalog commit.
 */
#ifndef DFC_CATALOG_BASE_H
#define DFC_CATALOG_BASE_H

#include "dfc/store.h"

#include <git2.h>
#include <stdbool.h>

/**
 * The base commit of `id` into `*out` (new, git_commit_free()): 0, or 1
 * with `*out` NULL when this home has none (it never synced or shared
 * `id`, or the commit is gone).
 */
int catalog_base_get(git_commit **out, struct store *store, const char *id);

/** Record `commit` (a catalog version of `id`) as its base. */
int catalog_base_set(struct store *store, const char *id, const git_oid *commit);

#endif

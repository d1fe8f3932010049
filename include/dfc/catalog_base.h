/**
 * catalog_base.h - the catalog version a pipeline was last synced or
 * shared from this home (SPEC §5 "No lost updates"), per catalog: what a
 * share started from, and the base of a three-way sync. Kept as a ref of
 * repo.git (refs.h: refs_catalog_base), so it keeps that catalog commit.
 */
#ifndef DFC_CATALOG_BASE_H
#define DFC_CATALOG_BASE_H

#include "dfc/catalog.h"

#include <git2.h>
#include <stdbool.h>

/**
 * The base commit of `id` into `*out` (new, git_commit_free()): 0, or 1
 * with `*out` NULL when this home has none (it never synced or shared
 * `id`, or the commit is gone).
 */
int catalog_base_get(git_commit **out, struct catalog *cat, const char *id);

/**
 * Record `commit` (a version of `id` in `cat`) as its base with `cat`, for
 * a caller that holds the home's lock of `id` (a share).
 */
int catalog_base_set(struct catalog *cat, const char *id, const git_oid *commit);

/** The same for a caller without that lock (sync): it is taken here. */
int catalog_base_record(struct catalog *cat, const char *id, const git_oid *commit);

/** The version number of the base of `id` with `cat` into `*version`, 0 if none. */
int catalog_base_version(struct catalog *cat, const char *id, int *version);

/** catalog_base_record() of the version whose commit is `commit_hex`. */
int catalog_base_record_hex(struct catalog *cat, const char *id, const char *commit_hex);

/**
 * Record `commit` as the version a share of `id` is about to push, so that
 * a share killed after its push, before catalog_base_set(), still knows
 * the catalog's new tip as its own.
 */
int catalog_base_set_pending(struct catalog *cat, const char *id, const git_oid *commit);

/** Whether `commit` is the version a share of `id` last was about to push. */
bool catalog_base_is_pending(struct catalog *cat, const char *id, const git_oid *commit);

#endif

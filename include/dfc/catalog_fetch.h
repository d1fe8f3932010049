/**
 * catalog_fetch.h - bringing the catalog's state into the tracking refs of
 * repo.git (catalog.h), where reading commands find it offline
 * (catalog_read.h).
 *
 * The tracking refs cache one catalog: when the catalog changes, the old
 * ones are dropped. The URL (without credentials) is kept as
 * remote.catalog.url, so `git fetch catalog` works in repo.git too.
 */
#ifndef DFC_CATALOG_FETCH_H
#define DFC_CATALOG_FETCH_H

#include "dfc/catalog.h"
#include "dfc/runs.h"

/**
 * Ask the catalog for pipeline `id` (all pipelines when NULL), its versions
 * and its runs in one fetch, and update the tracking refs, under the home's lock of `id` (catalog_share.h). A catalog
 * that does not exist yet (the default before the first share) is empty.
 * Errors: DFC_ESECURITY (token refused or missing), DFC_ENETWORK
 * (unreachable; the message names the URL without credentials).
 */
int catalog_fetch(struct catalog *cat, const char *id);

/**
 * Record in the store the runs of `id` that the catalog has (as last
 * fetched) and the store lacks: runs_merge() with the tracking ref of its
 * runs. None fetched: `out` says what the store has, nothing changes.
 */
int catalog_take_runs(struct catalog *cat, const char *id, struct runs_merged *out);

#endif

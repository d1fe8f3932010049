/**
 * catalog_compare.h - where a pipeline's local versions stand against its
 * last known catalog versions (catalog_read.h), compared by content: the
 * fingerprints of fingerprint.h, so that a version shared from a local
 * one equals it although the catalog form adds ids.
 */
#ifndef DFC_CATALOG_COMPARE_H
#define DFC_CATALOG_COMPARE_H

#include "dfc/buf.h"
#include "dfc/fingerprint.h"
#include "dfc/store.h"

#include <git2.h>
#include <stdbool.h>

/**
 * The fingerprint of the content of a local (`local`: pipeline.json and
 * scripts.json) or catalog version's commit (pipeline.json), whatever its
 * Content-Fingerprint trailer says: fsck checks the trailer against it.
 */
int catalog_content_fingerprint(char out[FINGERPRINT_SIZE], struct store *store,
				const git_commit *commit, bool local);

/** The latest version of one pipeline on each side, as commits in repo.git. */
struct catalog_sides {
	/** The latest local version, or NULL when the store has none (owned). */
	git_commit *local;
	/** The catalog's last known latest version, or NULL (owned). */
	git_commit *catalog;
	/** Their Pipeline-Version numbers, 0 for a missing side. */
	int local_version;
	int catalog_version;
};

/**
 * Look up the commits of a pipeline's branch tip `local` and tracking tip
 * `catalog` (either NULL when that side has none), as store_list_tips()
 * gives them, and read their version numbers. Reads two commits, nothing
 * else. On failure nothing is left to release.
 */
int catalog_sides_open(struct catalog_sides *out, struct store *store, const git_oid *local,
		       const git_oid *catalog);

void catalog_sides_release(struct catalog_sides *sides);

/** Append the pipeline.json of the local latest, else of the catalog's, to `out`. */
int catalog_sides_pipeline_json(struct store *store, const struct catalog_sides *sides,
				struct buf *out);

/**
 * Where the two sides stand, as a static string: "local-only",
 * "catalog-only", "shared" (the latest ones are equal), "ahead" (the
 * catalog's latest is an older local version), "behind" (the local latest
 * is an older catalog version) or "diverged"; DFC_ENOTFOUND when neither
 * side has the pipeline. A missing side decides alone; otherwise the two
 * tips' Content-Fingerprint trailers are compared (the content is read
 * only for a version recorded without one), and the histories are walked
 * only when they differ.
 */
int catalog_sides_compare(struct store *store, const struct catalog_sides *sides,
			  const char **state);

#endif

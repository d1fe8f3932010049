/**
 * catalog_read.h - the catalog's versions as last fetched (catalog_fetch.h),
 * read from the tracking refs of repo.git without contacting the catalog.
 */
#ifndef DFC_CATALOG_READ_H
#define DFC_CATALOG_READ_H

#include "dfc/buf.h"
#include "dfc/fingerprint.h"
#include "dfc/store.h"

#include <git2.h>

/**
 * The tracking tip of `id` into `*out` (new, git_commit_free()): 0, or 1
 * with `*out` NULL when the catalog has no such pipeline.
 */
int catalog_tracking_tip(git_commit **out, struct store *store, const char *id);

/**
 * Last known catalog version of `id` (0 when the catalog has none), from the
 * tracking refs, without contacting the catalog.
 */
int catalog_latest_version(struct store *store, const char *id, int *version);

/** One catalog version, as last fetched. */
struct catalog_version {
	int version;
	/** Local-Version trailer, 0 when shared from a file. */
	int local_version;
	char commit[GIT_OID_HEXSZ + 1];
	long long time;
	int offset;
	char *author;
	/** pipeline.json in catalog form. */
	struct buf pipeline_json;
	/** Its Content-Fingerprint trailer, else computed from pipeline_json. */
	char fingerprint[FINGERPRINT_SIZE];
};

void catalog_version_release(struct catalog_version *v);

/**
 * Call `fn` for each last-known catalog version of `id`, newest first,
 * until it returns non-zero (returned). No version: returns 0 at once.
 */
int catalog_for_each_version(struct store *store, const char *id,
			     int (*fn)(const struct catalog_version *v, void *payload),
			     void *payload);

/** Read catalog version `version` (0: latest) of `id`: DFC_ENOTFOUND if none. */
int catalog_read_version(struct store *store, const char *id, int version,
			 struct catalog_version *out);

/**
 * Append file `path` (such as "scripts/<script_id>/<name>") of catalog
 * version `version` (0: latest) of `id`, as last fetched, to `out`.
 * DFC_ENOTFOUND when the version or the file does not exist.
 */
int catalog_read_file(struct store *store, const char *id, int version, const char *path,
		      struct buf *out);

#endif

/**
 * catalog.h - the shared catalog (SPEC §5): a git repository reached by
 * libgit2 (a path, file://, smart HTTP(S) or ssh) whose history only grows.
 *
 * Pipeline <id> is branch `pipelines/<id>` there; each commit is one
 * catalog version N, tagged `pipelines/<id>/vN`. Its last known state is
 * kept in the local store's repo.git as `refs/remotes/catalog/pipelines/<id>`
 * (with the objects), so reading commands work offline.
 *
 * Sharing builds the commit in repo.git and pushes it without force. A
 * push refused because the branch moved is retried on the new tip with the
 * next number. For catalogs on this machine, an flock on
 * `<catalog>/dfc-locks/<id>.lock` also serialises writers, since libgit2
 * writes local repositories directly (no server to compare and swap).
 * In repo.git, `dfc-locks/catalog/<id>.lock` serialises the shares and
 * fetches of one pipeline. Under these locks a libgit2 `.lock` file of that
 * pipeline's refs was left by a killed process, and is removed.
 */
#ifndef DFC_CATALOG_H
#define DFC_CATALOG_H

#include "dfc/buf.h"
#include "dfc/config.h"
#include "dfc/download.h"
#include "dfc/refs.h"
#include "dfc/scripts.h"
#include "dfc/store.h"

#include <stdbool.h>

/** Namespace of the catalog-tracking refs in repo.git. */
#define CATALOG_TRACKING_PREFIX REFS_TRACKING_PREFIX

struct catalog {
	/** The local store (borrowed). */
	struct store *store;
	/** The catalog as resolved (owned). */
	char *url;
	/** The URL as shown in messages, without credentials (owned). */
	char *shown_url;
	/** Bearer token for http(s), or NULL (owned; never printed). */
	char *token;
	/** Path of a catalog on this machine, else NULL (owned). */
	char *local_path;
	/** True for the embedded default, created on first share. */
	bool is_default;
	long long max_dataset_bytes;
	/** Where partial dataset downloads wait (owned). */
	char *cache_dir;
	/** Options for URL datasets; callers may set its progress report. */
	struct download_options download;
};

#define CATALOG_INIT { 0 }

/**
 * Set up the catalog of `cfg` (its catalog.url and token, with flags and
 * environment already applied: config.h), or the default
 * `$DATA_FACTORY_HOME/catalog.git` when no catalog.url is set. Nothing is
 * contacted.
 */
int catalog_open(struct catalog *cat, struct store *store, const struct config *cfg);

void catalog_release(struct catalog *cat);

/**
 * Ask the catalog for pipeline `id` (all pipelines when NULL) and update the
 * tracking refs. A catalog that does not exist yet (the default before the
 * first share) is empty. Errors: DFC_ESECURITY (token refused or missing),
 * DFC_ENETWORK (unreachable; the message names the URL without
 * credentials).
 */
int catalog_fetch(struct catalog *cat, const char *id);

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
	char fingerprint[41];
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

/**
 * The fingerprint (catalog_form.h) of local version `version` of `id`: its
 * Content-Fingerprint trailer, or for a version recorded without one,
 * computed from its pipeline.json and scripts.json.
 */
int local_fingerprint(struct store *store, const char *id, int version,
		      char out[41]);

/**
 * The fingerprint of the content of a local (`local`: pipeline.json and
 * scripts.json) or catalog version's commit (pipeline.json), whatever its
 * Content-Fingerprint trailer says: fsck checks the trailer against it.
 */
int catalog_content_fingerprint(char out[41], struct store *store, const git_commit *commit,
				bool local);

/**
 * Where the local versions of `id` stand against its last known catalog
 * versions, compared by content (catalog_form.h fingerprints):
 * "local-only", "catalog-only", "shared" (the latest ones are equal),
 * "ahead" (the catalog's latest is an older local version), "behind" (the
 * local latest is an older catalog version) or "diverged". The string is
 * static. DFC_ENOTFOUND when neither side has the pipeline.
 */
int catalog_compare(struct store *store, const char *id, const char **state);

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
 * catalog_compare() of sides already open. A missing side decides alone;
 * otherwise the two tips' Content-Fingerprint trailers are compared (the
 * content is read only for a version recorded without one), and the
 * histories are walked only when they differ.
 */
int catalog_sides_compare(struct store *store, const struct catalog_sides *sides,
			  const char **state);

struct share_request {
	const char *id;
	/** The pipeline to share, local form (borrowed). */
	const json_t *pipeline;
	/** Folder relative dataset paths start from. */
	const char *base_dir;
	/** Script content per node. */
	const struct script_files *scripts;
	/** Commit message, or NULL for "share <id> as version N". */
	const char *message;
	/** The local version shared (Local-Version trailer), 0 for a file. */
	int local_version;
};

struct share_result {
	int version;
	/** False when the content equals the catalog's latest version. */
	bool appended;
};

/**
 * Append the pipeline as the next catalog version (SPEC §5). Never forces,
 * never deletes; when another writer wins, retries on the new tip, and
 * after a few lost races gives DFC_ECONFLICT.
 */
int catalog_share(struct catalog *cat, const struct share_request *req,
		  struct share_result *res);

#endif

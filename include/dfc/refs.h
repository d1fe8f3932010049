/**
 * refs.h - the names of the refs that hold pipelines, built in one place.
 *
 * Pipeline <id> is branch `refs/heads/pipelines/<id>`; its version N is
 * tag `refs/tags/pipelines/<id>/vN`. The catalog's last known state of it is
 * `refs/remotes/catalog/pipelines/<id>` in the local store, and the commits
 * a share pushes wait under `refs/dfc/share/<id>/<n>`, and its recorded runs
 * are on `refs/dfc/runs/<id>`, which a share with runs pushes to the same
 * name in the catalog and a fetch brings into
 * `refs/remotes/catalog/runs/<id>`. Every other module
 * asks this one for those names. The strings returned are new; the caller
 * frees them.
 */
#ifndef DFC_REFS_H
#define DFC_REFS_H

#include <stddef.h>

/** The folder of every pipeline's branch. */
#define REFS_BRANCH_PREFIX "refs/heads/pipelines/"
/** The folder of every version tag. */
#define REFS_TAG_PREFIX "refs/tags/pipelines/"
/** Everything the catalog remote leaves in the local store. */
#define REFS_REMOTE_PREFIX "refs/remotes/catalog/"
/** The folder of the tracking refs: the catalog's branches as last fetched. */
#define REFS_TRACKING_PREFIX REFS_REMOTE_PREFIX "pipelines/"
/** The folder of the refs a share pushes from. */
#define REFS_SHARE_PREFIX "refs/dfc/share/"
/* The catalog version each pipeline was last synced or shared from this
 * home: what a share started from (SPEC §5 "No lost updates"). */
#define REFS_BASE_PREFIX "refs/dfc/base/"
/** The folder of the refs that hold each pipeline's recorded runs (SPEC §14). */
#define REFS_RUNS_PREFIX "refs/dfc/runs/"
/** The folder of the catalog's run refs as last fetched. */
#define REFS_RUNS_TRACKING_PREFIX REFS_REMOTE_PREFIX "runs/"

/** `refs/heads/pipelines/<id>`. */
char *refs_branch(const char *id);

/** `refs/tags/pipelines/<id>/v<version>`. */
char *refs_tag(const char *id, int version);

/** `refs/tags/pipelines/<id>/`: the folder of the tags of one pipeline. */
char *refs_tag_prefix(const char *id);

/** `refs/remotes/catalog/pipelines/<id>`. */
char *refs_tracking(const char *id);

/** `refs/dfc/share/<id>/<n>`: the n-th ref one share of `id` pushes from. */
char *refs_share(const char *id, size_t n);

/** `refs/dfc/runs/<id>`: the runs recorded of pipeline `id`, one commit each. */
char *refs_runs(const char *id);

/** `refs/remotes/catalog/runs/<id>`: the catalog's runs of `id` as last fetched. */
char *refs_runs_tracking(const char *id);

/**
 * The refspec that fetches the catalog's runs of `id` into their tracking
 * ref, forced (`+refs/dfc/runs/<id>:refs/remotes/catalog/runs/<id>`); with
 * `id` NULL, the runs of every pipeline (`*` on both sides).
 */
char *refs_runs_fetch_refspec(const char *id);

/**
 * The refspec that fetches the catalog's branch of `id` into its tracking
 * ref, forced (`+refs/heads/pipelines/<id>:refs/remotes/catalog/pipelines/<id>`);
 * with `id` NULL, every branch (`*` on both sides).
 */
char *refs_fetch_refspec(const char *id);

/*
 * "refs/dfc/base/<catalog>/<id>": the version of `id` last synced or shared
 * with the catalog `key` (its URL as shown), named by a hash of it.
 */
char *refs_catalog_base(const char *key, const char *id);

/**
 * When `name` starts with `prefix`, the rest of it (borrowed from `name`),
 * else NULL. `refs_skip_prefix(name, REFS_BRANCH_PREFIX)` is the pipeline id
 * of a branch, or more than one when it holds a '/'.
 */
const char *refs_skip_prefix(const char *name, const char *prefix);

#endif

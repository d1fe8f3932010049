/**
 * catalog_share.h - appending a pipeline to the catalog (catalog.h).
 *
 * Sharing builds the commit in repo.git (catalog_form.h) and pushes it
 * without force. A push refused because the branch moved is retried on the
 * new tip with the next number. Shares of one pipeline hold the home's
 * lock of it (`dfc-locks/catalog/<id>.lock` in repo.git) and, for a
 * catalog on this machine, its writers' lock (`<catalog>/dfc-locks/<id>.lock`:
 * libgit2 writes local repositories directly, with no server to compare
 * and swap). Under them, a libgit2 `.lock` file of that pipeline's refs
 * was left by a killed process, and is removed.
 */
#ifndef DFC_CATALOG_SHARE_H
#define DFC_CATALOG_SHARE_H

#include "dfc/catalog.h"
#include "dfc/scripts.h"

#include <jansson.h>
#include <stdbool.h>

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
 * after a few lost races gives DFC_ECONFLICT. The default catalog is
 * created by its first share.
 */
int catalog_share(struct catalog *cat, const struct share_request *req,
		  struct share_result *res);

/** What catalog_share_runs() did. */
struct share_runs_result {
	/** False when neither this home nor the catalog has runs of the pipeline. */
	bool any;
	/** Runs (or records grown since) the catalog lacked, now pushed. */
	size_t pushed;
	/** Runs of the catalog this home lacked, recorded here first (runs.h). */
	size_t taken;
};

/**
 * Push the runs recorded of pipeline `id` (`refs/dfc/runs/<id>`, all of
 * them) to the same ref of the catalog, never forced: the catalog's runs
 * are fetched first and those this home lacks recorded here (runs_merge(),
 * the union by run id), so the push is a fast-forward. A push refused
 * because the catalog's runs moved is retried on them; one refused while
 * they stayed is DFC_ECONFLICT (a server whose guard refuses run refs).
 * A run recorded on both sides with different bytes is DFC_ECONFLICT.
 */
int catalog_share_runs(struct catalog *cat, const char *id, struct share_runs_result *res);

#endif

/**
 * catalog_form.h - the self-contained content of a catalog version
 * (SPEC §5): pipeline.json in catalog form, every script under
 * `scripts/<script_id>/<file name>`, every dataset either stored under
 * `datasets/<dataset_id>/<file name>` or described by
 * `datasets/<dataset_id>.json` ({"url"|"path", "sha256", "size"}).
 */
#ifndef DFC_CATALOG_FORM_H
#define DFC_CATALOG_FORM_H

#include "dfc/download.h"
#include "dfc/fingerprint.h"
#include "dfc/scripts.h"

#include <git2.h>
#include <jansson.h>

struct form_input {
	/** The pipeline to share (borrowed). */
	const json_t *pipeline;
	/** Folder that relative dataset paths start from. */
	const char *base_dir;
	/** Script content per node (from files or a local version). */
	const struct script_files *scripts;
	/** Local datasets up to this size are stored; larger are described. */
	long long max_dataset_bytes;
	/** How URL datasets are downloaded to learn their size and sha256. */
	const struct download_options *download;
	/**
	 * Tree of the catalog's latest version, or NULL: content a node names
	 * only by `script_id` / `dataset_id` is taken from it.
	 */
	const git_tree *previous;
};

/**
 * Write the blobs and trees of a catalog version into `repo` and return
 * its root tree in `*tree`; `*pipeline` receives the catalog form (new
 * reference): each script node with `script_id` (git blob id of its
 * content), each dataset node with `dataset_id` (blob id of the stored
 * content, or of the canonical descriptor), `path` and `url` kept.
 *
 * A dataset that a script of the pipeline writes is described by its path
 * alone (a run's result is no part of a version); any other dataset whose
 * file is missing is DFC_EDEPEND, as is a script without content.
 */
int catalog_form_build(git_oid *tree, json_t **pipeline, git_repository *repo,
		       const struct form_input *in);

#endif

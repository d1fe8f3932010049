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
 * A dataset whose file is missing is described by its path alone when a
 * script of the pipeline writes it; otherwise it is DFC_EDEPEND, as is a
 * script without content.
 */
int catalog_form_build(git_oid *tree, json_t **pipeline, git_repository *repo,
		       const struct form_input *in);

/** Size of a content fingerprint: 40 hex digits and a NUL. */
#define FINGERPRINT_SIZE 41

/**
 * What a local version and a catalog version have in common, as a hash:
 * the blob id (catalog versions add them) of the canonical pipeline without
 * `script_id` / `dataset_id`, with the blob id of each script node's
 * content (`scripts`: node id -> blob id; a node it does not name, or
 * every node when it is NULL, counts by its `script_id`). Precisely, the
 * git blob id of the text of one line `<node id> <script blob id>` per
 * script node, in node order, then one line with the canonical form's blob
 * id. Equal fingerprints mean the same pipeline with the same scripts.
 */
void content_fingerprint(char out[FINGERPRINT_SIZE], const json_t *pipeline,
			 const json_t *scripts);

/**
 * content_fingerprint() of `pipeline` whose canonical form's blob id
 * (canonical.h) is already known: `canonical_id`, the blob id of the
 * pipeline.json a version stores. When no node carries a `script_id` or
 * `dataset_id` it is used as it is, instead of writing the canonical form
 * again and hashing it (recording a 40,000-node version). NULL: computed.
 */
void content_fingerprint_canonical(char out[FINGERPRINT_SIZE], const json_t *pipeline,
				   const json_t *scripts, const git_oid *canonical_id);

#endif

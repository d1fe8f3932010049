/**
 * fingerprint.h - what a local version and a catalog version have in
 * common, as one hash: the content fingerprint that a version records in
 * its Content-Fingerprint trailer and that the catalog compares.
 */
#ifndef DFC_FINGERPRINT_H
#define DFC_FINGERPRINT_H

#include "dfc/buf.h"

#include <git2.h>
#include <jansson.h>

/** Size of a content fingerprint: 40 hex digits and a NUL. */
#define FINGERPRINT_SIZE (GIT_OID_HEXSZ + 1)

/**
 * What a local version and a catalog version have in common, as a hash:
 * the blob id (catalog versions add them) of the canonical pipeline without
 * `script_id` / `dataset_id`, with the blob id of each script node's
 * content (`scripts`: node id -> blob id; a node it does not name, or
 * every node when it is NULL, counts by its `script_id`). Precisely, the
 * git blob id of the text of one line `<node id> <script blob id>` per
 * script node, in node order, then one line with the canonical form's blob
 * id. Equal fingerprints mean the same pipeline with the same scripts.
 * `pipeline` and `scripts` are borrowed.
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

/**
 * content_fingerprint() of content read as text: `pipeline` holds a
 * pipeline.json and `manifest` a local version's scripts.json (empty: a
 * version without scripts), or is NULL for a catalog version, whose nodes
 * then count by their `script_id`.
 */
void content_fingerprint_text(char out[FINGERPRINT_SIZE], const struct buf *pipeline,
			      const struct buf *manifest);

#endif

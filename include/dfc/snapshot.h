/**
 * snapshot.h - the content of one version as the store writes it: a tree
 * holding pipeline.json, every script under `scripts/<blob id>/<file name>`
 * and the manifest `scripts.json` that maps each script node to the blob id
 * of its snapshot, so that an old version can be rebuilt node by node even
 * when two scripts share a file name. A snapshot is hashed first, without
 * writing anything; it is written only when a version is recorded.
 */
#ifndef DFC_SNAPSHOT_H
#define DFC_SNAPSHOT_H

#include "dfc/buf.h"
#include "dfc/fingerprint.h"
#include "dfc/scripts.h"

#include <git2.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/** The manifest's name at the root of a version's tree. */
#define SNAPSHOT_MANIFEST "scripts.json"

/** One file of a version's tree, by blob id: scripts/<oid>/<name>. */
struct snapshot_entry {
	git_oid oid;
	/** Borrowed from the script_files the snapshot was hashed from. */
	const char *name;
	const char *data;
	size_t len;
};

/** The hashed content of a version. Zero-initialise it: `{ 0 }`. */
struct snapshot {
	git_oid pipeline_oid;
	/** Sorted by blob id, then name; without repeats. */
	struct snapshot_entry *entries;
	size_t nr;
	/** The manifest's canonical text; empty when there are no scripts. */
	struct buf manifest;
	git_oid manifest_oid;
	/** The content fingerprint (fingerprint.h), "" when not asked for. */
	char fingerprint[FINGERPRINT_SIZE];
};

/**
 * Hash the content of a version (without writing anything): the blob id of
 * pipeline.json (`json`, `len`) and of every script of `scripts` (may be
 * NULL), sorted and without repeats, and with `pipeline` (the parsed
 * `json`, borrowed, or NULL) the content fingerprint. The snapshot borrows
 * the scripts' names and content: they must outlive it.
 */
int snapshot_hash(struct snapshot *snap, const char *json, size_t len,
		  const struct script_files *scripts, const json_t *pipeline);

/** Free what snapshot_hash() allocated. */
void snapshot_release(struct snapshot *snap);

/**
 * Write the blobs and trees of `snap` into `repo`, with pipeline.json from
 * `json` and `len`; the root tree's id into `out`.
 */
int snapshot_write(git_oid *out, git_repository *repo, const struct snapshot *snap,
		   const char *json, size_t len);

/** True when `tree` (in `repo`) holds exactly the content `snap` describes. */
bool snapshot_matches(git_repository *repo, const struct snapshot *snap, const git_tree *tree);

#endif

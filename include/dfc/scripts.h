/**
 * scripts.h - the local script files a pipeline references.
 *
 * When a version is recorded, every script node's file is read so that a
 * snapshot of it can be stored beside pipeline.json (SPEC §3).
 */
#ifndef DFC_SCRIPTS_H
#define DFC_SCRIPTS_H

#include "dfc/buf.h"

#include <git2.h>
#include <jansson.h>
#include <stddef.h>

struct script_file {
	/** Id of the script node (owned). */
	char *node_id;
	/** File name under which the snapshot is stored (owned). */
	char *name;
	/** The file's content. */
	struct buf content;
};

struct script_files {
	struct script_file *items;
	size_t nr;
	size_t alloc;
};

#define SCRIPT_FILES_INIT { NULL, 0, 0 }

void script_files_release(struct script_files *files);

/**
 * The git blob id of `file`'s content, as 40 hex digits: what a catalog
 * version names it by (its `script_id`, catalog_form.h).
 */
void script_file_blob_id(char out[GIT_OID_HEXSZ + 1], const struct script_file *file);

/**
 * Node id -> script_file_blob_id() of every one of `files`, as a new
 * reference: the `scripts` that content_fingerprint() takes.
 */
json_t *script_files_blob_ids(const struct script_files *files);

/**
 * Read the file of every script node of `root` (borrowed, a validated
 * pipeline) that has a `path`, relative paths being taken from `base_dir`.
 * A missing file is DFC_EDEPEND, unless the node also has a `script_id`
 * (its content then lives in a catalog and no snapshot is taken). A file
 * name that cannot be a git tree entry is DFC_ESECURITY.
 */
int script_files_collect(struct script_files *out, const json_t *root,
			 const char *base_dir);

#endif

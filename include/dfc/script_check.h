/**
 * script_check.h - whether the local script files a pipeline names are
 * there (SPEC §8): on disk for `validate FILE`, in the staged tree of a git
 * work tree for `validate --staged` (the pre-commit hook).
 *
 * Only script nodes with a string `path` and no `script_id` are checked: a
 * node with a `script_id` has its content in a catalog (a file `sync`
 * wrote), as when its version is recorded (scripts.h). A missing file is a
 * DFC_EINVALID problem at `/nodes/N/path`:
 * "script file 'scripts/load.py' not found", the path as written, quoted
 * for a terminal (problems.h). Each distinct path is looked up once.
 */
#ifndef DFC_SCRIPT_CHECK_H
#define DFC_SCRIPT_CHECK_H

#include "dfc/buf.h"
#include "dfc/problems.h"

#include <git2.h>
#include <jansson.h>
#include <stdbool.h>

/**
 * Append a problem for every checked script node of `root` (borrowed, a
 * parsed pipeline; nodes that are not objects are left to
 * pipeline_validate()) whose file does not exist, or is a folder; a
 * relative path is taken from `base_dir`.
 */
void script_check_disk(const json_t *root, const char *base_dir, struct problems *problems);

/**
 * The same against a git index: `index` (borrowed) is the work tree's
 * index, `workdir` the work tree's top folder, `file_path` the pipeline
 * file's path in the repository ("pipelines/ml/pipeline.json"). A relative
 * path is resolved against the pipeline file's folder and normalised; it
 * is present when the index holds a file (not a submodule) at that path at
 * stage 0: a staged deletion or rename makes it absent. A path that climbs
 * out of the repository, and an absolute path, are checked on disk instead.
 * A path missing from the index is "not found in the staged tree".
 */
void script_check_staged(const json_t *root, git_index *index, const char *workdir,
			 const char *file_path, struct problems *problems);

#endif

/**
 * staged.h - the staged tree of the user's git work tree: what a commit
 * made now would hold (SPEC §8, the pre-commit hook's `validate --staged`).
 *
 * The repository is found from the current folder, as git finds it. Its
 * index is the one git itself would use: $GIT_INDEX_FILE when set (git sets
 * it for a hook during `git commit -a` or `git commit FILE`), else the
 * repository's own.
 */
#ifndef DFC_STAGED_H
#define DFC_STAGED_H

#include "dfc/buf.h"

#include <git2.h>

struct staged {
	git_repository *repo;
	git_index *index;
	/** Top folder of the work tree, links resolved, no trailing '/' (owned). */
	char *workdir;
	/** The current folder relative to it, "" at the top (owned). */
	char *prefix;
};

#define STAGED_INIT { NULL, NULL, NULL, NULL }

/**
 * Open the work tree the current folder is in, and its index. libgit2 must
 * be initialised. DFC_ENOTFOUND outside a git work tree (or in a bare
 * repository); DFC_EINTERNAL when the index cannot be read. Release `s`
 * either way.
 */
int staged_open(struct staged *s);

void staged_release(struct staged *s);

/**
 * Append to `out` the path in the repository of `path`, given relative to
 * the current folder or absolute ("pipelines/ml/pipeline.json"), normalised
 * without following links. DFC_EUSAGE when it is outside the work tree.
 */
int staged_repo_path(const struct staged *s, const char *path, struct buf *out);

/**
 * Append the staged content of the file at `repo_path` (a path in the
 * repository, as staged_repo_path() gives it) to `out`. DFC_ENOTFOUND when
 * the index holds no file there (not added, or its deletion staged);
 * `display` names the file in that message.
 */
int staged_read(const struct staged *s, const char *repo_path, const char *display,
		struct buf *out);

#endif

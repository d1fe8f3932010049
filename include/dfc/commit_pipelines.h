/**
 * commit_pipelines.h - which pipeline files of a user's git repository a
 * commit, a merge or a rewrite changed, for the recording hooks (SPEC §8).
 *
 * A pipeline file is a file of HEAD's tree whose path matches git config
 * `datafactory.pattern` (fnmatch(3) without FNM_PATHNAME, so `*` matches
 * `/` as in the hooks' bash globs; default `*.json`) and whose content is a
 * JSON object with `nodes` and `edges` arrays. It changed when its own path,
 * or the path of a local script one of its nodes names (relative to the
 * file's folder, or absolute inside the work tree), is among the paths the
 * commits changed. Everything is read with libgit2; nothing is written.
 */
#ifndef DFC_COMMIT_PIPELINES_H
#define DFC_COMMIT_PIPELINES_H

#include "dfc/strvec.h"

#include <git2.h>

/** What changed: which commits are compared with what. */
struct commit_range {
	/**
	 * A revision (e.g. ORIG_HEAD after a merge): everything between it
	 * and HEAD. NULL: see `commits`.
	 */
	const char *since;
	/**
	 * Commit ids (hex), each compared with its first parent (after a
	 * rewrite). Empty and `since` NULL: HEAD against its first parent
	 * (a merge commit too; nothing, for a root commit).
	 */
	const struct strvec *commits;
};

struct commit_pipelines {
	/** Work tree, absolute, ending in '/' (owned). */
	char *workdir;
	/** HEAD's id (hex) and the first line of its message (owned). */
	char head[GIT_OID_HEXSZ + 1];
	char *subject;
	/** Paths (relative to the work tree) of the pipeline files to record. */
	struct strvec record;
	/**
	 * Pipeline files that changed but are not recorded because the work
	 * tree holds something else than HEAD for them or a script they
	 * name: a version would not be what the commit holds.
	 */
	struct strvec differs;
};

#define COMMIT_PIPELINES_INIT { NULL, { 0 }, NULL, STRVEC_INIT, STRVEC_INIT }

void commit_pipelines_release(struct commit_pipelines *cp);

/**
 * Fill `out` for the repository holding the folder `dir` and the changes
 * `range` names. Returns 0; DFC_ENOTFOUND when there is no repository or
 * no HEAD, or a revision of `range` is unknown; DFC_EINTERNAL with
 * libgit2's message otherwise.
 */
int commit_pipelines_find(struct commit_pipelines *out, const char *dir,
			  const struct commit_range *range);

#endif

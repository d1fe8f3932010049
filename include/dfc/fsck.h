/**
 * fsck.h - check that repo.git, its tags, the view and the catalog-tracking
 * refs agree (SPEC §3, §12), and repair what can be repaired from repo.git.
 *
 * repo.git is the truth: a repair restores tags from the branches and
 * rewrites the view from the commits, never the other way round, so a
 * damaged object stays a problem. Nothing that might be someone's only
 * copy is deleted: files in pipelines/ that repo.git does not explain are
 * moved to pipelines/lost-found/, and a tag is moved only when the commit
 * it pointed at stays reachable (or never existed).
 *
 * The check reads without taking the writers' lock: run it when no
 * `update` or `share` is at work, or a version being recorded may show up
 * as a missing tag or view file.
 */
#ifndef DFC_FSCK_H
#define DFC_FSCK_H

#include <stdbool.h>
#include <stddef.h>

/*
 * X(name, word, what it means). The word names the kind in the output and
 * in --json.
 */
#define FSCK_KINDS(X)                                                                              \
	X(FSCK_BAD_REPO, "bad-repo", "repo.git cannot be opened")                                  \
	X(FSCK_BAD_REF, "bad-ref", "a ref does not point at a readable commit")                    \
	X(FSCK_MISSING_OBJECT, "missing-object", "an object reachable from a ref is missing")      \
	X(FSCK_CORRUPT_OBJECT, "corrupt-object", "an object reachable from a ref cannot be read")  \
	X(FSCK_BAD_VERSION, "bad-version", "a commit of a pipeline branch is not a valid version") \
	X(FSCK_MISSING_TAG, "missing-tag", "a version has no tag")                                 \
	X(FSCK_WRONG_TAG, "wrong-tag", "a version tag points at another commit than the branch's") \
	X(FSCK_STRAY_TAG, "stray-tag", "a tag under pipelines/ no version explains")               \
	X(FSCK_MISSING_FILE, "missing-file", "a version's view file is missing")                   \
	X(FSCK_CHANGED_FILE, "changed-file", "a version's view file differs from its commit")      \
	X(FSCK_BAD_STATE, "bad-state", "a state file is missing or does not match the branch")     \
	X(FSCK_STRAY_FILE, "stray-file", "a file in pipelines/ repo.git does not explain")          \
	X(FSCK_BAD_RUN, "bad-run", "a commit of refs/dfc/runs/ does not record one valid run")

enum fsck_kind {
#define FSCK_KIND_ENUM(name, word, text) name,
	FSCK_KINDS(FSCK_KIND_ENUM)
#undef FSCK_KIND_ENUM
};

/** The word of a kind ("missing-tag"). Static string. */
const char *fsck_kind_name(enum fsck_kind kind);

/** One problem found, or one thing a repair changed. */
struct fsck_finding {
	enum fsck_kind kind;
	/** The pipeline concerned (owned), or NULL. */
	char *pipeline;
	/** The version concerned, 0 when none. */
	int version;
	/**
	 * One line, without a newline (owned): what is wrong, or for a
	 * repair, what was done. Names from disk are quoted (problems.h).
	 */
	char *message;
	/** For a problem: whether `fsck --repair` can fix it. */
	bool repairable;
	/** The ref or file concerned (owned): matches a problem to its repair. */
	char *subject;
};

struct fsck_list {
	struct fsck_finding *items;
	size_t nr;
	size_t alloc;
};

struct fsck_report {
	/** Pipelines (branches) and versions (their commits) checked. */
	int pipelines;
	int versions;
	/** Runs checked (the files of the tips of refs/dfc/runs/). */
	int runs;
	/** What is wrong; after a repair, what is still wrong. */
	struct fsck_list problems;
	/** What the repair changed, each with the kind of problem it fixed. */
	struct fsck_list repaired;
};

#define FSCK_REPORT_INIT                                                                           \
	{                                                                                          \
		0, 0, 0, {NULL, 0, 0},                                                             \
		{                                                                                  \
			NULL, 0, 0                                                                 \
		}                                                                                  \
	}

void fsck_report_release(struct fsck_report *report);

/**
 * Check the store in `home`:
 *  - repo.git opens; every ref under refs/heads/pipelines/,
 *    refs/tags/pipelines/ and refs/remotes/catalog/ points at a commit,
 *    and every object reachable from them exists and can be read;
 *  - each commit down the first parents of branch `pipelines/<id>` has the
 *    trailers `Pipeline-Id: <id>` and `Pipeline-Version`, numbered 1..N
 *    from the root, and a `pipeline.json` that is a JSON object;
 *  - tag `pipelines/<id>/vN` exists for each version and points at its
 *    commit; no other tag is under pipelines/;
 *  - each commit of `refs/dfc/runs/<id>` adds exactly one
 *    `<run id>.json` to its parent's tree, or replaces one with a longer
 *    file that begins with its bytes (a run recorded before it ended,
 *    recorded again), a record of pipeline <id> that
 *    parses (run_record.h), named by its `Run` trailer, with its status as
 *    `Run-Status` and a `Pipeline-Version` (when there) naming a version
 *    commit of <id>; nothing else changes (runs.h);
 *  - `pipelines/<id>_N.json` is byte-identical to version N's
 *    pipeline.json, `<id>_state.json` is exactly what view_write_state()
 *    writes, and no other file is in pipelines/ (besides lost-found/).
 *
 * Without `repair` nothing at all is written. With `repair`, missing tags
 * and the view are restored from repo.git (store_repair()), a wrong tag is
 * moved back when that loses nothing (store_reset_tag()), a tracking ref
 * pointing at a missing object is removed (the next fetch sets it again),
 * stray files are moved to pipelines/lost-found/; then everything is
 * checked again, so `report->problems` holds what remains.
 *
 * Returns 0 whether or not problems were found (a repo.git that does not
 * open is a FSCK_BAD_REPO problem), DFC_ENOTFOUND when `home` has no
 * store, or another negative code when the check itself failed.
 */
int fsck_run(struct fsck_report *report, const char *home, bool repair);

#endif

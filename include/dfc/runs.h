/**
 * runs.h - the runs of each pipeline recorded in the store (SPEC §14).
 *
 * The runs of pipeline <id> are on ref `refs/dfc/runs/<id>` of repo.git:
 * one commit per run recorded (and one more each time a run recorded before
 * it ended is recorded with more of its record), parent the previous tip, whose tree holds
 * every run recorded so far as `<run id>.json`, the record's bytes as they
 * were read (run_record.h). Its message is "run <run id>" with trailers
 * `Run: <run id>`, `Pipeline-Version: <commit of the local version that
 * ran>` (when one has the run's content fingerprint) and `Run-Status:`
 * (done, failed, interrupted or unfinished).
 *
 * Recording takes the pipeline's writers' lock (store.h) and moves the ref
 * with a compare-and-swap, so concurrent recorders lose nothing; a run id
 * already in the tip's tree is not recorded again, unless its record grew
 * since (a run recorded before it ended, whose lines were appended to
 * after: that commit replaces the run's file). runs.c records;
 * runs_read.c lists and reads back; runs_merge.c takes the runs of another
 * history of the same ref (a catalog's) into it.
 */
#ifndef DFC_RUNS_H
#define DFC_RUNS_H

#include "dfc/buf.h"
#include "dfc/run_record.h"
#include "dfc/store.h"
#include "dfc/strvec.h"

#include <git2.h>
#include <stdbool.h>
#include <time.h>

/**
 * Append the path of every `*.json` in `workdir`/.dfc/runs/ whose
 * modification time is `since` or later (0: all) to `out`, sorted.
 * DFC_ENOTFOUND when the folder does not exist.
 */
int runs_find_files(const char *workdir, time_t since, struct strvec *out);

/**
 * Read the record file `path` into `data` and parse it into `rec`
 * (run_record_parse(), its name checked against the run id). A file that
 * is not a regular file (a link, a folder) is DFC_ESECURITY.
 */
int runs_read_file(struct run_record *rec, struct buf *data, const char *path);

/** What runs_record() did. */
struct run_recorded {
	/** False when the run was recorded already (nothing written). */
	bool recorded;
	/**
	 * With `recorded`: the run was recorded before it ended, and what
	 * was appended to its record since is recorded now.
	 */
	bool grown;
	/** The local version linked, 0 when none has the run's content. */
	int version;
	/** The commit that records the run. */
	char commit[GIT_OID_HEXSZ + 1];
};

/**
 * Whether `rec`, read from `name`, can be recorded: DFC_ENOTFOUND naming
 * the file when it has no pipeline id (a run of a file without one).
 */
int runs_check_recordable(const struct run_record *rec, const char *name);

/**
 * Record the run `rec`, parsed from the `len` bytes of `data`, on the ref
 * of its pipeline (created when missing), linked to a local version: the
 * one the record names when its Content-Fingerprint is the record's
 * fingerprint, else the newest local version with that fingerprint, else
 * none. `name` (the record's file) is named in messages: a record without
 * a pipeline id is DFC_ENOTFOUND. A run already recorded is recorded again
 * only when its record grew since (the recorded bytes are a strict
 * beginning of `data`: lines appended by a run that had not ended); then
 * the commit replaces its `<run id>.json`.
 */
int runs_record(struct store *store, const struct run_record *rec, const char *data, size_t len,
		const char *name, struct run_recorded *out);

/**
 * The newest local version of `id` whose content fingerprint is
 * `fingerprint` (40 hex digits, or "" for none) into `*version` and
 * `commit`; 0 and "" when none.
 */
int runs_link_by_fingerprint(struct store *store, const char *id, const char *fingerprint,
			     int *version, char commit[GIT_OID_HEXSZ + 1]);

/** One recorded run, as read back. */
struct run_entry {
	struct run_record rec;
	/** The pipeline whose ref holds it (owned). */
	char *pipeline_id;
	/** The commit that recorded it. */
	char commit[GIT_OID_HEXSZ + 1];
	/**
	 * The local version linked (its number and commit), 0 and "" when
	 * none. A run taken from another home (share --runs, sync) names a
	 * version of that home, which is not here: it is linked to the newest
	 * local version with the record's fingerprint instead, when one has it.
	 */
	int version;
	char version_commit[GIT_OID_HEXSZ + 1];
};

struct run_list {
	struct run_entry *items;
	size_t nr;
	size_t alloc;
};

#define RUN_LIST_INIT { NULL, 0, 0 }

void run_list_release(struct run_list *list);

/**
 * Append every run recorded of pipeline `id` to `out`, newest first (by
 * run id: its start time). None recorded: nothing appended, 0. A run that
 * cannot be read back is DFC_EINTERNAL with a hint to run fsck.
 */
int runs_list(struct store *store, const char *id, struct run_list *out);

/**
 * runs_list() of pipeline `id`, or of every pipeline with recorded runs
 * when `id` is NULL, all of them newest first.
 */
int runs_list_of(struct store *store, const char *id, struct run_list *out);

/** Append the id of every pipeline with recorded runs to `out`, sorted. */
int runs_list_pipelines(struct store *store, struct strvec *out);

/**
 * The run whose id is `given` or starts with it, among the runs of `id`
 * (NULL: of every pipeline), moved into `out` (released by the caller with
 * a one-item run_list, or run_list_release() of a list it is appended
 * to). DFC_ENOTFOUND when none; DFC_EUSAGE when several start with it.
 */
int runs_find(struct store *store, const char *id, const char *given, struct run_list *out);

/** What runs_merge() did. */
struct runs_merged {
	/** Whether the local ref exists (after the merge). */
	bool has_tip;
	/** The local ref's tip after the merge. */
	git_oid tip;
	/** Runs (or records grown since) taken from the other history. */
	size_t taken;
	/** Runs (or records grown since) the local ref has that the other lacks. */
	size_t ahead;
};

/**
 * Take into `refs/dfc/runs/<id>` the runs of `theirs` (a commit of another
 * history of that ref, a catalog's; NULL: none) that it lacks, so that
 * afterwards the ref holds the union of both, by run id, and descends from
 * `theirs` (a later push of it is a fast-forward):
 *
 * - no local ref, or the local tip an ancestor of `theirs`: the ref moves
 *   to `theirs`;
 * - `theirs` an ancestor of the local tip (or the same): nothing changes;
 * - else the local commits since the common ancestor are recorded again,
 *   oldest first, on top of `theirs` (same message, author and committer),
 *   except those whose run `theirs` holds with the same bytes or more.
 *
 * A run that both hold with different bytes, neither a beginning of the
 * other, is DFC_ECONFLICT, nothing changed. Under the pipeline's writers'
 * lock, moved with a compare-and-swap like runs_record().
 */
int runs_merge(struct store *store, const char *id, const git_oid *theirs,
	       struct runs_merged *out);

/**
 * How many entries of `tree` are not in `other` with the same blob (runs
 * added or grown); all of them when `other` is NULL.
 */
size_t runs_tree_new(const git_tree *tree, const git_tree *other);

#endif

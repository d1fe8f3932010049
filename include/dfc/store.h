/**
 * store.h - local versions of pipelines in DATA_FACTORY_HOME (SPEC §3).
 *
 * repo.git is the source of truth: version N of pipeline <id> is a commit
 * on branch `pipelines/<id>`, tagged `pipelines/<id>/vN`, whose tree holds
 * `pipeline.json` (canonical form) and `scripts/<blob id>/<file name>` for
 * every local script. The view in pipelines/ (view.h) is written after each
 * commit and repaired from repo.git whenever it is found stale.
 *
 * Writers of one pipeline are serialised by an flock(2) on
 * `repo.git/dfc-locks/<id>.lock`, which the kernel releases when a process
 * dies, so kill -9 never leaves a lock behind. Under that lock the branch
 * is moved with a compare-and-swap (git_reference_create_matching) and the
 * tag is added after it: a version exists once its branch commit does; a
 * tag or view file missing after a crash is restored by the next writer
 * (store_repair()) or reader.
 *
 * The module's files: store.c opens, locks and records; store_read.c reads
 * versions, files and scripts back; store_list.c lists pipelines from refs;
 * store_repair.c brings tags and view in step with the branches. A
 * version's tree is hashed and written by snapshot.h.
 */
#ifndef DFC_STORE_H
#define DFC_STORE_H

#include "dfc/buf.h"
#include "dfc/fingerprint.h"
#include "dfc/refs.h"
#include "dfc/scripts.h"

#include "dfc/strvec.h"

#include <git2.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct store {
	git_repository *repo;
	/** DATA_FACTORY_HOME (owned). */
	char *home;
	/** Folder of the view, home/pipelines (owned). */
	char *view_dir;
	/** user.name / user.email of the tool's configuration (borrowed). */
	const char *user_name;
	const char *user_email;
};

#define STORE_INIT { NULL, NULL, NULL, NULL, NULL }

/**
 * Open the store in `home`. With `create`, the folder, repo.git (bare) and
 * pipelines/ are created when missing; without, a home that has no store
 * yet is DFC_ENOTFOUND and nothing is written, and a repo.git that git
 * cannot open is DFC_EINTERNAL (never re-initialised). Returns 0 or a
 * negative code.
 */
int store_open(struct store *store, const char *home, bool create);
void store_close(struct store *store);

/**
 * Open the store in `home` writing nothing at all, not even the view or
 * lock folders (fsck without --repair leaves a home as it found it).
 * DFC_ENOTFOUND when there is no store; DFC_EINTERNAL, with libgit2's
 * message, when repo.git exists but git cannot open it. Close it with
 * store_close(), also after a failure.
 */
int store_open_readonly(struct store *store, const char *home);

struct record_request {
	/** Pipeline id; must be safe (ids.h). */
	const char *id;
	/** Canonical form of the pipeline. */
	const char *pipeline_json;
	size_t pipeline_len;
	/** Script snapshots to store beside it. */
	const struct script_files *scripts;
	/** Commit message; NULL for "update <id> to version N". */
	const char *message;
	/** Absolute path of the working file (Source-File trailer). */
	const char *source_file;
	/** Commit of the user's repository (Source-Commit), or NULL. */
	const char *source_commit;
	/**
	 * The parsed pipeline whose canonical form pipeline_json is
	 * (borrowed), or NULL. When given, its content fingerprint
	 * (fingerprint.h, with the scripts' blob ids) is recorded as trailer
	 * Content-Fingerprint.
	 */
	const json_t *pipeline;
	/** Record even when nothing changed. */
	bool allow_empty;
	/** Record version 1 of a new pipeline: DFC_ECONFLICT if it exists. */
	bool create;
	/**
	 * Optional: when the pipeline exists, called once the writers' lock
	 * is held and before anything is written or compared, with this
	 * request and the Source-File of the latest version (NULL when it has
	 * none). A negative return, with the error set, refuses the request:
	 * store_record() returns it and writes nothing. Under the lock, no
	 * other recording of the pipeline can slip in between the check and
	 * the commit (SPEC §8: a copy of a pipeline file is refused).
	 */
	int (*check_latest)(const struct record_request *req, const char *recorded_from);
	/** Anything check_latest needs (borrowed). */
	const void *check_payload;
};

struct record_result {
	/** The version recorded, or the latest one when nothing changed. */
	int version;
	/** False when the content equals the latest version. */
	bool recorded;
	char commit[GIT_OID_HEXSZ + 1];
};

/**
 * Record the next version of a pipeline (or version 1 with `create`).
 * Concurrent callers on the same pipeline each get their own consecutive
 * number; none is lost. The view is brought up to date before returning.
 */
int store_record(struct store *store, const struct record_request *req,
		 struct record_result *res);

/**
 * Start reading pipeline `id`: DFC_ENOTFOUND when the store has none;
 * otherwise its view is repaired when stale. A view that cannot be written
 * (a read-only home) is left as it is: reading still works.
 */
int store_open_pipeline(struct store *store, const char *id);

/**
 * Append the ids of every ref under `prefix` (such as
 * REFS_BRANCH_PREFIX) to `out`, sorted (strvec_has() finds them). Reads
 * refs only.
 */
int store_list_ids(struct store *store, const char *prefix, struct strvec *out);

/** Refs under one prefix: ids and the commits they point at. */
struct tip_list {
	struct tip {
		/** The ref's name after the prefix (owned). */
		char *id;
		git_oid commit;
	} *items;
	size_t nr;
	size_t alloc;
};

#define TIP_LIST_INIT { NULL, 0, 0 }

void tip_list_release(struct tip_list *list);

/** The tip of `list` (sorted) named `id`, or NULL. */
const struct tip *tip_list_find(const struct tip_list *list, const char *id);

/**
 * Append every ref directly under `prefix` (such as REFS_BRANCH_PREFIX)
 * to `out` with the object it points at, sorted by id: one read of each
 * ref, no object read.
 */
int store_list_tips(struct store *store, const char *prefix, struct tip_list *out);

/** Each pipeline of the store with the name its latest version gives it. */
struct name_list {
	struct pipeline_name {
		/** The pipeline's id (owned). */
		char *id;
		/** The top-level "name" of its latest version (owned), or NULL. */
		char *name;
	} *items;
	size_t nr;
	size_t alloc;
};

#define NAME_LIST_INIT { NULL, 0, 0 }

void name_list_release(struct name_list *list);

/**
 * Append every local pipeline to `out`, sorted by id, with the top-level
 * "name" of its latest version (NULL when it has none, or when that
 * version cannot be read: fsck reports such damage). Reads the branch tips
 * and their pipeline.json, nothing else.
 */
int store_list_names(struct store *store, struct name_list *out);

/** True when the store has a pipeline `id`. */
bool store_has_pipeline(struct store *store, const char *id);

/**
 * The commit that `ref` of repo.git names, into `*out`: 0, 1 when there is
 * no such ref, or a negative libgit2 code whose message the caller words
 * (dfc_git_error()).
 */
int store_ref_tip(git_oid *out, struct store *store, const char *ref);

/**
 * Latest version of `id` into `*version`. DFC_ENOTFOUND when the store has
 * no such pipeline.
 */
int store_latest_version(struct store *store, const char *id, int *version);

/** One recorded version, as read back from its commit. */
struct version_info {
	int version;
	char commit[GIT_OID_HEXSZ + 1];
	char *author_name;
	char *author_email;
	/** Seconds since the epoch and the author's offset in minutes. */
	long long time;
	int offset;
	/** The message without its trailers, and its first line. */
	char *message;
	char *summary;
	char *source_file;
	/** NULL when the version was not recorded by a git hook. */
	char *source_commit;
	/** Content-Fingerprint trailer; NULL for versions recorded without one. */
	char *fingerprint;
	/** The version's pipeline.json, when asked for. */
	struct buf pipeline_json;
};

void version_info_release(struct version_info *info);

/**
 * Read version `version` of `id` (0 for the latest). With `content`, also
 * read its pipeline.json. DFC_ENOTFOUND when the pipeline or the version
 * does not exist.
 */
int store_read_version(struct store *store, const char *id, int version,
		       bool content, struct version_info *out);

/**
 * Append file `path` ("pipeline.json", "scripts.json") of version
 * `version` of `id` (0: the latest) to `out`; DFC_ENOTFOUND when the
 * version has no such file.
 */
int store_read_file(struct store *store, const char *id, int version,
		    const char *path, struct buf *out);

/**
 * The content fingerprint (fingerprint.h) of version `version` of `id`
 * (0: the latest): its Content-Fingerprint trailer, or for a version
 * recorded without one, computed from its pipeline.json and scripts.json.
 */
int store_fingerprint(struct store *store, const char *id, int version,
		      char out[FINGERPRINT_SIZE]);

/**
 * Append the content of the blob whose id is `hex` (40 hex digits: a
 * script snapshot, or a catalog version's script_id) to `out`.
 * DFC_ENOTFOUND when repo.git does not have it.
 */
int store_read_blob(struct store *store, const char *hex, struct buf *out);

/**
 * The script snapshots of version `version` of `id` (0: the latest), one
 * per script node that had a local file when the version was recorded:
 * node id, file name and content. `out` is appended to.
 */
int store_read_scripts(struct store *store, const char *id, int version,
		       struct script_files *out);

/**
 * Call `fn` for every version of `id`, newest first, until it returns
 * non-zero (which is then returned).
 */
int store_for_each_version(struct store *store, const char *id,
			   int (*fn)(const struct version_info *info,
				     void *payload),
			   void *payload);

/**
 * The newest version of `id` whose pipeline.json equals `pipeline_json`
 * and whose scripts equal `scripts`, found without writing any object;
 * 0 in `*version` when none does.
 */
int store_find_version(struct store *store, const char *id,
		       const char *pipeline_json, size_t pipeline_len,
		       const struct script_files *scripts, int *version);

/**
 * Hold the writers' lock of pipeline `id` (what store_record() and
 * store_repair() take), waiting for it; `*fd` is released with
 * store_unlock_pipeline(). For changes to the view made beside the store.
 */
int store_lock_pipeline(struct store *store, const char *id, int *fd);
void store_unlock_pipeline(int fd);

/**
 * Under the writers' lock of a pipeline nobody else may hold the lock of
 * one of its refs (`ref`: its branch, its runs' ref); one that exists was
 * left by a killed process: remove it.
 */
void store_remove_stale_ref_lock(struct store *store, const char *ref);

/**
 * Bring the tags and the view of `id` in step with its branch: restore a
 * missing tag, rewrite missing or differing `<id>_N.json` files and the
 * state file. With `full`, check every version's file byte for byte;
 * otherwise only when the state file is missing or stale. `*changed`
 * (optional) counts what was rewritten. A version whose content cannot be
 * read (a damaged object) does not stop the repair of the others; the
 * first such failure is returned once they are done.
 */
int store_repair(struct store *store, const char *id, bool full, int *changed);

/**
 * Point tag `pipelines/<id>/v<version>` at the commit that carries version
 * `version` on the branch (found by walking the branch, not through the
 * tag), replacing whatever the tag pointed at. For fsck --repair, which
 * first makes sure that nothing becomes unreachable by it. Takes the
 * writers' lock. DFC_ENOTFOUND when the branch has no such version.
 */
int store_reset_tag(struct store *store, const char *id, int version);

#endif

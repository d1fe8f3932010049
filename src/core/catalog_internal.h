/*
 * catalog_internal.h - what the files of the catalog share with each other
 * (catalog_remote.c, catalog_lock.c, catalog_fetch.c, catalog_read.c for
 * catalog_share.c and catalog_runs.c). Not an API: every other module goes through the
 * catalog's public headers (catalog.h, catalog_fetch.h, catalog_read.h,
 * catalog_compare.h, catalog_share.h).
 */
#ifndef DFC_CATALOG_INTERNAL_H
#define DFC_CATALOG_INTERNAL_H

#include "dfc/catalog.h"

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * catalog_remote.c: talking to the catalog (catalog.h): one fetch or one
 * push over libgit2, with the bearer token over http(s), the ssh agent or
 * key files over ssh, and transport errors turned into ours (the URL shown
 * without credentials, the token never).
 */

/*
 * Whether the catalog can be used, asked before anything is written:
 * `*missing` is true for the default catalog before its first share (it
 * is then empty); any other catalog on this machine without a repository
 * is catalog_local_error(). A network catalog is never missing: it is
 * connected to once here (its refs listed), so that an unreachable one
 * fails with its cause before anything is written; that connection is
 * kept in `cat->remote` for the next catalog_remote_fetch().
 */
int catalog_remote_missing(struct catalog *cat, bool *missing);

/*
 * Fetch the `nr` `refspecs` from the catalog into repo.git, in one fetch:
 * no tags, no pruning, no FETCH_HEAD.
 * Errors: DFC_ESECURITY (token, key or host key refused or missing),
 * DFC_ENETWORK (unreachable; the message names the URL without
 * credentials).
 */
int catalog_remote_fetch(struct catalog *cat, char **refspecs, size_t nr);

/* One ref update of a push: `commit` to `dst` in the catalog. */
struct catalog_push_ref {
	const git_oid *commit;
	const char *dst;
};

/*
 * catalog_remote_missing() for a share: a network catalog is connected to
 * for a push (its refs listed, the connection kept for the share's push),
 * so that a share downloads the catalog's ref list once.
 */
int catalog_remote_missing_for_push(struct catalog *cat, bool *missing);

/*
 * From a network catalog's push connection (made, or the one kept): the
 * tip of pipeline `id`'s branch (`*found` false when it has none) and the
 * `vN` names of its tags, appended to `tags`, sorted.
 */
int catalog_remote_list_for_push(struct catalog *cat, const char *id, git_oid *tip, bool *found,
				 struct strvec *tags);

/* Whether another push follows at once (the tags after their branch). */
enum catalog_push_then {
	CATALOG_PUSH_DONE,
	/* Keep the connection for it where the transport allows (smart HTTP). */
	CATALOG_PUSH_MORE,
};

/*
 * Push `refs` to the catalog in one push, without force; each commit goes
 * from a temporary ref of repo.git (refs_share() of `id`), deleted after.
 * Returns 0, 1 when the catalog refused an update (someone else moved the
 * branch first), or a negative code as catalog_remote_fetch() gives.
 */
int catalog_remote_push(struct catalog *cat, const char *id, const struct catalog_push_ref *refs,
			size_t nr, enum catalog_push_then then);

/*
 * catalog_local.c: catalog_remote_fetch() and catalog_remote_push() for a
 * catalog on this machine (`cat->local_path`), without libgit2's local
 * transport: only the refs named are read (a glob reads what it matches),
 * the objects the other side lacks are copied, and each catalog ref moves
 * by compare-and-swap, forward only, tags never (as hooks/pre-receive
 * allows on a server).
 */
int catalog_local_fetch(struct catalog *cat, char **refspecs, size_t nr);

/* The `vN` names of the tags of pipeline `id` in a catalog on this machine, appended to `tags`, sorted. */
int catalog_local_tags(struct catalog *cat, const char *id, struct strvec *tags);
int catalog_local_push(struct catalog *cat, const struct catalog_push_ref *refs, size_t nr);

/*
 * catalog_push_odb.c: a second repository object of repo.git for a push
 * to a network catalog, whose object lookups never rescan the pack folder
 * on a miss (a push looks up every ref the catalog advertises). Its packs
 * are those on disk when it is made. Free with git_repository_free().
 */
int catalog_push_repository(git_repository **out, git_repository *repo);

/*
 * catalog_refs.c: the refs of a catalog on this machine (`git_dir`), read
 * and written as git's files backend does, in O(log refs): a loose ref
 * first, else a binary search of the sorted packed-refs; a write takes
 * `<ref>.lock`, the lock every git implementation honours.
 */

/* The commit `ref` names into `*out`: 0, 1 when there is no such ref, -1 on error. */
int catalog_ref_read(const char *git_dir, const char *ref, git_oid *out);

/* Append the names of the refs directly under `prefix` (ending in '/'), without it, sorted. */
int catalog_ref_list(const char *git_dir, const char *prefix, struct strvec *names);

/*
 * Move `ref` from `seen` (NULL: it must not exist) to `next`, compared and
 * swapped under its lock file: 0, 1 when it was not at `seen` or another
 * writer holds its lock, -1 on error.
 */
int catalog_ref_swap(const char *git_dir, const char *ref, const git_oid *seen,
		     const git_oid *next);

/*
 * catalog_cause.c: why the catalog cannot be used, in one line (SPEC §5:
 * catalog errors carry their cause).
 */

/* What a transport failure was about; each has its own hint. */
enum catalog_cause_kind {
	CATALOG_CAUSE_OTHER,
	CATALOG_CAUSE_RESOLVE,
	CATALOG_CAUSE_CONNECT,
	CATALOG_CAUSE_SCHEME,
	CATALOG_CAUSE_NOT_REPO,
	CATALOG_CAUSE_CERTIFICATE,
	CATALOG_CAUSE_TLS,
	CATALOG_CAUSE_HOST_KEY,
};

struct catalog_cause {
	enum catalog_cause_kind kind;
	/*
	 * The cause, e.g. "cannot resolve host 'example.org'", "connection
	 * refused by 127.0.0.1 port 8080", "unsupported URL scheme 'ftp'",
	 * "certificate problem: ..." (owned). Never the URL's user info nor
	 * the token; it may hold a server's words: print it escaped.
	 */
	char *text;
};

/*
 * The cause of a failed fetch or push to `url`, from libgit2's error code
 * `err`, the class and message of its last error. `token` (or NULL) is
 * removed from the text wherever it appears.
 */
void catalog_cause_of(struct catalog_cause *out, int err, int klass, const char *message,
		      const char *url, const char *token);
void catalog_cause_release(struct catalog_cause *cause);

/* The hint for a cause of that kind. Static string. */
const char *catalog_cause_hint(enum catalog_cause_kind kind);

/* Whether `url` is reached over ssh: ssh://, ssh+git://, git+ssh:// or scp-like host:path. */
bool catalog_url_is_ssh(const char *url);

/*
 * The top of the git work tree that holds `path`, or would hold it once
 * made, as a new string; NULL when none does (a bare repository is none).
 */
char *catalog_work_tree_of(const char *path);

/*
 * The error (DFC_ENETWORK) of a catalog on this machine that is no
 * repository: missing, an empty folder, another folder or file, a git
 * work tree or inside one. Its hints work when followed and never create
 * a repository inside a work tree. Returns the code.
 */
int catalog_local_error(const struct catalog *cat);

/*
 * catalog_lock.c: the locks that serialise catalog work on one pipeline.
 *
 * In repo.git, `dfc-locks/catalog/<id>.lock` serialises this home's
 * shares and fetches of pipeline <id>. For a catalog on this machine,
 * `<catalog>/dfc-locks/<id>.lock` also serialises its writers, since
 * libgit2 writes local repositories directly (no server to compare and
 * swap). The kernel drops both when their process dies; under them, a
 * libgit2 `.lock` file of that pipeline's refs was left by a killed
 * process, and is removed.
 */

/*
 * Hold this home's lock for catalog work on pipeline `id` in `*fd`
 * (released with fs_unlock()), and remove the stale `.lock` files of its
 * tracking ref and of its share's push sources.
 */
int catalog_lock_home(struct catalog *cat, const char *id, int *fd);

/*
 * For a catalog on this machine, hold its writers' lock on pipeline `id`
 * in `*fd` (released with fs_unlock()), creating the catalog's
 * `dfc-locks` folder, and remove the stale `.lock` files of the branch
 * and tags of `id` there. A network catalog: nothing, `*fd` stays -1.
 */
int catalog_lock_writers(struct catalog *cat, const char *id, int *fd);

/* catalog_fetch.c */

/*
 * catalog_fetch() of `id` for a caller that holds the home's lock already.
 * What it fetches: CATALOG_FETCH_* flags.
 */
#define CATALOG_FETCH_VERSIONS 1
#define CATALOG_FETCH_RUNS 2
int catalog_fetch_locked(struct catalog *cat, const char *id, int what);

/*
 * What a share needs of the catalog, for a caller that holds the home's
 * lock: catalog_fetch_locked() of the versions of `id`, and the `vN` names
 * of its tags appended to `tags`, sorted. Over a network both come from
 * the ref list of the push connection the share then pushes on, with a
 * fetch only when repo.git lacks the catalog's tip.
 */
int catalog_fetch_for_share(struct catalog *cat, const char *id, struct strvec *tags);

/* Point the tracking ref of the runs of `id` at `commit`, as a fetch would. */
int catalog_set_runs_tracking(struct catalog *cat, const char *id, const git_oid *commit);

/* Point the tracking ref of `id` at `commit`, as a fetch would. */
int catalog_set_tracking(struct catalog *cat, const char *id, const git_oid *commit);

/* catalog_read.c */

/*
 * The tracking tip of `id` into `*out` (new, git_commit_free()): 0, or 1
 * with `*out` NULL when the catalog has no such pipeline.
 */
int catalog_tracking_tip(git_commit **out, struct store *store, const char *id);

#endif

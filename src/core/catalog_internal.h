/*
 * catalog_internal.h - what the files of the catalog share with each other
 * (catalog_remote.c, catalog_lock.c, catalog_fetch.c, catalog_read.c for
 * catalog_share.c). Not an API: every other module goes through the
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
 * Whether the catalog is one on this machine without a repository:
 * `*missing` is true for the default catalog before its first share (it
 * is then empty); for any other catalog that is DFC_ENETWORK, with a hint
 * to create it. A network catalog is never missing here.
 */
int catalog_remote_missing(struct catalog *cat, bool *missing);

/*
 * Fetch `refspec` from the catalog into repo.git: no tags, no pruning, no
 * FETCH_HEAD. With `tags_of`, also append to `tags` the `vN` names of the
 * tags of pipeline `tags_of` that the catalog advertised, sorted.
 * Errors: DFC_ESECURITY (token, key or host key refused or missing),
 * DFC_ENETWORK (unreachable; the message names the URL without
 * credentials).
 */
int catalog_remote_fetch(struct catalog *cat, const char *refspec, const char *tags_of,
			 struct id_list *tags);

/* One ref update of a push: `commit` to `dst` in the catalog. */
struct catalog_push_ref {
	const git_oid *commit;
	const char *dst;
};

/*
 * Push `refs` to the catalog in one push, without force; each commit goes
 * from a temporary ref of repo.git (refs_share() of `id`), deleted after.
 * Returns 0, 1 when the catalog refused an update (someone else moved the
 * branch first), or a negative code as catalog_remote_fetch() gives.
 */
int catalog_remote_push(struct catalog *cat, const char *id, const struct catalog_push_ref *refs,
			size_t nr);

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
 * catalog_fetch() of `id` for a caller that holds the home's lock already;
 * with `tags`, also append the `vN` names of the catalog's tags of `id`.
 */
int catalog_fetch_locked(struct catalog *cat, const char *id, struct id_list *tags);

/* Point the tracking ref of `id` at `commit`, as a fetch would. */
int catalog_set_tracking(struct catalog *cat, const char *id, const git_oid *commit);

/* catalog_read.c */

/*
 * The tracking tip of `id` into `*out` (new, git_commit_free()): 0, or 1
 * with `*out` NULL when the catalog has no such pipeline.
 */
int catalog_tracking_tip(git_commit **out, struct store *store, const char *id);

#endif

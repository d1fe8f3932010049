/**
 * catalog_remote.h - talking to the catalog (catalog.h): one fetch or one
 * push over libgit2, with the bearer token over http(s), the ssh agent or
 * key files over ssh, and transport errors turned into ours (the URL shown
 * without credentials, the token never).
 *
 * Only the catalog's own modules (catalog_fetch.c, catalog_share.c) call it.
 */
#ifndef DFC_CATALOG_REMOTE_H
#define DFC_CATALOG_REMOTE_H

#include "dfc/catalog.h"

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>

/**
 * Whether the catalog is one on this machine without a repository:
 * `*missing` is true for the default catalog before its first share (it
 * is then empty); for any other catalog that is DFC_ENETWORK, with a hint
 * to create it. A network catalog is never missing here.
 */
int catalog_remote_missing(struct catalog *cat, bool *missing);

/**
 * Fetch `refspec` from the catalog into repo.git: no tags, no pruning, no
 * FETCH_HEAD. With `tags_of`, also append to `tags` the `vN` names of the
 * tags of pipeline `tags_of` that the catalog advertised, sorted.
 * Errors: DFC_ESECURITY (token, key or host key refused or missing),
 * DFC_ENETWORK (unreachable; the message names the URL without
 * credentials).
 */
int catalog_remote_fetch(struct catalog *cat, const char *refspec, const char *tags_of,
			 struct id_list *tags);

/** One ref update of a push: `commit` to `dst` in the catalog. */
struct catalog_push_ref {
	const git_oid *commit;
	const char *dst;
};

/**
 * Push `refs` to the catalog in one push, without force; each commit goes
 * from a temporary ref of repo.git (refs_share() of `id`), deleted after.
 * Returns 0, 1 when the catalog refused an update (someone else moved the
 * branch first), or a negative code as catalog_remote_fetch() gives.
 */
int catalog_remote_push(struct catalog *cat, const char *id, const struct catalog_push_ref *refs,
			size_t nr);

#endif

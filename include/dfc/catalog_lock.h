/**
 * catalog_lock.h - the locks that serialise catalog work on one pipeline.
 *
 * In repo.git, `dfc-locks/catalog/<id>.lock` serialises this home's
 * shares and fetches of pipeline <id>. For a catalog on this machine,
 * `<catalog>/dfc-locks/<id>.lock` also serialises its writers, since
 * libgit2 writes local repositories directly (no server to compare and
 * swap). The kernel drops both when their process dies; under them, a
 * libgit2 `.lock` file of that pipeline's refs was left by a killed
 * process, and is removed.
 */
#ifndef DFC_CATALOG_LOCK_H
#define DFC_CATALOG_LOCK_H

#include "dfc/catalog.h"

/**
 * Hold this home's lock for catalog work on pipeline `id` in `*fd`
 * (released with fs_unlock()), and remove the stale `.lock` files of its
 * tracking ref and of its share's push sources.
 */
int catalog_lock_home(struct catalog *cat, const char *id, int *fd);

/**
 * For a catalog on this machine, hold its writers' lock on pipeline `id`
 * in `*fd` (released with fs_unlock()), creating the catalog's
 * `dfc-locks` folder, and remove the stale `.lock` files of the branch
 * and tags of `id` there. A network catalog: nothing, `*fd` stays -1.
 */
int catalog_lock_writers(struct catalog *cat, const char *id, int *fd);

#endif

/**
 * catalog.h - the shared catalog (SPEC §5): a git repository reached by
 * libgit2 (a path, file://, smart HTTP(S) or ssh) whose history only grows.
 *
 * Pipeline <id> is branch `pipelines/<id>` there; each commit is one
 * catalog version N, tagged `pipelines/<id>/vN` (refs.h names them). Its
 * last known state is kept in the local store's repo.git as the tracking
 * ref `refs/remotes/catalog/pipelines/<id>` (with the objects), so reading
 * commands work offline.
 *
 * The catalog's public headers:
 *   catalog.h          where the catalog is (this file): open and release
 *   catalog_fetch.h    fetching into the tracking refs
 *   catalog_read.h     catalog versions as last fetched, and their files
 *   catalog_compare.h  where the local side stands against the catalog
 *   catalog_share.h    appending a version
 *   catalog_form.h     the content of a catalog version
 * Its files share transport and credentials (catalog_remote.c) and the
 * locks on one pipeline's catalog work (catalog_lock.c) through
 * src/core/catalog_internal.h, which nothing else includes.
 */
#ifndef DFC_CATALOG_H
#define DFC_CATALOG_H

#include "dfc/config.h"
#include "dfc/download.h"
#include "dfc/store.h"

#include <stdbool.h>

/*
 * fsck.c checks recorded fingerprints with catalog_content_fingerprint()
 * and reaches it through this header.
 */

struct catalog {
	/** The local store (borrowed). */
	struct store *store;
	/** The catalog as resolved (owned). */
	char *url;
	/** The URL as shown in messages, without credentials (owned). */
	char *shown_url;
	/** Bearer token for http(s), or NULL (owned; never printed). */
	char *token;
	/** Path of a catalog on this machine, else NULL (owned). */
	char *local_path;
	/** True for the embedded default, created on first share. */
	bool is_default;
	long long max_dataset_bytes;
	/** Where partial dataset downloads wait (owned). */
	char *cache_dir;
	/** Options for URL datasets; callers may set its progress report. */
	struct download_options download;
	/**
	 * A network catalog's connection, made when it was first asked
	 * whether it answers and used by the next fetch (owned; the
	 * catalog's own files only), or NULL.
	 */
	struct git_remote *remote;
	/** A catalog on this machine, opened by its first fetch or push (owned), or NULL. */
	struct git_repository *local_repo;
	/**
	 * A network catalog's push connection (owned), or NULL: made to list
	 * its refs before a share's push, or kept by a push for the next
	 * (smart HTTP); with the repo.git object it pushes from.
	 */
	struct git_remote *push_remote;
	struct git_repository *push_repo;
	/** True while no push has used push_remote since it listed the refs. */
	bool push_listed;
};

#define CATALOG_INIT { 0 }

/**
 * Set up the catalog of `cfg` (its catalog.url and token, with flags and
 * environment already applied: config.h), or the default
 * `$DATA_FACTORY_HOME/catalog.git` when no catalog.url is set. Nothing is
 * contacted.
 */
int catalog_open(struct catalog *cat, struct store *store, const struct config *cfg);

void catalog_release(struct catalog *cat);

#endif

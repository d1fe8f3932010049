/* catalog_push_odb.c - repo.git seen by a push: a lookup that misses costs a stat, not a rescan. */
#include "catalog_internal.h"

#include "dfc/xalloc.h"

#include <git2/sys/odb_backend.h>
#include <git2/sys/repository.h>
#include <stdlib.h>
#include <string.h>

/*
 * Why: before it sends anything, libgit2's push looks up the commit of
 * every ref the catalog advertised, to leave out what the catalog has.
 * repo.git holds few of them (other pipelines' commits), and each miss
 * makes libgit2 rescan the pack folder, about ten system calls: a second
 * a push at 60,000 refs. A push writes no object into repo.git, so the
 * packs it can read are known when it starts; this object database asks
 * repo.git's without the rescan.
 */

struct no_rescan_backend {
	git_odb_backend parent;
	/* repo.git's own object database, rescanned once when made. */
	git_odb *inner;
};

static bool has(struct no_rescan_backend *b, const git_oid *oid)
{
	return git_odb_exists_ext(b->inner, oid, GIT_ODB_LOOKUP_NO_REFRESH);
}

static int backend_read(void **data, size_t *len, git_object_t *type, git_odb_backend *backend,
			const git_oid *oid)
{
	struct no_rescan_backend *b = (struct no_rescan_backend *)backend;
	git_odb_object *obj = NULL;
	int err;

	if (!has(b, oid))
		return GIT_ENOTFOUND;
	if ((err = git_odb_read(&obj, b->inner, oid)) < 0)
		return err;
	*len = git_odb_object_size(obj);
	*type = git_odb_object_type(obj);
	*data = git_odb_backend_data_alloc(backend, *len ? *len : 1);
	if (!*data) {
		git_odb_object_free(obj);
		return -1;
	}
	memcpy(*data, git_odb_object_data(obj), *len);
	git_odb_object_free(obj);
	return 0;
}

static int backend_read_header(size_t *len, git_object_t *type, git_odb_backend *backend,
			       const git_oid *oid)
{
	struct no_rescan_backend *b = (struct no_rescan_backend *)backend;

	if (!has(b, oid))
		return GIT_ENOTFOUND;
	return git_odb_read_header(len, type, b->inner, oid);
}

static int backend_exists(git_odb_backend *backend, const git_oid *oid)
{
	return has((struct no_rescan_backend *)backend, oid);
}

static void backend_free(git_odb_backend *backend)
{
	struct no_rescan_backend *b = (struct no_rescan_backend *)backend;

	git_odb_free(b->inner);
	free(b);
}

int catalog_push_repository(git_repository **out, git_repository *repo)
{
	struct no_rescan_backend *b = xcalloc(1, sizeof(*b));
	git_odb *odb = NULL;
	int err;

	*out = NULL;
	if ((err = git_odb_init_backend(&b->parent, GIT_ODB_BACKEND_VERSION)) < 0 ||
	    (err = git_repository_odb(&b->inner, repo)) < 0) {
		free(b);
		return err;
	}
	b->parent.read = backend_read;
	b->parent.read_header = backend_read_header;
	b->parent.exists = backend_exists;
	b->parent.free = backend_free;
	if ((err = git_odb_refresh(b->inner)) < 0 || (err = git_odb_new(&odb)) < 0) {
		backend_free(&b->parent);
		return err;
	}
	if ((err = git_odb_add_backend(odb, &b->parent, 1)) < 0) {
		backend_free(&b->parent);
		git_odb_free(odb);
		return err;
	}
	if ((err = git_repository_open_bare(out, git_repository_path(repo))) == 0)
		err = git_repository_set_odb(*out, odb);
	git_odb_free(odb);
	if (err < 0) {
		git_repository_free(*out);
		*out = NULL;
	}
	return err;
}

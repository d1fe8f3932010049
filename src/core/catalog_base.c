/* catalog_base.c - the catalog version a pipeline last came from, as a ref. */
#include "dfc/catalog_base.h"

#include "catalog_internal.h"

#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/refs.h"
#include "dfc/trailers.h"
#include "dfc/xalloc.h"

#include <stdlib.h>

/* The base ref of `id` with `cat`, or the ref of the push in flight. */
static char *ref_name(struct catalog *cat, const char *id, bool pending)
{
	char *name = refs_catalog_base(cat->shown_url, id), *full;

	if (!pending)
		return name;
	full = xasprintf("%s.pending", name);
	free(name);
	return full;
}

int catalog_base_get(git_commit **out, struct catalog *cat, const char *id)
{
	char *name = ref_name(cat, id, false);
	git_oid oid;
	int ret = 0;

	*out = NULL;
	if (git_reference_name_to_id(&oid, cat->store->repo, name) < 0 ||
	    git_commit_lookup(out, cat->store->repo, &oid) < 0) {
		git_error_clear();
		*out = NULL;
		ret = 1;
	}
	free(name);
	return ret;
}

static int set_ref(struct catalog *cat, const char *id, const git_oid *commit, bool pending)
{
	char *name = ref_name(cat, id, pending);
	git_reference *ref = NULL;
	int ret = 0;

	if (git_reference_create(&ref, cat->store->repo, name, commit, 1, "catalog base") < 0)
		ret = dfc_git_error(DFC_EINTERNAL, "cannot record the catalog version synced");
	git_reference_free(ref);
	free(name);
	return ret;
}

int catalog_base_set(struct catalog *cat, const char *id, const git_oid *commit)
{
	return set_ref(cat, id, commit, false);
}

int catalog_base_record(struct catalog *cat, const char *id, const git_oid *commit)
{
	int fd = -1, ret;

	if ((ret = catalog_lock_home(cat, id, &fd)) == 0)
		ret = catalog_base_set(cat, id, commit);
	fs_unlock(fd);
	return ret;
}

int catalog_base_version(struct catalog *cat, const char *id, int *version)
{
	git_commit *base = NULL;
	int ret = catalog_base_get(&base, cat, id);

	*version = 0;
	if (ret == 0 && commit_pipeline_version(base, version) < 0) {
		dfc_error_clear();
		*version = 0;
	}
	git_commit_free(base);
	return ret < 0 ? ret : 0;
}

int catalog_base_record_hex(struct catalog *cat, const char *id, const char *commit_hex)
{
	git_oid oid;

	if (git_oid_fromstr(&oid, commit_hex) < 0)
		return dfc_git_error(DFC_EINTERNAL, "not a commit id");
	return catalog_base_record(cat, id, &oid);
}

int catalog_base_set_pending(struct catalog *cat, const char *id, const git_oid *commit)
{
	return set_ref(cat, id, commit, true);
}

bool catalog_base_is_pending(struct catalog *cat, const char *id, const git_oid *commit)
{
	char *name = ref_name(cat, id, true);
	git_oid oid;
	bool yes = git_reference_name_to_id(&oid, cat->store->repo, name) == 0 &&
		   git_oid_equal(&oid, commit);

	git_error_clear();
	free(name);
	return yes;
}

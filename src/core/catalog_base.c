/* catalog_base.c - the catalog version a pipeline last came from, as a ref. */
#include "dfc/catalog_base.h"

#include "dfc/error.h"
#include "dfc/refs.h"

#include <stdlib.h>

int catalog_base_get(git_commit **out, struct store *store, const char *id)
{
	char *name = refs_catalog_base(id);
	git_oid oid;
	int ret = 0;

	*out = NULL;
	if (git_reference_name_to_id(&oid, store->repo, name) < 0 ||
	    git_commit_lookup(out, store->repo, &oid) < 0) {
		git_error_clear();
		*out = NULL;
		ret = 1;
	}
	free(name);
	return ret;
}

int catalog_base_set(struct store *store, const char *id, const git_oid *commit)
{
	char *name = refs_catalog_base(id);
	git_reference *ref = NULL;
	int ret = 0;

	if (git_reference_create(&ref, store->repo, name, commit, 1, "catalog base") < 0)
		ret = dfc_git_error(DFC_EINTERNAL, "cannot record the catalog version synced");
	git_reference_free(ref);
	free(name);
	return ret;
}

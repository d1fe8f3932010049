/* catalog_runs.c - a pipeline's recorded runs pushed to the catalog, and taken from it. */
#include "dfc/catalog_fetch.h"
#include "dfc/catalog_share.h"
#include "catalog_internal.h"

#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/refs.h"

#include <stdlib.h>
#include <string.h>

/* Rounds lost to other writers before a share of runs gives up (exit 8). */
#define MAX_SHARE_ATTEMPTS 8

/* The tracking tip of the runs of `id` into `out`: 0, or 1 when none was fetched. */
static int runs_tracking_tip(git_oid *out, struct store *store, const char *id)
{
	char *ref = refs_runs_tracking(id);
	int ret = store_ref_tip(out, store, ref);

	free(ref);
	if (ret < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot read the catalog's last known runs");
	return ret;
}

int catalog_take_runs(struct catalog *cat, const char *id, struct runs_merged *out)
{
	git_oid theirs;
	int ret = runs_tracking_tip(&theirs, cat->store, id);

	if (ret < 0)
		return ret;
	return runs_merge(cat->store, id, ret == 0 ? &theirs : NULL, out);
}

/*
 * One round: fetch the catalog's runs, take those missing here, push. 1:
 * the push was refused; `*theirs`/`*had` the catalog's tip it was built on.
 */
static int share_runs_round(struct catalog *cat, const char *id, struct share_runs_result *res,
			    git_oid *theirs, bool *had)
{
	struct runs_merged merged;
	char *dst = NULL;
	int ret;

	if ((ret = catalog_fetch_locked(cat, id, CATALOG_FETCH_RUNS)) < 0 ||
	    (ret = runs_tracking_tip(theirs, cat->store, id)) < 0)
		return ret;
	*had = ret == 0;
	if ((ret = runs_merge(cat->store, id, *had ? theirs : NULL, &merged)) < 0)
		return ret;
	res->taken += merged.taken;
	res->any = merged.has_tip;
	if (!merged.has_tip || (*had && git_oid_equal(&merged.tip, theirs)))
		return 0;
	dst = refs_runs(id);
	{
		struct catalog_push_ref ref = { &merged.tip, dst };

		ret = catalog_remote_push(cat, id, &ref, 1, CATALOG_PUSH_DONE);
	}
	free(dst);
	if (ret != 0)
		return ret;
	res->pushed = merged.ahead;
	return catalog_set_runs_tracking(cat, id, &merged.tip);
}

int catalog_share_runs(struct catalog *cat, const char *id, struct share_runs_result *res)
{
	git_oid before = { { 0 } }, theirs = { { 0 } };
	bool had_before = false, had = false;
	bool missing;
	int fd = -1, home_fd = -1, ret;

	memset(res, 0, sizeof(*res));
	if ((ret = catalog_remote_missing(cat, &missing)) < 0)
		return ret;
	if (missing)
		return dfc_hint(dfc_error(DFC_ENOTFOUND, "the catalog %s does not exist yet",
					  cat->shown_url),
				"share a version first: data-factory-cli share -i %s --runs", id);
	if ((ret = catalog_lock_home(cat, id, &home_fd)) < 0 ||
	    (ret = catalog_lock_writers(cat, id, &fd)) < 0)
		goto out;
	for (int attempt = 0; attempt < MAX_SHARE_ATTEMPTS; attempt++) {
		ret = share_runs_round(cat, id, res, &theirs, &had);
		if (ret != 1)
			goto out;
		/* Refused while the catalog's runs stayed where they were: not a race. */
		if (attempt && had == had_before && (!had || git_oid_equal(&theirs, &before))) {
			ret = dfc_hint(dfc_error(DFC_ECONFLICT,
						 "the catalog at %s refused the runs of '%s'",
						 cat->shown_url, id),
				       "its server-side guard may predate shared runs: ask its "
				       "administrator to install the current hooks/pre-receive");
			goto out;
		}
		had_before = had;
		git_oid_cpy(&before, &theirs);
	}
	ret = dfc_hint(
		dfc_error(DFC_ECONFLICT, "other writers kept sharing runs of '%s' first", id),
		"try again");
out:
	fs_unlock(fd);
	fs_unlock(home_fd);
	return ret;
}

/* catalog_fetch.c - the catalog's branches fetched into repo.git's tracking refs. */
#include "dfc/catalog_fetch.h"
#include "catalog_internal.h"

#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/refs.h"
#include "dfc/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REMOTE_NAME "catalog"

/* True when repo.git's config names `cat` as its catalog already. */
static bool remembered(struct catalog *cat, git_config *cfg)
{
	git_buf known = GIT_BUF_INIT;
	bool same = git_config_get_string_buf(&known, cfg, "remote." REMOTE_NAME ".url") == 0 &&
		    !strcmp(known.ptr, cat->shown_url);

	git_buf_dispose(&known);
	git_error_clear();
	return same;
}

static int remember_catalog(struct catalog *cat)
{
	static const char *const globs[] = { REFS_TRACKING_PREFIX "*",
					     REFS_RUNS_TRACKING_PREFIX "*" };
	git_repository *repo = cat->store->repo;
	git_reference_iterator *it = NULL;
	git_config *cfg = NULL;
	git_reference *ref = NULL;
	char *config_lock = NULL, *fetch_all = NULL;
	int ret = 0, fd = -1;

	if (git_repository_config(&cfg, repo) < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot read repo.git's config");
	if (remembered(cat, cfg))
		goto out;
	/*
	 * repo.git's config is written only under the home's lock (here and
	 * when the store is created), so a config.lock found under it was
	 * left by a killed process, and would refuse every later change.
	 */
	if ((ret = fs_lock_dir(&fd, cat->store->home)) < 0)
		goto out;
	config_lock = xasprintf("%sconfig.lock", git_repository_path(repo));
	unlink(config_lock);
	if (remembered(cat, cfg))
		goto out;
	/* The tracking refs of the versions and of the runs. */
	for (size_t i = 0; i < 2; i++) {
		if (git_reference_iterator_glob_new(&it, repo, globs[i]) == 0) {
			while (git_reference_next(&ref, it) == 0) {
				git_reference_delete(ref);
				git_reference_free(ref);
			}
		}
		git_reference_iterator_free(it);
		it = NULL;
	}
	fetch_all = refs_fetch_refspec(NULL);
	if (git_config_set_string(cfg, "remote." REMOTE_NAME ".url", cat->shown_url) < 0 ||
	    git_config_set_string(cfg, "remote." REMOTE_NAME ".fetch", fetch_all) < 0)
		ret = dfc_git_error(DFC_EINTERNAL, "cannot write repo.git's config");
out:
	fs_unlock(fd);
	free(fetch_all);
	free(config_lock);
	git_reference_iterator_free(it);
	git_config_free(cfg);
	return ret;
}

int catalog_fetch_locked(struct catalog *cat, const char *id, int what)
{
	char *specs[2];
	size_t nr = 0;
	bool missing;
	int ret;

	if ((ret = catalog_remote_missing(cat, &missing)) < 0 || missing)
		return ret;
	if ((ret = remember_catalog(cat)) < 0)
		return ret;
	/* The versions and the runs in one fetch: one round trip. */
	if (what & CATALOG_FETCH_VERSIONS)
		specs[nr++] = refs_fetch_refspec(id);
	if (what & CATALOG_FETCH_RUNS)
		specs[nr++] = refs_runs_fetch_refspec(id);
	ret = catalog_remote_fetch(cat, specs, nr);
	for (size_t i = 0; i < nr; i++)
		free(specs[i]);
	return ret;
}

int catalog_fetch_for_share(struct catalog *cat, const char *id, struct strvec *tags)
{
	git_odb *odb = NULL;
	git_oid tip;
	bool found, have;
	int ret;

	if (cat->local_path) {
		if ((ret = catalog_fetch_locked(cat, id, CATALOG_FETCH_VERSIONS)) < 0)
			return ret;
		return catalog_local_tags(cat, id, tags);
	}
	if ((ret = remember_catalog(cat)) < 0 ||
	    (ret = catalog_remote_list_for_push(cat, id, &tip, &found, tags)) < 0 || !found)
		return ret;
	if (git_repository_odb(&odb, cat->store->repo) < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot read repo.git");
	have = git_odb_exists(odb, &tip);
	git_odb_free(odb);
	/* The usual case: the tip is this home's last share or sync. */
	if (have)
		return catalog_set_tracking(cat, id, &tip);
	return catalog_fetch_locked(cat, id, CATALOG_FETCH_VERSIONS);
}

int catalog_fetch(struct catalog *cat, const char *id)
{
	bool missing;
	int fd = -1, ret;

	/* A catalog that cannot be reached fails before the lock file is made. */
	if ((ret = catalog_remote_missing(cat, &missing)) < 0 || missing)
		return ret;
	if (id && (ret = catalog_lock_home(cat, id, &fd)) < 0)
		return ret;
	ret = catalog_fetch_locked(cat, id, CATALOG_FETCH_VERSIONS | CATALOG_FETCH_RUNS);
	fs_unlock(fd);
	return ret;
}

static int set_ref(struct catalog *cat, char *ref_name, const git_oid *commit)
{
	git_reference *ref = NULL;
	int ret = 0;

	if (git_reference_create(&ref, cat->store->repo, ref_name, commit, 1, NULL) < 0)
		ret = dfc_git_error(DFC_EINTERNAL, "cannot record the catalog's state");
	git_reference_free(ref);
	free(ref_name);
	return ret;
}

int catalog_set_tracking(struct catalog *cat, const char *id, const git_oid *commit)
{
	return set_ref(cat, refs_tracking(id), commit);
}

int catalog_set_runs_tracking(struct catalog *cat, const char *id, const git_oid *commit)
{
	return set_ref(cat, refs_runs_tracking(id), commit);
}

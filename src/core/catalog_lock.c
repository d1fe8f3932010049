/* catalog_lock.c - the home's and a local catalog's locks on one pipeline's catalog work. */
#include "catalog_internal.h"

#include "dfc/fs.h"
#include "dfc/refs.h"
#include "dfc/xalloc.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* This home's locks for catalog work, one per pipeline, in repo.git. */
#define HOME_LOCK_DIR "dfc-locks/catalog"
/* A local catalog's writers' locks, one per pipeline, in the catalog. */
#define CATALOG_LOCK_DIR "dfc-locks"

/* Remove every `*.lock` file in `dir`, a folder of refs. */
static void remove_lock_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char *path;

		if (len <= 5 || strcmp(de->d_name + len - 5, ".lock"))
			continue;
		path = fs_path_join(dir, de->d_name);
		unlink(path);
		free(path);
	}
	closedir(d);
}

/*
 * It serialises the shares and fetches of `id` that write its tracking ref,
 * base refs (catalog_base.h) and push sources in repo.git; under it, a
 * libgit2 `.lock` file of those refs was left by a killed process and
 * would make every later share fail: it is removed.
 */
int catalog_lock_home(struct catalog *cat, const char *id, int *fd)
{
	const char *git_dir = git_repository_path(cat->store->repo);
	char *dir = xasprintf("%s" HOME_LOCK_DIR, git_dir);
	char *lock = xasprintf("%s/%s.lock", dir, id);
	char *tracking_name = refs_tracking(id);
	char *tracking = xasprintf("%s%s.lock", git_dir, tracking_name);
	char *runs_name = refs_runs_tracking(id);
	char *runs_tracking = xasprintf("%s%s.lock", git_dir, runs_name);
	char *sources = xasprintf("%s" REFS_SHARE_PREFIX "%s", git_dir, id);
	int ret = fs_mkdir_p(dir);

	if (ret == 0)
		ret = fs_lock(fd, lock);
	if (ret == 0) {
		char *base = refs_catalog_base(cat->shown_url, id);
		char *base_lock = xasprintf("%s%s.lock", git_dir, base);
		char *pending_lock = xasprintf("%s%s.pending.lock", git_dir, base);

		unlink(tracking);
		unlink(runs_tracking);
		unlink(base_lock);
		unlink(pending_lock);
		remove_lock_files(sources);
		free(pending_lock);
		free(base_lock);
		free(base);
	}
	free(sources);
	free(runs_tracking);
	free(runs_name);
	free(tracking);
	free(tracking_name);
	free(lock);
	free(dir);
	return ret;
}

/*
 * Once the writers' flock is held, a killed push may have left the
 * branch's, a tag's or the runs' `.lock` file in the catalog, which would refuse
 * every later push.
 */
static void remove_stale_catalog_locks(const struct catalog *cat, const char *id)
{
	char *branch_name = refs_branch(id);
	char *tags_name = refs_tag_prefix(id);
	char *runs_name = refs_runs(id);
	char *branch = xasprintf("%s/%s.lock", cat->local_path, branch_name);
	char *tags = fs_path_join(cat->local_path, tags_name);
	char *runs = xasprintf("%s/%s.lock", cat->local_path, runs_name);

	unlink(branch);
	unlink(runs);
	remove_lock_files(tags);
	free(runs);
	free(runs_name);
	free(tags);
	free(branch);
	free(tags_name);
	free(branch_name);
}

int catalog_lock_writers(struct catalog *cat, const char *id, int *fd)
{
	char *dir, *lock;
	int ret;

	if (!cat->local_path)
		return 0;
	dir = fs_path_join(cat->local_path, CATALOG_LOCK_DIR);
	lock = xasprintf("%s/%s.lock", dir, id);
	ret = fs_mkdir_p(dir);
	if (ret == 0)
		ret = fs_lock(fd, lock);
	if (ret == 0)
		remove_stale_catalog_locks(cat, id);
	free(lock);
	free(dir);
	return ret;
}

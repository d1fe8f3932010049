/* store_repair.c - bring a pipeline's tags and view in step with its branch. */
#include "store_internal.h"

#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/refs.h"
#include "dfc/trailers.h"
#include "dfc/view.h"
#include "dfc/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* Bring `<id>_N.json` in step with version `version`'s commit. */
static int repair_version_file(struct store *store, const char *id, int version,
			       const git_commit *commit, int *changed)
{
	char *path = view_version_path(store->view_dir, id, version);
	struct buf want = BUF_INIT, have = BUF_INIT;
	int ret;

	if ((ret = store_commit_pipeline_json(&want, store, commit)) < 0)
		goto out;
	if (fs_read_file(&have, path, DFC_MAX_FILE_BYTES) == 0 &&
	    have.len == want.len && !memcmp(buf_cstr(&have), buf_cstr(&want), want.len))
		goto out;
	dfc_error_clear();
	ret = view_write_version(store->view_dir, id, version, want.data, want.len);
	if (ret == 0 && changed)
		(*changed)++;
out:
	buf_release(&want);
	buf_release(&have);
	free(path);
	return ret;
}

int store_repair_tag(struct store *store, const char *id, int version,
		     const git_commit *commit, bool *existed, int *changed)
{
	char *tag = refs_tag(id, version);
	git_reference *ref = NULL;
	git_oid oid;
	int ret = 0;

	*existed = git_reference_name_to_id(&oid, store->repo, tag) == 0;
	git_error_clear();
	if (*existed)
		goto out;
	store_remove_stale_ref_lock(store, tag);
	if (git_reference_create(&ref, store->repo, tag, git_commit_id(commit),
				 0, NULL) < 0) {
		ret = dfc_git_error(DFC_EINTERNAL, "cannot restore a version tag");
		goto out;
	}
	if (changed)
		(*changed)++;
out:
	git_reference_free(ref);
	free(tag);
	return ret;
}

struct repair {
	struct store *store;
	const char *id;
	bool full;
	bool tags_done;
	int *changed;
	/* The first version file that could not be repaired, and why. */
	int error;
	char *message;
};

static int repair_one(git_commit *commit, int version, void *payload)
{
	struct repair *r = payload;
	bool existed = true;
	int ret;

	if (!r->tags_done &&
	    (ret = store_repair_tag(r->store, r->id, version, commit, &existed, r->changed)) < 0)
		return ret;
	/* Tags are added newest last: below one that exists, all do. */
	r->tags_done = existed && !r->full;
	/*
	 * A version whose content cannot be read (a damaged object) stays
	 * broken, but must not keep the others from being repaired.
	 */
	ret = repair_version_file(r->store, r->id, version, commit, r->changed);
	if (ret < 0 && !r->error) {
		r->error = dfc_error_wrap(ret, "version %d of '%s'", version, r->id);
		r->message = xstrdup(dfc_error_message());
	}
	return 0;
}

int store_repair_locked(struct store *store, const char *id, bool full, int *changed)
{
	struct repair r = { store, id, full, false, changed, 0, NULL };
	git_commit *commit = NULL;
	int ret, latest = 0, state = 0;

	if ((ret = store_tip_commit(&commit, store, id)) < 0)
		return ret;
	if ((ret = commit_pipeline_version(commit, &latest)) < 0)
		goto out;
	view_read_state(store->view_dir, id, &state);
	if (state == latest && !full && view_has_versions(store->view_dir, id, latest)) {
		bool existed;

		/* The common case: only the newest tag can be missing. */
		ret = store_repair_tag(store, id, latest, commit, &existed, changed);
		goto out;
	}
	if ((ret = store_walk_versions(store, id, repair_one, &r)) < 0)
		goto out;
	ret = view_write_state(store->view_dir, id, latest);
	if (ret == 0 && changed && state != latest)
		(*changed)++;
	if (ret == 0 && r.error)
		ret = dfc_hint(dfc_error(r.error, "%s", r.message), "run 'data-factory-cli fsck'");
out:
	free(r.message);
	git_commit_free(commit);
	return ret;
}

int store_repair(struct store *store, const char *id, bool full, int *changed)
{
	int fd = -1, ret;

	if (changed)
		*changed = 0;
	if ((ret = store_lock_pipeline(store, id, &fd)) < 0)
		return ret;
	ret = store_repair_locked(store, id, full, changed);
	fs_unlock(fd);
	return ret;
}

int store_reset_tag(struct store *store, const char *id, int version)
{
	git_commit *commit = NULL;
	git_reference *ref = NULL;
	char *tag = refs_tag(id, version);
	int fd = -1, ret;

	if ((ret = store_lock_pipeline(store, id, &fd)) < 0)
		goto out;
	/* The branch, not the tag, says which commit carries the version. */
	if ((ret = store_version_on_branch(&commit, store, id, version)) < 0)
		goto out;
	if (!commit) {
		ret = dfc_error(DFC_ENOTFOUND, "pipeline '%s' has no version %d", id, version);
		goto out;
	}
	ret = 0;
	store_remove_stale_ref_lock(store, tag);
	if (git_reference_create(&ref, store->repo, tag, git_commit_id(commit), 1,
				 NULL) < 0)
		ret = dfc_git_error(DFC_EINTERNAL, "cannot move a version tag");
out:
	fs_unlock(fd);
	git_reference_free(ref);
	git_commit_free(commit);
	free(tag);
	return ret;
}

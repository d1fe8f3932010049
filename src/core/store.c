/* store.c - open and lock the store; record a version as a commit on its branch. */
#include "store_internal.h"

#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/identity.h"
#include "dfc/ids.h"
#include "dfc/refs.h"
#include "dfc/snapshot.h"
#include "dfc/trailers.h"
#include "dfc/view.h"
#include "dfc/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LOCK_DIR "dfc-locks"

/* Foreign writers (plain git) could still move a branch under us. */
#define MAX_CAS_ATTEMPTS 20

int store_open(struct store *store, const char *home, bool create)
{
	git_repository_init_options init;
	char *git_dir = fs_path_join(home, "repo.git");
	char *head = fs_path_join(git_dir, "HEAD");
	char *locks = fs_path_join(git_dir, LOCK_DIR);
	int ret, home_lock = -1;

	store->home = xstrdup(home);
	store->view_dir = fs_path_join(home, "pipelines");
	if (!create && !fs_exists(head)) {
		ret = dfc_hint(dfc_error(DFC_ENOTFOUND, "no local store in '%s' yet", home),
			       "record a pipeline first with 'data-factory-cli create FILE'");
		goto out;
	}
	if ((ret = fs_mkdir_p(store->view_dir)) < 0)
		goto out;
	/* Objects and refs are fsynced: a recorded version survives a crash. */
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
	if (fs_exists(head) && git_repository_open_bare(&store->repo, git_dir) == 0)
		goto locks;
	/* Two first commands at once must not both initialise repo.git. */
	if ((ret = fs_lock_dir(&home_lock, home)) < 0)
		goto out;
	if (fs_exists(head) && git_repository_open_bare(&store->repo, git_dir) == 0)
		goto locks;
	/* A reader never re-initialises a repo.git that git cannot open. */
	if (!create) {
		ret = dfc_hint(dfc_git_error(DFC_EINTERNAL, "cannot open repo.git"),
			       "run 'data-factory-cli fsck'");
		goto out;
	}
	git_error_clear();
	git_repository_init_options_init(&init, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	init.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
	if (git_repository_init_ext(&store->repo, git_dir, &init) < 0) {
		ret = dfc_git_error(DFC_EUSAGE, "cannot create the store");
		goto out;
	}
locks:
	ret = fs_mkdir_p(locks);
out:
	fs_unlock(home_lock);
	free(git_dir);
	free(head);
	free(locks);
	return ret;
}

int store_open_readonly(struct store *store, const char *home)
{
	char *git_dir = fs_path_join(home, "repo.git");
	char *head = fs_path_join(git_dir, "HEAD");
	int ret = 0;

	store->home = xstrdup(home);
	store->view_dir = fs_path_join(home, "pipelines");
	if (!fs_exists(head))
		ret = dfc_hint(dfc_error(DFC_ENOTFOUND, "no local store in '%s' yet", home),
			       "record a pipeline first with 'data-factory-cli create FILE'");
	else if (git_repository_open_bare(&store->repo, git_dir) < 0)
		ret = dfc_git_error(DFC_EINTERNAL, "cannot open repo.git");
	free(git_dir);
	free(head);
	return ret;
}

void store_close(struct store *store)
{
	git_repository_free(store->repo);
	free(store->home);
	free(store->view_dir);
	store->repo = NULL;
	store->home = store->view_dir = NULL;
}

int store_lock_pipeline(struct store *store, const char *id, int *fd)
{
	char *name = xasprintf("%s/" LOCK_DIR "/%s.lock",
			       git_repository_path(store->repo), id);
	int ret = fs_lock(fd, name);

	free(name);
	return ret;
}

void store_unlock_pipeline(int fd)
{
	fs_unlock(fd);
}

void store_remove_stale_ref_lock(struct store *store, const char *ref)
{
	char *path = xasprintf("%s%s.lock", git_repository_path(store->repo), ref);

	if (unlink(path) == 0 || errno == ENOENT)
		errno = 0;
	free(path);
}

/* Result of branch_tip() when the pipeline has no branch. */
#define NO_BRANCH 1

int store_ref_tip(git_oid *out, struct store *store, const char *ref)
{
	int err = git_reference_name_to_id(out, store->repo, ref);

	if (err == GIT_ENOTFOUND) {
		git_error_clear();
		return 1;
	}
	return err < 0 ? err : 0;
}

/* The tip of `id`'s branch: 0, NO_BRANCH, or a negative code. */
static int branch_tip(git_oid *out, struct store *store, const char *id)
{
	char *ref = refs_branch(id);
	int ret = store_ref_tip(out, store, ref);

	free(ref);
	if (ret < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot read the store");
	return ret == 1 ? NO_BRANCH : 0;
}

static int lookup_commit(git_commit **out, struct store *store, const git_oid *oid)
{
	if (git_commit_lookup(out, store->repo, oid) < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot read the store");
	return 0;
}

bool store_has_pipeline(struct store *store, const char *id)
{
	git_oid tip;

	return branch_tip(&tip, store, id) == 0;
}

static int not_found(const char *id)
{
	return dfc_hint(dfc_error(DFC_ENOTFOUND, "no pipeline '%s' in the local store", id),
			"record it first with 'data-factory-cli create FILE'");
}

int store_tip_commit(git_commit **out, struct store *store, const char *id)
{
	git_oid tip;
	int ret = branch_tip(&tip, store, id);

	*out = NULL;
	if (ret == NO_BRANCH)
		return not_found(id);
	if (ret < 0)
		return ret;
	return lookup_commit(out, store, &tip);
}

int store_walk_versions(struct store *store, const char *id,
			int (*fn)(git_commit *commit, int version, void *payload), void *payload)
{
	git_commit *commit = NULL;
	int ret;

	if ((ret = store_tip_commit(&commit, store, id)) < 0)
		return ret;
	ret = history_walk(commit, fn, payload);
	git_commit_free(commit);
	return ret;
}

int store_latest_version(struct store *store, const char *id, int *version)
{
	git_commit *commit = NULL;
	int ret;

	if ((ret = store_tip_commit(&commit, store, id)) < 0)
		return ret;
	ret = commit_pipeline_version(commit, version);
	git_commit_free(commit);
	return ret;
}

int store_open_pipeline(struct store *store, const char *id)
{
	if (!store_has_pipeline(store, id))
		return not_found(id);
	if (store_repair(store, id, false, NULL) < 0)
		dfc_error_clear();
	return 0;
}

static char *build_message(const struct record_request *req, int version,
			   const char *fingerprint)
{
	struct buf msg = BUF_INIT;

	if (!trailers_add_message(&msg, req->message))
		buf_addf(&msg, "update %s to version %d", req->id, version);
	buf_addf(&msg, "\n\n" TRAILER_ID ": %s\n" TRAILER_VERSION ": %d\n",
		 req->id, version);
	if (req->source_file)
		buf_addf(&msg, TRAILER_SOURCE_FILE ": %s\n", req->source_file);
	if (req->source_commit)
		buf_addf(&msg, TRAILER_SOURCE_COMMIT ": %s\n", req->source_commit);
	if (fingerprint)
		buf_addf(&msg, TRAILER_FINGERPRINT ": %s\n", fingerprint);
	return buf_detach(&msg, NULL);
}

static int check_request(const struct record_request *req)
{
	int ret = pipeline_id_check(req->id);

	if (ret < 0)
		return ret;
	if ((req->source_file && strchr(req->source_file, '\n')) ||
	    (req->source_commit && strchr(req->source_commit, '\n')))
		return dfc_error(DFC_EUSAGE, "a file name or commit holds a newline");
	return 0;
}

/*
 * One attempt at moving the branch from `tip` (NULL: create it) to a new
 * commit of version `version`. Returns 0, a negative code, or 1 when the
 * branch moved under us (retry).
 */
static int commit_version_locked(struct store *store,
				 const struct record_request *req,
				 const struct snapshot *snap, const git_oid *tree_oid,
				 git_commit *parent, int version, git_oid *out)
{
	git_signature *author = NULL, *committer = NULL;
	git_reference *ref = NULL;
	git_tree *tree = NULL;
	char *branch = refs_branch(req->id);
	char *message = build_message(req, version,
				      snap->fingerprint[0] ? snap->fingerprint : NULL);
	const git_commit *parents[1] = { parent };
	int ret, err;

	if ((ret = identity_signatures(&author, &committer, store->repo, store->user_name,
				       store->user_email)) < 0)
		goto out;
	if (git_tree_lookup(&tree, store->repo, tree_oid) < 0 ||
	    git_commit_create(out, store->repo, NULL, author, committer, NULL,
			      message, tree, parent ? 1 : 0, parents) < 0) {
		ret = dfc_git_error(DFC_EINTERNAL, "cannot record the version");
		goto out;
	}
	store_remove_stale_ref_lock(store, branch);
	if (parent)
		err = git_reference_create_matching(&ref, store->repo, branch, out,
						    1, git_commit_id(parent), NULL);
	else
		err = git_reference_create(&ref, store->repo, branch, out, 0, NULL);
	if (err == GIT_EMODIFIED || err == GIT_EEXISTS || err == GIT_ELOCKED) {
		git_error_clear();
		ret = 1;
	} else if (err < 0) {
		ret = dfc_git_error(DFC_EINTERNAL, "cannot record the version");
	}
out:
	git_reference_free(ref);
	git_tree_free(tree);
	git_signature_free(author);
	git_signature_free(committer);
	free(message);
	free(branch);
	return ret;
}

/*
 * The branch tip for a record request: 0 with the tip when the pipeline
 * exists and may be updated, NO_BRANCH when it may be created, or an error
 * (DFC_ECONFLICT for create of an existing pipeline, DFC_ENOTFOUND for
 * update of a missing one).
 */
static int branch_for_request(git_oid *tip, struct store *store,
			      const struct record_request *req)
{
	int ret = branch_tip(tip, store, req->id);

	if (ret == 0 && req->create)
		return dfc_hint(dfc_error(DFC_ECONFLICT,
					  "pipeline '%s' already exists in the local store",
					  req->id),
				"record a new version with 'data-factory-cli update FILE'");
	if (ret == NO_BRANCH && !req->create)
		return not_found(req->id);
	return ret;
}

/* The request's own check against its latest version (store.h), under the lock. */
static int check_latest_locked(struct store *store, const struct record_request *req)
{
	git_commit *commit = NULL;
	char *recorded_from;
	git_oid tip;
	int ret;

	if (!req->check_latest)
		return 0;
	if ((ret = branch_tip(&tip, store, req->id)) == NO_BRANCH)
		return 0;
	if (ret < 0 || (ret = lookup_commit(&commit, store, &tip)) < 0)
		return ret;
	recorded_from = trailer_value(git_commit_message(commit), TRAILER_SOURCE_FILE);
	ret = req->check_latest(req, recorded_from);
	free(recorded_from);
	git_commit_free(commit);
	return ret;
}

static int record_locked(struct store *store, const struct record_request *req,
			 struct record_result *res, const struct snapshot *snap)
{
	git_commit *parent = NULL;
	git_tree *parent_tree = NULL;
	git_oid tree_oid, tip, commit_oid;
	int ret, latest = 0;

	/* Refuse before writing any object: a refused command leaves no trace. */
	if ((ret = check_latest_locked(store, req)) < 0 ||
	    (ret = branch_for_request(&tip, store, req)) < 0)
		return ret;
	if ((ret = snapshot_write(&tree_oid, store->repo, snap, req->pipeline_json,
				  req->pipeline_len)) < 0)
		return ret;
	for (int attempt = 0;; attempt++) {
		git_commit_free(parent);
		git_tree_free(parent_tree);
		parent = NULL;
		parent_tree = NULL;
		latest = 0;
		if ((ret = branch_for_request(&tip, store, req)) < 0)
			goto out;
		if (ret == 0) {
			if ((ret = lookup_commit(&parent, store, &tip)) < 0 ||
			    (ret = commit_pipeline_version(parent, &latest)) < 0)
				goto out;
			if (git_commit_tree(&parent_tree, parent) < 0) {
				ret = dfc_git_error(DFC_EINTERNAL, "cannot read the store");
				goto out;
			}
			if (!req->allow_empty &&
			    git_oid_equal(git_tree_id(parent_tree), &tree_oid)) {
				res->version = latest;
				res->recorded = false;
				git_oid_tostr(res->commit, sizeof(res->commit), &tip);
				goto out;
			}
		} else if (ret < 0) {
			goto out;
		}
		ret = commit_version_locked(store, req, snap, &tree_oid, parent,
					    latest + 1, &commit_oid);
		if (ret <= 0)
			break;
		if (attempt + 1 >= MAX_CAS_ATTEMPTS) {
			ret = dfc_hint(dfc_error(DFC_ECONFLICT,
						 "another writer kept moving pipeline '%s'",
						 req->id),
				       "try again");
			goto out;
		}
	}
	if (ret < 0)
		goto out;
	res->version = latest + 1;
	res->recorded = true;
	git_oid_tostr(res->commit, sizeof(res->commit), &commit_oid);
	/* The version exists now; tag and view follow, and are repairable. */
	{
		git_commit *commit = NULL;
		bool existed;

		if ((ret = lookup_commit(&commit, store, &commit_oid)) < 0)
			goto out;
		ret = store_repair_tag(store, req->id, res->version, commit, &existed, NULL);
		git_commit_free(commit);
		if (ret < 0)
			goto out;
	}
	ret = view_write_version(store->view_dir, req->id, res->version,
				 req->pipeline_json, req->pipeline_len);
	if (ret == 0)
		ret = view_write_state(store->view_dir, req->id, res->version);
out:
	git_tree_free(parent_tree);
	git_commit_free(parent);
	return ret;
}

int store_record(struct store *store, const struct record_request *req,
		 struct record_result *res)
{
	struct snapshot snap = { 0 };
	int fd = -1, ret;

	memset(res, 0, sizeof(*res));
	if ((ret = check_request(req)) < 0)
		return ret;
	if ((ret = snapshot_hash(&snap, req->pipeline_json, req->pipeline_len,
				 req->scripts, req->pipeline)) < 0)
		goto out;
	if ((ret = store_lock_pipeline(store, req->id, &fd)) < 0)
		goto out;
	/* Finish what a killed writer left undone before adding to it. */
	if (store_has_pipeline(store, req->id) &&
	    (ret = store_repair_locked(store, req->id, false, NULL)) < 0)
		goto out;
	ret = record_locked(store, req, res, &snap);
out:
	fs_unlock(fd);
	snapshot_release(&snap);
	return ret;
}

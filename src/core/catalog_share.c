/* catalog_share.c - a pipeline appended to the catalog, retried when another writer wins. */
#include "dfc/catalog_share.h"
#include "catalog_internal.h"

#include "dfc/catalog_base.h"
#include "dfc/catalog_form.h"
#include "dfc/catalog_read.h"
#include "dfc/error.h"
#include "dfc/fingerprint.h"
#include "dfc/fs.h"
#include "dfc/identity.h"
#include "dfc/refs.h"
#include "dfc/trailers.h"
#include "dfc/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Rounds lost to other writers before share gives up (exit 8). */
#define MAX_SHARE_ATTEMPTS 8

/* The default catalog is created on first share, like a bare `git init`. */
static int create_default(struct catalog *cat)
{
	git_repository_init_options init;
	git_repository *repo = NULL;
	int fd = -1, ret;

	if ((ret = fs_lock_dir(&fd, cat->store->home)) < 0)
		return ret;
	git_repository_init_options_init(&init, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	init.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
	if (git_repository_init_ext(&repo, cat->local_path, &init) < 0)
		ret = dfc_git_error(DFC_EUSAGE, "cannot create the default catalog");
	git_repository_free(repo);
	fs_unlock(fd);
	return ret;
}

/* The catalog version a share builds once and commits in each round. */
struct built_version {
	git_oid tree;
	/* Its content fingerprint, recorded as a trailer. */
	char fingerprint[FINGERPRINT_SIZE];
	bool done;
};

static char *share_message(const struct share_request *req, int version,
			   const char *fingerprint)
{
	struct buf msg = BUF_INIT;

	if (!trailers_add_message(&msg, req->message))
		buf_addf(&msg, "share %s as version %d", req->id, version);
	buf_addf(&msg, "\n\n" TRAILER_ID ": %s\n" TRAILER_VERSION ": %d\n", req->id, version);
	if (req->local_version)
		buf_addf(&msg, TRAILER_LOCAL_VERSION ": %d\n", req->local_version);
	buf_addf(&msg, TRAILER_FINGERPRINT ": %s\n", fingerprint);
	return buf_detach(&msg, NULL);
}

static int make_commit(git_oid *out, struct catalog *cat, const struct share_request *req,
		       const struct built_version *built, git_commit *parent, int version)
{
	git_signature *author = NULL, *committer = NULL;
	const git_commit *parents[1] = { parent };
	char *message = share_message(req, version, built->fingerprint);
	git_tree *tree = NULL;
	int ret;

	if ((ret = identity_signatures(&author, &committer, cat->store->repo,
				       cat->store->user_name, cat->store->user_email)) < 0)
		goto out;
	if (git_tree_lookup(&tree, cat->store->repo, &built->tree) < 0 ||
	    git_commit_create(out, cat->store->repo, NULL, author, committer, NULL, message,
			      tree, parent ? 1 : 0, parents) < 0)
		ret = dfc_git_error(DFC_EINTERNAL, "cannot build the catalog version");
out:
	git_tree_free(tree);
	git_signature_free(author);
	git_signature_free(committer);
	free(message);
	return ret;
}

/* Build the catalog form against the catalog's latest tree. */
static int build_tree(struct built_version *out, struct catalog *cat,
		      const struct share_request *req, git_commit *tip)
{
	struct form_input in = { 0 };
	git_tree *previous = NULL;
	json_t *form = NULL;
	int ret;

	if (tip && git_commit_tree(&previous, tip) < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot read the catalog's last version");
	in.pipeline = req->pipeline;
	in.base_dir = req->base_dir;
	in.scripts = req->scripts;
	in.max_dataset_bytes = cat->max_dataset_bytes;
	in.download = &cat->download;
	in.previous = previous;
	ret = catalog_form_build(&out->tree, &form, cat->store->repo, &in);
	if (ret == 0) {
		content_fingerprint(out->fingerprint, form, NULL);
		out->done = true;
	}
	json_decref(form);
	git_tree_free(previous);
	return ret;
}

/* Tag pushes still to do: the catalog's versions without their tag. */
struct tag_pushes {
	const struct strvec *have;
	git_oid *commits;
	char **names;
	size_t nr;
	size_t alloc;
	size_t alloc_names;
	const char *id;
};

static void add_tag_push(struct tag_pushes *t, const git_oid *commit, int version)
{
	XGROW(t->commits, t->alloc, t->nr + 1);
	XGROW(t->names, t->alloc_names, t->nr + 1);
	git_oid_cpy(&t->commits[t->nr], commit);
	t->names[t->nr++] = refs_tag(t->id, version);
}

static int note_untagged(git_commit *commit, int version, void *payload)
{
	struct tag_pushes *t = payload;
	char word[16];

	snprintf(word, sizeof(word), "v%d", version);
	if (!strvec_has(t->have, word))
		add_tag_push(t, git_commit_id(commit), version);
	return 0;
}

/*
 * Push the tag of the new version `version` (`commit`, NULL when nothing
 * was appended) and of every version down from `tip` the catalog has no
 * tag for: a share killed between its branch and its tags left them
 * missing. Nothing is pushed when nothing is missing.
 */
static int push_tags(struct catalog *cat, const char *id, git_commit *tip,
		     const struct strvec *have, const git_oid *commit, int version)
{
	struct tag_pushes t = { have, NULL, NULL, 0, 0, 0, id };
	struct catalog_push_ref *refs = NULL;
	int ret = 0;

	if (commit)
		add_tag_push(&t, commit, version);
	if (tip && (ret = history_walk(tip, note_untagged, &t)) < 0)
		goto out;
	if (!t.nr)
		goto out;
	refs = xcalloc(t.nr, sizeof(*refs));
	for (size_t i = 0; i < t.nr; i++) {
		refs[i].commit = &t.commits[i];
		refs[i].dst = t.names[i];
	}
	ret = catalog_remote_push(cat, id, refs, t.nr, CATALOG_PUSH_DONE);
	if (ret == 1 && commit)
		ret = dfc_error(DFC_ECONFLICT,
				"version %d of '%s' was appended, but the catalog refused its tag",
				version, id);
	else if (ret == 1)
		ret = dfc_error(DFC_ECONFLICT, "the catalog refused the missing tags of '%s'", id);
out:
	for (size_t i = 0; i < t.nr; i++)
		free(t.names[i]);
	free(t.names);
	free(t.commits);
	free(refs);
	return ret;
}

/*
 * No lost updates: the catalog's latest version `tip` (version `latest`)
 * may only be built upon by a share that started from it, or from a
 * version of the same content. Else DFC_ECONFLICT naming the newer
 * version, its author and date.
 */
static int check_base(struct catalog *cat, const struct share_request *req, git_commit *tip,
		      int latest)
{
	git_commit *base = NULL;
	const git_signature *who = git_commit_author(tip);
	char when[32] = "?";
	int base_version = 0, ret;
	bool same;
	time_t t;
	struct tm tm;

	if ((ret = catalog_base_get(&base, cat, req->id)) < 0)
		return ret;
	/*
	 * Built on the tip: the same content as the version this share started
	 * from, or the tip is this home's own share, killed after its push.
	 */
	same = base && git_oid_equal(git_commit_tree_id(base), git_commit_tree_id(tip));
	if (!same && catalog_base_is_pending(cat, req->id, git_commit_id(tip))) {
		/* Its own: the base it is, before another push is in flight. */
		git_commit_free(base);
		return catalog_base_set(cat, req->id, git_commit_id(tip));
	}
	if (base && commit_pipeline_version(base, &base_version) < 0)
		base_version = 0;
	git_commit_free(base);
	if (same)
		return 0;
	t = (time_t)who->when.time + (time_t)who->when.offset * 60;
	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
	if (base_version)
		ret = dfc_error(DFC_ECONFLICT,
				"catalog version %d of '%s' (%s, %s) is newer than version %d, "
				"which this share started from; nothing was appended",
				latest, req->id, who->name ? who->name : "?", when, base_version);
	else
		ret = dfc_error(DFC_ECONFLICT,
				"the catalog has version %d of '%s' (%s, %s), which this home never "
				"synced; nothing was appended",
				latest, req->id, who->name ? who->name : "?", when);
	return dfc_hint(ret, "bring it in first with 'data-factory-cli sync FILE' (it merges "
			     "your edits), then share again");
}

/* One round: fetch, compare, commit on the tip, push. 1: lost the race. */
static int share_round(struct catalog *cat, const struct share_request *req,
		       struct share_result *res, struct built_version *built)
{
	struct strvec tags = STRVEC_INIT;
	git_commit *tip = NULL;
	git_tree *tip_tree = NULL;
	char *branch = refs_branch(req->id);
	git_oid commit;
	int ret, latest = 0;

	if ((ret = catalog_fetch_for_share(cat, req->id, &tags)) < 0)
		goto out;
	ret = catalog_tracking_tip(&tip, cat->store, req->id);
	if (ret < 0)
		goto out;
	if (tip && ((ret = commit_pipeline_version(tip, &latest)) < 0 ||
		    (ret = git_commit_tree(&tip_tree, tip)) < 0)) {
		if (ret != DFC_EINTERNAL)
			ret = dfc_git_error(DFC_EINTERNAL, "cannot read the catalog's last version");
		goto out;
	}
	if (!built->done && (ret = build_tree(built, cat, req, tip)) < 0)
		goto out;
	if (tip_tree && git_oid_equal(git_tree_id(tip_tree), &built->tree)) {
		res->version = latest;
		res->appended = false;
		if ((ret = push_tags(cat, req->id, tip, &tags, NULL, 0)) == 0)
			ret = catalog_base_set(cat, req->id, git_commit_id(tip));
		goto out;
	}
	if (tip && (ret = check_base(cat, req, tip, latest)) < 0)
		goto out;
	/* Known before the push: a share killed after it still knows its own. */
	if ((ret = make_commit(&commit, cat, req, built, tip, latest + 1)) < 0 ||
	    (ret = catalog_base_set_pending(cat, req->id, &commit)) < 0)
		goto out;
	{
		struct catalog_push_ref branch_ref = { &commit, branch };

		if ((ret = catalog_remote_push(cat, req->id, &branch_ref, 1, CATALOG_PUSH_MORE)) != 0)
			goto out;
	}
	/* The branch holds the version now; its tag follows, with any missing. */
	if ((ret = push_tags(cat, req->id, tip, &tags, &commit, latest + 1)) < 0)
		goto out;
	if ((ret = catalog_set_tracking(cat, req->id, &commit)) < 0 ||
	    (ret = catalog_base_set(cat, req->id, &commit)) < 0)
		goto out;
	res->version = latest + 1;
	res->appended = true;
out:
	strvec_release(&tags);
	git_tree_free(tip_tree);
	git_commit_free(tip);
	free(branch);
	return ret;
}

int catalog_share(struct catalog *cat, const struct share_request *req,
		  struct share_result *res)
{
	struct built_version built = { .done = false };
	bool missing;
	int fd = -1, home_fd = -1, ret;

	memset(res, 0, sizeof(*res));
	if ((ret = catalog_remote_missing_for_push(cat, &missing)) < 0)
		return ret;
	if (missing && (ret = create_default(cat)) < 0)
		return ret;
	if ((ret = catalog_lock_home(cat, req->id, &home_fd)) < 0 ||
	    (ret = catalog_lock_writers(cat, req->id, &fd)) < 0)
		goto out;
	for (int attempt = 0; attempt < MAX_SHARE_ATTEMPTS; attempt++) {
		ret = share_round(cat, req, res, &built);
		if (ret != 1)
			goto out;
	}
	ret = dfc_hint(dfc_error(DFC_ECONFLICT, "other writers kept sharing '%s' first", req->id),
		       "try again");
out:
	fs_unlock(fd);
	fs_unlock(home_fd);
	return ret;
}

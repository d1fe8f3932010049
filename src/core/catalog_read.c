/* catalog_read.c - catalog versions as last fetched, from repo.git's tracking refs. */
#include "dfc/catalog_read.h"

#include "dfc/error.h"
#include "dfc/fingerprint.h"
#include "dfc/refs.h"
#include "dfc/trailers.h"
#include "dfc/xalloc.h"

#include <stdlib.h>
#include <string.h>

int catalog_tracking_tip(git_commit **out, struct store *store, const char *id)
{
	char *ref = refs_tracking(id);
	git_oid oid;
	int err = git_reference_name_to_id(&oid, store->repo, ref);

	free(ref);
	*out = NULL;
	if (err == GIT_ENOTFOUND) {
		git_error_clear();
		return 1;
	}
	if (err < 0 || git_commit_lookup(out, store->repo, &oid) < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot read the catalog's last known state");
	return 0;
}

int catalog_latest_version(struct store *store, const char *id, int *version)
{
	git_commit *tip = NULL;
	int ret = catalog_tracking_tip(&tip, store, id);

	*version = 0;
	if (ret == 0)
		ret = commit_pipeline_version(tip, version);
	git_commit_free(tip);
	return ret < 0 ? ret : 0;
}

void catalog_version_release(struct catalog_version *v)
{
	free(v->author);
	buf_release(&v->pipeline_json);
	memset(v, 0, sizeof(*v));
}

static int fill_version(struct catalog_version *out, struct store *store,
			const git_commit *commit)
{
	const git_signature *author = git_commit_author(commit);
	git_tree_entry *entry = NULL;
	git_tree *tree = NULL;
	git_blob *blob = NULL;
	json_t *root;
	int ret;

	memset(out, 0, sizeof(*out));
	if ((ret = commit_pipeline_version(commit, &out->version)) < 0)
		return ret;
	out->local_version = commit_trailer_number(commit, TRAILER_LOCAL_VERSION);
	git_oid_tostr(out->commit, sizeof(out->commit), git_commit_id(commit));
	out->time = (long long)author->when.time;
	out->offset = author->when.offset;
	out->author = xstrdup(author->name);
	if (git_commit_tree(&tree, commit) < 0 ||
	    git_tree_entry_bypath(&entry, tree, "pipeline.json") < 0 ||
	    git_blob_lookup(&blob, store->repo, git_tree_entry_id(entry)) < 0) {
		ret = dfc_git_error(DFC_EINTERNAL, "cannot read a catalog version");
		goto out;
	}
	buf_add(&out->pipeline_json, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
	/* Recorded when shared; computed for versions shared without it. */
	if (!commit_fingerprint(commit, out->fingerprint)) {
		root = json_loadb(out->pipeline_json.data, out->pipeline_json.len, 0, NULL);
		content_fingerprint(out->fingerprint, root, NULL);
		json_decref(root);
	}
out:
	git_blob_free(blob);
	git_tree_entry_free(entry);
	git_tree_free(tree);
	return ret;
}

struct version_walk {
	struct store *store;
	int (*fn)(const struct catalog_version *v, void *payload);
	void *payload;
};

static int call_with_version(git_commit *commit, int version, void *payload)
{
	struct version_walk *w = payload;
	struct catalog_version v;
	int ret;

	(void)version;
	if ((ret = fill_version(&v, w->store, commit)) < 0)
		return ret;
	ret = w->fn(&v, w->payload);
	catalog_version_release(&v);
	return ret;
}

int catalog_for_each_version(struct store *store, const char *id,
			     int (*fn)(const struct catalog_version *v, void *payload),
			     void *payload)
{
	struct version_walk w = { store, fn, payload };
	git_commit *tip = NULL;
	int ret = catalog_tracking_tip(&tip, store, id);

	if (ret)
		return ret < 0 ? ret : 0;
	ret = history_walk(tip, call_with_version, &w);
	git_commit_free(tip);
	return ret;
}

struct version_pick {
	int want;
	struct catalog_version *out;
	bool found;
};

static int pick_version(const struct catalog_version *v, void *payload)
{
	struct version_pick *p = payload;

	if (p->want && v->version != p->want)
		return v->version < p->want;
	*p->out = *v;
	buf_init(&p->out->pipeline_json);
	buf_add(&p->out->pipeline_json, v->pipeline_json.data, v->pipeline_json.len);
	p->out->author = xstrdup(v->author);
	p->found = true;
	return 1;
}

int catalog_read_version(struct store *store, const char *id, int version,
			 struct catalog_version *out)
{
	struct version_pick pick = { version, out, false };
	int ret;

	memset(out, 0, sizeof(*out));
	ret = catalog_for_each_version(store, id, pick_version, &pick);
	if (ret < 0)
		return ret;
	if (!pick.found && version)
		return dfc_hint(dfc_error(DFC_ENOTFOUND, "the catalog has no version %d of '%s'",
					  version, id),
				"see its versions with 'data-factory-cli log -i %s'", id);
	if (!pick.found)
		return dfc_hint(dfc_error(DFC_ENOTFOUND, "the catalog has no pipeline '%s'", id),
				"share it first with 'data-factory-cli share -i %s'", id);
	return 0;
}

struct commit_pick {
	int want;
	git_commit *found;
};

static int pick_commit(git_commit *commit, int version, void *payload)
{
	struct commit_pick *p = payload;

	if (p->want && version != p->want)
		return version < p->want;
	if (git_commit_dup(&p->found, commit) < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot read a catalog version");
	return 1;
}

int catalog_read_file(struct store *store, const char *id, int version, const char *path,
		      struct buf *out)
{
	struct commit_pick pick = { version, NULL };
	git_tree_entry *entry = NULL;
	git_commit *tip = NULL;
	git_tree *tree = NULL;
	git_blob *blob = NULL;
	int ret = catalog_tracking_tip(&tip, store, id);

	if (ret == 0 && (ret = history_walk(tip, pick_commit, &pick)) > 0)
		ret = 0;
	if (ret < 0)
		goto out;
	if (!pick.found) {
		ret = dfc_error(DFC_ENOTFOUND, "the catalog has no version %d of '%s'", version, id);
		goto out;
	}
	if (git_commit_tree(&tree, pick.found) < 0 ||
	    git_tree_entry_bypath(&entry, tree, path) < 0 ||
	    git_blob_lookup(&blob, store->repo, git_tree_entry_id(entry)) < 0) {
		git_error_clear();
		ret = dfc_error(DFC_ENOTFOUND, "catalog version of '%s' has no '%s'", id, path);
		goto out;
	}
	buf_add(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
out:
	git_blob_free(blob);
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_commit_free(pick.found);
	git_commit_free(tip);
	return ret;
}

/* catalog_read.c - catalog versions as last fetched, from repo.git's tracking refs. */
#include "dfc/catalog_read.h"
#include "catalog_internal.h"

#include "dfc/error.h"
#include "dfc/fingerprint.h"
#include "dfc/fs.h"
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

/*
 * The tree of catalog version `v` as last fetched, or NULL when it cannot
 * be read: such a version then has no files.
 */
static git_tree *version_tree(struct store *store, const struct catalog_version *v)
{
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_oid oid;

	if (git_oid_fromstr(&oid, v->commit) < 0 ||
	    git_commit_lookup(&commit, store->repo, &oid) < 0 || git_commit_tree(&tree, commit) < 0)
		git_error_clear();
	git_commit_free(commit);
	return tree;
}

/* The name of the first entry of folder `dir` of `tree`, newly allocated, or NULL. */
static char *first_name(struct store *store, const git_tree *tree, const char *dir)
{
	git_tree_entry *entry = NULL;
	git_tree *sub = NULL;
	char *name = NULL;

	if (!tree || git_tree_entry_bypath(&entry, tree, dir) < 0 ||
	    git_tree_entry_type(entry) != GIT_OBJECT_TREE ||
	    git_tree_lookup(&sub, store->repo, git_tree_entry_id(entry)) < 0)
		goto out;
	if (git_tree_entrycount(sub) > 0)
		name = xstrdup(git_tree_entry_name(git_tree_entry_byindex(sub, 0)));
out:
	git_error_clear();
	git_tree_free(sub);
	git_tree_entry_free(entry);
	return name;
}

/* Append file `path` of `tree`, of a version of `id`, to `out`. */
static int tree_file(struct buf *out, struct store *store, const git_tree *tree, const char *id,
		     const char *path)
{
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	int ret = 0;

	if (!tree || git_tree_entry_bypath(&entry, tree, path) < 0 ||
	    git_blob_lookup(&blob, store->repo, git_tree_entry_id(entry)) < 0) {
		git_error_clear();
		ret = dfc_error(DFC_ENOTFOUND, "catalog version of '%s' has no '%s'", id, path);
	} else {
		buf_add(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
	}
	git_blob_free(blob);
	git_tree_entry_free(entry);
	return ret;
}

void catalog_file_release(struct catalog_file *file)
{
	free(file->name);
	buf_release(&file->content);
	file->name = NULL;
}

/*
 * Read `<kind>s/<content_id>/<name>` of `v` (`name` NULL: the first file
 * there) into `out`.
 */
static int read_stored(struct catalog_file *out, struct store *store, const char *id,
		       const struct catalog_version *v, const git_tree *tree, const char *kind,
		       const char *content_id, const char *name)
{
	char *dir = xasprintf("%ss/%s", kind, content_id);
	char *path = NULL;
	int ret = 0;

	out->name = name ? xstrdup(name) : first_name(store, tree, dir);
	if (!out->name) {
		ret = dfc_error(DFC_ENOTFOUND, "catalog version %d of '%s' has no %s %s",
				v->version, id, kind, content_id);
		goto out;
	}
	path = xasprintf("%s/%s", dir, out->name);
	ret = tree_file(&out->content, store, tree, id, path);
out:
	if (ret < 0)
		catalog_file_release(out);
	free(path);
	free(dir);
	return ret;
}

int catalog_read_script(struct catalog_file *out, struct store *store, const char *id,
			const struct catalog_version *v, const char *script_id, const char *name)
{
	git_tree *tree = version_tree(store, v);
	int ret = read_stored(out, store, id, v, tree, "script", script_id, name);

	git_tree_free(tree);
	return ret;
}

int catalog_read_dataset(struct catalog_file *out, struct store *store, const char *id,
			 const struct catalog_version *v, const char *dataset_id, const char *name)
{
	git_tree *tree = version_tree(store, v);
	char *descriptor = xasprintf("datasets/%s.json", dataset_id);
	int ret = tree_file(&out->content, store, tree, id, descriptor);

	if (ret == 0) {
		ret = 1;
	} else if (ret == DFC_ENOTFOUND) {
		dfc_error_clear();
		ret = read_stored(out, store, id, v, tree, "dataset", dataset_id, name);
	}
	free(descriptor);
	git_tree_free(tree);
	return ret;
}

void catalog_entries_release(struct catalog_entries *list)
{
	for (size_t i = 0; i < list->nr; i++) {
		free(list->items[i].id);
		free(list->items[i].name);
	}
	free(list->items);
	memset(list, 0, sizeof(*list));
}

void catalog_version_entries(struct catalog_entries *out, const struct catalog_version *v,
			     bool scripts)
{
	const char *kind = scripts ? "script" : "dataset";
	json_t *root = json_loadb(v->pipeline_json.data, v->pipeline_json.len, 0, NULL);
	json_t *node;
	size_t i;

	json_array_foreach (json_object_get(root, "nodes"), i, node) {
		const char *type = json_string_value(json_object_get(node, "type"));
		const char *nid = json_string_value(
			json_object_get(node, scripts ? "script_id" : "dataset_id"));
		const char *path = json_string_value(json_object_get(node, "path"));
		const char *url = json_string_value(json_object_get(node, "url"));
		struct catalog_entry *e;

		if (!type || strcmp(type, kind) || !nid)
			continue;
		XGROW(out->items, out->alloc, out->nr + 1);
		e = &out->items[out->nr++];
		e->id = xstrdup(nid);
		e->name = xstrdup(fs_basename(path ? path : url ? url : nid));
		e->by_url = !scripts && url;
	}
	json_decref(root);
}

long long catalog_entry_size(struct store *store, const struct catalog_entry *entry)
{
	git_odb *odb = NULL;
	git_object_t type;
	git_oid oid;
	size_t len;
	long long size = -1;

	if (!entry->by_url && git_oid_fromstr(&oid, entry->id) == 0 &&
	    git_repository_odb(&odb, store->repo) == 0 &&
	    git_odb_read_header(&len, &type, odb, &oid) == 0)
		size = (long long)len;
	git_odb_free(odb);
	git_error_clear();
	return size;
}

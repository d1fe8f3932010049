/* store_read.c - read back the versions of a pipeline, their files and scripts. */
#include "store_internal.h"

#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/pipeline.h"
#include "dfc/refs.h"
#include "dfc/snapshot.h"
#include "dfc/trailers.h"
#include "dfc/xalloc.h"

#include <stdlib.h>
#include <string.h>

struct version_search {
	int version;
	git_commit *found;
};

static int match_version(git_commit *commit, int version, void *payload)
{
	struct version_search *search = payload;

	if (version > search->version)
		return 0;
	if (version == search->version && git_commit_dup(&search->found, commit) < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot read the store");
	return 1;
}

int store_version_on_branch(git_commit **out, struct store *store, const char *id, int version)
{
	struct version_search search = { version, NULL };
	int ret = store_walk_versions(store, id, match_version, &search);

	if (ret < 0) {
		git_commit_free(search.found);
		search.found = NULL;
	}
	*out = search.found;
	return ret < 0 ? ret : 0;
}

/*
 * The commit of version `*version` of `id`, the latest when it is 0
 * (`*version` then says which): through its tag, or, when the tag is
 * missing (a writer was killed before adding it), by walking the branch's
 * first parents.
 */
static int find_version_commit(git_commit **out, struct store *store, const char *id, int *version)
{
	git_commit *commit = NULL;
	char *tag;
	git_oid oid;
	int ret, v;

	*out = NULL;
	if (*version == 0 && (ret = store_latest_version(store, id, version)) < 0)
		return ret;
	tag = refs_tag(id, *version);
	if (git_reference_name_to_id(&oid, store->repo, tag) == 0 &&
	    git_commit_lookup(&commit, store->repo, &oid) == 0 &&
	    commit_pipeline_version(commit, &v) == 0 && v == *version) {
		*out = commit;
		free(tag);
		return 0;
	}
	git_commit_free(commit);
	commit = NULL;
	free(tag);
	git_error_clear();
	ret = store_version_on_branch(&commit, store, id, *version);
	if (ret < 0)
		return ret;
	if (!commit)
		return dfc_hint(dfc_error(DFC_ENOTFOUND, "pipeline '%s' has no version %d",
					  id, *version),
				"see its versions with 'data-factory-cli log -i %s'", id);
	*out = commit;
	return 0;
}

/* The tree (new) of version `*version` of `id`, as find_version_commit() finds it. */
static int find_version_tree(git_tree **out, struct store *store, const char *id, int *version)
{
	git_commit *commit = NULL;
	int ret;

	*out = NULL;
	if ((ret = find_version_commit(&commit, store, id, version)) < 0)
		return ret;
	if (git_commit_tree(out, commit) < 0)
		ret = dfc_git_error(DFC_EINTERNAL, "cannot read a version");
	git_commit_free(commit);
	return ret;
}

/* Append the content of blob `oid` to `out`; < 0, with libgit2's error, when it cannot. */
static int add_blob(struct buf *out, struct store *store, const git_oid *oid)
{
	git_blob *blob = NULL;

	if (git_blob_lookup(&blob, store->repo, oid) < 0)
		return -1;
	buf_add(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
	git_blob_free(blob);
	return 0;
}

static int read_blob(struct buf *out, struct store *store, const git_tree *tree,
		     const char *path)
{
	git_tree_entry *entry = NULL;
	int ret = 0;

	if (git_tree_entry_bypath(&entry, tree, path) < 0 ||
	    add_blob(out, store, git_tree_entry_id(entry)) < 0)
		ret = dfc_git_error(DFC_EINTERNAL, "cannot read a version");
	git_tree_entry_free(entry);
	return ret;
}

int store_read_blob(struct store *store, const char *hex, struct buf *out)
{
	git_oid oid;

	if (strlen(hex) != GIT_OID_HEXSZ || git_oid_fromstr(&oid, hex) < 0 ||
	    add_blob(out, store, &oid) < 0) {
		git_error_clear();
		return dfc_error(DFC_ENOTFOUND, "the store has no such blob");
	}
	return 0;
}

int store_commit_pipeline_json(struct buf *out, struct store *store, const git_commit *commit)
{
	git_tree *tree = NULL;
	int ret;

	if (git_commit_tree(&tree, commit) < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot read a version");
	ret = read_blob(out, store, tree, "pipeline.json");
	git_tree_free(tree);
	return ret;
}

void version_info_release(struct version_info *info)
{
	free(info->author_name);
	free(info->author_email);
	free(info->message);
	free(info->summary);
	free(info->source_file);
	free(info->source_commit);
	free(info->fingerprint);
	buf_release(&info->pipeline_json);
	memset(info, 0, sizeof(*info));
}

/* The message without the trailer block the store appended. */
static char *strip_trailers(const char *message)
{
	const char *cut = NULL;

	for (const char *p = strstr(message, "\n\n" TRAILER_ID ": "); p;
	     p = strstr(p + 1, "\n\n" TRAILER_ID ": "))
		cut = p;
	return cut ? xstrndup(message, (size_t)(cut - message)) : xstrdup(message);
}

static int fill_info(struct version_info *out, const git_commit *commit)
{
	const git_signature *author = git_commit_author(commit);
	const char *message = git_commit_message(commit);
	char fingerprint[FINGERPRINT_SIZE];
	const char *nl;
	int ret;

	memset(out, 0, sizeof(*out));
	if ((ret = commit_pipeline_version(commit, &out->version)) < 0)
		return ret;
	git_oid_tostr(out->commit, sizeof(out->commit), git_commit_id(commit));
	out->author_name = xstrdup(author->name);
	out->author_email = xstrdup(author->email);
	out->time = (long long)author->when.time;
	out->offset = author->when.offset;
	out->message = strip_trailers(message);
	nl = strchr(out->message, '\n');
	out->summary = nl ? xstrndup(out->message, (size_t)(nl - out->message))
			  : xstrdup(out->message);
	out->source_file = trailer_value(message, TRAILER_SOURCE_FILE);
	out->source_commit = trailer_value(message, TRAILER_SOURCE_COMMIT);
	if (commit_fingerprint(commit, fingerprint))
		out->fingerprint = xstrdup(fingerprint);
	return 0;
}

int store_read_version(struct store *store, const char *id, int version,
		       bool content, struct version_info *out)
{
	git_commit *commit = NULL;
	int ret;

	memset(out, 0, sizeof(*out));
	if ((ret = find_version_commit(&commit, store, id, &version)) < 0)
		return ret;
	ret = fill_info(out, commit);
	if (ret == 0 && content)
		ret = store_commit_pipeline_json(&out->pipeline_json, store, commit);
	if (ret < 0)
		version_info_release(out);
	git_commit_free(commit);
	return ret;
}

struct info_walk {
	int (*fn)(const struct version_info *info, void *payload);
	void *payload;
};

static int call_with_info(git_commit *commit, int version, void *payload)
{
	struct info_walk *w = payload;
	struct version_info info;
	int ret;

	(void)version;
	if ((ret = fill_info(&info, commit)) < 0)
		return ret;
	ret = w->fn(&info, w->payload);
	version_info_release(&info);
	return ret;
}

/* Name of the file in `dir` (scripts/<oid>/) for node `node`: the one
 * matching the node's path when several scripts share the content. */
static const char *snapshot_name(const git_tree *dir, const json_t *paths,
				 const char *node)
{
	const char *path = json_string_value(json_object_get(paths, node));

	if (path && git_tree_entry_byname(dir, fs_basename(path)))
		return fs_basename(path);
	return git_tree_entry_name(git_tree_entry_byindex(dir, 0));
}

int store_read_file(struct store *store, const char *id, int version,
		    const char *path, struct buf *out)
{
	git_tree *tree = NULL;
	int ret;

	if ((ret = find_version_tree(&tree, store, id, &version)) < 0)
		return ret;
	if (!git_tree_entry_byname(tree, path))
		ret = dfc_error(DFC_ENOTFOUND, "version %d of '%s' has no %s", version, id, path);
	else
		ret = read_blob(out, store, tree, path);
	git_tree_free(tree);
	return ret;
}

int store_fingerprint(struct store *store, const char *id, int version,
		      char out[FINGERPRINT_SIZE])
{
	struct buf pipeline = BUF_INIT, manifest = BUF_INIT;
	struct version_info info;
	int ret;

	/* Recorded with the version; computed for versions recorded without it. */
	if ((ret = store_read_version(store, id, version, false, &info)) < 0)
		return ret;
	if (info.fingerprint) {
		memcpy(out, info.fingerprint, FINGERPRINT_SIZE);
		version_info_release(&info);
		return 0;
	}
	version_info_release(&info);
	if ((ret = store_read_file(store, id, version, "pipeline.json", &pipeline)) < 0)
		goto out;
	ret = store_read_file(store, id, version, "scripts.json", &manifest);
	if (ret == DFC_ENOTFOUND) {
		dfc_error_clear();
		ret = 0;
	}
	if (ret < 0)
		goto out;
	content_fingerprint_text(out, &pipeline, &manifest);
out:
	buf_release(&pipeline);
	buf_release(&manifest);
	return ret;
}

int store_read_scripts(struct store *store, const char *id, int version,
		       struct script_files *out)
{
	struct buf manifest = BUF_INIT, pipeline = BUF_INIT;
	json_t *map = NULL, *root = NULL, *paths = NULL, *oid_text;
	git_tree *tree = NULL;
	const char *node;
	int ret;

	if ((ret = find_version_tree(&tree, store, id, &version)) < 0)
		return ret;
	if (!git_tree_entry_byname(tree, SNAPSHOT_MANIFEST))
		goto out; /* no local scripts */
	if ((ret = read_blob(&manifest, store, tree, SNAPSHOT_MANIFEST)) < 0 ||
	    (ret = read_blob(&pipeline, store, tree, "pipeline.json")) < 0)
		goto out;
	map = json_loadb(manifest.data, manifest.len, 0, NULL);
	root = json_loadb(pipeline.data, pipeline.len, 0, NULL);
	if (!json_is_object(map) || !root) {
		ret = dfc_hint(dfc_error(DFC_EINTERNAL, "version %d of '%s' has a damaged %s",
					 version, id, SNAPSHOT_MANIFEST),
			       "run 'data-factory-cli fsck'");
		goto out;
	}
	paths = pipeline_node_paths(root);
	json_object_foreach(map, node, oid_text) {
		char *dir_path = xasprintf("scripts/%s", json_string_value(oid_text));
		git_tree_entry *entry = NULL;
		git_tree *dir = NULL;
		struct script_file *f;
		char *file_path;

		if (git_tree_entry_bypath(&entry, tree, dir_path) < 0 ||
		    git_tree_lookup(&dir, store->repo, git_tree_entry_id(entry)) < 0 ||
		    git_tree_entrycount(dir) == 0) {
			ret = dfc_git_error(DFC_EINTERNAL, "cannot read a script snapshot");
			git_tree_entry_free(entry);
			git_tree_free(dir);
			free(dir_path);
			goto out;
		}
		XGROW(out->items, out->alloc, out->nr + 1);
		f = &out->items[out->nr++];
		f->node_id = xstrdup(node);
		f->name = xstrdup(snapshot_name(dir, paths, node));
		buf_init(&f->content);
		file_path = xasprintf("%s/%s", dir_path, f->name);
		ret = read_blob(&f->content, store, tree, file_path);
		free(file_path);
		git_tree_entry_free(entry);
		git_tree_free(dir);
		free(dir_path);
		if (ret < 0)
			goto out;
	}
out:
	json_decref(map);
	json_decref(paths);
	json_decref(root);
	buf_release(&manifest);
	buf_release(&pipeline);
	git_tree_free(tree);
	return ret;
}

int store_for_each_version(struct store *store, const char *id,
			   int (*fn)(const struct version_info *info,
				     void *payload),
			   void *payload)
{
	struct info_walk w = { fn, payload };

	return store_walk_versions(store, id, call_with_info, &w);
}

struct content_search {
	struct store *store;
	const struct snapshot *snap;
	int version;
};

static int match_content(git_commit *commit, int version, void *payload)
{
	struct content_search *search = payload;
	git_tree *tree = NULL;
	bool match;

	if (git_commit_tree(&tree, commit) < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot read the store");
	match = snapshot_matches(search->store->repo, search->snap, tree);
	git_tree_free(tree);
	if (!match)
		return 0;
	search->version = version;
	return 1;
}

int store_find_version(struct store *store, const char *id,
		       const char *pipeline_json, size_t pipeline_len,
		       const struct script_files *scripts, int *version)
{
	struct snapshot snap = { 0 };
	struct content_search search = { store, &snap, 0 };
	int ret;

	*version = 0;
	ret = snapshot_hash(&snap, pipeline_json, pipeline_len, scripts, NULL);
	if (ret == 0)
		ret = store_walk_versions(store, id, match_content, &search);
	snapshot_release(&snap);
	if (ret < 0)
		return ret;
	*version = search.version;
	return 0;
}

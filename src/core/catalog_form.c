/* catalog_form.c - the self-contained tree of one catalog version. */
#include "dfc/catalog_form.h"

#include "dfc/canonical.h"
#include "dfc/digest.h"
#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/ids.h"
#include "dfc/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A catalog version being built: its index of blobs, and what it is built from. */
struct version_builder {
	git_repository *repo;
	const struct form_input *in;
	git_index *index;
	/* Ids of the datasets some script writes, as object keys (a set). */
	json_t *produced;
};

/* Add an entry for an object that already exists (content reused by id). */
static int add_existing(struct version_builder *f, const char *path, const git_oid *oid)
{
	git_index_entry entry;

	memset(&entry, 0, sizeof(entry));
	entry.mode = GIT_FILEMODE_BLOB;
	entry.path = path;
	entry.id = *oid;
	if (git_index_add(f->index, &entry) < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot build a catalog version");
	return 0;
}

/* Write `data` as a blob and add it at `path`. */
static int add_blob(struct version_builder *f, const char *path, const void *data, size_t len,
		    git_oid *oid)
{
	if (git_blob_create_from_buffer(oid, f->repo, data, len) < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot write to the store");
	return add_existing(f, path, oid);
}

static const struct script_file *script_of(const struct script_files *s, const char *node)
{
	for (size_t i = 0; s && i < s->nr; i++)
		if (!strcmp(s->items[i].node_id, node))
			return &s->items[i];
	return NULL;
}

/* The entry `<dir>/<id>/...` (first file) or `<dir>/<id>.json` of the
 * previous catalog version, for content named only by its id. */
static const char *previous_entry(struct version_builder *f, const char *dir, const char *id,
				  git_oid *oid, char **path)
{
	git_tree_entry *entry = NULL;
	char *p = xasprintf("%s/%s", dir, id);
	const char *name = NULL;

	*path = NULL;
	if (!f->in->previous)
		goto out;
	if (git_tree_entry_bypath(&entry, f->in->previous, p) == 0 &&
	    git_tree_entry_type(entry) == GIT_OBJECT_TREE) {
		git_tree *sub = NULL;

		if (git_tree_lookup(&sub, f->repo, git_tree_entry_id(entry)) == 0 &&
		    git_tree_entrycount(sub) > 0) {
			const git_tree_entry *first = git_tree_entry_byindex(sub, 0);

			*oid = *git_tree_entry_id(first);
			*path = xasprintf("%s/%s", p, git_tree_entry_name(first));
			name = *path;
		}
		git_tree_free(sub);
	}
	git_tree_entry_free(entry);
	entry = NULL;
	if (!name) {
		char *json = xasprintf("%s.json", p);

		if (git_tree_entry_bypath(&entry, f->in->previous, json) == 0) {
			*oid = *git_tree_entry_id(entry);
			*path = json;
			name = json;
		} else {
			free(json);
		}
	}
out:
	git_error_clear();
	git_tree_entry_free(entry);
	free(p);
	return name;
}

static int add_script(struct version_builder *f, json_t *node, const char *id)
{
	const struct script_file *s = script_of(f->in->scripts, id);
	const char *script_id = json_string_value(json_object_get(node, "script_id"));
	char *path = NULL;
	git_oid oid;
	int ret;

	if (s) {
		char hex[GIT_OID_HEXSZ + 1];

		if (git_odb_hash(&oid, buf_cstr(&s->content), s->content.len,
				 GIT_OBJECT_BLOB) < 0)
			return dfc_git_error(DFC_EINTERNAL, "cannot hash a script");
		git_oid_tostr(hex, sizeof(hex), &oid);
		path = xasprintf("scripts/%s/%s", hex, s->name);
		ret = add_blob(f, path, buf_cstr(&s->content), s->content.len, &oid);
	} else if (script_id && previous_entry(f, "scripts", script_id, &oid, &path)) {
		ret = add_existing(f, path, &oid);
	} else {
		ret = dfc_hint(dfc_error(DFC_EDEPEND, "script '%s' has no content to share", id),
			       "give it a \"path\" to an existing file");
	}
	if (ret == 0)
		json_object_set_new(node, "script_id", json_string(git_oid_tostr_s(&oid)));
	free(path);
	return ret;
}

/*
 * The set of datasets some script of `pipeline` writes (new reference):
 * every `to` of an edge whose `from` is a script. Built once, so a
 * pipeline of many datasets is linear, not quadratic.
 */
static json_t *produced_datasets(const json_t *pipeline)
{
	json_t *scripts = json_object(), *produced = json_object();
	json_t *node, *edge;
	size_t i;

	json_array_foreach(json_object_get(pipeline, "nodes"), i, node) {
		const char *id = json_string_value(json_object_get(node, "id"));
		const char *type = json_string_value(json_object_get(node, "type"));

		if (id && type && !strcmp(type, "script"))
			json_object_set_new(scripts, id, json_true());
	}
	json_array_foreach(json_object_get(pipeline, "edges"), i, edge) {
		const char *from = json_string_value(json_object_get(edge, "from"));
		const char *to = json_string_value(json_object_get(edge, "to"));

		if (from && to && json_object_get(scripts, from))
			json_object_set_new(produced, to, json_true());
	}
	json_decref(scripts);
	return produced;
}

/* Store `descriptor` (stolen) as datasets/<blob id>.json. */
static int add_descriptor(struct version_builder *f, json_t *node, json_t *descriptor)
{
	struct buf text = BUF_INIT;
	char *path = NULL;
	git_oid oid;
	int ret;

	canonical_dump(&text, descriptor);
	json_decref(descriptor);
	if (git_odb_hash(&oid, text.data, text.len, GIT_OBJECT_BLOB) < 0) {
		buf_release(&text);
		return dfc_git_error(DFC_EINTERNAL, "cannot hash a dataset descriptor");
	}
	path = xasprintf("datasets/%s.json", git_oid_tostr_s(&oid));
	ret = add_blob(f, path, text.data, text.len, &oid);
	if (ret == 0)
		json_object_set_new(node, "dataset_id", json_string(git_oid_tostr_s(&oid)));
	free(path);
	buf_release(&text);
	return ret;
}

static int add_url_dataset(struct version_builder *f, json_t *node, const char *url)
{
	json_t *sha = json_object_get(node, "sha256");
	json_t *size = json_object_get(node, "size");
	struct download_result got;
	int ret;

	if (json_is_string(sha) && json_is_integer(size))
		return add_descriptor(f, node, json_pack("{s:s, s:O, s:O}", "url", url,
							 "sha256", sha, "size", size));
	if ((ret = download_url(&got, url, f->in->download)) < 0)
		return ret;
	return add_descriptor(f, node, json_pack("{s:s, s:s, s:I}", "url", url, "sha256",
						 got.sha256, "size", (json_int_t)got.size));
}

static int add_file_dataset(struct version_builder *f, json_t *node, const char *id, const char *path)
{
	char *full = path[0] == '/' ? xstrdup(path) : fs_path_join(f->in->base_dir, path);
	struct buf content = BUF_INIT;
	char sha[SHA256_HEX_SIZE];
	unsigned long long size;
	struct stat st;
	char *entry = NULL;
	git_oid oid;
	int ret;

	if (!tree_entry_name_is_safe(fs_basename(path))) {
		ret = dfc_error(DFC_ESECURITY, "dataset '%s' has an unusable file name '%s'", id,
				path);
		goto out;
	}
	if (stat(full, &st) < 0 || !S_ISREG(st.st_mode)) {
		ret = dfc_hint(dfc_error(DFC_EDEPEND, "dataset '%s' not found at '%s'", id, full),
			       "no script of the pipeline writes it, so it must exist");
		goto out;
	}
	if ((long long)st.st_size > f->in->max_dataset_bytes) {
		if ((ret = sha256_file(sha, &size, full)) == 0)
			ret = add_descriptor(f, node, json_pack("{s:s, s:s, s:I}", "path", path,
								"sha256", sha, "size",
								(json_int_t)size));
		goto out;
	}
	if ((ret = fs_read_file(&content, full, (size_t)f->in->max_dataset_bytes + 1)) < 0)
		goto out;
	if (git_odb_hash(&oid, buf_cstr(&content), content.len, GIT_OBJECT_BLOB) < 0) {
		ret = dfc_git_error(DFC_EINTERNAL, "cannot hash a dataset");
		goto out;
	}
	entry = xasprintf("datasets/%s/%s", git_oid_tostr_s(&oid), fs_basename(path));
	ret = add_blob(f, entry, buf_cstr(&content), content.len, &oid);
	if (ret == 0)
		json_object_set_new(node, "dataset_id", json_string(git_oid_tostr_s(&oid)));
out:
	free(entry);
	free(full);
	buf_release(&content);
	return ret;
}

static int add_dataset(struct version_builder *f, json_t *node, const char *id)
{
	const char *path = json_string_value(json_object_get(node, "path"));
	const char *url = json_string_value(json_object_get(node, "url"));
	const char *dataset_id = json_string_value(json_object_get(node, "dataset_id"));
	char *entry = NULL;
	git_oid oid;
	int ret;

	/*
	 * What a step writes is a run's result, not part of the version: it
	 * is described by its path alone, whether or not it was run, so that
	 * the version (and the dataset_id a sync writes back) does not change
	 * with runs.
	 */
	if (path && json_object_get(f->produced, id))
		return add_descriptor(f, node, json_pack("{s:s}", "path", path));
	if (path) {
		char *full = path[0] == '/' ? xstrdup(path) : fs_path_join(f->in->base_dir, path);
		bool local = fs_exists(full);

		free(full);
		/* A local copy wins over the URL; without one, the URL is the data. */
		if (local || !url)
			return add_file_dataset(f, node, id, path);
	}
	if (url)
		return add_url_dataset(f, node, url);
	if (dataset_id && previous_entry(f, "datasets", dataset_id, &oid, &entry)) {
		ret = add_existing(f, entry, &oid);
		free(entry);
		return ret;
	}
	return dfc_error(DFC_ENOTFOUND, "dataset '%s' (%s) is not in the catalog", id,
			 dataset_id ? dataset_id : "no id");
}

int catalog_form_build(git_oid *tree, json_t **pipeline, git_repository *repo,
		       const struct form_input *in)
{
	struct version_builder f = { repo, in, NULL, produced_datasets(in->pipeline) };
	struct buf text = BUF_INIT;
	json_t *copy = json_deep_copy(in->pipeline);
	git_oid oid;
	size_t i;
	json_t *node;
	int ret = 0;

	*pipeline = NULL;
	if (git_index_new(&f.index) < 0) {
		ret = dfc_git_error(DFC_EINTERNAL, "cannot build a catalog version");
		goto out;
	}
	json_array_foreach(json_object_get(copy, "nodes"), i, node) {
		const char *id = json_string_value(json_object_get(node, "id"));
		const char *type = json_string_value(json_object_get(node, "type"));

		if (!strcmp(type, "script"))
			ret = add_script(&f, node, id);
		else
			ret = add_dataset(&f, node, id);
		if (ret < 0)
			goto out;
	}
	canonical_dump(&text, copy);
	if ((ret = add_blob(&f, "pipeline.json", text.data, text.len, &oid)) < 0)
		goto out;
	if (git_index_write_tree_to(tree, f.index, repo) < 0) {
		ret = dfc_git_error(DFC_EINTERNAL, "cannot build a catalog version");
		goto out;
	}
	*pipeline = copy;
	copy = NULL;
out:
	git_index_free(f.index);
	json_decref(f.produced);
	buf_release(&text);
	json_decref(copy);
	return ret;
}

/* scripts.c - read the local script files a pipeline references. */
#include "dfc/scripts.h"

#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/ids.h"
#include "dfc/xalloc.h"

#include <stdlib.h>
#include <string.h>

void script_files_release(struct script_files *files)
{
	for (size_t i = 0; i < files->nr; i++) {
		free(files->items[i].node_id);
		free(files->items[i].name);
		buf_release(&files->items[i].content);
	}
	free(files->items);
	files->items = NULL;
	files->nr = files->alloc = 0;
}

void script_file_blob_id(char out[GIT_OID_HEXSZ + 1], const struct script_file *file)
{
	git_oid oid;

	git_odb_hash(&oid, buf_cstr(&file->content), file->content.len, GIT_OBJECT_BLOB);
	git_oid_tostr(out, GIT_OID_HEXSZ + 1, &oid);
}

json_t *script_files_blob_ids(const struct script_files *files)
{
	json_t *ids = json_object();
	char hex[GIT_OID_HEXSZ + 1];

	for (size_t i = 0; i < files->nr; i++) {
		script_file_blob_id(hex, &files->items[i]);
		json_object_set_new(ids, files->items[i].node_id, json_string(hex));
	}
	return ids;
}

static int collect_one(struct script_files *out, const char *node_id,
		       const char *path, bool has_script_id, const char *base_dir)
{
	char *full = path[0] == '/' ? xstrdup(path) : fs_path_join(base_dir, path);
	const char *name = fs_basename(path);
	struct script_file *f;
	struct buf content = BUF_INIT;
	int ret;

	if (!tree_entry_name_is_safe(name)) {
		ret = dfc_error(DFC_ESECURITY, "script '%s' has an unusable file name '%s'",
				node_id, path);
		goto out;
	}
	ret = fs_read_file(&content, full, DFC_MAX_FILE_BYTES);
	if (ret == DFC_ENOTFOUND && has_script_id) {
		/* Its content lives in a catalog under its script_id. */
		dfc_error_clear();
		ret = 0;
		goto out;
	}
	if (ret == DFC_ENOTFOUND) {
		ret = dfc_hint(dfc_error(DFC_EDEPEND, "script '%s' not found at '%s'",
					 node_id, full),
			       "fix its \"path\" (relative to the pipeline file's folder) or create the file");
		goto out;
	}
	if (ret < 0) {
		dfc_error_wrap(ret, "script '%s'", node_id);
		goto out;
	}
	XGROW(out->items, out->alloc, out->nr + 1);
	f = &out->items[out->nr++];
	f->node_id = xstrdup(node_id);
	f->name = xstrdup(name);
	f->content = content;
	buf_init(&content);
out:
	buf_release(&content);
	free(full);
	return ret;
}

int script_files_collect(struct script_files *out, const json_t *root,
			 const char *base_dir)
{
	json_t *nodes = json_object_get(root, "nodes");
	size_t i;
	json_t *node;
	int ret;

	json_array_foreach(nodes, i, node) {
		const char *type = json_string_value(json_object_get(node, "type"));
		const char *id = json_string_value(json_object_get(node, "id"));
		const char *path = json_string_value(json_object_get(node, "path"));

		if (!type || strcmp(type, "script") || !id || !path)
			continue;
		ret = collect_one(out, id, path,
				  json_is_string(json_object_get(node, "script_id")),
				  base_dir);
		if (ret < 0)
			return ret;
	}
	return 0;
}

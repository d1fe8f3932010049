/* gen_source.c - load the pipeline `generate` and `run` turn into a script. */
#include "cmd/gen_source.h"

#include "cmd/cmd.h"

#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/printable.h"
#include "dfc/problems.h"
#include "dfc/shell.h"
#include "dfc/validate.h"
#include "dfc/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A recorded pipeline is checked again: a catalog may hold anything. */
static int check_recorded(const json_t *root, const char *what)
{
	struct problems problems = PROBLEMS_INIT;
	struct buf pointer = BUF_INIT;
	int ret = pipeline_validate(root, &problems);

	if (problems.nr) {
		const char *at = problems.items[0].pointer;

		/* The pointer holds the file's keys as they are: quote them. */
		printable_quote(&pointer, at && *at ? at : "/", SIZE_MAX);
		ret = dfc_error(ret < 0 ? ret : DFC_EINVALID, "%s is not a valid pipeline: %s: %s",
				what, buf_cstr(&pointer), problems.items[0].message);
	}
	buf_release(&pointer);
	problems_release(&problems);
	return ret;
}

static int check_request(const struct gen_request *req)
{
	if (!req->file == !req->id)
		return dfc_hint(dfc_error(DFC_EUSAGE, "give either -f FILE or -i ID"),
				"-f names a pipeline file, -i a recorded pipeline");
	if (req->file && req->version)
		return dfc_error(DFC_EUSAGE, "-v goes with -i, not with -f");
	if (req->file && req->from_catalog)
		return dfc_error(DFC_EUSAGE, "--from-catalog goes with -i, not with -f");
	return 0;
}

/* A script file to read, and the node that uses it. */
struct script_ref {
	char *full;
	const char *node_id;
	const char *path;
	bool has_script_id;
};

static int cmp_ref(const void *a, const void *b)
{
	const struct script_ref *x = a, *y = b;

	return strcmp(x->full, y->full);
}

static void add_content(struct script_files *out, const char *node_id, const char *path,
			const struct buf *content)
{
	struct script_file *f;

	XGROW(out->items, out->alloc, out->nr + 1);
	f = &out->items[out->nr++];
	f->node_id = xstrdup(node_id);
	f->name = xstrdup(fs_basename(path));
	buf_init(&f->content);
	buf_add(&f->content, content->data ? content->data : "", content->len);
}

/*
 * The content of every script node of the file, as script_files_collect()
 * reads it, but each distinct file read once and kept at its exact size:
 * a 40,000-node pipeline often runs one script thousands of times.
 */
static int collect_scripts(struct script_files *out, const json_t *root, const char *base_dir)
{
	const json_t *nodes = json_object_get(root, "nodes");
	struct script_ref *refs = xcalloc(json_array_size(nodes) + 1, sizeof(*refs));
	struct buf content = BUF_INIT;
	size_t nr = 0, i;
	json_t *node;
	int ret = 0;

	json_array_foreach (nodes, i, node) {
		const char *type = json_string_value(json_object_get(node, "type"));
		const char *nid = json_string_value(json_object_get(node, "id"));
		const char *path = json_string_value(json_object_get(node, "path"));
		const char *name;

		if (!type || strcmp(type, "script") || !nid || !path)
			continue;
		name = fs_basename(path);
		if (!*name || !strcmp(name, ".") || !strcmp(name, "..") || !strcmp(name, ".git")) {
			ret = dfc_error(DFC_ESECURITY, "script '%s' has an unusable file name '%s'",
					nid, path);
			goto out;
		}
		refs[nr].full = path[0] == '/' ? xstrdup(path) : fs_path_join(base_dir, path);
		refs[nr].node_id = nid;
		refs[nr].path = path;
		refs[nr].has_script_id = json_is_string(json_object_get(node, "script_id"));
		nr++;
	}
	qsort(refs, nr, sizeof(*refs), cmp_ref);
	for (i = 0; i < nr; i++) {
		if (!i || strcmp(refs[i - 1].full, refs[i].full)) {
			buf_reset(&content);
			ret = fs_read_file(&content, refs[i].full, DFC_MAX_FILE_BYTES);
		}
		if (ret == DFC_ENOTFOUND && refs[i].has_script_id) {
			/* Its content lives in a catalog under its script_id. */
			dfc_error_clear();
			continue;
		}
		if (ret == DFC_ENOTFOUND) {
			ret = dfc_hint(dfc_error(DFC_EDEPEND, "script '%s' not found at '%s'",
						 refs[i].node_id, refs[i].full),
				       "fix its \"path\" (relative to the pipeline file's folder) "
				       "or create the file");
			goto out;
		}
		if (ret < 0) {
			dfc_error_wrap(ret, "script '%s'", refs[i].node_id);
			goto out;
		}
		add_content(out, refs[i].node_id, refs[i].path, &content);
	}
	ret = 0;
out:
	for (i = 0; i < nr; i++)
		free(refs[i].full);
	free(refs);
	buf_release(&content);
	return ret;
}

static int from_file(struct gen_source *src, const struct gen_request *req)
{
	struct buf regenerate = BUF_INIT;
	const char *id;
	int ret;

	if ((ret = working_file_load(&src->wf, req->file, false)) < 0)
		return ret;
	src->file_dir = fs_dirname(src->wf.path);
	if ((ret = collect_scripts(&src->scripts, src->wf.pipeline.root, src->file_dir)) < 0)
		return ret;
	id = pipeline_id(&src->wf.pipeline);
	src->origin = id ? xasprintf("file %s (pipeline %s as it is on disk)", req->file, id)
			 : xasprintf("file %s", req->file);
	buf_adds(&regenerate, PROG " generate -f ");
	shell_word(&regenerate, req->file);
	src->regenerate = buf_detach(&regenerate, NULL);
	src->input.pipeline = src->wf.pipeline.root;
	src->input.scripts = &src->scripts;
	return 0;
}

static int from_local(struct cmd_ctx *ctx, struct gen_source *src, const struct gen_request *req)
{
	int ret;

	if ((ret = store_open_pipeline(&ctx->store, req->id)) < 0 ||
	    (ret = store_read_version(&ctx->store, req->id, req->version, true, &src->info)) < 0 ||
	    (ret = store_read_scripts(&ctx->store, req->id, src->info.version, &src->scripts)) < 0)
		return ret;
	src->root = json_loadb(src->info.pipeline_json.data, src->info.pipeline_json.len, 0, NULL);
	if (!src->root)
		return dfc_error(DFC_EINTERNAL, "version %d of '%s' is not JSON", src->info.version,
				 req->id);
	if ((ret = check_recorded(src->root, "the recorded version")) < 0)
		return ret;
	src->origin = xasprintf("pipeline %s version %d (local)", req->id, src->info.version);
	src->input.version = src->info.version;
	src->input.fingerprint = src->info.fingerprint;
	src->regenerate = xasprintf(PROG " generate -i %s -v %d", req->id, src->info.version);
	src->input.pipeline = src->root;
	src->input.scripts = &src->scripts;
	return 0;
}

/* The file name a node's `path` gives, or NULL: the catalog has the one stored. */
static const char *node_file_name(json_t *node)
{
	const char *path = json_string_value(json_object_get(node, "path"));

	return path ? fs_basename(path) : NULL;
}

static int catalog_script(struct cmd_ctx *ctx, struct gen_source *src, const char *id, json_t *node)
{
	const char *nid = json_string_value(json_object_get(node, "id"));
	const char *sid = json_string_value(json_object_get(node, "script_id"));
	struct catalog_file file = CATALOG_FILE_INIT;
	struct script_file *f;
	int ret;

	if (!sid || !nid)
		return dfc_error(DFC_ENOTFOUND, "script '%s' of catalog version %d has no script_id",
				 nid ? nid : "?", src->cv.version);
	if ((ret = catalog_read_script(&file, &ctx->store, id, &src->cv, sid,
				       node_file_name(node))) < 0)
		return ret;
	XGROW(src->scripts.items, src->scripts.alloc, src->scripts.nr + 1);
	f = &src->scripts.items[src->scripts.nr++];
	f->node_id = xstrdup(nid);
	f->name = file.name;
	f->content = file.content;
	return 0;
}

/* Keys of a descriptor the node lacks (url, path, sha256) are copied in. */
static void apply_descriptor(json_t *node, const struct buf *text)
{
	static const char *const keys[] = {"url", "path", "sha256"};
	json_t *desc = json_loadb(text->data, text->len, 0, NULL);

	for (size_t k = 0; desc && k < sizeof(keys) / sizeof(keys[0]); k++) {
		json_t *v = json_object_get(desc, keys[k]);

		if (json_is_string(v) && !json_object_get(node, keys[k]))
			json_object_set(node, keys[k], v);
	}
	json_decref(desc);
}

static int catalog_dataset(struct cmd_ctx *ctx, struct gen_source *src, const char *id,
			   json_t *node)
{
	const char *nid = json_string_value(json_object_get(node, "id"));
	const char *did = json_string_value(json_object_get(node, "dataset_id"));
	struct catalog_file file = CATALOG_FILE_INIT;
	size_t k;
	int ret;

	if (!did || !nid)
		return 0;
	ret = catalog_read_dataset(&file, &ctx->store, id, &src->cv, did, node_file_name(node));
	if (ret < 0)
		return ret;
	if (ret == 1) {
		apply_descriptor(node, &file.content);
		catalog_file_release(&file);
		return 0;
	}
	/* Room for every node was made up front: these never move. */
	k = src->nr_datasets++;
	src->contents[k] = file.content;
	src->names[k] = file.name;
	src->datasets[k].node_id = nid;
	src->datasets[k].name = src->names[k];
	src->datasets[k].data = src->contents[k].data;
	src->datasets[k].len = src->contents[k].len;
	return 0;
}

static int from_catalog(struct cmd_ctx *ctx, struct gen_source *src, const struct gen_request *req)
{
	const char *id = req->id;
	size_t i, n;
	json_t *node;
	int ret;

	if ((ret = catalog_read_version(&ctx->store, id, req->version, &src->cv)) < 0)
		return ret;
	src->root = json_loadb(src->cv.pipeline_json.data, src->cv.pipeline_json.len, 0, NULL);
	if (!src->root)
		return dfc_error(DFC_EINTERNAL, "catalog version %d of '%s' is not JSON",
				 src->cv.version, id);
	if ((ret = check_recorded(src->root, "the catalog version")) < 0)
		return ret;
	n = json_array_size(json_object_get(src->root, "nodes"));
	src->datasets = xcalloc(n + 1, sizeof(*src->datasets));
	src->contents = xcalloc(n + 1, sizeof(*src->contents));
	src->names = xcalloc(n + 1, sizeof(*src->names));
	json_array_foreach (json_object_get(src->root, "nodes"), i, node) {
		const char *type = json_string_value(json_object_get(node, "type"));

		if (type && !strcmp(type, "script"))
			ret = catalog_script(ctx, src, id, node);
		else
			ret = catalog_dataset(ctx, src, id, node);
		if (ret < 0)
			return ret;
	}
	src->origin = xasprintf("pipeline %s version %d (catalog)", id, src->cv.version);
	src->input.version = src->cv.version;
	src->input.fingerprint = src->cv.fingerprint[0] ? src->cv.fingerprint : NULL;
	src->regenerate =
		xasprintf(PROG " generate -i %s -v %d --from-catalog", id, src->cv.version);
	src->input.pipeline = src->root;
	src->input.scripts = &src->scripts;
	src->input.datasets = src->datasets;
	src->input.nr_datasets = src->nr_datasets;
	return 0;
}

int gen_source_load(struct cmd_ctx *ctx, struct gen_source *src, const struct gen_request *req)
{
	int ret;

	if ((ret = check_request(req)) < 0)
		return ret;
	if (req->file)
		ret = from_file(src, req);
	else if ((ret = cmd_check_id_option(req->id)) < 0 || (ret = cmd_open_store(ctx, false)) < 0)
		return ret;
	else
		ret = req->from_catalog ? from_catalog(ctx, src, req) : from_local(ctx, src, req);
	if (ret < 0)
		return ret;
	if (src->input.target == GENERATE_SLURM) {
		struct buf cmd = BUF_INIT;

		buf_addf(&cmd, "%s --target slurm", src->regenerate);
		for (size_t k = 0; k < src->input.nr_sbatch_args; k++) {
			buf_adds(&cmd, " --sbatch-arg=");
			shell_word(&cmd, src->input.sbatch_args[k]);
		}
		free(src->regenerate);
		src->regenerate = buf_detach(&cmd, NULL);
	}
	src->input.origin = src->origin;
	src->input.regenerate = src->regenerate;
	return 0;
}

void gen_source_release(struct gen_source *src)
{
	working_file_release(&src->wf);
	version_info_release(&src->info);
	catalog_version_release(&src->cv);
	script_files_release(&src->scripts);
	json_decref(src->root);
	for (size_t i = 0; i < src->nr_datasets; i++) {
		buf_release(&src->contents[i]);
		free(src->names[i]);
	}
	free(src->contents);
	free(src->names);
	free(src->datasets);
	free(src->origin);
	free(src->regenerate);
	free(src->file_dir);
	memset(src, 0, sizeof(*src));
}

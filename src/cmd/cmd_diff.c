/* cmd_diff.c - semantic diff of a pipeline's versions, for review. */
#include "cmd/cmd.h"

#include "dfc/catalog_read.h"
#include "dfc/diff.h"
#include "dfc/error.h"
#include "dfc/printable.h"
#include "dfc/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *id;
static bool from_catalog;
static const char *format;
static bool exit_code;

static const struct opt options[] = {
	OPT_STRING('i', "id", &id, "ID", "the pipeline (compare recorded versions)"),
	OPT_BOOL(0, "from-catalog", &from_catalog,
		 "compare catalog version N (default: the latest) with the local latest"),
	OPT_STRING(0, "format", &format, "FORMAT", "text (default), json, patch or mermaid"),
	OPT_BOOL(0, "exit-code", &exit_code, "exit 1 when there are differences"),
	OPT_END(),
};

static const char *const usage[] = {
	"diff FILE [--format FORMAT] [--exit-code]",
	"diff -i ID A B [--format FORMAT] [--exit-code]",
	"diff -i ID --from-catalog [N] [--format FORMAT] [--exit-code]",
	NULL,
};

/*
 * One side of the comparison: its canonical form, parsed, its name, the
 * blob ids of its scripts by node id (NULL: they are its script_ids), and
 * for a working file the scripts read from disk (the store has the others)
 * with their index by node id.
 */
struct compared_pipeline {
	struct buf text;
	json_t *root;
	char *label;
	json_t *scripts;
	struct script_files files;
	json_t *files_by_node;
};

#define COMPARED_PIPELINE_INIT { BUF_INIT, NULL, NULL, NULL, SCRIPT_FILES_INIT, NULL }

static void compared_pipeline_release(struct compared_pipeline *s)
{
	buf_release(&s->text);
	json_decref(s->root);
	free(s->label);
	json_decref(s->scripts);
	script_files_release(&s->files);
	json_decref(s->files_by_node);
}

static int compared_pipeline_parse(struct compared_pipeline *s)
{
	json_error_t err;

	s->root = json_loadb(buf_cstr(&s->text), s->text.len, JSON_REJECT_DUPLICATES, &err);
	if (!s->root)
		return dfc_error(DFC_EINTERNAL, "%s: stored pipeline is not JSON: %s",
				 s->label, err.text);
	return 0;
}

static int parse_version(const char *arg, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || *end || end == arg || v < 1 || v > 1000000000)
		return dfc_hint(dfc_error(DFC_EUSAGE, "diff: bad version '%s'", arg),
				"versions are positive numbers: diff -i ID 1 2");
	*out = (int)v;
	return 0;
}

static int read_local(struct cmd_ctx *ctx, const char *pipeline, int version,
		      struct compared_pipeline *s)
{
	struct version_info info = { 0 };
	struct buf manifest = BUF_INIT;
	int ret;

	if ((ret = store_read_version(&ctx->store, pipeline, version, false, &info)) < 0 ||
	    (ret = store_read_file(&ctx->store, pipeline, info.version, "pipeline.json",
				   &s->text)) < 0)
		goto out;
	s->label = xasprintf("%s@v%d", pipeline, info.version);
	if ((ret = compared_pipeline_parse(s)) < 0)
		goto out;
	/* The snapshots of its scripts; a version without scripts has none. */
	ret = store_read_file(&ctx->store, pipeline, info.version, "scripts.json", &manifest);
	if (ret == DFC_ENOTFOUND) {
		dfc_error_clear();
		ret = 0;
	} else if (ret == 0) {
		s->scripts = json_loadb(buf_cstr(&manifest), manifest.len, 0, NULL);
		if (!json_is_object(s->scripts))
			ret = dfc_error(DFC_EINTERNAL, "%s: stored scripts.json is not an object",
					s->label);
	}
out:
	buf_release(&manifest);
	version_info_release(&info);
	return ret;
}

static int read_catalog(struct cmd_ctx *ctx, const char *pipeline, int version,
			struct compared_pipeline *s)
{
	struct catalog_version cv = { 0 };
	int ret;

	if ((ret = catalog_read_version(&ctx->store, pipeline, version, &cv)) < 0) {
		if (ret == DFC_ENOTFOUND)
			dfc_hint(ret, "'data-factory-cli list --refresh' updates the "
				      "last known catalog state");
		goto out;
	}
	buf_add(&s->text, cv.pipeline_json.data, cv.pipeline_json.len);
	s->label = xasprintf("%s@catalog-v%d", pipeline, cv.version);
	ret = compared_pipeline_parse(s);
out:
	catalog_version_release(&cv);
	return ret;
}

/* FILE against its latest local version. */
static int load_file(struct cmd_ctx *ctx, const char *path, struct compared_pipeline *old_side,
		     struct compared_pipeline *new_side)
{
	struct working_file wf = WORKING_FILE_INIT;
	const char *pipeline;
	int ret;

	if ((ret = working_file_load(&wf, path, true)) < 0)
		goto out;
	pipeline = pipeline_id(&wf.pipeline);
	if (!pipeline) {
		ret = dfc_hint(dfc_error(DFC_EUSAGE, "'%s' has no id: nothing to compare with",
					 path),
			       "'data-factory-cli create %s' records version 1", path);
		goto out;
	}
	if ((ret = cmd_check_id_option(pipeline)) < 0 ||
	    (ret = cmd_open_store(ctx, false)) < 0 ||
	    (ret = store_open_pipeline(&ctx->store, pipeline)) < 0 ||
	    (ret = read_local(ctx, pipeline, 0, old_side)) < 0)
		goto out;
	working_file_canonical(&wf);
	buf_add(&new_side->text, wf.canonical.data, wf.canonical.len);
	new_side->label = xstrdup(path);
	new_side->scripts = working_file_script_ids(&wf);
	new_side->files = wf.scripts;
	wf.scripts = (struct script_files)SCRIPT_FILES_INIT; /* handed over */
	new_side->files_by_node = json_object();
	for (size_t i = 0; i < new_side->files.nr; i++)
		json_object_set_new(new_side->files_by_node, new_side->files.items[i].node_id,
				    json_integer((json_int_t)i));
	ret = compared_pipeline_parse(new_side);
out:
	working_file_release(&wf);
	return ret;
}

/* What `git apply` should patch: FILE as given, else pipeline.json. */
static char *patch_label(const char *file)
{
	const char *slash;

	if (!file)
		return xstrdup("pipeline.json");
	while (file[0] == '.' && file[1] == '/')
		file += 2;
	slash = strrchr(file, '/');
	if (file[0] == '/' || strstr(file, "../"))
		return xstrdup(slash ? slash + 1 : file);
	return xstrdup(file);
}

/*
 * The content of script node `node` on side `s`, whose blob id is `blob`:
 * the file read from disk, else the store's snapshot or catalog object.
 * 1 when neither has it.
 */
static int read_script(struct cmd_ctx *ctx, const struct compared_pipeline *s, const char *node,
		       const char *blob, struct buf *out)
{
	json_t *index = json_object_get(s->files_by_node, node);
	int ret;

	if (index) {
		const struct script_file *f = &s->files.items[json_integer_value(index)];

		buf_add(out, f->content.data, f->content.len);
		return 0;
	}
	ret = store_read_blob(&ctx->store, blob, out);
	if (ret == DFC_ENOTFOUND) {
		dfc_error_clear();
		return 1;
	}
	return ret;
}

/*
 * Whether `path` can stand in a patch header as it is: relative, inside
 * the pipeline's folder, printable ASCII that git would not quote.
 */
static bool is_patch_path(const char *path)
{
	if (!*path || *path == '/' || !strcmp(path, "..") || !strncmp(path, "../", 3) ||
	    strstr(path, "/../") || (strlen(path) >= 3 && !strcmp(path + strlen(path) - 3, "/..")))
		return false;
	for (const char *p = path; *p; p++)
		if (*p < ' ' || *p > '~' || *p == '"' || *p == '\\')
			return false;
	return true;
}

/*
 * What `git apply` should patch for script node `node` of `root`: its
 * path, in the folder of the pipeline file's own label; its node id when
 * the path cannot stand in a patch (is_patch_path()).
 */
static char *script_label(const char *pipeline_label, const json_t *node_paths,
			  const char *node)
{
	const char *path = json_string_value(json_object_get(node_paths, node));
	const char *slash = strrchr(pipeline_label, '/');

	if (!path || !is_patch_path(path))
		path = node;
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	if (!slash)
		return xstrdup(path);
	return xasprintf("%.*s/%s", (int)(slash - pipeline_label), pipeline_label, path);
}

/*
 * After the pipeline's patch, one for each script whose content changed, so
 * that the patch takes a folder holding the old version to the new one.
 */
static int add_script_patches(struct cmd_ctx *ctx, struct buf *out, const struct diff *d,
			      const struct compared_pipeline *old_side,
			      const struct compared_pipeline *new_side, const char *pipeline_label)
{
	/* Where each script is, on the new side, else on the old one. */
	json_t *paths = pipeline_node_paths(new_side->root);
	json_t *old_paths = pipeline_node_paths(old_side->root);
	int ret = 0;

	json_object_update_missing(paths, old_paths);
	json_decref(old_paths);

	for (size_t i = 0; i < d->nr && ret >= 0; i++) {
		const struct diff_change *c = &d->changes[i];
		struct buf old_text = BUF_INIT, new_text = BUF_INIT;
		char *label;

		if (c->kind != DIFF_SCRIPT_CHANGED)
			continue;
		ret = read_script(ctx, old_side, c->node, json_string_value(c->old_value),
				  &old_text);
		if (ret == 0)
			ret = read_script(ctx, new_side, c->node, json_string_value(c->new_value),
					  &new_text);
		if (ret == 0) {
			label = script_label(pipeline_label, paths, c->node);
			ret = diff_format_patch(out, old_text.data, old_text.len, new_text.data,
						new_text.len, label);
			free(label);
		}
		if (ret > 0)
			ret = 0; /* content not at hand: the text format still says it changed */
		buf_release(&old_text);
		buf_release(&new_text);
	}
	json_decref(paths);
	return ret;
}

static bool use_color(const struct cmd_ctx *ctx)
{
	if (ctx->color == COLOR_ALWAYS)
		return true;
	if (ctx->color == COLOR_NEVER)
		return false;
	return isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
}

static int check_arguments(int argc)
{
	if (!format)
		format = "text";
	if (strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "patch") &&
	    strcmp(format, "mermaid"))
		return dfc_hint(dfc_error(DFC_EUSAGE, "diff: unknown format '%s'", format),
				"use --format text, json, patch or mermaid");
	if (!id && (from_catalog || argc != 1))
		return dfc_hint(dfc_error(DFC_EUSAGE, "diff: expected FILE, or -i ID"),
				"usage: data-factory-cli %s", usage[0]);
	if (id && !from_catalog && argc != 2)
		return dfc_hint(dfc_error(DFC_EUSAGE, "diff -i: expected two versions"),
				"usage: data-factory-cli %s", usage[1]);
	if (id && from_catalog && argc > 1)
		return dfc_hint(dfc_error(DFC_EUSAGE, "diff --from-catalog: expected at most "
						      "one version"),
				"usage: data-factory-cli %s", usage[2]);
	return 0;
}

static int run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct compared_pipeline old_side = COMPARED_PIPELINE_INIT;
	struct compared_pipeline new_side = COMPARED_PIPELINE_INIT;
	struct diff d = DIFF_INIT;
	struct buf out = BUF_INIT;
	char *label = NULL;
	int ret, a = 0, b = 0;

	if ((ret = check_arguments(argc)) < 0)
		goto out;
	if (!id) {
		if ((ret = load_file(ctx, argv[0], &old_side, &new_side)) < 0)
			goto out;
	} else {
		if (from_catalog && argc == 1 && (ret = parse_version(argv[0], &a)) < 0)
			goto out;
		if (!from_catalog && ((ret = parse_version(argv[0], &a)) < 0 ||
				      (ret = parse_version(argv[1], &b)) < 0))
			goto out;
		if ((ret = cmd_resolve_id(ctx, &id)) < 0 ||
		    (ret = store_open_pipeline(&ctx->store, id)) < 0)
			goto out;
		/* The catalog is the old side: the diff shows what local adds. */
		if (from_catalog)
			ret = read_catalog(ctx, id, a, &old_side);
		else
			ret = read_local(ctx, id, a, &old_side);
		if (ret < 0 || (ret = read_local(ctx, id, from_catalog ? 0 : b, &new_side)) < 0)
			goto out;
	}

	diff_pipelines(&d, old_side.root, new_side.root, old_side.scripts, new_side.scripts);
	if (!strcmp(format, "text")) {
		diff_format_text(&out, &d, use_color(ctx));
	} else if (!strcmp(format, "json")) {
		diff_format_json(&out, &d, old_side.label, new_side.label);
		printable_json(&out);
	} else if (!strcmp(format, "mermaid")) {
		diff_format_mermaid(&out, &d, old_side.root, new_side.root);
	} else {
		label = patch_label(id ? NULL : argv[0]);
		if ((ret = diff_format_patch(&out, old_side.text.data, old_side.text.len,
					     new_side.text.data, new_side.text.len, label)) < 0 ||
		    (ret = add_script_patches(ctx, &out, &d, &old_side, &new_side, label)) < 0)
			goto out;
	}
	fwrite(out.data ? out.data : "", 1, out.len, stdout);
	/* A positive return is the exit status itself (cmd.h). */
	if (exit_code && (d.nr || (!strcmp(format, "patch") && out.len)))
		ret = 1;
out:
	free(label);
	buf_release(&out);
	diff_release(&d);
	compared_pipeline_release(&old_side);
	compared_pipeline_release(&new_side);
	return ret;
}

const struct command cmd_diff = {
	.name = "diff",
	.summary = "show what changed between versions of a pipeline, for review",
	.usage = usage,
	.options = options,
	.needs = NEEDS_STORE,
	.min_args = 0,
	.max_args = 2,
	.run = run,
};

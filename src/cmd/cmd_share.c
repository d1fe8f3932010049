/* cmd_share.c - append a pipeline version to the catalog. */
#include "cmd/cmd.h"

#include "dfc/catalog_share.h"
#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *file;
static const char *id;
static int version;
static const char *token;
static const char *message;
static bool runs;

static const struct opt options[] = {
	OPT_STRING('f', "file", &file, "FILE", "share FILE as it is"),
	OPT_STRING('i', "id", &id, "ID", "share a local version of pipeline ID"),
	OPT_INT('v', "version", &version, "N", "with -i: local version N (default: the latest)"),
	OPT_STRING(0, "token", &token, "TOKEN", "bearer token for an HTTP(S) catalog"),
	OPT_STRING('m', "message", &message, "MSG", "use MSG as the catalog version's message"),
	OPT_BOOL(0, "runs", &runs, "also push the runs of the pipeline recorded here"),
	OPT_END(),
};

static const char *const usage[] = {
	"share -f FILE [-m MSG] [--runs] [--token TOKEN]",
	"share -i ID [-v N] [-m MSG] [--runs] [--token TOKEN]",
	NULL,
};

/* What to share: the file as it is, or a recorded local version. */
struct source {
	struct working_file wf;
	struct version_info info;
	struct script_files scripts;
	json_t *root;
	char *base_dir;
};

static int from_file(struct source *src, struct share_request *req)
{
	int ret = working_file_load(&src->wf, file, true);

	if (ret < 0)
		return ret;
	req->id = pipeline_id(&src->wf.pipeline);
	if (!req->id)
		return dfc_hint(dfc_error(DFC_ENOTFOUND, "'%s' has no pipeline id", file),
				"give it one with 'data-factory-cli create %s'", file);
	src->base_dir = fs_dirname(src->wf.path);
	req->pipeline = src->wf.pipeline.root;
	req->scripts = &src->wf.scripts;
	return 0;
}

static int from_version(struct cmd_ctx *ctx, struct source *src, struct share_request *req)
{
	int ret;

	if ((ret = cmd_resolve_id(ctx, &id)) < 0 || (ret = cmd_open_store(ctx, false)) < 0 ||
	    (ret = store_open_pipeline(&ctx->store, id)) < 0 ||
	    (ret = store_read_version(&ctx->store, id, version, true, &src->info)) < 0 ||
	    (ret = store_read_scripts(&ctx->store, id, src->info.version, &src->scripts)) < 0)
		return ret;
	src->root = json_loadb(src->info.pipeline_json.data, src->info.pipeline_json.len, 0, NULL);
	if (!src->root)
		return dfc_error(DFC_EINTERNAL, "version %d of '%s' is not JSON", src->info.version, id);
	/* Datasets are read where the version was recorded from. */
	src->base_dir = src->info.source_file ? fs_dirname(src->info.source_file) : xstrdup(".");
	req->id = id;
	req->pipeline = src->root;
	req->scripts = &src->scripts;
	req->local_version = src->info.version;
	return 0;
}

/* share --runs: the pipeline's runs, after its version. */
static int share_runs(struct cmd_ctx *ctx, struct catalog *cat, const char *of)
{
	struct share_runs_result res;
	int ret = catalog_share_runs(cat, of, &res);

	if (ret < 0)
		return ret;
	if (res.taken)
		cmd_note(ctx, "recorded %zu run(s) of '%s' from the catalog first", res.taken, of);
	if (!res.any)
		cmd_note(ctx, "no runs of '%s' are recorded: nothing to push (record them with "
			      "'data-factory-cli runs import')",
			 of);
	else if (!res.pushed)
		cmd_note(ctx, "the catalog has every run of '%s' recorded here: no runs pushed", of);
	else
		cmd_note(ctx, "shared %zu run(s) of '%s' at %s", res.pushed, of, cat->shown_url);
	return 0;
}

static int run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct source src = { WORKING_FILE_INIT, { 0 }, SCRIPT_FILES_INIT, NULL, NULL };
	struct catalog cat = CATALOG_INIT;
	struct share_request req = { 0 };
	struct share_result res;
	int ret;

	(void)argc;
	(void)argv;
	if (!file == !id) {
		ret = dfc_hint(dfc_error(DFC_EUSAGE, "give either -f FILE or -i ID"),
			       "usage: data-factory-cli %s", usage[0]);
		goto out;
	}
	if (file && version) {
		ret = dfc_error(DFC_EUSAGE, "-v goes with -i, not with -f");
		goto out;
	}
	ret = file ? from_file(&src, &req) : from_version(ctx, &src, &req);
	if (ret < 0 || (ret = cmd_open_catalog(ctx, &cat, token)) < 0)
		goto out;
	req.base_dir = src.base_dir;
	req.message = message;
	if ((ret = catalog_share(&cat, &req, &res)) < 0)
		goto out;
	printf("%d\n", res.version);
	if (!res.appended)
		cmd_note(ctx, "nothing to append: '%s' equals catalog version %d", req.id,
			 res.version);
	else if (cat.is_default)
		cmd_note(ctx, "shared '%s' as version %d of the private catalog %s, which only this "
			      "home sees; to share with others: data-factory-cli config set "
			      "catalog.url URL",
			 req.id, res.version, cat.shown_url);
	else
		cmd_note(ctx, "shared '%s' as catalog version %d at %s", req.id, res.version,
			 cat.shown_url);
	if (runs)
		ret = share_runs(ctx, &cat, req.id);
out:
	catalog_release(&cat);
	json_decref(src.root);
	free(src.base_dir);
	script_files_release(&src.scripts);
	version_info_release(&src.info);
	working_file_release(&src.wf);
	return ret;
}

const struct command cmd_share = {
	.name = "share",
	.summary = "append a pipeline version to the catalog",
	.usage = usage,
	.options = options,
	.needs = NEEDS_STORE,
	.min_args = 0,
	.max_args = 0,
	.run = run,
};

/* cmd_sync.c - bring a catalog version into the working file. */
#include "cmd/cmd.h"

#include "dfc/catalog_fetch.h"
#include "dfc/catalog_read.h"
#include "dfc/error.h"
#include "dfc/fs.h"

#include <stdio.h>
#include <string.h>

static int version;
static bool force;
static const char *token;

static const struct opt options[] = {
	OPT_INT('v', "version", &version, "N", "catalog version N (default: the latest)"),
	OPT_BOOL(0, "force", &force, "overwrite changes that are in no version"),
	OPT_STRING(0, "token", &token, "TOKEN", "bearer token for an HTTP(S) catalog"),
	OPT_END(),
};

static const char *const usage[] = { "sync FILE [--version N] [--force] [--token TOKEN]", NULL };

struct known_search {
	const struct buf *canonical;
	bool found;
};

static int same_text(const struct catalog_version *v, void *payload)
{
	struct known_search *s = payload;

	s->found = v->pipeline_json.len == s->canonical->len &&
		   !memcmp(v->pipeline_json.data, s->canonical->data, s->canonical->len);
	return s->found;
}

/*
 * True when FILE holds nothing that would be lost: it equals a local
 * version (with its scripts) or a catalog version.
 */
static int is_recorded(struct cmd_ctx *ctx, struct working_file *wf, const char *id,
		       bool *recorded)
{
	struct known_search search = { &wf->canonical, false };
	int local = 0, ret;

	*recorded = false;
	if (store_has_pipeline(&ctx->store, id)) {
		ret = store_find_version(&ctx->store, id, wf->canonical.data, wf->canonical.len,
					 &wf->scripts, &local);
		if (ret < 0)
			return ret;
	}
	if ((ret = catalog_for_each_version(&ctx->store, id, same_text, &search)) < 0)
		return ret;
	*recorded = local > 0 || search.found;
	return 0;
}

static int run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct working_file wf = WORKING_FILE_INIT;
	struct catalog_version target = { 0 };
	struct catalog cat = CATALOG_INIT;
	const char *id;
	bool recorded;
	int ret;

	(void)argc;
	if ((ret = working_file_load(&wf, argv[0], true)) < 0)
		goto out;
	id = pipeline_id(&wf.pipeline);
	if (!id) {
		ret = dfc_hint(dfc_error(DFC_ENOTFOUND, "'%s' has no pipeline id", argv[0]),
			       "sync needs the id of a pipeline in the catalog");
		goto out;
	}
	working_file_canonical(&wf);
	if ((ret = cmd_open_catalog(ctx, &cat, token)) < 0 ||
	    (ret = catalog_fetch(&cat, id)) < 0 ||
	    (ret = catalog_read_version(&ctx->store, id, version, &target)) < 0)
		goto out;
	if (target.pipeline_json.len == wf.pipeline.source_len &&
	    !memcmp(target.pipeline_json.data, wf.pipeline.source, wf.pipeline.source_len)) {
		cmd_note(ctx, "'%s' already is catalog version %d", argv[0], target.version);
		printf("%d\n", target.version);
		goto out;
	}
	if (!force) {
		if ((ret = is_recorded(ctx, &wf, id, &recorded)) < 0)
			goto out;
		if (!recorded) {
			ret = dfc_hint(dfc_error(DFC_ECONFLICT,
						 "'%s' holds changes that are in no local and no "
						 "catalog version",
						 argv[0]),
				       "record them with 'data-factory-cli update %s', or pass "
				       "--force to overwrite them",
				       argv[0]);
			goto out;
		}
	}
	ret = fs_write_atomic(wf.path, target.pipeline_json.data, target.pipeline_json.len, -1);
	if (ret < 0)
		goto out;
	printf("%d\n", target.version);
	if (ctx->verbose)
		cmd_note(ctx, "wrote catalog version %d of %s into '%s'", target.version, id,
			 argv[0]);
out:
	catalog_version_release(&target);
	catalog_release(&cat);
	working_file_release(&wf);
	return ret;
}

const struct command cmd_sync = {
	.name = "sync",
	.summary = "overwrite a pipeline file with a catalog version",
	.usage = usage,
	.options = options,
	.needs = NEEDS_STORE,
	.min_args = 1,
	.max_args = 1,
	.run = run,
};

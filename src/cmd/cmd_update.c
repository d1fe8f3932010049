/* cmd_update.c - record the next version of one or more pipeline files. */
#include "cmd/cmd.h"

#include "dfc/error.h"

#include <stdio.h>
#include <string.h>

static const char *message;
static bool allow_empty;
static const char *source_commit;
static bool skip_without_id;

static const struct opt options[] = {
	OPT_STRING('m', "message", &message, "MSG", "use MSG as the version's message"),
	OPT_BOOL(0, "allow-empty", &allow_empty,
		 "record a version even when nothing changed"),
	OPT_STRING(0, "source-commit", &source_commit, "HASH",
		   "the commit of your repository the files come from (git hooks)"),
	OPT_BOOL(0, "skip-without-id", &skip_without_id,
		 "leave files without a pipeline id alone, with a note (git hooks)"),
	OPT_END(),
};

static const char *const usage[] = {
	"update FILE... [-m MSG] [--allow-empty] [--source-commit HASH] [--skip-without-id]",
	NULL
};

/* A full SHA-1 or SHA-256 object id: 40 or 64 hex digits. */
static bool is_commit_hash(const char *s)
{
	size_t len = strlen(s);

	if (len != 40 && len != 64)
		return false;
	return strspn(s, "0123456789abcdefABCDEF") == len;
}

/*
 * Whether the file has the content of the latest version though not its
 * text: a file from `sync` carries the catalog's script_id / dataset_id.
 * Then res->version is that version and nothing is to be recorded.
 */
static bool carries_catalog_ids(const json_t *root)
{
	size_t i;
	json_t *node;

	json_array_foreach (json_object_get(root, "nodes"), i, node)
		if (json_object_get(node, "script_id") || json_object_get(node, "dataset_id"))
			return true;
	return false;
}

static int same_as_latest(struct cmd_ctx *ctx, struct working_file *wf,
			  const struct record_request *req, struct record_result *res)
{
	struct version_info info;
	int latest, ret;

	memset(res, 0, sizeof(*res));
	/* Without those ids, store_record's own comparison is the same test. */
	if (!carries_catalog_ids(wf->pipeline.root) || !store_has_pipeline(&ctx->store, req->id))
		return 0;
	if ((ret = store_open_pipeline(&ctx->store, req->id)) < 0 ||
	    (ret = store_latest_version(&ctx->store, req->id, &latest)) < 0 ||
	    (ret = working_file_find_version(ctx, wf, req->id, latest, latest, &res->version)) < 0 ||
	    !res->version)
		return ret;
	/* Nothing to record; a copy is refused all the same, as store_record() would. */
	if ((ret = store_read_version(&ctx->store, req->id, latest, false, &info)) < 0)
		return ret;
	ret = working_file_check_latest(req, info.source_file);
	version_info_release(&info);
	return ret;
}

int cmd_update_file(struct cmd_ctx *ctx, const char *path, const struct update_options *o,
		    struct record_result *res)
{
	struct working_file wf = WORKING_FILE_INIT;
	struct record_request req = { 0 };
	const char *id;
	int ret;

	memset(res, 0, sizeof(*res));
	if ((ret = working_file_load(&wf, path, true)) < 0)
		goto out;
	id = pipeline_id(&wf.pipeline);
	if (!id && o->skip_without_id) {
		/* A new pipeline committed before its first `create`. */
		cmd_note(ctx, "'%s' has no pipeline id yet: not recorded "
			 "('data-factory-cli create %s' records its first version)", path, path);
		goto out;
	}
	if (!id) {
		ret = dfc_hint(dfc_error(DFC_ENOTFOUND, "'%s' has no pipeline id", path),
			       "record its first version with 'data-factory-cli create %s'",
			       path);
		goto out;
	}
	working_file_request(&wf, &req, id, o->message);
	req.allow_empty = o->allow_empty;
	req.source_commit = o->source_commit;
	ret = cmd_open_store(ctx, false);
	if (ret == 0 && !o->allow_empty)
		ret = same_as_latest(ctx, &wf, &req, res);
	if (ret == 0 && !res->version)
		ret = store_record(&ctx->store, &req, res);
	if (ret == DFC_ENOTFOUND)
		dfc_hint(dfc_error(ret, "no pipeline '%s' in the local store", id),
			 "'data-factory-cli create %s' records it as version 1, keeping its id",
			 path);
	if (ret < 0)
		goto out;
	if (!res->recorded && !o->quiet_unchanged)
		cmd_note(ctx, "nothing to record: '%s' equals version %d of %s",
			 path, res->version, id);
	if (res->recorded && ctx->verbose)
		cmd_note(ctx, "recorded version %d of %s (commit %.12s)", res->version,
			 id, res->commit);
out:
	working_file_release(&wf);
	return ret;
}

/* Record one file; `label` prefixes its line of output. */
static int update_one(struct cmd_ctx *ctx, const char *path, bool label)
{
	const struct update_options o = { message, allow_empty, source_commit, skip_without_id,
					  false };
	struct record_result res;
	int ret = cmd_update_file(ctx, path, &o, &res);

	if (ret < 0 || !res.recorded)
		return ret;
	if (label)
		cmd_print_line(stdout, "%s: %d", path, res.version);
	else
		printf("%d\n", res.version);
	return 0;
}

static int run(struct cmd_ctx *ctx, int argc, char **argv)
{
	int ret = 0, failed = 0;

	if (source_commit && !is_commit_hash(source_commit))
		return dfc_hint(dfc_error(DFC_EUSAGE, "bad --source-commit '%s'",
					  source_commit),
				"give a full commit hash: 40 or 64 hex digits");
	if (argc == 1)
		return update_one(ctx, argv[0], false);
	/* Several files: each is recorded on its own; one failing stops none. */
	for (int i = 0; i < argc; i++) {
		int r = update_one(ctx, argv[i], true);

		if (r < 0) {
			cmd_print_error(r);
			fflush(stdout);
			if (!ret)
				ret = r;
			failed++;
		}
	}
	if (ret < 0)
		dfc_error(ret, "%d of %d files not recorded", failed, argc);
	return ret;
}

const struct command cmd_update = {
	.name = "update",
	.summary = "record the next version of pipeline files",
	.usage = usage,
	.options = options,
	.needs = NEEDS_STORE,
	.min_args = 1,
	.max_args = -1,
	.run = run,
};

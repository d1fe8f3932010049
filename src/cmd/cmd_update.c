/* cmd_update.c - record the next version of a pipeline file. */
#include "cmd/cmd.h"

#include "dfc/error.h"

#include <stdio.h>

static const char *message;
static bool allow_empty;

static const struct opt options[] = {
	OPT_STRING('m', "message", &message, "MSG", "use MSG as the version's message"),
	OPT_BOOL(0, "allow-empty", &allow_empty,
		 "record a version even when nothing changed"),
	OPT_END(),
};

static const char *const usage[] = { "update FILE [-m MSG] [--allow-empty]", NULL };

static int run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct working_file wf = WORKING_FILE_INIT;
	struct record_request req = { 0 };
	struct record_result res;
	const char *id;
	int ret;

	(void)argc;
	if ((ret = working_file_load(&wf, argv[0], true)) < 0)
		goto out;
	id = pipeline_id(&wf.pipeline);
	if (!id) {
		ret = dfc_hint(dfc_error(DFC_ENOTFOUND, "'%s' has no pipeline id", argv[0]),
			       "record its first version with 'data-factory-cli create %s'",
			       argv[0]);
		goto out;
	}
	working_file_request(&wf, &req, id, message);
	req.allow_empty = allow_empty;
	ret = cmd_open_store(ctx, false);
	if (ret == 0)
		ret = store_record(&ctx->store, &req, &res);
	if (ret == DFC_ENOTFOUND)
		dfc_hint(dfc_error(ret, "no pipeline '%s' in the local store", id),
			 "'data-factory-cli create %s' records it as version 1, keeping its id",
			 argv[0]);
	if (ret < 0)
		goto out;
	if (!res.recorded) {
		cmd_note(ctx, "nothing to record: '%s' equals version %d of %s",
			 argv[0], res.version, id);
		goto out;
	}
	printf("%d\n", res.version);
	if (ctx->verbose)
		cmd_note(ctx, "recorded version %d of %s (commit %.12s)", res.version,
			 id, res.commit);
out:
	working_file_release(&wf);
	return ret;
}

const struct command cmd_update = {
	.name = "update",
	.summary = "record the next version of a pipeline file",
	.usage = usage,
	.options = options,
	.needs = NEEDS_STORE,
	.min_args = 1,
	.max_args = 1,
	.run = run,
};

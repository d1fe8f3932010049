/* cmd_show.c - print one recorded version of a pipeline. */
#include "cmd/cmd.h"

#include "dfc/error.h"
#include "dfc/printable.h"

#include <stdio.h>

static const char *id;
static int version;
static bool json_output;

static const struct opt options[] = {
	OPT_STRING('i', "id", &id, "ID", "the pipeline"),
	OPT_INT('v', "version", &version, "N", "version N (default: the latest)"),
	OPT_BOOL(0, "json", &json_output,
		 "print the version's details and content as JSON"),
	OPT_END(),
};

static const char *const usage[] = { "show -i ID [-v N] [--json]", "show FILE [-v N] [--json]",
				      NULL };

static int run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct working_file wf = WORKING_FILE_INIT;
	struct version_info info = { 0 };
	int ret;

	if (argc && id)
		ret = dfc_error(DFC_EUSAGE, "give either -i ID or FILE, not both");
	else if (argc)
		ret = cmd_id_from_file(&wf, argv[0], &id);
	else
		ret = cmd_resolve_id(ctx, &id);
	if (ret < 0 || (ret = cmd_open_store(ctx, false)) < 0 ||
	    (ret = store_open_pipeline(&ctx->store, id)) < 0 ||
	    (ret = store_read_version(&ctx->store, id, version, true, &info)) < 0)
		goto out;
	if (json_output) {
		json_t *out = cmd_version_json(id, &info);

		json_object_set_new(out, "pipeline",
				    json_loadb(info.pipeline_json.data,
					       info.pipeline_json.len, 0, NULL));
		cmd_print_json(out);
	} else {
		/* The canonical form: JSON, with DEL and C1 escaped as in --json. */
		printable_json(&info.pipeline_json);
		fwrite(info.pipeline_json.data, 1, info.pipeline_json.len, stdout);
	}
out:
	version_info_release(&info);
	working_file_release(&wf);
	return ret;
}

const struct command cmd_show = {
	.name = "show",
	.summary = "print a recorded version of a pipeline",
	.usage = usage,
	.options = options,
	.needs = NEEDS_STORE,
	.min_args = 0,
	.max_args = 1,
	.run = run,
};

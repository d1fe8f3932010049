/* cmd_graph.c - draw a pipeline's DAG as mermaid, dot or ascii. */
#include "cmd/cmd.h"

#include "dfc/error.h"
#include "dfc/graph.h"

#include <stdio.h>

static const char *file;
static const char *id;
static int version;
static const char *format_name;

static const struct opt options[] = {
	OPT_STRING('f', "file", &file, "FILE", "draw pipeline FILE as it is"),
	OPT_STRING('i', "id", &id, "ID", "draw a recorded version of pipeline ID"),
	OPT_INT('v', "version", &version, "N", "with -i: version N (default: the latest)"),
	OPT_STRING(0, "format", &format_name, "FORMAT",
		   "mermaid (the default), dot or ascii"),
	OPT_END(),
};

static const char *const usage[] = {
	"graph [-f] FILE [--format mermaid|dot|ascii]",
	"graph -i ID [-v N] [--format mermaid|dot|ascii]",
	"graph FILE -v N [--format mermaid|dot|ascii]",
	NULL,
};

static int check_options(int argc)
{
	if (!!file + !!id + argc != 1)
		return dfc_hint(dfc_error(DFC_EUSAGE, "give one of FILE, -f FILE or -i ID"),
				"usage: data-factory-cli %s", usage[0]);
	if (file && version)
		return dfc_hint(dfc_error(DFC_EUSAGE, "-v goes with -i, not with -f"),
				"usage: data-factory-cli %s", usage[1]);
	return 0;
}

static int run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct working_file wf = WORKING_FILE_INIT;
	struct version_info info = { 0 };
	struct buf out = BUF_INIT;
	enum graph_format format;
	json_t *stored = NULL;
	const json_t *root = NULL;
	json_error_t err;
	int ret;

	if ((ret = check_options(argc)) < 0 ||
	    (ret = graph_format_parse(&format, format_name)) < 0)
		goto out;
	/* FILE is the file as it is; with -v N, the pipeline whose id it carries. */
	if (argc && !version)
		file = argv[0];
	else if (argc)
		ret = cmd_id_from_file(&wf, argv[0], &id);
	else if (id)
		ret = cmd_resolve_id(ctx, &id);
	if (ret < 0)
		goto out;
	if (file) {
		if ((ret = working_file_load(&wf, file, false)) < 0)
			goto out;
		root = wf.pipeline.root;
	} else {
		if ((ret = cmd_open_store(ctx, false)) < 0 ||
		    (ret = store_open_pipeline(&ctx->store, id)) < 0 ||
		    (ret = store_read_version(&ctx->store, id, version, true, &info)) < 0)
			goto out;
		stored = json_loadb(info.pipeline_json.data, info.pipeline_json.len,
				    0, &err);
		if (!stored) {
			ret = dfc_error(DFC_EINTERNAL, "version %d of '%s' is not JSON: %s",
					info.version, id, err.text);
			goto out;
		}
		root = stored;
	}
	if ((ret = graph_render(&out, root, format)) < 0)
		goto out;
	fwrite(out.data, 1, out.len, stdout);
out:
	json_decref(stored);
	buf_release(&out);
	version_info_release(&info);
	working_file_release(&wf);
	return ret;
}

const struct command cmd_graph = {
	.name = "graph",
	.summary = "draw a pipeline's graph as mermaid, dot or ascii",
	.usage = usage,
	.options = options,
	.needs = NEEDS_STORE,
	.min_args = 0,
	.max_args = 1,
	.run = run,
};

/* cmd_report.c - a recorded run as an HTML page or a mermaid gantt chart. */
#include "cmd/cmd.h"

#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/report.h"
#include "dfc/runs.h"

#include <stdio.h>
#include <string.h>

static const char *id;
static const char *output;
static const char *format = "html";

static const struct opt options[] = {
	OPT_STRING('i', "id", &id, "ID", "the pipeline whose runs to look in"),
	OPT_STRING('o', "output", &output, "FILE", "write to FILE (default: standard output)"),
	OPT_STRING(0, "format", &format, "FORMAT", "html (default) or mermaid (a gantt chart)"),
	OPT_END(),
};

static const char *const usage[] = {
	"report [RUN | FILE.json] [-i ID] [-o FILE.html] [--format html|mermaid]",
	NULL,
};

/* The newest run recorded of pipeline `id`, or of any pipeline, first in `out`. */
static int newest(struct cmd_ctx *ctx, struct run_list *out)
{
	int ret = runs_list_of(&ctx->store, id, out);

	if (ret == 0 && !out->nr)
		ret = dfc_hint(dfc_error(DFC_ENOTFOUND, "no run is recorded%s%s", id ? " of " : "",
					 id ? id : ""),
			       "'" PROG " run' records its runs; 'runs import DIR' those of a "
			       "script run elsewhere");
	return ret;
}

/* The pipeline version the run ran, when the store has it; NULL otherwise. */
static json_t *version_pipeline(struct cmd_ctx *ctx, const struct run_entry *e)
{
	struct version_info info = { 0 };
	json_t *root = NULL;

	if (e->version > 0 && e->pipeline_id &&
	    store_read_version(&ctx->store, e->pipeline_id, e->version, true, &info) == 0)
		root = json_loadb(info.pipeline_json.data, info.pipeline_json.len, 0, NULL);
	dfc_error_clear();
	version_info_release(&info);
	return root;
}

static int run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct run_list found = RUN_LIST_INIT;
	struct run_record file_rec = RUN_RECORD_INIT;
	const struct run_record *rec;
	struct buf data = BUF_INIT, out = BUF_INIT;
	json_t *pipeline = NULL;
	int linked = 0;
	bool mermaid;
	int ret;

	if (strcmp(format, "html") && strcmp(format, "mermaid"))
		return dfc_hint(dfc_error(DFC_EUSAGE, "unknown format '%s'", format),
				"--format takes html or mermaid");
	mermaid = !strcmp(format, "mermaid");
	if (argc && fs_exists(argv[0]) && strchr(argv[0], '/')) {
		/* A record file of a work folder, recorded or not. */
		if ((ret = runs_read_file(&file_rec, &data, argv[0])) < 0)
			goto out;
		rec = &file_rec;
	} else {
		if ((id && (ret = cmd_resolve_id(ctx, &id)) < 0) ||
		    (ret = cmd_open_store(ctx, false)) < 0 ||
		    (ret = argc ? runs_find(&ctx->store, id, argv[0], &found)
				: newest(ctx, &found)) < 0)
			goto out;
		rec = &found.items[0].rec;
		pipeline = version_pipeline(ctx, &found.items[0]);
		linked = found.items[0].version;
	}
	if (mermaid)
		report_mermaid(&out, rec);
	else
		report_html(&out, rec, pipeline, linked);
	if ((ret = cmd_write_output(output, &out, -1)) == 0 && output && strcmp(output, "-"))
		cmd_note(ctx, "wrote the report of run %s to %s", rec->id, output);
out:
	json_decref(pipeline);
	run_list_release(&found);
	run_record_release(&file_rec);
	buf_release(&data);
	buf_release(&out);
	return ret;
}

const struct command cmd_report = {
	.name = "report",
	.summary = "a recorded run as one self-contained HTML page, or a mermaid gantt chart",
	.usage = usage,
	.options = options,
	.needs = NEEDS_STORE,
	.min_args = 0,
	.max_args = 1,
	.run = run,
};

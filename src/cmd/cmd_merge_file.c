/*
 * cmd_merge_file.c - the three-way structural merge of pipeline files, as
 * git's merge driver for them (hooks install registers it): CURRENT is
 * replaced by the merge of BASE -> CURRENT and BASE -> OTHER.
 */
#include "cmd/cmd.h"

#include "dfc/canonical.h"
#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/merge.h"
#include "dfc/pipeline.h"
#include "dfc/problems.h"

#include <stdio.h>
#include <string.h>

static const char *name;

static const struct opt options[] = {
	OPT_STRING(0, "name", &name, "PATH", "the file's name in messages (git's %P)"),
	OPT_END(),
};

static const char *const usage[] = { "merge-file [--name PATH] CURRENT BASE OTHER", NULL };

static int run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct pipeline sides[3] = { PIPELINE_INIT, PIPELINE_INIT, PIPELINE_INIT };
	struct problems problems = PROBLEMS_INIT;
	struct merge_result res = MERGE_RESULT_INIT;
	struct buf out = BUF_INIT;
	const char *shown = name ? name : argv[0];
	int ret = 0;

	(void)ctx;
	(void)argc;
	for (int i = 0; i < 3 && ret >= 0; i++) {
		ret = pipeline_load(&sides[i], argv[i], &problems);
		if (ret >= 0 && !json_is_object(sides[i].root))
			ret = dfc_error(DFC_EINVALID, "%s is not a JSON object", argv[i]);
	}
	if (ret < 0) {
		if (problems.nr)
			cmd_report_problems(shown, &problems);
		dfc_hint(ret, "a pipeline file that is not a JSON object cannot be merged by "
			      "structure; resolve it by hand");
		goto out;
	}
	if ((ret = merge_documents(sides[1].root, sides[0].root, sides[2].root, &res)) < 0)
		goto out;
	/* The bytes of a side when the merge is that side: its formatting. */
	if (json_equal(res.merged, sides[0].root))
		goto report;
	if (json_equal(res.merged, sides[2].root))
		buf_add(&out, sides[2].source, sides[2].source_len);
	else
		canonical_dump(&out, res.merged);
	if ((ret = fs_write_atomic(argv[0], out.data, out.len, -1)) < 0)
		goto out;
report:
	if (res.nr_conflicts) {
		cmd_report_merge_conflicts(shown, &res);
		ret = dfc_error(DFC_ECONFLICT, "%s: %zu conflicting change%s; the file holds ours "
				"for each", shown, res.nr_conflicts, res.nr_conflicts == 1 ? "" : "s");
		dfc_hint(ret, "edit %s to resolve them, then git add it", shown);
	}
out:
	for (int i = 0; i < 3; i++)
		pipeline_release(&sides[i]);
	problems_release(&problems);
	merge_result_release(&res);
	buf_release(&out);
	return ret;
}

const struct command cmd_merge_file = {
	.name = "merge-file",
	.summary = "merge two changes of a pipeline file by structure (git's merge driver)",
	.usage = usage,
	.options = options,
	.needs = NEEDS_NOTHING,
	.min_args = 3,
	.max_args = 3,
	.run = run,
};

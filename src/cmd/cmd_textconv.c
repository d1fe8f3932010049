/* cmd_textconv.c - the review form of a pipeline file, for `git diff`. */
#include "cmd/cmd.h"

#include "dfc/fs.h"
#include "dfc/textconv.h"

#include <stdio.h>

static const char *const usage[] = { "textconv FILE | -", NULL };

static int run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct buf in = BUF_INIT, out = BUF_INIT;
	int ret;

	(void)ctx;
	(void)argc;
	if ((ret = fs_read_file(&in, argv[0], 64u << 20)) < 0)
		goto out;
	textconv_review_form(&out, in.data ? in.data : "", in.len);
	fwrite(out.data ? out.data : "", 1, out.len, stdout);
out:
	buf_release(&in);
	buf_release(&out);
	return ret;
}

const struct command cmd_textconv = {
	.name = "textconv",
	.summary = "print a pipeline file's review form (git's diff driver)",
	.usage = usage,
	.options = NULL,
	.needs = NEEDS_NOTHING,
	.min_args = 1,
	.max_args = 1,
	.run = run,
};

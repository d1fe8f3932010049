/* cmd_generate.c - write the self-contained script that runs a pipeline. */
#include "cmd/cmd.h"
#include "cmd/gen_source.h"

#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/generate.h"

#include <stdio.h>
#include <string.h>

static const char *file;
static const char *id;
static int version;
static bool from_catalog;
static const char *output;
static const char *target;

static const struct opt options[] = {
	OPT_STRING('f', "file", &file, "FILE", "generate from pipeline FILE as it is"),
	OPT_STRING('i', "id", &id, "ID", "generate from a recorded version of pipeline ID"),
	OPT_INT('v', "version", &version, "N", "with -i: version N (default: the latest)"),
	OPT_BOOL(0, "from-catalog", &from_catalog,
		 "with -i: use catalog version N as last fetched, with its stored datasets"),
	OPT_STRING('o', "output", &output, "OUT",
		   "write the script to OUT (mode 0755), not stdout"),
	OPT_STRING(0, "target", &target, "TARGET",
		   "bash (the default; slurm is not supported yet)"),
	OPT_END(),
};

static const char *const usage[] = {
	"generate -f FILE [-o OUT]",
	"generate -i ID [-v N] [--from-catalog] [-o OUT]",
	NULL,
};

static int run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct gen_source src = GEN_SOURCE_INIT;
	struct gen_request req = {file, id, version, from_catalog};
	struct buf out = BUF_INIT;
	int ret;

	(void)argc;
	(void)argv;
	if (target && strcmp(target, "bash")) {
		ret = dfc_hint(dfc_error(DFC_EUSAGE, "--target %s is not supported yet", target),
			       "use --target bash (the default)");
		goto out;
	}
	if ((ret = gen_source_load(ctx, &src, &req)) < 0 ||
	    (ret = generate_script(&out, &src.input)) < 0)
		goto out;
	if (output) {
		ret = fs_write_atomic(output, out.data, out.len, 0755);
		if (ret == 0 && ctx->verbose)
			cmd_note(ctx, "wrote %s (%zu bytes)", output, out.len);
	} else {
		fwrite(out.data, 1, out.len, stdout);
	}
out:
	buf_release(&out);
	gen_source_release(&src);
	return ret;
}

const struct command cmd_generate = {
	.name = "generate",
	.summary = "write a self-contained bash script that runs a pipeline",
	.usage = usage,
	.options = options,
	.needs = NEEDS_STORE,
	.min_args = 0,
	.max_args = 0,
	.run = run,
};

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
static struct strvec sbatch_args;

static const struct opt options[] = {
	OPT_STRING('f', "file", &file, "FILE", "generate from pipeline FILE as it is"),
	OPT_STRING('i', "id", &id, "ID", "generate from a recorded version of pipeline ID"),
	OPT_INT('v', "version", &version, "N", "with -i: version N (default: the latest)"),
	OPT_BOOL(0, "from-catalog", &from_catalog,
		 "with -i: use catalog version N as last fetched, with its stored datasets"),
	OPT_STRING('o', "output", &output, "OUT",
		   "write the script to OUT (mode 0755), not stdout"),
	OPT_STRING(0, "target", &target, "TARGET",
		   "bash (the default: steps run where the script runs) or slurm "
		   "(one Slurm job per step)"),
	OPT_STRING_LIST(0, "sbatch-arg", &sbatch_args, "ARG",
			"with --target slurm: give sbatch option ARG to every job "
			"(repeatable)"),
	OPT_END(),
};

static const char *const usage[] = {
	"generate [-f] FILE [-o OUT] [--target bash|slurm] [--sbatch-arg ARG]...",
	"generate -i ID [-v N] [--from-catalog] [-o OUT] [--target bash|slurm] "
	"[--sbatch-arg ARG]...",
	"generate FILE -v N|--from-catalog [-o OUT] [--target bash|slurm] [--sbatch-arg ARG]...",
	NULL,
};

/*
 * FILE is `-f FILE`, or with -v N or --from-catalog the pipeline whose id
 * it carries; -i is resolved (cmd_resolve_id()). Fills req->file, req->id.
 */
static int pick_source(struct cmd_ctx *ctx, struct working_file *wf, struct gen_request *req,
		       int argc, char **argv)
{
	if (argc && (file || id))
		return dfc_hint(dfc_error(DFC_EUSAGE, "give one of FILE, -f FILE or -i ID"),
				"usage: data-factory-cli %s", usage[0]);
	if (argc && !version && !from_catalog)
		req->file = argv[0];
	else if (argc)
		return cmd_id_from_file(wf, argv[0], &req->id);
	else if (id && !file)
		return cmd_resolve_id(ctx, &req->id);
	return 0;
}

static int run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct working_file wf = WORKING_FILE_INIT;
	struct gen_source src = GEN_SOURCE_INIT;
	struct gen_request req = {file, id, version, from_catalog};
	struct buf out = BUF_INIT;
	int ret;

	if ((ret = pick_source(ctx, &wf, &req, argc, argv)) < 0 ||
	    (ret = generate_target_parse(&src.input.target, target)) < 0)
		goto out;
	if (sbatch_args.nr && src.input.target != GENERATE_SLURM) {
		ret = dfc_error(DFC_EUSAGE, "--sbatch-arg goes with --target slurm");
		goto out;
	}
	for (size_t k = 0; k < sbatch_args.nr; k++)
		if (sbatch_args.items[k][0] != '-') {
			ret = dfc_hint(dfc_error(DFC_EUSAGE,
						 "--sbatch-arg takes an sbatch option, not '%s'",
						 sbatch_args.items[k]),
				       "for example --sbatch-arg=--account=NAME");
			goto out;
		}
	src.input.sbatch_args = (const char *const *)sbatch_args.items;
	src.input.nr_sbatch_args = sbatch_args.nr;
	if ((ret = gen_source_load(ctx, &src, &req)) < 0 ||
	    (ret = generate_script(&out, &src.input)) < 0)
		goto out;
	if ((ret = cmd_write_output(output, &out, 0755)) == 0 && output && strcmp(output, "-") &&
	    ctx->verbose)
		cmd_note(ctx, "wrote %s (%zu bytes)", output, out.len);
out:
	strvec_release(&sbatch_args);
	buf_release(&out);
	gen_source_release(&src);
	working_file_release(&wf);
	return ret;
}

const struct command cmd_generate = {
	.name = "generate",
	.summary = "write a self-contained bash script that runs a pipeline (here or on Slurm)",
	.usage = usage,
	.options = options,
	.needs = NEEDS_STORE,
	.min_args = 0,
	.max_args = 1,
	.run = run,
};

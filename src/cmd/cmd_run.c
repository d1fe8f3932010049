/* cmd_run.c - generate a pipeline's script and run it at once. */
#include "cmd/cmd.h"
#include "cmd/gen_source.h"

#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/generate.h"
#include "dfc/run.h"
#include "dfc/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static const char *file;
static const char *id;
static int version;
static bool from_catalog;
static bool dry_run;
static const char *node;
static const char *from;
static const char *workdir;
static int jobs;
static bool force;
static bool keep_going;
static bool json;
static const char *on;
static bool wait_jobs;
static struct strvec sbatch_args;

static const struct opt options[] = {
	OPT_STRING('f', "file", &file, "FILE", "run pipeline FILE as it is"),
	OPT_STRING('i', "id", &id, "ID", "run a recorded version of pipeline ID"),
	OPT_INT('v', "version", &version, "N", "with -i: version N (default: the latest)"),
	OPT_BOOL(0, "from-catalog", &from_catalog,
		 "with -i: use catalog version N as last fetched"),
	OPT_BOOL(0, "dry-run", &dry_run,
		 "print the steps that would run and why; run nothing, write nothing"),
	OPT_BOOL(0, "json", &json, "with --dry-run: print the plan as JSON"),
	OPT_STRING(0, "node", &node, "NODE", "run step NODE alone"),
	OPT_STRING(0, "from", &from, "NODE", "run NODE and every step downstream of it"),
	OPT_STRING(0, "workdir", &workdir, "DIR",
		   "run in DIR (default: the file's folder with -f, the current one with -i)"),
	OPT_INT(0, "jobs", &jobs, "N", "run up to N independent steps at once (default 1)"),
	OPT_BOOL(0, "force", &force, "rerun steps that are up to date"),
	OPT_BOOL(0, "keep-going", &keep_going,
		 "after a failure, still run the steps that do not depend on it"),
	OPT_STRING(0, "on", &on, "slurm",
		   "submit one Slurm job per step instead of running here"),
	OPT_BOOL(0, "wait", &wait_jobs,
		 "with --on slurm: wait for every job; exit 4 naming a failed step"),
	OPT_STRING_LIST(0, "sbatch-arg", &sbatch_args, "ARG",
			"with --on slurm: give sbatch option ARG to every job (repeatable)"),
	OPT_END(),
};

static const char *const usage[] = {
	"run -f FILE [--dry-run [--json]] [--node NODE | --from NODE] [--workdir DIR] [--jobs N] "
	"[--force] [--keep-going]",
	"run -i ID [-v N] [--from-catalog] [--dry-run [--json]] [--node NODE | --from NODE] "
	"[--workdir DIR] [--jobs N] [--force] [--keep-going]",
	"run -f FILE | -i ID [-v N] --on slurm [--wait] [--sbatch-arg ARG]... [--dry-run] "
	"[--node NODE | --from NODE] [--workdir DIR] [--force]",
	NULL,
};

/* A temporary file under $TMPDIR, created with `mode`; its path in `*path`. */
static int make_temp(char **path, const char *what, int mode, const void *data, size_t len)
{
	const char *tmpdir = getenv("TMPDIR");
	int fd;

	if (!tmpdir || !*tmpdir)
		tmpdir = "/tmp";
	*path = xasprintf("%s/dfc-%s-XXXXXX", tmpdir, what);
	fd = mkstemp(*path);
	if (fd < 0) {
		int ret = dfc_hint(dfc_error(DFC_EUSAGE, "cannot create a temporary file in '%s': %s",
					     tmpdir, strerror(errno)),
				   "set TMPDIR to a folder you can write to");

		free(*path);
		*path = NULL;
		return ret;
	}
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int ret = dfc_error(DFC_EUSAGE, "cannot write a temporary file in '%s': %s",
					    tmpdir, strerror(errno));

			close(fd);
			return ret;
		}
		data = (const char *)data + n;
		len -= (size_t)n;
	}
	if (fchmod(fd, (mode_t)mode) < 0 || close(fd) < 0)
		return dfc_error(DFC_EUSAGE, "cannot write a temporary file in '%s': %s", tmpdir,
				 strerror(errno));
	return 0;
}

/* The last line of the script's --status-file starting with `word `. */
static char *reported(const struct buf *report, const char *word)
{
	size_t wlen = strlen(word);
	const char *p = buf_cstr(report), *found = NULL;

	for (; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
		if (!strncmp(p, word, wlen) && p[wlen] == ' ')
			found = p + wlen + 1;
	return found ? xstrndup(found, strcspn(found, "\n")) : NULL;
}

/* Every "failed STEP" of the report, as "'a', 'b'" (new), and how many. */
static char *failed_steps(const struct buf *report, size_t *nr)
{
	struct buf list = BUF_INIT;
	const char *p = buf_cstr(report);

	*nr = 0;
	for (; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
		if (strncmp(p, "failed ", 7))
			continue;
		buf_addf(&list, "%s'%.*s'", (*nr)++ ? ", " : "", (int)strcspn(p + 7, "\n"), p + 7);
	}
	return buf_detach(&list, NULL);
}

/*
 * The script's usage error, which it wrote to the status file instead of
 * printing it (DFC_CALLER): worded for run, whose --node is its --only.
 */
static int refused(const struct buf *report)
{
	char *why = reported(report, "usage");
	struct buf text = BUF_INIT;
	const char *p;
	int ret;

	for (p = why; p && *p;) {
		const char *only = strstr(p, "--only");

		if (!only) {
			buf_adds(&text, p);
			break;
		}
		buf_add(&text, p, (size_t)(only - p));
		buf_adds(&text, "--node");
		p = only + strlen("--only");
	}
	ret = dfc_hint(dfc_error(DFC_EUSAGE, "run: %s",
				 why ? buf_cstr(&text) : "an option was refused"),
		       "see '" PROG " run --help'");
	buf_release(&text);
	free(why);
	return ret;
}

/* Turn the script's exit status into ours, with a message naming why. */
static int map_status(int status, const struct buf *report)
{
	char *what = NULL;
	int ret;

	switch (status) {
	case 0:
		return 0;
	case 2:
		return refused(report);
	case 4:
		what = reported(report, "failed");
		if (on)
			ret = dfc_hint(dfc_error(DFC_EEXEC, "step '%s' failed on Slurm",
						 what ? what : "?"),
				       "its output is in .dfc/logs/%s.log in the run folder; "
				       "submit again with --from %s once it is fixed",
				       what ? what : "NODE", what ? what : "NODE");
		else if (keep_going) {
			size_t nr;
			char *all = failed_steps(report, &nr);

			ret = dfc_hint(dfc_error(DFC_EEXEC, "%s %s failed; the steps that do not "
							    "depend on %s ran",
						 nr > 1 ? "steps" : "step", nr ? all : "'?'",
						 nr > 1 ? "them" : "it"),
				       "the output of each is in .dfc/logs/STEP.log; run again once "
				       "fixed: the steps that are up to date are skipped");
			free(all);
		} else
			ret = dfc_hint(dfc_error(DFC_EEXEC, "step '%s' failed; the run stopped there",
						 what ? what : "?"),
				       "its output is above and in .dfc/logs/%s.log; rerun with "
				       "--from %s once it is fixed",
				       what ? what : "NODE", what ? what : "NODE");
		break;
	case 5:
		if ((what = reported(report, "missing")) && !strcmp(what, "sbatch"))
			ret = dfc_hint(dfc_error(DFC_EDEPEND,
						 "'sbatch' is missing; nothing was submitted"),
				       "run it on a machine of the Slurm cluster, or without "
				       "--on slurm to run the steps here");
		else if (what)
			ret = dfc_error(DFC_EDEPEND, "'%s' is missing; nothing was run", what);
		else
			ret = dfc_error(DFC_EDEPEND, "an interpreter, tool or dataset is missing");
		break;
	case 6:
		what = reported(report, "tampered");
		ret = dfc_error(DFC_ESECURITY, "the embedded script of '%s' does not match its id",
				what ? what : "?");
		break;
	case 127:
		return dfc_hint(dfc_error(DFC_EDEPEND, "cannot run the generated script"),
				"it needs bash 4.3 or newer in PATH");
	default:
		if (status > 128)
			return dfc_error(DFC_EEXEC, "the run was interrupted (signal %d)",
					 status - 128);
		return dfc_error(DFC_EINTERNAL, "the generated script exited with status %d",
				 status);
	}
	free(what);
	return ret;
}

/* The option combinations the script cannot check itself. */
static int check_options(enum generate_target *target)
{
	if (node && from)
		return dfc_error(DFC_EUSAGE, "give --node or --from, not both");
	if (on && strcmp(on, "slurm"))
		return dfc_hint(dfc_error(DFC_EUSAGE, "cannot run on '%s'", on),
				"use --on slurm, or no --on to run the steps here");
	*target = on ? GENERATE_SLURM : GENERATE_BASH;
	if (!on && (wait_jobs || sbatch_args.nr))
		return dfc_error(DFC_EUSAGE, "%s goes with --on slurm",
				 wait_jobs ? "--wait" : "--sbatch-arg");
	if (on && jobs)
		return dfc_hint(dfc_error(DFC_EUSAGE, "--jobs does not go with --on slurm"),
				"Slurm runs independent steps at once by itself");
	if (on && keep_going)
		return dfc_hint(dfc_error(DFC_EUSAGE, "--keep-going does not go with --on slurm"),
				"on Slurm, the steps that do not depend on a failed one go on "
				"by themselves");
	if (json && (!dry_run || on))
		return dfc_hint(dfc_error(DFC_EUSAGE, "--json goes with --dry-run, here"),
				"'data-factory-cli run ... --dry-run --json' prints the plan");
	return 0;
}

/*
 * What --node names must be a script node, what --from names any node (a
 * dataset starts at the steps that read it): checked here, so that the
 * error speaks of the options the user typed, not of the script's own.
 */
static int check_step(const json_t *pipeline)
{
	const char *option = node ? "--node" : "--from", *wanted = node ? node : from;
	const char *kind = node ? "script node" : "node";
	struct strvec ids = STRVEC_INIT;
	struct buf names = BUF_INIT;
	int ret = 0;

	if (!wanted)
		return 0;
	pipeline_node_ids(pipeline, node != NULL, &ids);
	for (size_t i = 0; i < ids.nr; i++)
		if (!strcmp(ids.items[i], wanted))
			goto out;
	for (size_t i = 0; i < ids.nr && i < 11; i++)
		buf_addf(&names, "%s%s", i ? ", " : "", i < 10 ? ids.items[i] : "...");
	ret = dfc_error(DFC_ENOTFOUND, "%s: no %s '%s' in this pipeline", option, kind, wanted);
	if (ids.nr)
		dfc_hint(ret, "its %ss: %s", kind, buf_cstr(&names));
out:
	strvec_release(&ids);
	buf_release(&names);
	return ret;
}

/* The generated script's command line (NULL-terminated, as strvec is). */
static void script_arguments(struct strvec *args, const char *script_path,
			     const char *status_path, const char *jobs_text,
			     const char *run_dir, bool quiet)
{
	const struct {
		bool given;
		const char *option, *value;
	} pass[] = {
		{true, "--status-file", status_path},
		{dry_run, "--dry-run", NULL},	 {force, "--force", NULL},
		{wait_jobs, "--wait", NULL},	 {node, "--only", node},
		{from, "--from", from},		 {jobs_text, "--jobs", jobs_text},
		{run_dir, "--workdir", run_dir},
		{keep_going, "--keep-going", NULL}, {json, "--json", NULL},
		{quiet, "--quiet", NULL},
	};

	/* --status-file first: the script reports a refused option there. */
	strvec_push(args, "bash");
	strvec_push(args, script_path);
	for (size_t k = 0; k < sizeof(pass) / sizeof(*pass); k++) {
		if (!pass[k].given)
			continue;
		strvec_push(args, pass[k].option);
		if (pass[k].value)
			strvec_push(args, pass[k].value);
	}
	for (size_t k = 0; k < sbatch_args.nr; k++) {
		strvec_push(args, "--sbatch-arg");
		strvec_push(args, sbatch_args.items[k]);
	}
}

static int run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct gen_source src = GEN_SOURCE_INIT;
	struct gen_request req = {file, id, version, from_catalog};
	struct buf script = BUF_INIT, report = BUF_INIT;
	struct strvec args = STRVEC_INIT;
	char *script_path = NULL, *status_path = NULL, *jobs_text = NULL;
	int status = 0, ret;
	time_t started;

	(void)argc;
	(void)argv;
	if ((ret = check_options(&src.input.target)) < 0 ||
	    (id && !file && (ret = cmd_resolve_id(ctx, &req.id)) < 0) ||
	    (ret = gen_source_load(ctx, &src, &req)) < 0 ||
	    (ret = check_step(src.input.pipeline)) < 0 ||
	    (ret = generate_script(&script, &src.input)) < 0 ||
	    (ret = make_temp(&script_path, "run", 0700, script.data, script.len)) < 0 ||
	    (ret = make_temp(&status_path, "status", 0600, "", 0)) < 0)
		goto out;
	if (jobs)
		jobs_text = xasprintf("%d", jobs);
	/* The pipeline file's data paths start from its folder. */
	script_arguments(&args, script_path, status_path, jobs_text,
			 workdir ? workdir : src.file_dir, ctx->quiet);
	if (ctx->verbose)
		cmd_note(ctx, "%s %s", on ? "submitting" : "running", src.origin);
	/* The script words its usage errors for run, not for itself. */
	if (setenv("DFC_CALLER", PROG " run", 1) < 0) {
		ret = dfc_error(DFC_EINTERNAL, "cannot set DFC_CALLER: %s", strerror(errno));
		goto out;
	}
	started = time(NULL);
	if ((ret = run_command_argv(args.items, &status)) < 0)
		goto out;
	if (fs_read_file(&report, status_path, 1 << 20) < 0)
		dfc_error_clear();
	/*
	 * Whatever its exit status, the runs the script recorded in its work
	 * folder go to the store; a failure to record them is a warning. A
	 * Slurm submission without --wait has not run yet, and nothing ran
	 * when the script refused its options (2).
	 */
	if (!dry_run && (!on || wait_jobs) && status != 2)
		cmd_runs_import(ctx, workdir ? workdir : src.file_dir ? src.file_dir : ".",
				started - 1, true);
	ret = map_status(status, &report);
out:
	if (script_path)
		unlink(script_path);
	if (status_path)
		unlink(status_path);
	free(script_path);
	free(status_path);
	free(jobs_text);
	strvec_release(&args);
	strvec_release(&sbatch_args);
	buf_release(&report);
	buf_release(&script);
	gen_source_release(&src);
	return ret;
}

const struct command cmd_run = {
	.name = "run",
	.summary = "generate a pipeline's script and run it (here or on Slurm)",
	.usage = usage,
	.options = options,
	.needs = NEEDS_STORE,
	.min_args = 0,
	.max_args = 0,
	.run = run,
};

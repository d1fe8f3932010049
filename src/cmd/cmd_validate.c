/* cmd_validate.c - check pipeline files and print every problem. */
#include "cmd/cmd.h"

#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/git_init.h"
#include "dfc/script_check.h"
#include "dfc/staged.h"
#include "dfc/validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool json_output;
static bool staged;

static const struct opt options[] = {
	OPT_BOOL(0, "json", &json_output, "print the result as JSON"),
	OPT_BOOL(0, "staged", &staged,
		 "check the files as staged in the git index, and their scripts in it"),
	OPT_END(),
};

static const char *const usage[] = {
	"validate FILE... | -",
	"validate --staged FILE...",
	NULL
};

static json_t *problems_json(const struct problems *list)
{
	json_t *out = json_array();

	for (size_t i = 0; i < list->nr; i++) {
		const struct problem *p = &list->items[i];
		json_t *item = json_object();

		if (p->pointer) {
			json_object_set_new(item, "pointer", json_string(p->pointer));
		} else {
			json_object_set_new(item, "line", json_integer(p->line));
			json_object_set_new(item, "column", json_integer(p->column));
		}
		json_object_set_new(item, "message", json_string(p->message));
		json_array_append_new(out, item);
	}
	return out;
}

/*
 * Read and check the file at `path` on disk ("-": standard input, whose
 * scripts are taken from the current folder), its scripts included.
 */
static int check_on_disk(struct pipeline *p, const char *path, struct problems *problems)
{
	char *dir;
	int ret = pipeline_load(p, path, problems);

	if (ret < 0)
		return ret;
	pipeline_validate(p->root, problems);
	dir = strcmp(path, "-") ? fs_dirname(path) : NULL;
	script_check_disk(p->root, dir ? dir : ".", problems);
	free(dir);
	return 0;
}

/* The same for the staged content of `path`, its scripts looked up in the index. */
static int check_staged(const struct staged *st, struct pipeline *p, const char *path,
			struct problems *problems)
{
	struct buf repo_path = BUF_INIT, content = BUF_INIT;
	int ret;

	if ((ret = staged_repo_path(st, path, &repo_path)) < 0 ||
	    (ret = staged_read(st, buf_cstr(&repo_path), path, &content)) < 0 ||
	    (ret = pipeline_parse(p, path, content.data ? content.data : "", content.len,
				  problems)) < 0)
		goto out;
	pipeline_validate(p->root, problems);
	script_check_staged(p->root, st->index, st->workdir, buf_cstr(&repo_path), problems);
out:
	buf_release(&repo_path);
	buf_release(&content);
	return ret;
}

/* Check one file (`st`: as staged); its result is returned. */
static int validate_one(struct cmd_ctx *ctx, const struct staged *st, const char *path,
			json_t *results)
{
	struct problems problems = PROBLEMS_INIT;
	struct pipeline p = PIPELINE_INIT;
	const char *name = path;
	int ret;

	ret = st ? check_staged(st, &p, path, &problems) : check_on_disk(&p, path, &problems);
	if (p.path)
		name = p.path;
	if (problems.nr)
		ret = cmd_report_problems(name, &problems);
	else if (ret < 0)
		cmd_print_error(ret);
	if (results) {
		json_t *item = json_object();

		json_object_set_new(item, "file", json_string(name));
		json_object_set_new(item, "valid", json_boolean(ret == 0));
		json_object_set_new(item, "problems", problems_json(&problems));
		if (ret < 0 && !problems.nr)
			json_object_set_new(item, "error", json_string(dfc_code_text(ret)));
		json_array_append_new(results, item);
	} else if (ret == 0 && !ctx->quiet) {
		cmd_print_line(stdout, "%s: valid", name);
	}
	problems_release(&problems);
	pipeline_release(&p);
	return ret;
}

/* A security problem outranks an invalid file, which outranks the rest. */
static int worse(int a, int b)
{
	if (a == DFC_ESECURITY || b == DFC_ESECURITY)
		return DFC_ESECURITY;
	if (a == DFC_EINVALID || b == DFC_EINVALID)
		return DFC_EINVALID;
	return a ? a : b;
}

/* Open the git work tree for --staged; libgit2 is started here only. */
static int open_staged(struct staged *st, bool *git_started, int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], "-"))
			return dfc_hint(dfc_error(DFC_EUSAGE, "--staged reads files from the git "
						  "index, not standard input"),
					"name the files: validate --staged FILE...");
	if (dfc_git_init() < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot initialise libgit2");
	*git_started = true;
	return staged_open(st);
}

static int run(struct cmd_ctx *ctx, int argc, char **argv)
{
	json_t *results = NULL;
	struct staged st = STAGED_INIT;
	bool git_started = false;
	int ret = 0, failed = 0;

	if (staged && (ret = open_staged(&st, &git_started, argc, argv)) < 0)
		goto out;
	results = json_output ? json_array() : NULL;
	for (int i = 0; i < argc; i++) {
		int r = validate_one(ctx, staged ? &st : NULL, argv[i], results);

		failed += r < 0;
		ret = worse(ret, r);
	}
	if (results)
		cmd_print_json(results);
	if (ret < 0)
		dfc_error(ret, "%d of %d file%s failed validation", failed, argc,
			  argc == 1 ? "" : "s");
out:
	staged_release(&st);
	if (git_started)
		dfc_git_shutdown();
	return ret;
}

const struct command cmd_validate = {
	.name = "validate",
	.summary = "check pipeline files and print every problem",
	.usage = usage,
	.options = options,
	.needs = NEEDS_NOTHING,
	.min_args = 1,
	.max_args = -1,
	.run = run,
};

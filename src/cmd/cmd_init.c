/* cmd_init.c - write a starter pipeline from a folder's files, or an example project. */
#include "cmd/cmd.h"
#include "cmd/init_wizard.h"

#include "dfc/canonical.h"
#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/init_plan.h"
#include "dfc/init_scan.h"
#include "dfc/init_templates.h"
#include "dfc/printable.h"
#include "dfc/validate.h"
#include "dfc/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *output;
static const char *template_name;
static bool list_templates;
static bool no_input;
static bool force;

static const struct opt options[] = {
	OPT_STRING('o', "output", &output, "FILE",
		   "write the pipeline file to FILE (default: DIR/pipeline.json)"),
	OPT_STRING(0, "template", &template_name, "NAME",
		   "write the example project NAME into DIR instead"),
	OPT_BOOL(0, "list-templates", &list_templates, "list the example projects"),
	OPT_BOOL(0, "no-input", &no_input, "ask nothing: write the best guess"),
	OPT_BOOL(0, "force", &force, "overwrite files that exist"),
	OPT_END(),
};

static const char *const usage[] = {
	"init [DIR] [-o FILE] [--no-input] [--force]",
	"init --template NAME [DIR] [--force]",
	"init --list-templates",
	NULL,
};

static void print_templates(void)
{
	bool aligned = isatty(STDOUT_FILENO);

	for (size_t i = 0; i < init_template_count(); i++)
		printf(aligned ? "%-10s %s\n" : "%s\t%s\n", init_template_name(i),
		       init_template_description(i));
}

static int write_template(struct cmd_ctx *ctx, const char *dir)
{
	struct buf written = BUF_INIT;
	int ret;

	if (output)
		return dfc_hint(dfc_error(DFC_EUSAGE, "-o goes without --template"),
				"a template writes DIR/pipeline.json and its files");
	if ((ret = init_template_write(template_name, dir, force, &written)) == 0) {
		struct buf shown = BUF_INIT;

		/* The files written, one a line: DIR is the user's, made safe. */
		printable_lines(&shown, written.data ? written.data : "", written.len);
		fwrite(shown.data ? shown.data : "", 1, shown.len, stdout);
		buf_release(&shown);
		cmd_note(ctx,
			 "next: cd %s && data-factory-cli create pipeline.json && "
			 "data-factory-cli run -f pipeline.json",
			 dir);
	}
	buf_release(&written);
	return ret;
}

/*
 * Where folder `dir` is seen from folder `base` (both absolute, links
 * resolved): "" when they are the same, "sub/dir/" when `dir` is inside;
 * NULL when it is elsewhere, which would need `..` in dataset paths.
 */
static char *prefix_from(const char *base, const char *dir)
{
	size_t n = strlen(base);

	if (!strcmp(base, dir))
		return xstrdup("");
	if (n == 1 && base[0] == '/')
		return xasprintf("%s/", dir + 1);
	if (!strncmp(base, dir, n) && dir[n] == '/')
		return xasprintf("%s/", dir + n + 1);
	return NULL;
}

/* Check the folder and the file before anything is scanned or written. */
static int check_paths(const char *dir, const char *file, char **prefix, char **file_dir,
		       char **name)
{
	char *abs_dir = NULL, *parent = fs_dirname(file);
	struct stat st;
	int ret = 0;

	if (stat(dir, &st) < 0) {
		ret = dfc_error(DFC_ENOTFOUND, "no folder '%s'", dir);
		goto out;
	}
	if (!S_ISDIR(st.st_mode)) {
		ret = dfc_error(DFC_ENOTFOUND, "'%s' is not a folder", dir);
		goto out;
	}
	if (stat(file, &st) == 0 && S_ISDIR(st.st_mode)) {
		ret = dfc_error(DFC_EUSAGE, "'%s' is a folder", file);
		goto out;
	}
	if (fs_exists(file) && !force) {
		ret = dfc_hint(dfc_error(DFC_ECONFLICT, "'%s' already exists", file),
			       "use --force to overwrite it, or -o FILE to write elsewhere");
		goto out;
	}
	if (stat(parent, &st) < 0 || !S_ISDIR(st.st_mode)) {
		ret = dfc_error(DFC_ENOTFOUND, "no folder '%s' for '%s'", parent, file);
		goto out;
	}
	if ((ret = fs_absolute(&abs_dir, dir)) < 0 || (ret = fs_absolute(file_dir, parent)) < 0)
		goto out;
	*prefix = prefix_from(*file_dir, abs_dir);
	if (!*prefix) {
		ret = dfc_hint(
			dfc_error(DFC_EUSAGE, "'%s' is outside the folder of '%s'", dir, file),
			"dataset paths start from the pipeline file's folder: write it "
			"in '%s' or a folder above it",
			dir);
		goto out;
	}
	*name = xstrdup(strcmp(abs_dir, "/") ? fs_basename(abs_dir) : "pipeline");
out:
	free(abs_dir);
	free(parent);
	return ret;
}

static void print_list(struct buf *b, const struct init_plan *plan, size_t script, bool write)
{
	size_t start = b->len;

	for (size_t i = 0; i < plan->nr_links; i++) {
		const struct init_link *l = &plan->links[i];
		const struct init_node *d = &plan->nodes[l->dataset];

		if (l->script != script || l->write != write)
			continue;
		char *arg = *l->argument ? init_printable(l->argument) : NULL;

		buf_addf(b, "%s%s (", b->len > start ? ", " : "", d->id);
		/* What the script will be given: the option, its place, or nothing. */
		if (arg)
			buf_adds(b, arg);
		else if (l->position)
			buf_addf(b, "position %u", l->position);
		else
			buf_adds(b, "no argument");
		free(arg);
		if (d->is_new) {
			char *path = init_printable(d->path);

			buf_addf(b, ", new: %s", path);
			free(path);
		}
		buf_addch(b, ')');
	}
	if (b->len == start)
		buf_adds(b, "nothing");
}

/* One line per script on stderr: what the guess made of it. */
static void report_guess(struct cmd_ctx *ctx, const struct init_plan *plan, const char *file)
{
	struct buf b = BUF_INIT;

	for (size_t s = 0; s < plan->nr_nodes; s++) {
		char *path;

		if (plan->nodes[s].kind != INIT_SCRIPT)
			continue;
		path = init_printable(plan->nodes[s].path);
		buf_reset(&b);
		buf_addf(&b, "guessed %s (%s): reads ", plan->nodes[s].id, path);
		free(path);
		print_list(&b, plan, s, false);
		buf_adds(&b, "; writes ");
		print_list(&b, plan, s, true);
		cmd_note(ctx, "%s", buf_cstr(&b));
	}
	if (!ctx->quiet)
		cmd_print_line(stderr, "hint: run init on a terminal to choose, or edit %s", file);
	buf_release(&b);
}

static int write_pipeline(const struct init_plan *plan, const char *file)
{
	struct problems problems = PROBLEMS_INIT;
	struct buf text = BUF_INIT;
	json_t *root = init_plan_json(plan);
	int ret;

	/* A plan cannot make an invalid pipeline (init_plan.h); make sure. */
	if (pipeline_validate(root, &problems) < 0)
		ret = dfc_error(DFC_EINTERNAL, "the pipeline made for '%s' is invalid: %s", file,
				problems.items[0].message);
	else {
		canonical_dump(&text, root);
		ret = fs_write_atomic(file, text.data, text.len, -1);
	}
	problems_release(&problems);
	buf_release(&text);
	json_decref(root);
	return ret;
}

static int scan_and_write(struct cmd_ctx *ctx, const char *dir)
{
	struct init_scan scan = INIT_SCAN_INIT;
	struct init_plan guess = INIT_PLAN_INIT, chosen = INIT_PLAN_INIT;
	char *file = output ? xstrdup(output) : fs_path_join(dir, "pipeline.json");
	char *prefix = NULL, *file_dir = NULL, *name = NULL;
	size_t scripts, datasets;
	bool ignored;
	int ret;

	if ((ret = check_paths(dir, file, &prefix, &file_dir, &name)) < 0 ||
	    (ret = init_scan_dir(&scan, dir, file, INIT_SCAN_MAX_FILES)) < 0)
		goto out;
	if (scan.truncated)
		cmd_note(ctx,
			 "stopped scanning after %zu files; some scripts or datasets may be "
			 "missing",
			 scan.files_seen);
	scripts = init_scan_count(&scan, INIT_SCRIPT);
	datasets = init_scan_count(&scan, INIT_DATASET);
	if (!scan.nr) {
		ret = dfc_hint(dfc_error(DFC_ENOTFOUND, "no scripts or datasets in '%s'", dir),
			       "data-factory-cli init --template etl %s writes a working example "
			       "(see --list-templates)",
			       dir);
		goto out;
	}
	cmd_note(ctx, "found %zu script%s and %zu dataset%s in '%s'", scripts,
		 scripts == 1 ? "" : "s", datasets, datasets == 1 ? "" : "s", dir);
	init_plan_from_scan(&guess, &scan, prefix, name);
	init_plan_guess(&guess, file_dir, prefix);
	init_plan_propose_outputs(&guess, prefix);

	if (!no_input && isatty(STDIN_FILENO) && isatty(STDERR_FILENO)) {
		ret = init_wizard(&chosen, &guess, file, stdin, stderr);
		if (ret < 0)
			goto out;
		if (ret == 1) {
			cmd_note(ctx, "nothing written");
			ret = 0;
			goto out;
		}
		ret = write_pipeline(&chosen, file);
	} else {
		report_guess(ctx, &guess, file);
		ret = write_pipeline(&guess, file);
	}
	if (ret == 0)
		cmd_print_line(stdout, "%s", file);
	if (ret == 0 && (ret = init_gitignore_write(file_dir, &ignored)) == 0 && ignored)
		cmd_note(ctx, "wrote a .gitignore beside %s: it ignores .dfc/", file);
out:
	init_plan_release(&chosen);
	init_plan_release(&guess);
	init_scan_release(&scan);
	free(name);
	free(file_dir);
	free(prefix);
	free(file);
	return ret;
}

static int run(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *dir = argc ? argv[0] : ".";

	if (list_templates) {
		if (argc || template_name || output || force)
			return dfc_hint(
				dfc_error(DFC_EUSAGE, "--list-templates takes nothing else"),
				"usage: data-factory-cli %s", usage[2]);
		print_templates();
		return 0;
	}
	if (template_name)
		return write_template(ctx, dir);
	return scan_and_write(ctx, dir);
}

const struct command cmd_init = {
	.name = "init",
	.summary = "write a starter pipeline from a folder's scripts and data, or an example",
	.usage = usage,
	.options = options,
	.needs = NEEDS_NOTHING,
	.min_args = 0,
	.max_args = 1,
	.run = run,
};

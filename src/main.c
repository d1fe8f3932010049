/* main.c - global options, the command table, exit codes, stdout check. */
#include "cmd/cmd.h"
#include "cmd/progress.h"

#include "dfc/error.h"
#include "dfc/git_init.h"
#include "dfc/home.h"
#include "dfc/id_resolve.h"
#include "dfc/opt.h"
#include "dfc/printable.h"
#include "dfc/shell.h"
#include "dfc/xalloc.h"

#include <errno.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct command *const commands[] = {
	&cmd_init, &cmd_create, &cmd_update, &cmd_validate, &cmd_show, &cmd_log,
	&cmd_status, &cmd_share,  &cmd_sync,     &cmd_list,
	&cmd_generate, &cmd_run,
	&cmd_diff,
	&cmd_hooks,
	&cmd_textconv,
	&cmd_merge_file,
	&cmd_graph,
	&cmd_config,
	&cmd_fsck,
	&cmd_runs,
	&cmd_report,
	&cmd_lineage,
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static struct cmd_ctx ctx = { .config = CONFIG_INIT };
static bool show_version;
static bool git_initialised;

const struct opt global_options[] = {
	OPT_STRING(0, "home", &ctx.home_option, "DIR",
		   "use DIR as DATA_FACTORY_HOME"),
	OPT_STRING(0, "catalog", &ctx.catalog_option, "URL",
		   "use the catalog at URL"),
	OPT_BOOL(0, "verbose", &ctx.verbose, "say more about what happens"),
	OPT_BOOL(0, "quiet", &ctx.quiet, "print only results and errors"),
	OPT_STRING(0, "color", &ctx.color_option, "WHEN",
		   "colour output: auto, always or never"),
	OPT_BOOL(0, "version", &show_version, "print the version and exit"),
	OPT_END(),
};

int cmd_open_catalog(struct cmd_ctx *c, struct catalog *cat, const char *token_flag)
{
	int ret;

	if ((ret = cmd_open_store(c, true)) < 0)
		return ret;
	config_apply_flag(&c->config, CONFIG_TOKEN, token_flag);
	ret = catalog_open(cat, &c->store, &c->config);
	progress_attach(&cat->download, c->quiet);
	return ret;
}

static void print_usage(FILE *out)
{
	fprintf(out, "usage: " PROG " [global options] COMMAND [options]\n\n"
		     "Version data-processing pipelines the way git versions code.\n\n"
		     "commands:\n");
	for (size_t i = 0; i < NR_COMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i]->name,
			commands[i]->summary);
	fprintf(out, "\nglobal options (before or after the command):\n");
	opt_print_help(out, global_options);
	fprintf(out, "\nRun '" PROG " COMMAND --help' for a command's options.\n");
}

static void print_command_help(FILE *out, const struct command *cmd)
{
	for (const char *const *u = cmd->usage; *u; u++)
		fprintf(out, "%s " PROG " %s\n", u == cmd->usage ? "usage:" : "   or:",
			*u);
	fprintf(out, "\n%s\n", cmd->summary);
	if (cmd->options && cmd->options[0].type != OPT_TYPE_END) {
		fprintf(out, "\noptions:\n");
		opt_print_help(out, cmd->options);
	}
	fprintf(out, "\nglobal options:\n");
	opt_print_help(out, global_options);
}

/* For the completion scripts: every spelling of the options, one a line. */
static void print_option_words(const struct opt *opts)
{
	for (const struct opt *o = opts; o && o->type != OPT_TYPE_END; o++) {
		if (o->long_name)
			printf("--%s%s\n", o->long_name, o->arg_name ? "=" : "");
		if (o->short_name)
			printf("-%c\n", o->short_name);
	}
}

/*
 * libgit2, once, for the commands that use it (cmd.h: NEEDS_GIT), its CA
 * certificates left to the first TLS session (git_init.h).
 */
static int init_git(void)
{
	if (git_initialised)
		return 0;
	if (dfc_git_init() < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot initialise libgit2");
	git_initialised = true;
	return 0;
}

/* For the completion scripts: the local store, quietly; false when none. */
static bool open_store_quietly(void)
{
	return init_git() == 0 && home_resolve(&ctx.home, NULL) == 0 &&
	       store_open(&ctx.store, ctx.home, false) == 0;
}

/*
 * For the completion scripts: the words that name a local pipeline after
 * -i, ids and names (`id` NULL), or the versions 1..latest of the pipeline
 * `id` names, one a line. Silent: no store, no output.
 */
static void print_store_words(const char *id)
{
	struct strvec words = STRVEC_INIT;
	char *resolved = NULL;
	int latest = 0;

	if (!open_store_quietly())
		goto out;
	if (!id) {
		if (pipeline_id_words(&ctx.store, &words) == 0)
			for (size_t i = 0; i < words.nr; i++)
				printf("%s\n", words.items[i]);
	} else if (pipeline_id_resolve(&ctx.store, id, &resolved) == 0 &&
		   store_latest_version(&ctx.store, resolved, &latest) == 0) {
		for (int v = 1; v <= latest; v++)
			printf("%d\n", v);
	}
out:
	free(resolved);
	strvec_release(&words);
	dfc_error_clear();
}

/*
 * For the completion scripts, after --node, --from and --only: the node
 * ids of the pipeline `args` name, one a line, as `[--scripts] -f FILE`
 * or `[--scripts] -i ID [-v N]` (the latest version by default) say;
 * --scripts for script nodes only. The ids come from files other people
 * write: one that would not print as it is is left out. Silent: whatever
 * is wrong, no output.
 */
static void print_node_words(int argc, char **argv)
{
	struct pipeline file = PIPELINE_INIT;
	struct problems problems = PROBLEMS_INIT;
	struct version_info info = { 0 };
	struct strvec ids = STRVEC_INIT;
	const char *path = NULL, *id = NULL;
	char *resolved = NULL;
	json_t *root = NULL;
	bool scripts = false;
	int version = 0;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--scripts"))
			scripts = true;
		else if (i + 1 < argc && !strcmp(argv[i], "-f"))
			path = argv[++i];
		else if (i + 1 < argc && !strcmp(argv[i], "-i"))
			id = argv[++i];
		else if (i + 1 < argc && !strcmp(argv[i], "-v"))
			version = atoi(argv[++i]);
		else
			goto out;
	}
	/* Not "-": standard input is the user's terminal here. */
	if (path && strcmp(path, "-") && pipeline_load(&file, path, &problems) == 0)
		root = json_incref(file.root);
	else if (!path && id && open_store_quietly() &&
		 pipeline_id_resolve(&ctx.store, id, &resolved) == 0 &&
		 store_read_version(&ctx.store, resolved, version < 0 ? 0 : version, true,
				    &info) == 0)
		root = json_loadb(info.pipeline_json.data, info.pipeline_json.len, 0, NULL);
	pipeline_node_ids(root, scripts, &ids);
	for (size_t i = 0; i < ids.nr; i++)
		if (printable_as_is(ids.items[i]))
			printf("%s\n", ids.items[i]);
out:
	json_decref(root);
	free(resolved);
	strvec_release(&ids);
	version_info_release(&info);
	problems_release(&problems);
	pipeline_release(&file);
	dfc_error_clear();
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

static int parse_color(void)
{
	const char *c = ctx.color_option;

	if (!c || !strcmp(c, "auto"))
		ctx.color = COLOR_AUTO;
	else if (!strcmp(c, "always"))
		ctx.color = COLOR_ALWAYS;
	else if (!strcmp(c, "never"))
		ctx.color = COLOR_NEVER;
	else
		return dfc_hint(dfc_error(DFC_EUSAGE, "bad --color value '%s'", c),
				"use --color=auto, --color=always or --color=never");
	return 0;
}

/*
 * `--home list pipelines` takes "list" for the home and "pipelines" for
 * the command: when a global option's value is a command, the hint to
 * error `ret` says so; else it is `otherwise`.
 */
static int hint_swallowed_command(int ret, const char *otherwise)
{
	const struct { const char *option, *metavar, *value; } taken[] = {
		{ "--home", "DIR", ctx.home_option },
		{ "--catalog", "URL", ctx.catalog_option },
	};

	for (size_t i = 0; i < sizeof(taken) / sizeof(*taken); i++)
		if (taken[i].value && find_command(taken[i].value))
			return dfc_hint(ret, "'%s' was taken for the value of %s: give it "
					     "one, as %s=%s, before the command",
					taken[i].value, taken[i].option, taken[i].option,
					taken[i].metavar);
	return dfc_hint(ret, "%s", otherwise);
}

static int setup(const struct command *cmd)
{
	int ret;

	/* Again: a --color after the command is parsed with its options. */
	if ((ret = parse_color()) < 0)
		return ret;
	if ((cmd->needs & NEEDS_GIT) && (ret = init_git()) < 0)
		return ret;
	if (!(cmd->needs & NEEDS_HOME))
		return 0;
	return home_resolve(&ctx.home, ctx.home_option);
}

int cmd_load_config(struct cmd_ctx *c)
{
	int ret;

	if (c->config_loaded)
		return 0;
	if ((ret = config_load(&c->config, c->home)) < 0)
		return ret;
	config_apply_environment(&c->config);
	config_apply_flag(&c->config, CONFIG_CATALOG_URL, c->catalog_option);
	c->config_loaded = true;
	if (c->config.shadowed)
		cmd_note(c, "%s is ignored: %s wins when both exist", c->config.shadowed,
			 c->config.path);
	return 0;
}

int cmd_open_store(struct cmd_ctx *c, bool create)
{
	int ret;

	if (c->store.repo)
		return 0;
	/* The settings (SPEC §7) of this home: who records, which catalog. */
	if ((ret = cmd_load_config(c)) < 0)
		return ret;
	store_close(&c->store);
	ret = store_open(&c->store, c->home, create);
	if (ret < 0) {
		store_close(&c->store);
		return ret;
	}
	c->store.user_name = c->config.user_name;
	c->store.user_email = c->config.user_email;
	return 0;
}

/*
 * `share pipeline.json` for `share -f pipeline.json`: when a command that
 * takes no argument but a `-f FILE` option is given one that is a file,
 * the error says which command line was meant. 0 when that is not the case.
 */
static int suggest_file_option(const struct command *cmd, int npos, char **argv)
{
	struct buf line = BUF_INIT;
	struct stat st;
	int ret;

	if (cmd->max_args != 0 || npos != 1 || stat(argv[0], &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	for (const struct opt *o = cmd->options; o && o->type != OPT_TYPE_END; o++) {
		if (o->short_name != 'f' || o->type != OPT_TYPE_STRING || !o->arg_name ||
		    strcmp(o->arg_name, "FILE"))
			continue;
		buf_addf(&line, PROG " %s -f ", cmd->name);
		shell_word(&line, argv[0]);
		ret = dfc_hint(dfc_error(DFC_EUSAGE, "%s: unexpected argument '%s'", cmd->name,
					 argv[0]),
			       "the file goes with -f: %s", buf_cstr(&line));
		buf_release(&line);
		return ret;
	}
	return 0;
}

/* The command's usage line that shows its -v N (or --version N). */
static const char *usage_with_version(const struct command *cmd)
{
	for (const char *const *u = cmd->usage; *u; u++)
		if (strstr(*u, "-v N") || strstr(*u, "--version N"))
			return *u;
	return cmd->usage[0];
}

/*
 * `show --version` with no N: a command with a --version option of its
 * own (a pipeline version) does not print the tool's version; its error
 * says so and where the tool's version is (docs/DECISIONS.md).
 */
static int own_version_option(const struct command *cmd, int argc, char **argv)
{
	const struct opt *o = cmd->options;

	while (o && o->type != OPT_TYPE_END && (!o->long_name || strcmp(o->long_name, "version")))
		o++;
	if (!o || o->type == OPT_TYPE_END)
		return 0;
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (strcmp(argv[i], "--version") && (!o->short_name || argv[i][0] != '-' ||
						     argv[i][1] != o->short_name || argv[i][2]))
			continue;
		if (i + 1 < argc)
			return 0;
		return dfc_hint(dfc_hint(dfc_error(DFC_EUSAGE,
						   "%s: option '%s' needs a value: the "
						   "pipeline version N",
						   cmd->name, argv[i]),
					 "usage: " PROG " %s", usage_with_version(cmd)),
				"the version of " PROG " itself: '" PROG
				" --version', before any command");
	}
	return 0;
}

static int run_command(const struct command *cmd, int argc, char **argv)
{
	/* The command's own options come first: `sync --version N` is sync's. */
	const struct opt *tables[3] = { cmd->options, global_options, NULL };
	bool help = false;
	int npos = 0, ret;

	if (!cmd->options)
		tables[0] = global_options, tables[1] = NULL;
	if ((ret = own_version_option(cmd, argc, argv)) < 0)
		return ret;
	if ((ret = opt_parse(argc, argv, tables, false, &npos, &help)) < 0)
		return dfc_hint(ret, "see '" PROG " %s --help'", cmd->name);
	if (help) {
		print_command_help(stdout, cmd);
		return 0;
	}
	if (show_version) {
		printf(PROG " %s\n", DFC_VERSION);
		return 0;
	}
	if (npos < cmd->min_args ||
	    (cmd->max_args >= 0 && npos > cmd->max_args)) {
		if ((ret = suggest_file_option(cmd, npos, argv)) < 0)
			return ret;
		return dfc_hint(dfc_error(DFC_EUSAGE, "%s: expected %s arguments",
					  cmd->name,
					  npos < cmd->min_args ? "more" : "fewer"),
				"usage: " PROG " %s", cmd->usage[0]);
	}
	if ((ret = setup(cmd)) < 0)
		return ret;
	return cmd->run(&ctx, npos, argv);
}

/* Results that never reached stdout (disk full, closed pipe) are an error. */
static int check_stdout(int ret)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (ret == 0)
			ret = dfc_error(DFC_EINTERNAL, "cannot write to standard output: %s",
					strerror(errno));
	}
	return ret;
}

int main(int argc, char **argv)
{
	const struct opt *tables[2] = { global_options, NULL };
	const struct command *cmd;
	bool help = false;
	int npos = 0, ret = 0;

	/* Hidden helpers for completions/: the same tables that parse. */
	if (argc == 2 && !strcmp(argv[1], "--list-commands")) {
		for (size_t i = 0; i < NR_COMMANDS; i++)
			printf("%s\n", commands[i]->name);
		goto out;
	}
	if (argc == 3 && !strcmp(argv[2], "--list-options")) {
		cmd = find_command(argv[1]);
		print_option_words(cmd ? cmd->options : NULL);
		print_option_words(global_options);
		printf("--help\n");
		goto out;
	}
	if (argc == 2 && !strcmp(argv[1], "--list-ids")) {
		print_store_words(NULL);
		goto out;
	}
	if (argc == 3 && !strcmp(argv[1], "--list-versions")) {
		print_store_words(argv[2]);
		goto out;
	}
	if (argc >= 2 && !strcmp(argv[1], "--list-nodes")) {
		print_node_words(argc - 2, argv + 2);
		goto out;
	}
	if (argc == 2 && !strcmp(argv[1], "--list-config-keys")) {
		for (int i = 0; i < CONFIG_NR_KEYS; i++)
			printf("%s\n", config_keys[i].name);
		goto out;
	}
	ret = opt_parse(argc, argv, tables, true, &npos, &help);
	if (ret < 0) {
		hint_swallowed_command(ret, "see '" PROG " --help'");
		goto out;
	}
	if (show_version && npos == 0) {
		printf(PROG " %s\n", DFC_VERSION);
		goto out;
	}
	if (help || npos == 0) {
		print_usage(help ? stdout : stderr);
		ret = help ? 0 : DFC_EUSAGE;
		if (!help)
			dfc_error(ret, "no command given");
		goto out;
	}
	/* `pipeline share ...` is the same as `share ...` (SPEC §4). */
	if (npos > 1 && !strcmp(argv[0], "pipeline")) {
		argv++;
		npos--;
	}
	/* Before the command: `--color list` took "list" for its value. */
	if ((ret = parse_color()) < 0)
		goto out;
	cmd = find_command(argv[0]);
	if (!cmd) {
		ret = hint_swallowed_command(
			dfc_error(DFC_EUSAGE, "unknown command '%s'", argv[0]),
			"see '" PROG " --help' for the list of commands");
		goto out;
	}
	ret = run_command(cmd, npos, argv);
out:
	ret = check_stdout(ret);
	if (ret < 0)
		cmd_print_error(ret);
	store_close(&ctx.store);
	config_release(&ctx.config);
	free(ctx.home);
	free(ctx.resolved_id);
	if (git_initialised)
		dfc_git_shutdown();
	/* A positive return from run() is an exit status of its own (cmd.h). */
	return ret > 0 ? ret : dfc_exit_status(ret);
}

/* cmd_config.c - get, set, unset and list settings, like git config. */
#include "cmd/cmd.h"

#include "dfc/config_edit.h"
#include "dfc/error.h"
#include "dfc/printable.h"
#include "dfc/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* Longest value read from standard input. */
#define MAX_VALUE_BYTES 65536

static bool show_origin;
static bool json_output;

static const struct opt options[] = {
	OPT_BOOL(0, "show-origin", &show_origin,
		 "show where each value comes from (flag, env, file or default)"),
	OPT_BOOL(0, "json", &json_output, "print get and list as JSON"),
	OPT_END(),
};

static const char *const usage[] = {
	"config get KEY [--show-origin] [--json]",
	"config set KEY [VALUE]     (no VALUE: read it from standard input)",
	"config unset KEY",
	"config list [--show-origin] [--json]",
	NULL,
};

/* "file:/path", "env:VAR", "flag:--catalog" or "default", into `out`. */
static void origin_text(struct buf *out, const struct config *cfg, int i)
{
	switch (cfg->origin[i]) {
	case CONFIG_ORIGIN_FLAG:
		buf_addf(out, "flag:%s", config_keys[i].flag);
		break;
	case CONFIG_ORIGIN_ENV:
		buf_addf(out, "env:%s", config_keys[i].env);
		break;
	case CONFIG_ORIGIN_FILE:
		buf_addf(out, "file:%s", cfg->path);
		break;
	case CONFIG_ORIGIN_DEFAULT:
		buf_adds(out, "default");
		break;
	}
}

/* {"value"|"set", "origin", "source"} of key `i`; a secret has no value. */
static json_t *entry_json(const struct config *cfg, int i, const char *value)
{
	static const char *const origins[] = {"default", "file", "env", "flag"};
	const char *source = NULL;
	json_t *entry = json_object();

	if (config_keys[i].secret)
		json_object_set_new(entry, "set", json_true());
	else if (config_keys[i].type == CONFIG_TYPE_SIZE)
		json_object_set_new(entry, "value", json_integer(strtoll(value, NULL, 10)));
	else
		json_object_set_new(entry, "value", json_string(value));
	json_object_set_new(entry, "origin", json_string(origins[cfg->origin[i]]));
	if (cfg->origin[i] == CONFIG_ORIGIN_FILE)
		source = cfg->path;
	else if (cfg->origin[i] == CONFIG_ORIGIN_ENV)
		source = config_keys[i].env;
	else if (cfg->origin[i] == CONFIG_ORIGIN_FLAG)
		source = config_keys[i].flag;
	if (source)
		json_object_set_new(entry, "source", json_string(source));
	return entry;
}

/* One line of get or list: [origin TAB] [key=] value; secrets hidden. */
static void print_entry(const struct config *cfg, int i, const char *value, bool with_key)
{
	struct buf line = BUF_INIT, origin = BUF_INIT;

	/* A hand-edited file may hold anything: the value and path made safe. */
	if (show_origin) {
		origin_text(&origin, cfg, i);
		printable_quote(&line, buf_cstr(&origin), SIZE_MAX);
		buf_addch(&line, '\t');
	}
	if (with_key)
		buf_addf(&line, "%s=", config_keys[i].name);
	printable_quote(&line, config_keys[i].secret ? "(hidden)" : value, SIZE_MAX);
	printf("%s\n", buf_cstr(&line));
	buf_release(&origin);
	buf_release(&line);
}

static int config_get(struct cmd_ctx *ctx, const char *name)
{
	struct buf value = BUF_INIT;
	int i, ret;

	if ((i = config_key_find(name)) < 0)
		return i;
	if ((ret = cmd_load_config(ctx)) < 0)
		return ret;
	if (!config_value(&ctx->config, i, &value))
		return dfc_hint(dfc_error(DFC_ENOTFOUND, "'%s' is not set", name),
				"set it with 'data-factory-cli config set %s VALUE'", name);
	if (json_output) {
		json_t *out = entry_json(&ctx->config, i, buf_cstr(&value));

		json_object_set_new(out, "key", json_string(name));
		cmd_print_json(out);
	} else if (config_keys[i].secret && !show_origin) {
		/* A secret on stdout ends up in logs and terminals' scrollback. */
		cmd_note(ctx, "%s is set; its value is never printed", name);
	} else {
		print_entry(&ctx->config, i, buf_cstr(&value), false);
	}
	buf_release(&value);
	return 0;
}

static int config_list(struct cmd_ctx *ctx)
{
	json_t *out = json_output ? json_object() : NULL;
	struct buf value = BUF_INIT;
	int ret;

	if ((ret = cmd_load_config(ctx)) < 0) {
		json_decref(out);
		return ret;
	}
	for (int i = 0; i < CONFIG_NR_KEYS; i++) {
		buf_reset(&value);
		if (!config_value(&ctx->config, i, &value))
			continue;
		if (out)
			json_object_set_new(out, config_keys[i].name,
					    entry_json(&ctx->config, i, buf_cstr(&value)));
		else
			print_entry(&ctx->config, i, buf_cstr(&value), true);
	}
	if (out)
		cmd_print_json(out);
	buf_release(&value);
	return 0;
}

/*
 * One line of standard input (so a token stays out of the shell's history
 * and of `ps`); asked for without echo on a terminal.
 */
static int read_value(struct buf *out, const struct config_key *k)
{
	struct termios saved, quiet;
	bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
	int c;

	if (tty) {
		fprintf(stderr, "%s: ", k->name);
		quiet = saved;
		if (k->secret)
			quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	while ((c = getchar()) != EOF && c != '\n' && out->len <= MAX_VALUE_BYTES)
		buf_addch(out, (char)c);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
		if (k->secret)
			fputc('\n', stderr);
	}
	if (out->len && out->data[out->len - 1] == '\r')
		buf_truncate(out, out->len - 1);
	if (out->len > MAX_VALUE_BYTES)
		return dfc_error(DFC_EUSAGE, "the value of '%s' is longer than %d bytes", k->name,
				 MAX_VALUE_BYTES);
	return 0;
}

/* Say when the file's new value is not the one in effect. */
static void note_override(struct cmd_ctx *ctx, int i)
{
	const char *env = config_keys[i].env;
	const char *value = env ? getenv(env) : NULL;

	if (ctx->catalog_option && *ctx->catalog_option && i == CONFIG_CATALOG_URL)
		cmd_note(ctx, "--catalog overrides %s in this command", config_keys[i].name);
	else if (value && *value)
		cmd_note(ctx, "%s is set and overrides %s from the file", env, config_keys[i].name);
}

static int config_set(struct cmd_ctx *ctx, const char *name, const char *given)
{
	struct buf input = BUF_INIT;
	char *path = NULL;
	int i, ret;

	if ((i = config_key_find(name)) < 0)
		return i;
	if (!given && (ret = read_value(&input, &config_keys[i])) < 0)
		goto out;
	ret = config_edit_set(ctx->home, (enum config_key_index)i, given ? given : buf_cstr(&input),
			      &path);
	if (ret == 0) {
		if (ctx->verbose)
			cmd_note(ctx, "set %s in %s", name, path);
		note_override(ctx, i);
	}
out:
	if (input.data)
		memset(input.data, 0, input.len);
	buf_release(&input);
	free(path);
	return ret;
}

static int config_unset(struct cmd_ctx *ctx, const char *name)
{
	char *path = NULL;
	bool was_set;
	int i, ret;

	if ((i = config_key_find(name)) < 0)
		return i;
	ret = config_edit_unset(ctx->home, (enum config_key_index)i, &was_set, &path);
	if (ret == 0 && !was_set)
		cmd_note(ctx, "%s was not set in the config file; nothing changed", name);
	else if (ret == 0 && ctx->verbose)
		cmd_note(ctx, "removed %s from %s", name, path);
	free(path);
	return ret;
}

/* The actions and how many arguments each takes after its name. */
static const struct action {
	const char *name;
	int min_args, max_args;
} actions[] = {
	{"get", 1, 1},
	{"set", 1, 2},
	{"unset", 1, 1},
	{"list", 0, 0},
};

static int run(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct action *a = NULL;
	int nargs = argc - 1;

	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]) && !a; i++)
		if (!strcmp(actions[i].name, argv[0]))
			a = &actions[i];
	if (!a)
		return dfc_hint(dfc_error(DFC_EUSAGE, "unknown config action '%s'", argv[0]),
				"use 'config get', 'config set', 'config unset' or 'config list'");
	if (nargs < a->min_args || nargs > a->max_args)
		return dfc_hint(dfc_error(DFC_EUSAGE, "config %s: expected %s arguments", a->name,
					  nargs < a->min_args ? "more" : "fewer"),
				"see 'data-factory-cli config --help'");
	if (!strcmp(a->name, "get"))
		return config_get(ctx, argv[1]);
	if (!strcmp(a->name, "set"))
		return config_set(ctx, argv[1], nargs == 2 ? argv[2] : NULL);
	if (!strcmp(a->name, "unset"))
		return config_unset(ctx, argv[1]);
	return config_list(ctx);
}

const struct command cmd_config = {
	.name = "config",
	.summary = "get, set, unset or list settings (catalog.url, token, user.name, ...)",
	.usage = usage,
	.options = options,
	.needs = NEEDS_HOME,
	.min_args = 1,
	.max_args = 3,
	.run = run,
};

/* cmd_validate.c - check pipeline files and print every problem. */
#include "cmd/cmd.h"

#include "dfc/error.h"
#include "dfc/validate.h"

#include <stdio.h>

static bool json_output;

static const struct opt options[] = {
	OPT_BOOL(0, "json", &json_output, "print the result as JSON"),
	OPT_END(),
};

static const char *const usage[] = { "validate FILE... | -", NULL };

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

/* Check one file; the worse of `worst` and its result is returned. */
static int validate_one(struct cmd_ctx *ctx, const char *path, json_t *results)
{
	struct problems problems = PROBLEMS_INIT;
	struct pipeline p = PIPELINE_INIT;
	const char *name = path;
	int ret;

	ret = pipeline_load(&p, path, &problems);
	if (ret == 0)
		pipeline_validate(p.root, &problems);
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

static int run(struct cmd_ctx *ctx, int argc, char **argv)
{
	json_t *results = json_output ? json_array() : NULL;
	int ret = 0, failed = 0;

	for (int i = 0; i < argc; i++) {
		int r = validate_one(ctx, argv[i], results);

		failed += r < 0;
		ret = worse(ret, r);
	}
	if (results)
		cmd_print_json(results);
	if (ret < 0)
		dfc_error(ret, "%d of %d file%s failed validation", failed, argc,
			  argc == 1 ? "" : "s");
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

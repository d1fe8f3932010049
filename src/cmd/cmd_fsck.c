/* cmd_fsck.c - check that repo.git, its tags, the view and the tracking refs agree. */
#include "cmd/cmd.h"

#include "dfc/error.h"
#include "dfc/fsck.h"

#include <stdio.h>
#include <string.h>

static bool repair;
static bool json_output;

static const struct opt options[] = {
	OPT_BOOL(0, "repair", &repair,
		 "restore tags and rewrite the view from repo.git; move stray files to "
		 "pipelines/lost-found/"),
	OPT_BOOL(0, "json", &json_output, "print the problems (and repairs) as JSON"),
	OPT_END(),
};

static const char *const usage[] = {"fsck [--repair] [--json]", NULL};

static json_t *list_json(const struct fsck_list *list, bool problems)
{
	json_t *out = json_array();

	for (size_t i = 0; i < list->nr; i++) {
		const struct fsck_finding *f = &list->items[i];
		json_t *item = json_object();

		json_object_set_new(item, "kind", json_string(fsck_kind_name(f->kind)));
		json_object_set_new(item, "pipeline",
				    f->pipeline ? json_string(f->pipeline) : json_null());
		json_object_set_new(item, "version",
				    f->version ? json_integer(f->version) : json_null());
		json_object_set_new(item, "message", json_string(f->message));
		if (problems)
			json_object_set_new(item, "repairable", json_boolean(f->repairable));
		json_array_append_new(out, item);
	}
	return out;
}

static void print_report(const struct fsck_report *report)
{
	if (json_output) {
		json_t *out = json_object();

		json_object_set_new(out, "healthy", json_boolean(report->problems.nr == 0));
		json_object_set_new(out, "pipelines", json_integer(report->pipelines));
		json_object_set_new(out, "versions", json_integer(report->versions));
		json_object_set_new(out, "runs", json_integer(report->runs));
		json_object_set_new(out, "problems", list_json(&report->problems, true));
		json_object_set_new(out, "repaired", list_json(&report->repaired, false));
		cmd_print_json(out);
		return;
	}
	for (size_t i = 0; i < report->repaired.nr; i++)
		cmd_print_line(stdout, "repaired: %s", report->repaired.items[i].message);
	for (size_t i = 0; i < report->problems.nr; i++)
		cmd_print_line(stdout, "%s: %s", fsck_kind_name(report->problems.items[i].kind),
			       report->problems.items[i].message);
}

static int run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct fsck_report report = FSCK_REPORT_INIT;
	size_t repairable = 0, left;
	char checked[96];
	int ret;

	(void)argc;
	(void)argv;
	if ((ret = fsck_run(&report, ctx->home, repair)) < 0)
		goto out;
	print_report(&report);
	left = report.problems.nr;
	for (size_t i = 0; i < left; i++)
		repairable += report.problems.items[i].repairable;
	snprintf(checked, sizeof(checked), "checked %d pipeline%s, %d version%s", report.pipelines,
		 report.pipelines == 1 ? "" : "s", report.versions,
		 report.versions == 1 ? "" : "s");
	if (report.runs)
		snprintf(checked + strlen(checked), sizeof(checked) - strlen(checked), ", %d run%s",
			 report.runs, report.runs == 1 ? "" : "s");
	if (!left) {
		if (report.repaired.nr)
			cmd_note(ctx, "%s: no problems left, %zu repaired", checked,
				 report.repaired.nr);
		else
			cmd_note(ctx, "%s: no problems", checked);
		goto out;
	}
	ret = dfc_error(DFC_EINVALID, "%s: %zu problem%s%s", checked, left, left == 1 ? "" : "s",
			repair ? " left" : "");
	if (repairable && !repair)
		dfc_hint(ret, "'data-factory-cli fsck --repair' fixes %zu of them from repo.git",
			 repairable);
	if (left > repairable)
		dfc_hint(ret, "damage to repo.git itself is never repaired from the view: restore "
			      "repo.git from a backup, or fix the refs by hand with git");
out:
	fsck_report_release(&report);
	return ret;
}

const struct command cmd_fsck = {
	.name = "fsck",
	.summary = "check that repo.git, the view and the catalog-tracking refs agree",
	.usage = usage,
	.options = options,
	.needs = NEEDS_STORE,
	.min_args = 0,
	.max_args = 0,
	.run = run,
};

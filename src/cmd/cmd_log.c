/* cmd_log.c - the recorded versions of a pipeline, newest first. */
#include "cmd/cmd.h"

#include "dfc/catalog_read.h"
#include "dfc/error.h"
#include "dfc/runs.h"
#include "dfc/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *id;
static bool json_output;

static const struct opt options[] = {
	OPT_STRING('i', "id", &id, "ID", "the pipeline"),
	OPT_BOOL(0, "json", &json_output, "print the history as JSON"),
	OPT_END(),
};

static const char *const usage[] = { "log -i ID [--json]", "log FILE [--json]", NULL };

struct shared_version {
	char fingerprint[FINGERPRINT_SIZE];
	int version;
};

struct log_walk {
	struct store *store;
	const char *id;
	json_t *json;
	/* The catalog's last known versions, newest first. */
	struct shared_version *shared;
	size_t nr_shared;
	size_t alloc_shared;
	/* The runs recorded of the pipeline, newest first. */
	struct run_list runs;
};

/* How many recorded runs ran `version`, and the start of the newest. */
static int runs_of(const struct log_walk *walk, int version, const char **last)
{
	int n = 0;

	*last = NULL;
	for (size_t i = 0; i < walk->runs.nr; i++) {
		if (walk->runs.items[i].version != version)
			continue;
		if (!n++)
			*last = walk->runs.items[i].rec.start;
	}
	return n;
}

static int collect_shared(const struct catalog_version *v, void *payload)
{
	struct log_walk *walk = payload;
	struct shared_version *s;

	XGROW(walk->shared, walk->alloc_shared, walk->nr_shared + 1);
	s = &walk->shared[walk->nr_shared++];
	memcpy(s->fingerprint, v->fingerprint, sizeof(s->fingerprint));
	s->version = v->version;
	return 0;
}

/* The newest catalog version with the same content as local `version`. */
static int catalog_version_of(struct log_walk *walk, int version, int *out)
{
	char fingerprint[FINGERPRINT_SIZE];
	int ret;

	*out = 0;
	if (!walk->nr_shared)
		return 0;
	if ((ret = store_fingerprint(walk->store, walk->id, version, fingerprint)) < 0)
		return ret;
	for (size_t i = 0; i < walk->nr_shared && !*out; i++)
		if (!strcmp(walk->shared[i].fingerprint, fingerprint))
			*out = walk->shared[i].version;
	return 0;
}

static int print_version(const struct version_info *info, void *payload)
{
	struct log_walk *walk = payload;
	char date[CMD_TIME_SIZE], catalog[32] = "", ran[64] = "";
	const char *last;
	int shared, ret, nr_runs;

	if ((ret = catalog_version_of(walk, info->version, &shared)) < 0)
		return ret;
	nr_runs = runs_of(walk, info->version, &last);
	if (walk->json) {
		json_t *item = cmd_version_json(walk->id, info);

		json_object_set_new(item, "catalog_version",
				    shared ? json_integer(shared) : json_null());
		json_object_set_new(item, "runs", json_integer(nr_runs));
		json_object_set_new(item, "last_run", last ? json_string(last) : json_null());
		json_array_append_new(walk->json, item);
		return 0;
	}
	cmd_format_time(date, info->time, info->offset);
	date[10] = ' ';
	if (shared)
		snprintf(catalog, sizeof(catalog), "  [catalog v%d]", shared);
	if (nr_runs)
		snprintf(ran, sizeof(ran), "  [ran %d time%s, last %.10s]", nr_runs,
			 nr_runs == 1 ? "" : "s", last ? last : "?");
	/* Author and subject come from commits: one safe line. */
	cmd_print_line(stdout, "v%-4d %s  %.12s  %s <%s>  %s%s%s", info->version, date,
		       info->commit, info->author_name, info->author_email, info->summary, catalog,
		       ran);
	return 0;
}

static int run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct working_file wf = WORKING_FILE_INIT;
	struct log_walk walk = { NULL, NULL, NULL, NULL, 0, 0, RUN_LIST_INIT };
	int ret;

	if (argc && id) {
		ret = dfc_error(DFC_EUSAGE, "give either -i ID or FILE, not both");
		goto out;
	}
	if (argc)
		ret = cmd_id_from_file(&wf, argv[0], &id);
	else
		ret = cmd_resolve_id(ctx, &id);
	if (ret < 0 || (ret = cmd_open_store(ctx, false)) < 0 ||
	    (ret = store_open_pipeline(&ctx->store, id)) < 0)
		goto out;
	walk.store = &ctx->store;
	walk.id = id;
	if ((ret = catalog_for_each_version(&ctx->store, id, collect_shared, &walk)) < 0)
		goto out;
	/* Runs are a note beside the history: runs that cannot be read are fsck's. */
	if (runs_list(&ctx->store, id, &walk.runs) < 0)
		dfc_error_clear();
	walk.json = json_output ? json_array() : NULL;
	ret = store_for_each_version(&ctx->store, id, print_version, &walk);
	if (walk.json) {
		if (ret == 0)
			cmd_print_json(walk.json);
		else
			json_decref(walk.json);
	}
out:
	free(walk.shared);
	run_list_release(&walk.runs);
	working_file_release(&wf);
	return ret;
}

const struct command cmd_log = {
	.name = "log",
	.summary = "list the recorded versions of a pipeline, newest first",
	.usage = usage,
	.options = options,
	.needs = NEEDS_STORE,
	.min_args = 0,
	.max_args = 1,
	.run = run,
};

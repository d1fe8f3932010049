/* cmd_status.c - where a working file stands against its recorded versions. */
#include "cmd/cmd.h"

#include "dfc/catalog_read.h"
#include "dfc/error.h"

#include <stdio.h>
#include <string.h>

static bool json_output;

static const struct opt options[] = {
	OPT_BOOL(0, "json", &json_output, "print the status as JSON"),
	OPT_END(),
};

static const char *const usage[] = { "status FILE [--json]", NULL };

/*
 * The states a working file can be in against the local store:
 * new        no id yet: 'create' records version 1
 * untracked  an id the local store does not have
 * clean      equals the latest version
 * old        equals an older version
 * modified   holds changes that are in no version
 */
struct status {
	const char *state;
	const char *id;
	int latest;
	int matching;
	/* The catalog's last known latest version, and the one FILE equals. */
	int catalog_latest;
	int catalog_matching;
};

/* The path and the id come from the command line and the file. */
static void print_text(const char *path, const struct status *st)
{
	const char *state = st->state;

	cmd_print_line(stdout, "file:     %s", path);
	if (st->id)
		cmd_print_line(stdout, "pipeline: %s", st->id);
	if (st->latest)
		printf("local:    version %d is the latest\n", st->latest);
	if (st->catalog_latest) {
		printf("catalog:  version %d is the latest (last known; 'list --refresh' asks)\n",
		       st->catalog_latest);
		if (st->catalog_matching)
			printf("          the file equals catalog version %d\n", st->catalog_matching);
		else
			printf("          the file is in no catalog version\n");
	}
	if (!strcmp(state, "new"))
		cmd_print_line(stdout,
			       "state:    %s (no id yet; 'data-factory-cli create %s' "
			       "records version 1)",
			       state, path);
	else if (!strcmp(state, "untracked"))
		cmd_print_line(stdout,
			       "state:    %s (not in the local store; 'data-factory-cli "
			       "create %s' adopts it)",
			       state, path);
	else if (!strcmp(state, "clean"))
		printf("state:    %s (equals version %d)\n", state, st->matching);
	else if (!strcmp(state, "old"))
		printf("state:    %s (equals version %d, not the latest)\n", state, st->matching);
	else
		cmd_print_line(stdout,
			       "state:    %s (changes since version %d; 'data-factory-cli "
			       "update %s' records them)",
			       state, st->latest, path);
}

static void print_json(const char *path, const struct status *st)
{
	json_t *out = json_object();

	json_object_set_new(out, "file", json_string(path));
	json_object_set_new(out, "id", st->id ? json_string(st->id) : json_null());
	json_object_set_new(out, "state", json_string(st->state));
	json_object_set_new(out, "latest_version",
			    st->latest ? json_integer(st->latest) : json_null());
	json_object_set_new(out, "matching_version",
			    st->matching ? json_integer(st->matching) : json_null());
	json_object_set_new(out, "catalog_version",
			    st->catalog_latest ? json_integer(st->catalog_latest) : json_null());
	json_object_set_new(out, "catalog_matching_version",
			    st->catalog_matching ? json_integer(st->catalog_matching)
						 : json_null());
	cmd_print_json(out);
}

struct catalog_match {
	char fingerprint[FINGERPRINT_SIZE];
	int version;
};

static int match_catalog(const struct catalog_version *v, void *payload)
{
	struct catalog_match *m = payload;

	if (strcmp(v->fingerprint, m->fingerprint))
		return 0;
	m->version = v->version;
	return 1;
}

/* Where FILE stands against the catalog's last known versions (offline). */
static int catalog_status(struct cmd_ctx *ctx, struct working_file *wf, struct status *st)
{
	struct catalog_match m = { "", 0 };
	int ret;

	if ((ret = catalog_latest_version(&ctx->store, st->id, &st->catalog_latest)) < 0 ||
	    !st->catalog_latest)
		return ret;
	working_file_fingerprint(wf, m.fingerprint);
	ret = catalog_for_each_version(&ctx->store, st->id, match_catalog, &m);
	st->catalog_matching = m.version;
	return ret < 0 ? ret : 0;
}

static int run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct working_file wf = WORKING_FILE_INIT;
	struct status st = { "new", NULL, 0, 0, 0, 0 };
	int ret;

	(void)argc;
	if ((ret = working_file_load(&wf, argv[0], true)) < 0)
		goto out;
	st.id = pipeline_id(&wf.pipeline);
	if (!st.id)
		goto print;
	ret = cmd_open_store(ctx, false);
	if (ret == DFC_ENOTFOUND) {
		ret = 0;
		dfc_error_clear();
		st.state = "untracked";
		goto print;
	}
	if (ret < 0 || (ret = catalog_status(ctx, &wf, &st)) < 0)
		goto out;
	if (!store_has_pipeline(&ctx->store, st.id)) {
		st.state = "untracked";
		goto print;
	}
	working_file_canonical(&wf);
	if ((ret = store_open_pipeline(&ctx->store, st.id)) < 0 ||
	    (ret = store_latest_version(&ctx->store, st.id, &st.latest)) < 0 ||
	    (ret = store_find_version(&ctx->store, st.id, wf.canonical.data,
				      wf.canonical.len, &wf.scripts, &st.matching)) < 0)
		goto out;
	/* A file from `sync` carries catalog ids the local versions lack. */
	if (!st.matching &&
	    (ret = working_file_find_version(ctx, &wf, st.id, st.latest, 1, &st.matching)) < 0)
		goto out;
	st.state = st.matching == st.latest ? "clean" : st.matching ? "old" : "modified";
print:
	if (json_output)
		print_json(argv[0], &st);
	else
		print_text(argv[0], &st);
out:
	working_file_release(&wf);
	return ret;
}

const struct command cmd_status = {
	.name = "status",
	.summary = "show where a pipeline file stands against its local and catalog versions",
	.usage = usage,
	.options = options,
	.needs = NEEDS_STORE,
	.min_args = 1,
	.max_args = 1,
	.run = run,
};

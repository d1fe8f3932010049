/* cmd_sync.c - bring a catalog version into the working file. */
#include "cmd/cmd.h"

#include "dfc/catalog_fetch.h"
#include "dfc/catalog_read.h"
#include "dfc/canonical.h"
#include "dfc/catalog_base.h"
#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/merge.h"

#include <stdio.h>
#include <string.h>

static int version;
static bool force;
static const char *token;

static const struct opt options[] = {
	OPT_INT('v', "version", &version, "N", "catalog version N (default: the latest)"),
	OPT_BOOL(0, "force", &force, "overwrite changes that are in no version"),
	OPT_STRING(0, "token", &token, "TOKEN", "bearer token for an HTTP(S) catalog"),
	OPT_END(),
};

static const char *const usage[] = { "sync FILE [--version N] [--force] [--token TOKEN]", NULL };

struct known_search {
	char fingerprint[FINGERPRINT_SIZE];
	bool found;
};

static int same_content(const struct catalog_version *v, void *payload)
{
	struct known_search *s = payload;

	s->found = !strcmp(v->fingerprint, s->fingerprint);
	return s->found;
}

/* Whether FILE's content is that of some version of `id` in the catalog. */
static int in_catalog(struct cmd_ctx *ctx, struct working_file *wf, const char *id, bool *found)
{
	struct known_search search = { "", false };
	int ret;

	working_file_fingerprint(wf, search.fingerprint);
	ret = catalog_for_each_version(&ctx->store, id, same_content, &search);
	*found = search.found;
	return ret < 0 ? ret : 0;
}

/*
 * The local version of `id` whose content FILE holds into `*local` (0:
 * none), and whether it is the latest one.
 */
static int in_store(struct cmd_ctx *ctx, struct working_file *wf, const char *id, int *local,
		    bool *latest)
{
	int last = 0, ret = 0;

	*local = 0;
	if (store_has_pipeline(&ctx->store, id) &&
	    ((ret = store_find_version(&ctx->store, id, wf->canonical.data, wf->canonical.len,
				       &wf->scripts, local)) < 0 ||
	     (ret = store_latest_version(&ctx->store, id, &last)) < 0))
		return ret;
	*latest = *local && *local == last;
	return 0;
}

/* The JSON of a catalog version (new reference), or NULL with the error set. */
static json_t *version_json(const struct catalog_version *v)
{
	json_t *root = json_loadb(v->pipeline_json.data, v->pipeline_json.len, 0, NULL);

	if (!root)
		dfc_error(DFC_EINTERNAL, "catalog version %d is not JSON", v->version);
	return root;
}

/*
 * A working file may name its scripts and datasets by path alone: where a
 * node of `ours` has no script_id or dataset_id, it is taken as the base's
 * (the content the file started from), not as a change.
 */
static void adopt_base_ids(json_t *ours, const json_t *base)
{
	const char *keys[] = { "script_id", "dataset_id" };
	json_t *by_id = json_object(), *node;
	size_t i;

	/* The base's nodes by id: one pass each, for pipelines of any size. */
	json_array_foreach(json_object_get(base, "nodes"), i, node) {
		const char *id = json_string_value(json_object_get(node, "id"));

		if (id && !json_object_get(by_id, id))
			json_object_set(by_id, id, node);
	}
	json_array_foreach(json_object_get(ours, "nodes"), i, node) {
		const char *id = json_string_value(json_object_get(node, "id"));
		json_t *other = id ? json_object_get(by_id, id) : NULL;

		for (size_t n = 0; other && n < 2; n++)
			if (!json_object_get(node, keys[n]) && json_object_get(other, keys[n]))
				json_object_set(node, keys[n], json_object_get(other, keys[n]));
	}
	json_decref(by_id);
}

/*
 * Three-way sync: FILE (ours) and the catalog version `target` (theirs)
 * both moved from `base`. Writes the merge into FILE, or lists the
 * conflicts (exit 8) and leaves FILE as it was.
 */
static int merge_into_file(struct cmd_ctx *ctx, struct working_file *wf, const char *shown,
			   const struct catalog_version *base, const struct catalog_version *target)
{
	struct merge_result res = MERGE_RESULT_INIT;
	json_t *b = version_json(base), *t = b ? version_json(target) : NULL;
	json_t *ours = json_deep_copy(wf->pipeline.root);
	struct buf out = BUF_INIT;
	int ret;

	if (!b || !t) {
		ret = DFC_EINTERNAL;
		goto out;
	}
	adopt_base_ids(ours, b);
	if ((ret = merge_documents(b, ours, t, &res)) < 0)
		goto out;
	if (res.nr_conflicts) {
		cmd_report_merge_conflicts(shown, &res);
		ret = dfc_error(DFC_ECONFLICT,
				"'%s' and catalog version %d both changed version %d: %zu conflicting "
				"change%s; '%s' was left as it was",
				shown, target->version, base->version, res.nr_conflicts,
				res.nr_conflicts == 1 ? "" : "s", shown);
		ret = dfc_hint(ret, "edit '%s' to take one side of each, then sync again; or "
				    "'sync --force' to take the catalog's",
				    shown);
		goto out;
	}
	canonical_dump(&out, res.merged);
	if ((ret = fs_write_atomic(wf->path, out.data, out.len, -1)) < 0)
		goto out;
	cmd_note(ctx, "merged catalog version %d into '%s': %zu change%s from the catalog, %zu of "
		      "yours kept, %zu made on both sides",
		 target->version, shown, res.from_theirs, res.from_theirs == 1 ? "" : "s",
		 res.from_ours, res.from_both);
out:
	merge_result_release(&res);
	buf_release(&out);
	json_decref(b);
	json_decref(t);
	json_decref(ours);
	return ret;
}

/* The runs the catalog has and this home lacks, recorded here (fetched with the versions). */
static int take_runs(struct cmd_ctx *ctx, struct catalog *cat, const char *id)
{
	struct runs_merged merged;
	int ret = catalog_take_runs(cat, id, &merged);

	if (ret == 0 && merged.taken)
		cmd_note(ctx, "recorded %zu run(s) of '%s' from the catalog", merged.taken, id);
	return ret;
}

static int run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct working_file wf = WORKING_FILE_INIT;
	struct catalog_version target = { 0 }, base = { 0 };
	struct catalog cat = CATALOG_INIT;
	const char *id;
	int base_version = 0, local = 0;
	bool known, latest = false;
	int ret;

	(void)argc;
	if ((ret = working_file_load(&wf, argv[0], true)) < 0)
		goto out;
	id = pipeline_id(&wf.pipeline);
	if (!id) {
		ret = dfc_hint(dfc_error(DFC_ENOTFOUND, "'%s' has no pipeline id", argv[0]),
			       "sync needs the id of a pipeline in the catalog");
		goto out;
	}
	working_file_canonical(&wf);
	if ((ret = cmd_open_catalog(ctx, &cat, token)) < 0 ||
	    (ret = catalog_fetch(&cat, id)) < 0 || (ret = take_runs(ctx, &cat, id)) < 0 ||
	    (ret = catalog_read_version(&ctx->store, id, version, &target)) < 0)
		goto out;
	if (target.pipeline_json.len == wf.pipeline.source_len &&
	    !memcmp(target.pipeline_json.data, wf.pipeline.source, wf.pipeline.source_len)) {
		cmd_note(ctx, "'%s' already is catalog version %d", argv[0], target.version);
		printf("%d\n", target.version);
		goto record_base;
	}
	/*
	 * FILE holding a catalog version, or an older local one, lags behind:
	 * it is brought forward. Else FILE has edits of its own (the latest
	 * local version records them, or none does): merged with what the
	 * catalog did since the version this home last synced or shared.
	 */
	if ((ret = in_catalog(ctx, &wf, id, &known)) < 0 ||
	    (!known && (ret = in_store(ctx, &wf, id, &local, &latest)) < 0) ||
	    (ret = catalog_base_version(&cat, id, &base_version)) < 0 ||
	    (base_version && (ret = catalog_read_version(&ctx->store, id, base_version, &base)) < 0))
		goto out;
	if (!known && local && !latest)
		known = true;
	if (!force && !known && base.version) {
		if (!strcmp(base.commit, target.commit)) {
			cmd_note(ctx, "'%s' holds changes of its own; the catalog has nothing newer "
				      "than version %d",
				 argv[0], base.version);
			goto out;
		}
		if ((ret = merge_into_file(ctx, &wf, argv[0], &base, &target)) < 0)
			goto out;
		printf("%d\n", target.version);
		goto record_base;
	}
	if (!force && !known && !local) {
		ret = dfc_hint(dfc_error(DFC_ECONFLICT,
					 "'%s' holds changes that are in no local and no catalog "
					 "version, and this home never synced '%s', so they cannot "
					 "be merged",
					 argv[0], id),
			       "keep a copy of '%s', take the catalog's version with 'sync "
			       "--force', and apply your edits to it again",
			       argv[0]);
		goto out;
	}
	ret = fs_write_atomic(wf.path, target.pipeline_json.data, target.pipeline_json.len, -1);
	if (ret < 0)
		goto out;
	printf("%d\n", target.version);
	if (ctx->verbose)
		cmd_note(ctx, "wrote catalog version %d of %s into '%s'", target.version, id,
			 argv[0]);
record_base:
	ret = catalog_base_record_hex(&cat, id, target.commit);
out:
	catalog_version_release(&base);
	catalog_version_release(&target);
	catalog_release(&cat);
	working_file_release(&wf);
	return ret;
}

const struct command cmd_sync = {
	.name = "sync",
	.summary = "overwrite a pipeline file with a catalog version",
	.usage = usage,
	.options = options,
	.needs = NEEDS_STORE,
	.min_args = 1,
	.max_args = 1,
	.run = run,
};

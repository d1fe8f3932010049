/* cmd_list.c - pipelines, scripts and datasets, local and in the catalog. */
#define _GNU_SOURCE
#include "cmd/cmd.h"

#include "dfc/catalog_compare.h"
#include "dfc/catalog_fetch.h"
#include "dfc/catalog_read.h"
#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/refs.h"
#include "dfc/table.h"
#include "dfc/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static bool local_only;
static bool catalog_only;
static bool refresh;
static const char *search;
static bool json_output;
static const char *token;

static const struct opt options[] = {
	OPT_BOOL(0, "local-only", &local_only, "only what the local store has"),
	OPT_BOOL(0, "catalog-only", &catalog_only, "only what the catalog has"),
	OPT_BOOL(0, "refresh", &refresh, "ask the catalog now (otherwise its last known state)"),
	OPT_STRING(0, "search", &search, "TEXT", "only entries whose id or name holds TEXT"),
	OPT_BOOL(0, "json", &json_output, "print the list as JSON"),
	OPT_STRING(0, "token", &token, "TOKEN", "bearer token for an HTTP(S) catalog"),
	OPT_END(),
};

static const char *const usage[] = {
	"list [pipelines|scripts|datasets] [--local-only|--catalog-only] [--refresh] "
	"[--search TEXT] [--json]",
	NULL,
};

static bool matches(const char *id, const char *name)
{
	return !search || strcasestr(id, search) || (name && strcasestr(name, search));
}

/* The "name" of a pipeline.json text, newly allocated, or NULL. */
static char *name_of(const struct buf *pipeline_json)
{
	json_t *root = json_loadb(pipeline_json->data, pipeline_json->len, 0, NULL);
	const char *name = json_string_value(json_object_get(root, "name"));
	char *out = name ? xstrdup(name) : NULL;

	json_decref(root);
	return out;
}

/* Every pipeline id of the local store and of the catalog's last known state. */
static int all_ids(struct cmd_ctx *ctx, struct strvec *local, struct strvec *catalog,
		   struct strvec *both)
{
	int ret;

	if ((ret = store_list_ids(&ctx->store, REFS_BRANCH_PREFIX, local)) < 0 ||
	    (ret = store_list_ids(&ctx->store, REFS_TRACKING_PREFIX, catalog)) < 0)
		return ret;
	for (size_t i = 0; i < local->nr; i++)
		strvec_push(both, local->items[i]);
	for (size_t i = 0; i < catalog->nr; i++)
		if (!strvec_has(local, catalog->items[i]))
			strvec_push(both, catalog->items[i]);
	return 0;
}

/*
 * One row per pipeline: every local one, then those only the catalog has.
 * The refs are read once, each side's latest commit once, and one
 * pipeline.json for the name; the state comes from the two commits'
 * fingerprints (catalog.h), so no history is walked when both sides agree.
 */
static int list_pipelines(struct cmd_ctx *ctx, struct table *table, json_t *json)
{
	struct tip_list local = TIP_LIST_INIT, catalog = TIP_LIST_INIT;
	size_t total;
	int ret;

	if ((ret = store_list_tips(&ctx->store, REFS_BRANCH_PREFIX, &local)) < 0 ||
	    (ret = store_list_tips(&ctx->store, REFS_TRACKING_PREFIX, &catalog)) < 0)
		goto out;
	total = local.nr + catalog.nr;
	for (size_t i = 0; i < total; i++) {
		const struct tip *lt, *ct;
		const char *id;
		struct catalog_sides sides = { 0 };
		struct buf text = BUF_INIT;
		const char *state;
		char *name = NULL;
		char lbuf[16] = "-", cbuf[16] = "-";

		if (i < local.nr) {
			lt = &local.items[i];
			ct = tip_list_find(&catalog, lt->id);
			id = lt->id;
		} else {
			lt = NULL;
			ct = &catalog.items[i - local.nr];
			id = ct->id;
			if (tip_list_find(&local, id))
				continue; /* its row came with the local ones */
		}
		if ((local_only && !lt) || (catalog_only && !ct))
			continue;
		if ((ret = catalog_sides_open(&sides, &ctx->store, lt ? &lt->commit : NULL,
					      ct ? &ct->commit : NULL)) < 0 ||
		    (ret = catalog_sides_pipeline_json(&ctx->store, &sides, &text)) < 0)
			goto next;
		name = name_of(&text);
		if (!matches(id, name) ||
		    (ret = catalog_sides_compare(&ctx->store, &sides, &state)) < 0)
			goto next;
		if (sides.local_version)
			snprintf(lbuf, sizeof(lbuf), "%d", sides.local_version);
		if (sides.catalog_version)
			snprintf(cbuf, sizeof(cbuf), "%d", sides.catalog_version);
		if (json) {
			json_array_append_new(
				json,
				json_pack("{s:s, s:o, s:o, s:o, s:s}", "id", id, "name",
					  name ? json_string(name) : json_null(), "local_version",
					  sides.local_version ? json_integer(sides.local_version)
							      : json_null(),
					  "catalog_version",
					  sides.catalog_version ? json_integer(sides.catalog_version)
								: json_null(),
					  "state", state));
		} else {
			const char *row[] = { id, name, lbuf, cbuf, state };

			table_add(table, row);
		}
next:
		free(name);
		buf_release(&text);
		catalog_sides_release(&sides);
		if (ret < 0)
			goto out;
	}
out:
	tip_list_release(&local);
	tip_list_release(&catalog);
	return ret;
}

/* One script or dataset and the pipelines that use it. */
struct entry {
	char *id;
	char *name;
	long long size;
	bool local;
	bool catalog;
	struct buf pipelines;
};

struct entries {
	struct entry *items;
	size_t nr;
	size_t alloc;
};

static struct entry *entry_get(struct entries *list, const char *id, const char *name)
{
	struct entry *e;

	for (size_t i = 0; i < list->nr; i++)
		if (!strcmp(list->items[i].id, id))
			return &list->items[i];
	XGROW(list->items, list->alloc, list->nr + 1);
	e = &list->items[list->nr++];
	memset(e, 0, sizeof(*e));
	e->id = xstrdup(id);
	e->name = xstrdup(name);
	e->size = -1;
	return e;
}

static void entry_used_by(struct entry *e, const char *pipeline)
{
	const char *p = buf_cstr(&e->pipelines);
	size_t n = strlen(pipeline);

	for (const char *hit = strstr(p, pipeline); hit; hit = strstr(hit + 1, pipeline))
		if ((hit == p || hit[-1] == ',') && (hit[n] == ',' || !hit[n]))
			return;
	if (e->pipelines.len)
		buf_addch(&e->pipelines, ',');
	buf_adds(&e->pipelines, pipeline);
}

static void entries_release(struct entries *list)
{
	for (size_t i = 0; i < list->nr; i++) {
		free(list->items[i].id);
		free(list->items[i].name);
		buf_release(&list->items[i].pipelines);
	}
	free(list->items);
}

/* Scripts of the latest local version of `id`. */
static int local_scripts(struct cmd_ctx *ctx, const char *id, struct entries *out)
{
	struct script_files files = SCRIPT_FILES_INIT;
	int ret = store_read_scripts(&ctx->store, id, 0, &files);

	for (size_t i = 0; ret == 0 && i < files.nr; i++) {
		const struct script_file *f = &files.items[i];
		char blob_id[GIT_OID_HEXSZ + 1];
		struct entry *e;

		script_file_blob_id(blob_id, f);
		e = entry_get(out, blob_id, f->name);
		e->size = (long long)f->content.len;
		e->local = true;
		entry_used_by(e, id);
	}
	script_files_release(&files);
	return ret;
}

/* Scripts (`scripts`) or datasets of the latest catalog version of `id`. */
static int catalog_entries(struct cmd_ctx *ctx, const char *id, bool scripts,
			   struct entries *out)
{
	struct catalog_entries found = CATALOG_ENTRIES_INIT;
	struct catalog_version cv = { 0 };
	int ret = catalog_read_version(&ctx->store, id, 0, &cv);

	if (ret < 0)
		return ret;
	catalog_version_entries(&found, &cv, scripts);
	for (size_t i = 0; i < found.nr; i++) {
		struct entry *e = entry_get(out, found.items[i].id, found.items[i].name);

		e->catalog = true;
		entry_used_by(e, id);
		if (e->size < 0)
			e->size = catalog_entry_size(&ctx->store, &found.items[i]);
	}
	catalog_entries_release(&found);
	catalog_version_release(&cv);
	return 0;
}

/* Datasets of the latest local version of `id`, by file name. */
static int local_datasets(struct cmd_ctx *ctx, const char *id, struct entries *out)
{
	struct buf text = BUF_INIT;
	json_t *root;
	size_t i;
	json_t *node;
	int ret = store_read_file(&ctx->store, id, 0, "pipeline.json", &text);

	if (ret < 0)
		return ret;
	root = json_loadb(text.data, text.len, 0, NULL);
	json_array_foreach(json_object_get(root, "nodes"), i, node) {
		const char *type = json_string_value(json_object_get(node, "type"));
		const char *did = json_string_value(json_object_get(node, "dataset_id"));
		const char *path = json_string_value(json_object_get(node, "path"));
		const char *url = json_string_value(json_object_get(node, "url"));
		const char *where = path ? path : url;
		struct entry *e;

		if (!type || strcmp(type, "dataset") || !where)
			continue;
		e = entry_get(out, did ? did : where, fs_basename(where));
		e->local = true;
		entry_used_by(e, id);
	}
	json_decref(root);
	buf_release(&text);
	return 0;
}

static int list_files(struct cmd_ctx *ctx, const char *kind, struct table *table, json_t *json)
{
	struct strvec local = STRVEC_INIT, catalog = STRVEC_INIT, both = STRVEC_INIT;
	struct entries list = { NULL, 0, 0 };
	bool scripts = !strcmp(kind, "script");
	int ret;

	if ((ret = all_ids(ctx, &local, &catalog, &both)) < 0)
		goto out;
	for (size_t i = 0; i < local.nr && !catalog_only; i++)
		if ((ret = scripts ? local_scripts(ctx, local.items[i], &list)
				   : local_datasets(ctx, local.items[i], &list)) < 0)
			goto out;
	for (size_t i = 0; i < catalog.nr && !local_only; i++)
		if ((ret = catalog_entries(ctx, catalog.items[i], scripts, &list)) < 0)
			goto out;
	for (size_t i = 0; i < list.nr; i++) {
		const struct entry *e = &list.items[i];
		const char *where = e->local && e->catalog ? "both" : e->local ? "local" : "catalog";
		char size[32] = "-";

		if (!matches(e->id, e->name))
			continue;
		if (e->size >= 0)
			snprintf(size, sizeof(size), "%lld", e->size);
		if (json) {
			json_array_append_new(
				json, json_pack("{s:s, s:s, s:o, s:s, s:s}", "id", e->id, "name",
						e->name, "size",
						e->size >= 0 ? json_integer(e->size) : json_null(),
						"where", where, "pipelines", buf_cstr(&e->pipelines)));
		} else {
			const char *row[] = { e->id, e->name, size, where, buf_cstr(&e->pipelines) };

			table_add(table, row);
		}
	}
out:
	entries_release(&list);
	strvec_release(&local);
	strvec_release(&catalog);
	strvec_release(&both);
	return ret;
}

static int run(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const char *const pipeline_columns[] = { "ID", "NAME", "LOCAL", "CATALOG", "STATE" };
	static const char *const file_columns[] = { "ID", "NAME", "SIZE", "WHERE", "PIPELINES" };
	struct catalog cat = CATALOG_INIT;
	struct table table;
	json_t *json = json_output ? json_array() : NULL;
	/* Like `git branch`, the bare command lists what is asked most. */
	const char *what = argc ? argv[0] : "pipelines";
	int ret;

	if (strcmp(what, "pipelines") && strcmp(what, "scripts") && strcmp(what, "datasets")) {
		json_decref(json);
		return dfc_hint(dfc_error(DFC_EUSAGE, "cannot list '%s'", what),
				"list pipelines, scripts or datasets");
	}
	if (local_only && catalog_only) {
		json_decref(json);
		return dfc_error(DFC_EUSAGE, "--local-only and --catalog-only exclude each other");
	}
	table_init(&table, 5, !strcmp(what, "pipelines") ? pipeline_columns : file_columns);
	if (refresh) {
		if ((ret = cmd_open_catalog(ctx, &cat, token)) < 0 ||
		    (ret = catalog_fetch(&cat, NULL)) < 0)
			goto out;
	} else {
		ret = cmd_open_store(ctx, false);
		if (ret == DFC_ENOTFOUND) {
			/* Nothing recorded or shared yet: an empty list. */
			dfc_error_clear();
			ret = 0;
			goto print;
		}
		if (ret < 0)
			goto out;
	}
	if (!strcmp(what, "pipelines"))
		ret = list_pipelines(ctx, &table, json);
	else
		ret = list_files(ctx, !strcmp(what, "scripts") ? "script" : "dataset", &table, json);
	if (ret < 0)
		goto out;
print:
	if (json) {
		cmd_print_json(json);
		json = NULL;
	} else {
		table_print(&table, stdout, isatty(STDOUT_FILENO));
	}
out:
	json_decref(json);
	table_release(&table);
	catalog_release(&cat);
	return ret;
}

const struct command cmd_list = {
	.name = "list",
	.summary = "list pipelines, scripts or datasets, local and in the catalog",
	.usage = usage,
	.options = options,
	.needs = NEEDS_STORE,
	.min_args = 0,
	.max_args = 1,
	.run = run,
};

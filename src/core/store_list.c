/* store_list.c - the pipelines of the store, as ids, tips and names listed from refs. */
#include "store_internal.h"

#include "dfc/error.h"
#include "dfc/refs.h"
#include "dfc/strvec.h"
#include "dfc/xalloc.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

void tip_list_release(struct tip_list *list)
{
	for (size_t i = 0; i < list->nr; i++)
		free(list->items[i].id);
	free(list->items);
	memset(list, 0, sizeof(*list));
}

static int compare_tips(const void *a, const void *b)
{
	return strcmp(((const struct tip *)a)->id, ((const struct tip *)b)->id);
}

const struct tip *tip_list_find(const struct tip_list *list, const char *id)
{
	struct tip key = { (char *)id, { { 0 } } };

	if (!list->nr)
		return NULL;
	return bsearch(&key, list->items, list->nr, sizeof(*list->items), compare_tips);
}

int store_list_tips(struct store *store, const char *prefix, struct tip_list *out)
{
	char *glob = xasprintf("%s*", prefix);
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	size_t len = strlen(prefix);
	int err;

	if (git_reference_iterator_glob_new(&it, store->repo, glob) < 0) {
		free(glob);
		return dfc_git_error(DFC_EINTERNAL, "cannot list the store's refs");
	}
	while ((err = git_reference_next(&ref, it)) == 0) {
		const char *name = git_reference_name(ref);
		const git_oid *target = git_reference_target(ref);
		struct tip *t;

		if (!strncmp(name, prefix, len) && !strchr(name + len, '/')) {
			XGROW(out->items, out->alloc, out->nr + 1);
			t = &out->items[out->nr++];
			t->id = xstrdup(name + len);
			/* A symbolic ref is resolved; one that leads nowhere, all zeros. */
			if (target)
				git_oid_cpy(&t->commit, target);
			else if (git_reference_name_to_id(&t->commit, store->repo, name) < 0)
				memset(&t->commit, 0, sizeof(t->commit));
		}
		git_error_clear();
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	free(glob);
	if (err != GIT_ITEROVER)
		return dfc_git_error(DFC_EINTERNAL, "cannot list the store's refs");
	git_error_clear();
	if (out->nr)
		qsort(out->items, out->nr, sizeof(*out->items), compare_tips);
	return 0;
}

int store_list_ids(struct store *store, const char *prefix, struct strvec *out)
{
	struct tip_list tips = TIP_LIST_INIT;
	int ret = store_list_tips(store, prefix, &tips);

	for (size_t i = 0; i < tips.nr; i++)
		strvec_push(out, tips.items[i].id);
	tip_list_release(&tips);
	strvec_sort(out);
	return ret;
}

void name_list_release(struct name_list *list)
{
	for (size_t i = 0; i < list->nr; i++) {
		free(list->items[i].id);
		free(list->items[i].name);
	}
	free(list->items);
	memset(list, 0, sizeof(*list));
}

/* The top-level "name" of the pipeline.json at `tip` (new), or NULL. */
static char *tip_name(struct store *store, const git_oid *tip)
{
	struct buf text = BUF_INIT;
	git_commit *commit = NULL;
	json_t *root = NULL;
	const char *name;
	char *out = NULL;

	if (git_commit_lookup(&commit, store->repo, tip) < 0 ||
	    store_commit_pipeline_json(&text, store, commit) < 0)
		goto out;
	root = json_loadb(text.data, text.len, 0, NULL);
	name = json_string_value(json_object_get(root, "name"));
	if (name)
		out = xstrdup(name);
out:
	/* A damaged version has no name here; fsck says what is wrong. */
	git_error_clear();
	dfc_error_clear();
	json_decref(root);
	git_commit_free(commit);
	buf_release(&text);
	return out;
}

int store_list_names(struct store *store, struct name_list *out)
{
	struct tip_list tips = TIP_LIST_INIT;
	int ret = store_list_tips(store, REFS_BRANCH_PREFIX, &tips);

	for (size_t i = 0; ret == 0 && i < tips.nr; i++) {
		XGROW(out->items, out->alloc, out->nr + 1);
		out->items[out->nr].id = tips.items[i].id;
		out->items[out->nr++].name = tip_name(store, &tips.items[i].commit);
		tips.items[i].id = NULL; /* handed over */
	}
	tip_list_release(&tips);
	return ret;
}

/* runs_read.c - the runs recorded of a pipeline, read back from its run ref. */
#include "dfc/runs.h"

#include "dfc/error.h"
#include "dfc/printable.h"
#include "dfc/refs.h"
#include "dfc/trailers.h"
#include "dfc/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* Most runs an ambiguous prefix lists. */
#define CANDIDATES_SHOWN 10

static void entry_release(struct run_entry *e)
{
	run_record_release(&e->rec);
	free(e->pipeline_id);
	e->pipeline_id = NULL;
}

void run_list_release(struct run_list *list)
{
	for (size_t i = 0; i < list->nr; i++)
		entry_release(&list->items[i]);
	free(list->items);
	list->items = NULL;
	list->nr = list->alloc = 0;
}

int runs_list_pipelines(struct store *store, struct strvec *out)
{
	return store_list_ids(store, REFS_RUNS_PREFIX, out);
}

static int unreadable(const char *id, const git_commit *commit)
{
	return dfc_hint(dfc_error(DFC_EINTERNAL, "the runs of '%s' cannot be read at commit %.12s",
				  id, git_oid_tostr_s(git_commit_id(commit))),
			"run 'data-factory-cli fsck'");
}

/*
 * The versions runs taken from another home were linked to, by
 * fingerprint, during one listing: one walk of the versions per
 * fingerprint.
 */
struct fingerprint_links {
	struct fingerprint_link {
		char fingerprint[FINGERPRINT_SIZE];
		int version;
		char commit[GIT_OID_HEXSZ + 1];
	} *items;
	size_t nr;
	size_t alloc;
};

/* A run whose version commit is not here: the local version with its content. */
static void link_elsewhere(struct store *store, struct fingerprint_links *links,
			   struct run_entry *e)
{
	struct fingerprint_link *l;

	for (size_t i = 0; i < links->nr; i++) {
		l = &links->items[i];
		if (!strcmp(l->fingerprint, e->rec.fingerprint))
			goto found;
	}
	XGROW(links->items, links->alloc, links->nr + 1);
	l = &links->items[links->nr++];
	memcpy(l->fingerprint, e->rec.fingerprint, sizeof(l->fingerprint));
	if (runs_link_by_fingerprint(store, e->pipeline_id, e->rec.fingerprint, &l->version,
				     l->commit) < 0) {
		l->version = 0;
		dfc_error_clear();
	}
found:
	e->version = l->version;
	memcpy(e->version_commit, l->commit, sizeof(l->commit));
}

/* The local version a run's commit links to, by its Pipeline-Version trailer. */
static void linked_version(struct store *store, const git_commit *commit, struct run_entry *e,
			   struct fingerprint_links *links)
{
	char *hex = trailer_value(git_commit_message(commit), TRAILER_VERSION);
	git_commit *version = NULL;
	git_oid oid;
	int err = 0;

	if (hex && strlen(hex) == GIT_OID_HEXSZ && git_oid_fromstr(&oid, hex) == 0 &&
	    (err = git_commit_lookup(&version, store->repo, &oid)) == 0 &&
	    commit_pipeline_version(version, &e->version) == 0)
		memcpy(e->version_commit, hex, GIT_OID_HEXSZ + 1);
	else
		e->version = 0;
	dfc_error_clear();
	git_error_clear();
	if (err == GIT_ENOTFOUND)
		link_elsewhere(store, links, e);
	git_commit_free(version);
	free(hex);
}

/* Whether `out` from `first` on holds run `run` (read from a newer commit). */
static bool listed(const struct run_list *out, size_t first, const char *run)
{
	for (size_t i = first; i < out->nr; i++)
		if (!strcmp(out->items[i].rec.id, run))
			return true;
	return false;
}

/*
 * Append the run `commit` recorded (its Run trailer) to `out`, unless a
 * newer commit (from `first` on) recorded more of it.
 */
static int read_run(struct store *store, const char *id, git_commit *commit, struct run_list *out,
		    size_t first, struct fingerprint_links *links)
{
	char *run = trailer_value(git_commit_message(commit), TRAILER_RUN);
	char *entry_name = NULL;
	git_tree *tree = NULL;
	git_blob *blob = NULL;
	const git_tree_entry *entry;
	struct run_entry *e;
	int ret;

	if (!run || !run_id_is_valid(run) || git_commit_tree(&tree, commit) < 0) {
		ret = unreadable(id, commit);
		goto out;
	}
	if (listed(out, first, run)) {
		ret = 0;
		goto out;
	}
	entry_name = xasprintf("%s.json", run);
	if (!(entry = git_tree_entry_byname(tree, entry_name)) ||
	    git_blob_lookup(&blob, store->repo, git_tree_entry_id(entry)) < 0) {
		ret = unreadable(id, commit);
		goto out;
	}
	XGROW(out->items, out->alloc, out->nr + 1);
	e = &out->items[out->nr];
	memset(e, 0, sizeof(*e));
	if ((ret = run_record_parse(&e->rec, entry_name, git_blob_rawcontent(blob),
				    (size_t)git_blob_rawsize(blob), run)) < 0) {
		ret = unreadable(id, commit);
		goto out;
	}
	out->nr++;
	e->pipeline_id = xstrdup(id);
	git_oid_tostr(e->commit, sizeof(e->commit), git_commit_id(commit));
	linked_version(store, commit, e, links);
out:
	git_blob_free(blob);
	git_tree_free(tree);
	free(entry_name);
	free(run);
	git_error_clear();
	return ret;
}

static int newest_first(const void *a, const void *b)
{
	const struct run_entry *x = a, *y = b;

	return strcmp(y->rec.id, x->rec.id);
}

int runs_list(struct store *store, const char *id, struct run_list *out)
{
	struct fingerprint_links links = { NULL, 0, 0 };
	char *ref = refs_runs(id);
	git_commit *commit = NULL;
	size_t first = out->nr;
	git_oid tip;
	int ret = 0, err;

	err = store_ref_tip(&tip, store, ref);
	free(ref);
	if (err == 1)
		return 0;
	if (err < 0 || git_commit_lookup(&commit, store->repo, &tip) < 0)
		return dfc_hint(dfc_git_error(DFC_EINTERNAL, "cannot read the runs"),
				"run 'data-factory-cli fsck'");
	while (commit) {
		git_commit *parent = NULL;

		if ((ret = read_run(store, id, commit, out, first, &links)) < 0)
			break;
		if (git_commit_parentcount(commit) && git_commit_parent(&parent, commit, 0) < 0) {
			ret = unreadable(id, commit);
			break;
		}
		git_commit_free(commit);
		commit = parent;
	}
	git_commit_free(commit);
	free(links.items);
	if (out->nr > first + 1)
		qsort(out->items + first, out->nr - first, sizeof(*out->items), newest_first);
	return ret;
}

int runs_list_of(struct store *store, const char *id, struct run_list *out)
{
	struct strvec ids = STRVEC_INIT;
	size_t first = out->nr;
	int ret = 0;

	if (id)
		strvec_push(&ids, id);
	else
		ret = runs_list_pipelines(store, &ids);
	for (size_t i = 0; i < ids.nr && ret == 0; i++)
		ret = runs_list(store, ids.items[i], out);
	strvec_release(&ids);
	/* Run ids start with their start time: newest first across pipelines too. */
	if (out->nr > first + 1)
		qsort(out->items + first, out->nr - first, sizeof(*out->items), newest_first);
	return ret;
}

static void move_entry(struct run_list *to, struct run_entry *e)
{
	XGROW(to->items, to->alloc, to->nr + 1);
	to->items[to->nr++] = *e;
	memset(e, 0, sizeof(*e));
}

static int not_found(const char *given, const char *id)
{
	struct buf q = BUF_INIT;
	int ret;

	printable_quote(&q, given, 80);
	if (id)
		ret = dfc_error(DFC_ENOTFOUND, "no run '%s' of pipeline '%s'", buf_cstr(&q), id);
	else
		ret = dfc_error(DFC_ENOTFOUND, "no run '%s' recorded", buf_cstr(&q));
	buf_release(&q);
	return dfc_hint(ret, "'data-factory-cli runs -i ID' lists the runs of a pipeline");
}

int runs_find(struct store *store, const char *id, const char *given, struct run_list *out)
{
	struct run_list all = RUN_LIST_INIT, found = RUN_LIST_INIT;
	size_t len = strlen(given);
	int ret;

	if ((ret = runs_list_of(store, id, &all)) < 0)
		goto out;
	for (size_t i = 0; i < all.nr && len; i++) {
		if (!strcmp(all.items[i].rec.id, given)) {
			run_list_release(&found);
			move_entry(&found, &all.items[i]);
			break;
		}
		if (!strncmp(all.items[i].rec.id, given, len))
			move_entry(&found, &all.items[i]);
	}
	if (!found.nr) {
		ret = not_found(given, id);
	} else if (found.nr > 1) {
		struct buf q = BUF_INIT;

		printable_quote(&q, given, 80);
		ret = dfc_error(DFC_EUSAGE, "'%s' matches %zu runs", buf_cstr(&q), found.nr);
		for (size_t i = 0; i < found.nr && i < CANDIDATES_SHOWN; i++)
			dfc_hint(ret, "%s  (pipeline %s)", found.items[i].rec.id,
				 found.items[i].pipeline_id);
		dfc_hint(ret, "give more of the run id");
		buf_release(&q);
	} else {
		move_entry(out, &found.items[0]);
	}
out:
	run_list_release(&found);
	run_list_release(&all);
	return ret;
}

/* fsck_runs.c - check the recorded runs: each commit of refs/dfc/runs/<id> records one valid run.
 */
#include "fsck_internal.h"

#include "dfc/error.h"
#include "dfc/ids.h"
#include "dfc/printable.h"
#include "dfc/refs.h"
#include "dfc/run_record.h"
#include "dfc/trailers.h"
#include "dfc/xalloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The walk down one run ref. */
struct run_walk {
	struct check *c;
	const char *ref;
	const char *id;
	/* The commit being checked (hex). */
	char hex[GIT_OID_HEXSZ + 1];
	/* The catalog's runs of `id` as last fetched, when there are. */
	bool has_catalog;
	git_oid catalog;
};

/* Whether `commit` is in the catalog's runs as last fetched (taken from another home). */
static bool from_catalog(const struct run_walk *w, const git_commit *commit)
{
	const git_oid *oid = git_commit_id(commit);
	bool yes = w->has_catalog && (git_oid_equal(oid, &w->catalog) ||
				      git_graph_descendant_of(w->c->store->repo, &w->catalog, oid) == 1);

	git_error_clear();
	return yes;
}

static void bad_run(struct run_walk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void bad_run(struct run_walk *w, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	fsck_add_finding(w->c->out, FSCK_BAD_RUN, w->id, 0, false, w->ref, "%s commit %.12s: %s",
			 w->ref, w->hex, buf_cstr(&msg));
	buf_release(&msg);
}

/* A tree entry's name, quoted for a message (new). */
static char *shown(const char *name)
{
	struct buf b = BUF_INIT;

	printable_quote(&b, name, FSCK_QUOTE_MAX);
	return buf_detach(&b, NULL);
}

/*
 * Entry `e`, new in this commit: `<run id>.json`, a blob that parses as a
 * record of this pipeline; its status into `status` (at least 16 bytes).
 */
static bool check_entry(struct run_walk *w, const git_tree_entry *e, char *status)
{
	const char *name = git_tree_entry_name(e);
	size_t n = strlen(name);
	char run[RUN_ID_SIZE];
	struct run_record rec = RUN_RECORD_INIT;
	git_blob *blob = NULL;
	bool ok = false;
	char *q;

	if (n <= 5 || n - 5 >= RUN_ID_SIZE || strcmp(name + n - 5, ".json") ||
	    (memcpy(run, name, n - 5), run[n - 5] = '\0', !run_id_is_valid(run)) ||
	    git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
		q = shown(name);
		bad_run(w, "'%s' is not a run record (<run id>.json)", q);
		free(q);
		return false;
	}
	if (git_blob_lookup(&blob, w->c->store->repo, git_tree_entry_id(e)) < 0) {
		bad_run(w, "the record of run %s cannot be read: %s", run, fsck_git_message());
		goto out;
	}
	if (run_record_parse(&rec, name, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob),
			     run) < 0) {
		bad_run(w, "the record of run %s is not valid: %s", run, dfc_error_message());
		dfc_error_clear();
		goto out;
	}
	if (!rec.pipeline_id || strcmp(rec.pipeline_id, w->id)) {
		bad_run(w, "run %s is not a run of pipeline %s", run, w->id);
		goto out;
	}
	snprintf(status, 16, "%s", rec.status);
	ok = true;
out:
	run_record_release(&rec);
	git_blob_free(blob);
	git_error_clear();
	return ok;
}

/*
 * The Pipeline-Version trailer: a version commit of this pipeline, when
 * there. A commit this store does not have is accepted on a run commit of
 * the catalog's runs: the version of the home that recorded the run, taken
 * from the catalog (share --runs, sync).
 */
static void check_version_link(struct run_walk *w, const git_commit *commit)
{
	char *hex = trailer_value(git_commit_message(commit), TRAILER_VERSION);
	git_commit *version = NULL;
	char *of = NULL;
	git_oid oid;
	int err = 0;

	if (!hex)
		return;
	if (strlen(hex) != GIT_OID_HEXSZ || git_oid_fromstr(&oid, hex) < 0 ||
	    ((err = git_commit_lookup(&version, w->c->store->repo, &oid)) < 0 &&
	     (err != GIT_ENOTFOUND || !from_catalog(w, commit))) ||
	    (version && (!(of = trailer_value(git_commit_message(version), TRAILER_ID)) ||
			 strcmp(of, w->id))))
		bad_run(w, TRAILER_VERSION " does not name a version commit of %s", w->id);
	git_error_clear();
	git_commit_free(version);
	free(of);
	free(hex);
}

/*
 * Whether blob `now` holds what blob `before` held and more: a run recorded
 * before it ended, recorded again with the lines appended since (runs.h).
 */
static bool grown(struct run_walk *w, const git_tree_entry *before, const git_tree_entry *now)
{
	git_blob *a = NULL, *b = NULL;
	bool ret = false;

	if (git_tree_entry_type(before) == GIT_OBJECT_BLOB &&
	    git_tree_entry_type(now) == GIT_OBJECT_BLOB &&
	    git_blob_lookup(&a, w->c->store->repo, git_tree_entry_id(before)) == 0 &&
	    git_blob_lookup(&b, w->c->store->repo, git_tree_entry_id(now)) == 0)
		ret = git_blob_rawsize(a) < git_blob_rawsize(b) &&
		      !memcmp(git_blob_rawcontent(a), git_blob_rawcontent(b),
			      (size_t)git_blob_rawsize(a));
	git_error_clear();
	git_blob_free(a);
	git_blob_free(b);
	return ret;
}

/*
 * One commit against its parent: exactly one run added, or recorded again
 * with more of its record, and nothing else changed.
 */
static void check_commit(struct run_walk *w, git_commit *commit, git_commit *parent)
{
	git_tree *tree = NULL, *before = NULL;
	const git_tree_entry *added = NULL;
	char status[16] = "", *run = NULL, *run_status = NULL;
	size_t nr_added = 0;

	if (git_commit_tree(&tree, commit) < 0 ||
	    (parent && git_commit_tree(&before, parent) < 0)) {
		bad_run(w, "its tree cannot be read: %s", fsck_git_message());
		goto out;
	}
	for (size_t i = 0; i < git_tree_entrycount(tree); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		const git_tree_entry *old =
			before ? git_tree_entry_byname(before, git_tree_entry_name(e)) : NULL;

		if (old && !git_oid_cmp(git_tree_entry_id(old), git_tree_entry_id(e)))
			continue;
		if (old && !grown(w, old, e)) {
			char *q = shown(git_tree_entry_name(e));

			bad_run(w, "it changes the recorded run '%s'", q);
			free(q);
			continue;
		}
		nr_added++;
		added = e;
		check_entry(w, e, status);
	}
	for (size_t i = 0; before && i < git_tree_entrycount(before); i++) {
		const char *name = git_tree_entry_name(git_tree_entry_byindex(before, i));
		char *q;

		if (git_tree_entry_byname(tree, name))
			continue;
		q = shown(name);
		bad_run(w, "it removes the recorded run '%s'", q);
		free(q);
	}
	if (nr_added != 1) {
		bad_run(w, "it records %zu runs, not one", nr_added);
		goto out;
	}
	run = trailer_value(git_commit_message(commit), TRAILER_RUN);
	run_status = trailer_value(git_commit_message(commit), TRAILER_RUN_STATUS);
	if (!run || strncmp(git_tree_entry_name(added), run, strlen(run)) ||
	    strcmp(git_tree_entry_name(added) + strlen(run), ".json"))
		bad_run(w, "its " TRAILER_RUN " trailer does not name the run it adds");
	if (*status && (!run_status || strcmp(run_status, status)))
		bad_run(w, "its " TRAILER_RUN_STATUS " trailer is not the run's status (%s)",
			status);
	check_version_link(w, commit);
out:
	git_error_clear();
	free(run);
	free(run_status);
	git_tree_free(tree);
	git_tree_free(before);
}

static void check_run_ref(struct check *c, const char *name)
{
	struct run_walk w = { c, name, refs_skip_prefix(name, REFS_RUNS_PREFIX), "", false,
			      { { 0 } } };
	git_commit *commit = NULL;
	git_tree *tip_tree = NULL;
	char *tracking = NULL;
	git_oid oid;

	if (strchr(w.id, '/') || !pipeline_id_is_safe(w.id)) {
		fsck_add_finding(c->out, FSCK_BAD_REF, NULL, 0, false, name,
				 "%s is not the runs of a pipeline: '%s' is not a pipeline id",
				 name, w.id);
		return;
	}
	if (git_reference_name_to_id(&oid, c->store->repo, name) < 0 ||
	    git_commit_lookup(&commit, c->store->repo, &oid) < 0) {
		fsck_add_finding(c->out, FSCK_BAD_REF, w.id, 0, false, name,
				 "%s does not point at a readable commit: %s", name,
				 fsck_git_message());
		git_error_clear();
		return;
	}
	tracking = refs_runs_tracking(w.id);
	w.has_catalog = git_reference_name_to_id(&w.catalog, c->store->repo, tracking) == 0;
	free(tracking);
	git_error_clear();
	/* The runs are what the tip's tree holds (a run may have grown since). */
	if (git_commit_tree(&tip_tree, commit) == 0)
		c->runs += (int)git_tree_entrycount(tip_tree);
	git_tree_free(tip_tree);
	git_error_clear();
	while (commit) {
		git_commit *parent = NULL;

		git_oid_tostr(w.hex, sizeof(w.hex), git_commit_id(commit));
		if (git_commit_parentcount(commit) > 1)
			bad_run(&w, "a merge: a run commit has one parent");
		if (git_commit_parentcount(commit) && git_commit_parent(&parent, commit, 0) < 0) {
			bad_run(&w, "its parent cannot be read: %s", fsck_git_message());
			git_error_clear();
		}
		check_commit(&w, commit, parent);
		git_commit_free(commit);
		commit = parent;
	}
}

void fsck_check_runs(struct check *c)
{
	for (size_t i = 0; i < c->run_refs.nr; i++)
		check_run_ref(c, c->run_refs.items[i]);
}

/* catalog_compare.c - local versions against the catalog's, by content fingerprint. */
#include "dfc/catalog_compare.h"

#include "dfc/error.h"
#include "dfc/fingerprint.h"
#include "dfc/trailers.h"

#include <stdlib.h>
#include <string.h>

/* Append file `name` at the root of `commit`'s tree to `out`; 1 when absent. */
static int commit_file(struct buf *out, struct store *store, const git_commit *commit,
		       const char *name)
{
	const git_tree_entry *entry;
	git_tree *tree = NULL;
	git_blob *blob = NULL;
	int ret = 0;

	if (git_commit_tree(&tree, commit) < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot read a version");
	entry = git_tree_entry_byname(tree, name);
	if (!entry)
		ret = 1;
	else if (git_blob_lookup(&blob, store->repo, git_tree_entry_id(entry)) < 0)
		ret = dfc_git_error(DFC_EINTERNAL, "cannot read a version");
	else
		buf_add(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
	git_blob_free(blob);
	git_tree_free(tree);
	return ret;
}

/* Append the pipeline.json of a version's `commit` to `out`. */
static int commit_pipeline_json(struct buf *out, struct store *store, const git_commit *commit)
{
	int ret = commit_file(out, store, commit, "pipeline.json");

	if (ret == 1)
		ret = dfc_hint(dfc_error(DFC_EINTERNAL, "commit %.12s has no pipeline.json",
					 git_oid_tostr_s(git_commit_id(commit))),
			       "run 'data-factory-cli fsck'");
	return ret;
}

int catalog_content_fingerprint(char out[FINGERPRINT_SIZE], struct store *store,
				const git_commit *commit, bool local)
{
	struct buf pipeline = BUF_INIT, manifest = BUF_INIT;
	int ret = commit_pipeline_json(&pipeline, store, commit);

	if (ret == 0 && local)
		ret = commit_file(&manifest, store, commit, "scripts.json");
	if (ret >= 0) {
		content_fingerprint_text(out, &pipeline, local ? &manifest : NULL);
		ret = 0;
	}
	buf_release(&pipeline);
	buf_release(&manifest);
	return ret;
}

/*
 * The fingerprint of a local (`local`) or catalog version's commit: its
 * Content-Fingerprint trailer, else computed from its content.
 */
static int commit_content_fingerprint(char out[FINGERPRINT_SIZE], struct store *store,
				      const git_commit *commit, bool local)
{
	if (commit_fingerprint(commit, out))
		return 0;
	return catalog_content_fingerprint(out, store, commit, local);
}

int catalog_sides_open(struct catalog_sides *out, struct store *store, const git_oid *local,
		       const git_oid *catalog)
{
	int ret = 0;

	memset(out, 0, sizeof(*out));
	if (local && (git_commit_lookup(&out->local, store->repo, local) < 0 ||
		      (ret = commit_pipeline_version(out->local, &out->local_version)) < 0)) {
		if (!ret)
			ret = dfc_git_error(DFC_EINTERNAL, "cannot read the store");
		goto out;
	}
	if (catalog && (git_commit_lookup(&out->catalog, store->repo, catalog) < 0 ||
			(ret = commit_pipeline_version(out->catalog, &out->catalog_version)) < 0)) {
		if (!ret)
			ret = dfc_git_error(DFC_EINTERNAL,
					    "cannot read the catalog's last known state");
		goto out;
	}
out:
	if (ret < 0)
		catalog_sides_release(out);
	return ret;
}

void catalog_sides_release(struct catalog_sides *sides)
{
	git_commit_free(sides->local);
	git_commit_free(sides->catalog);
	memset(sides, 0, sizeof(*sides));
}

int catalog_sides_pipeline_json(struct store *store, const struct catalog_sides *sides,
				struct buf *out)
{
	const git_commit *commit = sides->local ? sides->local : sides->catalog;

	if (!commit)
		return dfc_error(DFC_ENOTFOUND, "no version to read");
	return commit_pipeline_json(out, store, commit);
}

struct fingerprint_search {
	struct store *store;
	const char *want;
	/* Local versions (fingerprints with their scripts.json) or catalog ones. */
	bool local;
	/* The tip itself was compared already. */
	bool skip_first;
	bool found;
};

static int match_fingerprint(git_commit *commit, int version, void *payload)
{
	struct fingerprint_search *s = payload;
	char have[FINGERPRINT_SIZE];
	int ret;

	(void)version;
	if (s->skip_first) {
		s->skip_first = false;
		return 0;
	}
	if ((ret = commit_content_fingerprint(have, s->store, commit, s->local)) < 0)
		return ret;
	s->found = !strcmp(have, s->want);
	return s->found;
}

int catalog_sides_compare(struct store *store, const struct catalog_sides *sides,
			  const char **state)
{
	char local[FINGERPRINT_SIZE], tip[FINGERPRINT_SIZE];
	struct fingerprint_search search = { store, tip, true, true, false };
	int ret;

	if (!sides->catalog || !sides->local) {
		*state = sides->local ? "local-only" : "catalog-only";
		return sides->local || sides->catalog ? 0 : DFC_ENOTFOUND;
	}
	if ((ret = commit_content_fingerprint(local, store, sides->local, true)) < 0 ||
	    (ret = commit_content_fingerprint(tip, store, sides->catalog, false)) < 0)
		return ret;
	if (!strcmp(local, tip)) {
		*state = "shared";
		return 0;
	}
	/* The tips differ: is one side's latest an older version of the other? */
	if ((ret = history_walk(sides->local, match_fingerprint, &search)) < 0)
		return ret;
	if (search.found) {
		*state = "ahead";
		return 0;
	}
	search = (struct fingerprint_search){ store, local, false, true, false };
	if ((ret = history_walk(sides->catalog, match_fingerprint, &search)) < 0)
		return ret;
	*state = search.found ? "behind" : "diverged";
	return 0;
}

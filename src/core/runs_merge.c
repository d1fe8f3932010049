/* runs_merge.c - the runs of another history of a run ref (a catalog's) taken in by run id. */
#include "dfc/runs.h"

#include "dfc/error.h"
#include "dfc/ids.h"
#include "dfc/refs.h"
#include "dfc/trailers.h"
#include "dfc/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* Foreign writers (plain git) could still move the ref under us. */
#define MAX_CAS_ATTEMPTS 20

size_t runs_tree_new(const git_tree *tree, const git_tree *other)
{
	size_t n = 0;

	for (size_t i = 0; tree && i < git_tree_entrycount(tree); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		const git_tree_entry *o =
			other ? git_tree_entry_byname(other, git_tree_entry_name(e)) : NULL;

		if (!o || git_oid_cmp(git_tree_entry_id(o), git_tree_entry_id(e)))
			n++;
	}
	return n;
}

/* Whether blob `a` is a beginning of blob `b` (or the same). */
static int begins(git_repository *repo, const git_oid *a, const git_oid *b, bool *yes)
{
	git_blob *x = NULL, *y = NULL;
	int ret = 0;

	*yes = false;
	if (git_blob_lookup(&x, repo, a) < 0 || git_blob_lookup(&y, repo, b) < 0)
		ret = dfc_git_error(DFC_EINTERNAL, "cannot read a run record");
	else
		*yes = git_blob_rawsize(x) <= git_blob_rawsize(y) &&
		       !memcmp(git_blob_rawcontent(x), git_blob_rawcontent(y),
			       (size_t)git_blob_rawsize(x));
	git_blob_free(x);
	git_blob_free(y);
	return ret;
}

static int conflict(const char *id, const char *run)
{
	return dfc_hint(
		dfc_error(DFC_ECONFLICT,
			  "run %s of '%s' is recorded here and in the catalog with different "
			  "records, neither the beginning of the other; no runs were taken",
			  run, id),
		"a run id is one run's start time, process and random digits, so one of "
		"the two was changed after it was recorded: run 'data-factory-cli fsck' "
		"here, and have the catalog's runs checked with it where they were shared "
		"from");
}

/*
 * Record `commit` (a local run commit) again on `*cur` (updated), with its
 * message, author and committer, unless `*cur`'s tree holds its run with
 * the same bytes or more.
 */
static int replay(git_repository *repo, const char *id, git_commit *commit, git_commit **cur)
{
	char *run = trailer_value(git_commit_message(commit), TRAILER_RUN);
	char *name = run ? xasprintf("%s.json", run) : NULL;
	git_tree *mine = NULL, *base = NULL, *tree = NULL;
	git_treebuilder *tb = NULL;
	const git_tree_entry *entry, *had;
	const git_oid *blob;
	git_oid tree_oid, oid;
	git_commit *next = NULL;
	bool skip = false;
	int ret = 0;

	if (!run || git_commit_tree(&mine, commit) < 0 || git_commit_tree(&base, *cur) < 0 ||
	    !(entry = git_tree_entry_byname(mine, name))) {
		ret = dfc_hint(dfc_error(DFC_EINTERNAL,
					 "the runs of '%s' cannot be read at commit %.12s", id,
					 git_oid_tostr_s(git_commit_id(commit))),
			       "run 'data-factory-cli fsck'");
		goto out;
	}
	if ((had = git_tree_entry_byname(base, name))) {
		bool theirs_first, mine_first;

		if ((ret = begins(repo, git_tree_entry_id(entry), git_tree_entry_id(had),
				  &mine_first)) < 0 ||
		    (ret = begins(repo, git_tree_entry_id(had), git_tree_entry_id(entry),
				  &theirs_first)) < 0)
			goto out;
		if (!mine_first && !theirs_first) {
			ret = conflict(id, run);
			goto out;
		}
		/* Theirs holds as much or more: nothing of this commit to keep. */
		skip = mine_first;
	}
	if (skip)
		goto out;
	blob = git_tree_entry_id(entry);
	if (git_treebuilder_new(&tb, repo, base) < 0 ||
	    git_treebuilder_insert(NULL, tb, name, blob, GIT_FILEMODE_BLOB) < 0 ||
	    git_treebuilder_write(&tree_oid, tb) < 0 ||
	    git_tree_lookup(&tree, repo, &tree_oid) < 0 ||
	    git_commit_create(&oid, repo, NULL, git_commit_author(commit),
			      git_commit_committer(commit), git_commit_message_encoding(commit),
			      git_commit_message(commit), tree, 1, (const git_commit **)cur) < 0 ||
	    git_commit_lookup(&next, repo, &oid) < 0) {
		ret = dfc_git_error(DFC_EINTERNAL, "cannot record the catalog's runs");
		goto out;
	}
	git_commit_free(*cur);
	*cur = next;
out:
	git_treebuilder_free(tb);
	git_tree_free(tree);
	git_tree_free(mine);
	git_tree_free(base);
	free(name);
	free(run);
	return ret;
}

/*
 * The local commits of `mine` down its first parents to the common
 * ancestor with `theirs` (excluded), recorded again on `theirs`, oldest
 * first; the new tip into `out`.
 */
static int rebuild(git_repository *repo, const char *id, git_commit *mine, git_commit *theirs,
		   git_oid *out)
{
	git_commit **chain = NULL, *cur = NULL;
	size_t nr = 0, alloc = 0;
	git_oid base;
	bool has_base;
	int ret = 0, err;

	err = git_merge_base(&base, repo, git_commit_id(mine), git_commit_id(theirs));
	if (err < 0 && err != GIT_ENOTFOUND)
		return dfc_git_error(DFC_EINTERNAL, "cannot compare the runs with the catalog's");
	git_error_clear();
	has_base = err == 0;
	if (git_commit_dup(&cur, mine) < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot read the runs");
	while (cur && !(has_base && git_oid_equal(git_commit_id(cur), &base))) {
		git_commit *parent = NULL;

		XGROW(chain, alloc, nr + 1);
		chain[nr++] = cur;
		if (git_commit_parentcount(cur) && git_commit_parent(&parent, cur, 0) < 0) {
			ret = dfc_git_error(DFC_EINTERNAL, "cannot read the runs");
			cur = NULL;
			goto out;
		}
		cur = parent;
	}
	git_commit_free(cur);
	cur = NULL;
	if (git_commit_dup(&cur, theirs) < 0) {
		ret = dfc_git_error(DFC_EINTERNAL, "cannot read the catalog's runs");
		goto out;
	}
	for (size_t i = nr; i-- > 0;)
		if ((ret = replay(repo, id, chain[i], &cur)) < 0)
			goto out;
	git_oid_cpy(out, git_commit_id(cur));
out:
	for (size_t i = 0; i < nr; i++)
		git_commit_free(chain[i]);
	free(chain);
	git_commit_free(cur);
	return ret;
}

static int count_new(git_repository *repo, const git_oid *a, const git_oid *b, size_t *out)
{
	git_commit *ca = NULL, *cb = NULL;
	git_tree *ta = NULL, *tb = NULL;
	int ret = 0;

	*out = 0;
	if (git_commit_lookup(&ca, repo, a) < 0 || git_commit_tree(&ta, ca) < 0 ||
	    (b && (git_commit_lookup(&cb, repo, b) < 0 || git_commit_tree(&tb, cb) < 0)))
		ret = dfc_git_error(DFC_EINTERNAL, "cannot read the runs");
	else
		*out = runs_tree_new(ta, tb);
	git_tree_free(ta);
	git_tree_free(tb);
	git_commit_free(ca);
	git_commit_free(cb);
	return ret;
}

/* One attempt: 0 (done), 1 when the ref moved under us, or a negative code. */
static int try_merge(struct store *store, const char *id, const char *ref, const git_oid *theirs,
		     struct runs_merged *out)
{
	git_repository *repo = store->repo;
	git_commit *mine = NULL, *their_commit = NULL;
	git_reference *moved = NULL;
	git_oid tip, next;
	bool has_tip;
	int ret = 0, err;

	memset(out, 0, sizeof(*out));
	err = git_reference_name_to_id(&tip, repo, ref);
	if (err < 0 && err != GIT_ENOTFOUND)
		return dfc_git_error(DFC_EINTERNAL, "cannot read the runs");
	git_error_clear();
	has_tip = err == 0;
	if (!theirs) {
		if ((out->has_tip = has_tip)) {
			git_oid_cpy(&out->tip, &tip);
			ret = count_new(repo, &tip, NULL, &out->ahead);
		}
		return ret;
	}
	if (!has_tip || git_graph_descendant_of(repo, theirs, &tip) == 1) {
		git_oid_cpy(&next, theirs);
	} else if (git_oid_equal(&tip, theirs) ||
		   git_graph_descendant_of(repo, &tip, theirs) == 1) {
		git_oid_cpy(&next, &tip);
	} else {
		git_error_clear();
		if (git_commit_lookup(&mine, repo, &tip) < 0 ||
		    git_commit_lookup(&their_commit, repo, theirs) < 0) {
			ret = dfc_git_error(DFC_EINTERNAL, "cannot read the runs");
			goto out;
		}
		if ((ret = rebuild(repo, id, mine, their_commit, &next)) < 0)
			goto out;
	}
	git_error_clear();
	out->has_tip = true;
	git_oid_cpy(&out->tip, &next);
	if ((ret = count_new(repo, &next, has_tip ? &tip : NULL, &out->taken)) < 0 ||
	    (ret = count_new(repo, &next, theirs, &out->ahead)) < 0)
		goto out;
	if (has_tip && git_oid_equal(&next, &tip))
		goto out;
	store_remove_stale_ref_lock(store, ref);
	if (has_tip)
		err = git_reference_create_matching(&moved, repo, ref, &next, 1, &tip, NULL);
	else
		err = git_reference_create(&moved, repo, ref, &next, 0, NULL);
	if (err == GIT_EMODIFIED || err == GIT_EEXISTS || err == GIT_ELOCKED) {
		git_error_clear();
		ret = 1;
	} else if (err < 0) {
		ret = dfc_git_error(DFC_EINTERNAL, "cannot record the catalog's runs");
	}
out:
	git_reference_free(moved);
	git_commit_free(mine);
	git_commit_free(their_commit);
	return ret;
}

int runs_merge(struct store *store, const char *id, const git_oid *theirs, struct runs_merged *out)
{
	char *ref = refs_runs(id);
	int fd = -1, ret;

	memset(out, 0, sizeof(*out));
	if ((ret = pipeline_id_check(id)) < 0 || (ret = store_lock_pipeline(store, id, &fd)) < 0)
		goto out;
	for (int attempt = 0;; attempt++) {
		if ((ret = try_merge(store, id, ref, theirs, out)) <= 0)
			break;
		if (attempt + 1 >= MAX_CAS_ATTEMPTS) {
			ret = dfc_hint(dfc_error(DFC_ECONFLICT,
						 "another writer kept moving the runs of '%s'", id),
				       "try again");
			break;
		}
	}
out:
	store_unlock_pipeline(fd);
	free(ref);
	return ret;
}

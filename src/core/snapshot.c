/* snapshot.c - the tree of one version: pipeline.json, scripts and their manifest. */
#include "dfc/snapshot.h"

#include "dfc/canonical.h"
#include "dfc/error.h"
#include "dfc/xalloc.h"

#include <stdlib.h>
#include <string.h>

static int compare_entries(const void *a, const void *b)
{
	const struct snapshot_entry *x = a, *y = b;
	int c = git_oid_cmp(&x->oid, &y->oid);

	return c ? c : strcmp(x->name, y->name);
}

int snapshot_hash(struct snapshot *snap, const char *json, size_t len,
			 const struct script_files *scripts, const json_t *pipeline)
{
	size_t n = 0;

	snap->entries = xcalloc(scripts ? scripts->nr : 0, sizeof(*snap->entries));
	snap->nr = 0;
	json_t *manifest = json_object();

	buf_init(&snap->manifest);
	if (git_odb_hash(&snap->pipeline_oid, json, len, GIT_OBJECT_BLOB) < 0) {
		json_decref(manifest);
		return dfc_git_error(DFC_EINTERNAL, "cannot hash the pipeline");
	}
	for (size_t i = 0; scripts && i < scripts->nr; i++) {
		const struct script_file *f = &scripts->items[i];
		struct snapshot_entry *e = &snap->entries[n++];

		e->name = f->name;
		e->data = buf_cstr(&f->content);
		e->len = f->content.len;
		if (git_odb_hash(&e->oid, e->data, e->len, GIT_OBJECT_BLOB) < 0) {
			json_decref(manifest);
			return dfc_git_error(DFC_EINTERNAL, "cannot hash a script");
		}
		json_object_set_new(manifest, f->node_id,
				    json_string(git_oid_tostr_s(&e->oid)));
	}
	if (n) {
		canonical_dump(&snap->manifest, manifest);
		git_odb_hash(&snap->manifest_oid, snap->manifest.data,
			     snap->manifest.len, GIT_OBJECT_BLOB);
	}
	/* What sharing it would record too, so that list compares two trailers. */
	if (pipeline)
		content_fingerprint_canonical(snap->fingerprint, pipeline, manifest,
					      &snap->pipeline_oid);
	json_decref(manifest);
	qsort(snap->entries, n, sizeof(*snap->entries), compare_entries);
	for (size_t i = 0; i < n; i++)
		if (!snap->nr || compare_entries(&snap->entries[snap->nr - 1],
						 &snap->entries[i]))
			snap->entries[snap->nr++] = snap->entries[i];
	return 0;
}

void snapshot_release(struct snapshot *snap)
{
	buf_release(&snap->manifest);
	free(snap->entries);
	snap->entries = NULL;
	snap->nr = 0;
}

static int insert_entry(git_treebuilder *tb, const char *name,
			const git_oid *oid, git_filemode_t mode)
{
	if (git_treebuilder_insert(NULL, tb, name, oid, mode) < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot build a version's tree");
	return 0;
}

int snapshot_write(git_oid *out, git_repository *repo, const struct snapshot *snap,
		   const char *json, size_t len)
{
	git_treebuilder *root = NULL, *scripts = NULL, *dir = NULL;
	git_odb *odb = NULL;
	git_oid oid;
	int ret = 0;

	if (git_repository_odb(&odb, repo) < 0 ||
	    git_odb_write(&oid, odb, json, len, GIT_OBJECT_BLOB) < 0 ||
	    git_treebuilder_new(&root, repo, NULL) < 0 ||
	    git_treebuilder_new(&scripts, repo, NULL) < 0) {
		ret = dfc_git_error(DFC_EINTERNAL, "cannot write to the store");
		goto out;
	}
	if ((ret = insert_entry(root, "pipeline.json", &oid, GIT_FILEMODE_BLOB)) < 0)
		goto out;
	for (size_t i = 0; i < snap->nr; i++) {
		const struct snapshot_entry *e = &snap->entries[i];
		const struct snapshot_entry *next = i + 1 < snap->nr ? e + 1 : NULL;

		if (!dir && git_treebuilder_new(&dir, repo, NULL) < 0) {
			ret = dfc_git_error(DFC_EINTERNAL, "cannot write to the store");
			goto out;
		}
		if (git_odb_write(&oid, odb, e->data, e->len, GIT_OBJECT_BLOB) < 0) {
			ret = dfc_git_error(DFC_EINTERNAL, "cannot write to the store");
			goto out;
		}
		if ((ret = insert_entry(dir, e->name, &oid, GIT_FILEMODE_BLOB)) < 0)
			goto out;
		if (next && git_oid_equal(&next->oid, &e->oid))
			continue;
		/* Last file with this blob id: close scripts/<oid>/. */
		if (git_treebuilder_write(&oid, dir) < 0) {
			ret = dfc_git_error(DFC_EINTERNAL, "cannot write to the store");
			goto out;
		}
		ret = insert_entry(scripts, git_oid_tostr_s(&e->oid), &oid,
				   GIT_FILEMODE_TREE);
		git_treebuilder_free(dir);
		dir = NULL;
		if (ret < 0)
			goto out;
	}
	if (snap->nr) {
		if (git_treebuilder_write(&oid, scripts) < 0) {
			ret = dfc_git_error(DFC_EINTERNAL, "cannot write to the store");
			goto out;
		}
		if ((ret = insert_entry(root, "scripts", &oid, GIT_FILEMODE_TREE)) < 0)
			goto out;
		if (git_odb_write(&oid, odb, snap->manifest.data, snap->manifest.len,
				  GIT_OBJECT_BLOB) < 0) {
			ret = dfc_git_error(DFC_EINTERNAL, "cannot write to the store");
			goto out;
		}
		if ((ret = insert_entry(root, SNAPSHOT_MANIFEST, &oid, GIT_FILEMODE_BLOB)) < 0)
			goto out;
	}
	if (git_treebuilder_write(out, root) < 0)
		ret = dfc_git_error(DFC_EINTERNAL, "cannot write to the store");
out:
	git_treebuilder_free(dir);
	git_treebuilder_free(scripts);
	git_treebuilder_free(root);
	git_odb_free(odb);
	return ret;
}

bool snapshot_matches(git_repository *repo, const struct snapshot *snap, const git_tree *tree)
{
	const git_tree_entry *pj = git_tree_entry_byname(tree, "pipeline.json");
	const git_tree_entry *sc = git_tree_entry_byname(tree, "scripts");
	const git_tree_entry *mf = git_tree_entry_byname(tree, SNAPSHOT_MANIFEST);
	git_tree *scripts = NULL;
	size_t seen = 0, expected_dirs = 0;
	bool ok = false;

	if (!pj || !git_oid_equal(git_tree_entry_id(pj), &snap->pipeline_oid))
		return false;
	if (git_tree_entrycount(tree) != (sc ? 3u : 1u))
		return false;
	if (!sc)
		return snap->nr == 0;
	if (!mf || !git_oid_equal(git_tree_entry_id(mf), &snap->manifest_oid))
		return false;
	if (git_tree_lookup(&scripts, repo, git_tree_entry_id(sc)) < 0)
		goto out;
	for (size_t i = 0; i < snap->nr; i++)
		if (!i || !git_oid_equal(&snap->entries[i - 1].oid, &snap->entries[i].oid))
			expected_dirs++;
	if (git_tree_entrycount(scripts) != expected_dirs)
		goto out;
	for (size_t i = 0; i < git_tree_entrycount(scripts); i++) {
		const git_tree_entry *d = git_tree_entry_byindex(scripts, i);
		git_tree *files = NULL;
		git_oid oid;
		size_t count;

		if (git_oid_fromstr(&oid, git_tree_entry_name(d)) < 0 ||
		    git_tree_lookup(&files, repo, git_tree_entry_id(d)) < 0)
			goto out;
		count = git_tree_entrycount(files);
		for (size_t j = 0; j < count; j++) {
			const git_tree_entry *f = git_tree_entry_byindex(files, j);
			struct snapshot_entry key = { oid, git_tree_entry_name(f), NULL, 0 };

			if (!bsearch(&key, snap->entries, snap->nr, sizeof(key),
				     compare_entries) ||
			    !git_oid_equal(git_tree_entry_id(f), &oid)) {
				git_tree_free(files);
				goto out;
			}
		}
		seen += count;
		git_tree_free(files);
	}
	ok = seen == snap->nr;
out:
	git_error_clear();
	git_tree_free(scripts);
	return ok;
}

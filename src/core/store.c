/* store.c - local versions as commits, branches and tags in repo.git. */
#include "dfc/store.h"

#include "dfc/trailers.h"

#include "dfc/canonical.h"
#include "dfc/catalog_form.h"
#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/identity.h"
#include "dfc/ids.h"
#include "dfc/pipeline.h"
#include "dfc/refs.h"
#include "dfc/view.h"
#include "dfc/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LOCK_DIR "dfc-locks"
#define MANIFEST "scripts.json"
/* Foreign writers (plain git) could still move a branch under us. */
#define MAX_CAS_ATTEMPTS 20

/* One file of a version's tree, by blob id: scripts/<oid>/<name>. */
struct snapshot_entry {
	git_oid oid;
	const char *name;
	const char *data;
	size_t len;
};

/*
 * The content of a version. `scripts.json` maps each script node to the
 * blob id of its snapshot, so that an old version can be rebuilt node by
 * node even when two scripts share a file name.
 */
struct snapshot {
	git_oid pipeline_oid;
	struct snapshot_entry *entries;
	size_t nr;
	struct buf manifest;
	git_oid manifest_oid;
	/* The content fingerprint (catalog_form.h), "" when not asked for. */
	char fingerprint[FINGERPRINT_SIZE];
};

int store_open(struct store *store, const char *home, bool create)
{
	git_repository_init_options init;
	char *git_dir = fs_path_join(home, "repo.git");
	char *head = fs_path_join(git_dir, "HEAD");
	char *locks = fs_path_join(git_dir, LOCK_DIR);
	int ret, home_lock = -1;

	store->home = xstrdup(home);
	store->view_dir = fs_path_join(home, "pipelines");
	if (!create && !fs_exists(head)) {
		ret = dfc_hint(dfc_error(DFC_ENOTFOUND, "no local store in '%s' yet", home),
			       "record a pipeline first with 'data-factory-cli create FILE'");
		goto out;
	}
	if ((ret = fs_mkdir_p(store->view_dir)) < 0)
		goto out;
	/* Objects and refs are fsynced: a recorded version survives a crash. */
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
	if (fs_exists(head) && git_repository_open_bare(&store->repo, git_dir) == 0)
		goto locks;
	/* Two first commands at once must not both initialise repo.git. */
	if ((ret = fs_lock_dir(&home_lock, home)) < 0)
		goto out;
	if (fs_exists(head) && git_repository_open_bare(&store->repo, git_dir) == 0)
		goto locks;
	/* A reader never re-initialises a repo.git that git cannot open. */
	if (!create) {
		ret = dfc_hint(dfc_git_error(DFC_EINTERNAL, "cannot open repo.git"),
			       "run 'data-factory-cli fsck'");
		goto out;
	}
	git_error_clear();
	git_repository_init_options_init(&init, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	init.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
	if (git_repository_init_ext(&store->repo, git_dir, &init) < 0) {
		ret = dfc_git_error(DFC_EUSAGE, "cannot create the store");
		goto out;
	}
locks:
	ret = fs_mkdir_p(locks);
out:
	fs_unlock(home_lock);
	free(git_dir);
	free(head);
	free(locks);
	return ret;
}

int store_open_readonly(struct store *store, const char *home)
{
	char *git_dir = fs_path_join(home, "repo.git");
	char *head = fs_path_join(git_dir, "HEAD");
	int ret = 0;

	store->home = xstrdup(home);
	store->view_dir = fs_path_join(home, "pipelines");
	if (!fs_exists(head))
		ret = dfc_hint(dfc_error(DFC_ENOTFOUND, "no local store in '%s' yet", home),
			       "record a pipeline first with 'data-factory-cli create FILE'");
	else if (git_repository_open_bare(&store->repo, git_dir) < 0)
		ret = dfc_git_error(DFC_EINTERNAL, "cannot open repo.git");
	free(git_dir);
	free(head);
	return ret;
}

void store_close(struct store *store)
{
	git_repository_free(store->repo);
	free(store->home);
	free(store->view_dir);
	store->repo = NULL;
	store->home = store->view_dir = NULL;
}

/* Hold the writers' lock of pipeline `id`. */
static int lock_pipeline(struct store *store, const char *id, int *fd)
{
	char *name = xasprintf("%s/" LOCK_DIR "/%s.lock",
			       git_repository_path(store->repo), id);
	int ret = fs_lock(fd, name);

	free(name);
	return ret;
}

int store_lock_pipeline(struct store *store, const char *id, int *fd)
{
	return lock_pipeline(store, id, fd);
}

void store_unlock_pipeline(int fd)
{
	fs_unlock(fd);
}

/*
 * Under the writers' lock nobody else may hold a ref lock of this
 * pipeline; one that exists was left by a killed process.
 */
static void remove_stale_ref_lock(struct store *store, const char *ref)
{
	char *path = xasprintf("%s%s.lock", git_repository_path(store->repo), ref);

	if (unlink(path) == 0 || errno == ENOENT)
		errno = 0;
	free(path);
}

/* Result of branch_tip() when the pipeline has no branch. */
#define NO_BRANCH 1

/* The tip of `id`'s branch: 0, NO_BRANCH, or a negative code. */
static int branch_tip(git_oid *out, struct store *store, const char *id)
{
	char *ref = refs_branch(id);
	int ret = git_reference_name_to_id(out, store->repo, ref);

	free(ref);
	if (ret == GIT_ENOTFOUND) {
		git_error_clear();
		return NO_BRANCH;
	}
	if (ret < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot read the store");
	return 0;
}

static int lookup_commit(git_commit **out, struct store *store, const git_oid *oid)
{
	if (git_commit_lookup(out, store->repo, oid) < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot read the store");
	return 0;
}

bool store_has_pipeline(struct store *store, const char *id)
{
	git_oid tip;

	return branch_tip(&tip, store, id) == 0;
}

static int not_found(const char *id)
{
	return dfc_hint(dfc_error(DFC_ENOTFOUND, "no pipeline '%s' in the local store", id),
			"record it first with 'data-factory-cli create FILE'");
}

/*
 * Call `fn` on each commit of `id`'s branch from the tip down its first
 * parents, with the commit's version, until `fn` returns non-zero. Returns
 * that value (1 means "stopped, all well"), 0 after the oldest version, or a
 * negative code; DFC_ENOTFOUND when there is no such pipeline.
 */
static int walk_versions(struct store *store, const char *id,
			 int (*fn)(git_commit *commit, int version, void *payload),
			 void *payload)
{
	git_commit *commit = NULL;
	git_oid tip;
	int ret;

	ret = branch_tip(&tip, store, id);
	if (ret == NO_BRANCH)
		return not_found(id);
	if (ret < 0 || (ret = lookup_commit(&commit, store, &tip)) < 0)
		return ret;
	ret = history_walk(commit, fn, payload);
	git_commit_free(commit);
	return ret;
}

int store_latest_version(struct store *store, const char *id, int *version)
{
	git_commit *commit = NULL;
	git_oid tip;
	int ret;

	ret = branch_tip(&tip, store, id);
	if (ret == NO_BRANCH)
		return not_found(id);
	if (ret < 0)
		return ret;
	if ((ret = lookup_commit(&commit, store, &tip)) < 0)
		return ret;
	ret = commit_pipeline_version(commit, version);
	git_commit_free(commit);
	return ret;
}

struct version_search {
	int version;
	git_commit *found;
};

static int match_version(git_commit *commit, int version, void *payload)
{
	struct version_search *search = payload;

	if (version > search->version)
		return 0;
	if (version == search->version && git_commit_dup(&search->found, commit) < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot read the store");
	return 1;
}

/*
 * The commit of version `version` of `id`: through its tag, or, when the
 * tag is missing (a writer was killed before adding it), by walking the
 * branch's first parents.
 */
static int find_version_commit(git_commit **out, struct store *store,
			       const char *id, int version)
{
	struct version_search search = { version, NULL };
	char *tag = refs_tag(id, version);
	git_commit *commit = NULL;
	git_oid oid;
	int ret, v;

	*out = NULL;
	if (git_reference_name_to_id(&oid, store->repo, tag) == 0 &&
	    git_commit_lookup(&commit, store->repo, &oid) == 0 &&
	    commit_pipeline_version(commit, &v) == 0 && v == version) {
		*out = commit;
		free(tag);
		return 0;
	}
	git_commit_free(commit);
	free(tag);
	git_error_clear();
	ret = walk_versions(store, id, match_version, &search);
	if (ret < 0)
		return ret;
	if (!search.found)
		return dfc_hint(dfc_error(DFC_ENOTFOUND, "pipeline '%s' has no version %d",
					  id, version),
				"see its versions with 'data-factory-cli log -i %s'", id);
	*out = search.found;
	return 0;
}

static int read_blob(struct buf *out, struct store *store, const git_tree *tree,
		     const char *path)
{
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	int ret = 0;

	if (git_tree_entry_bypath(&entry, tree, path) < 0 ||
	    git_blob_lookup(&blob, store->repo, git_tree_entry_id(entry)) < 0) {
		ret = dfc_git_error(DFC_EINTERNAL, "cannot read a version");
		goto out;
	}
	buf_add(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
out:
	git_blob_free(blob);
	git_tree_entry_free(entry);
	return ret;
}

int store_read_blob(struct store *store, const char *hex, struct buf *out)
{
	git_blob *blob = NULL;
	git_oid oid;

	if (strlen(hex) != GIT_OID_HEXSZ || git_oid_fromstr(&oid, hex) < 0 ||
	    git_blob_lookup(&blob, store->repo, &oid) < 0) {
		git_error_clear();
		return dfc_error(DFC_ENOTFOUND, "the store has no such blob");
	}
	buf_add(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
	git_blob_free(blob);
	return 0;
}

static int commit_pipeline_json(struct buf *out, struct store *store,
				const git_commit *commit)
{
	git_tree *tree = NULL;
	int ret;

	if (git_commit_tree(&tree, commit) < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot read a version");
	ret = read_blob(out, store, tree, "pipeline.json");
	git_tree_free(tree);
	return ret;
}

/* Bring `<id>_N.json` in step with version `version`'s commit. */
static int repair_version_file(struct store *store, const char *id, int version,
			       const git_commit *commit, int *changed)
{
	char *path = view_version_path(store->view_dir, id, version);
	struct buf want = BUF_INIT, have = BUF_INIT;
	int ret;

	if ((ret = commit_pipeline_json(&want, store, commit)) < 0)
		goto out;
	if (fs_read_file(&have, path, DFC_MAX_FILE_BYTES) == 0 &&
	    have.len == want.len && !memcmp(buf_cstr(&have), buf_cstr(&want), want.len))
		goto out;
	dfc_error_clear();
	ret = view_write_version(store->view_dir, id, version, want.data, want.len);
	if (ret == 0 && changed)
		(*changed)++;
out:
	buf_release(&want);
	buf_release(&have);
	free(path);
	return ret;
}

/* Restore the tag of version `version` when it is missing. */
static int repair_tag(struct store *store, const char *id, int version,
		      const git_commit *commit, bool *existed, int *changed)
{
	char *tag = refs_tag(id, version);
	git_reference *ref = NULL;
	git_oid oid;
	int ret = 0;

	*existed = git_reference_name_to_id(&oid, store->repo, tag) == 0;
	git_error_clear();
	if (*existed)
		goto out;
	remove_stale_ref_lock(store, tag);
	if (git_reference_create(&ref, store->repo, tag, git_commit_id(commit),
				 0, NULL) < 0) {
		ret = dfc_git_error(DFC_EINTERNAL, "cannot restore a version tag");
		goto out;
	}
	if (changed)
		(*changed)++;
out:
	git_reference_free(ref);
	free(tag);
	return ret;
}

struct repair {
	struct store *store;
	const char *id;
	bool full;
	bool tags_done;
	int *changed;
	/* The first version file that could not be repaired, and why. */
	int error;
	char *message;
};

static int repair_one(git_commit *commit, int version, void *payload)
{
	struct repair *r = payload;
	bool existed = true;
	int ret;

	if (!r->tags_done &&
	    (ret = repair_tag(r->store, r->id, version, commit, &existed, r->changed)) < 0)
		return ret;
	/* Tags are added newest last: below one that exists, all do. */
	r->tags_done = existed && !r->full;
	/*
	 * A version whose content cannot be read (a damaged object) stays
	 * broken, but must not keep the others from being repaired.
	 */
	ret = repair_version_file(r->store, r->id, version, commit, r->changed);
	if (ret < 0 && !r->error) {
		r->error = dfc_error_wrap(ret, "version %d of '%s'", version, r->id);
		r->message = xstrdup(dfc_error_message());
	}
	return 0;
}

/* Bring tags and view in step with the branch; the caller holds the lock. */
static int repair_locked(struct store *store, const char *id, bool full,
			 int *changed)
{
	struct repair r = { store, id, full, false, changed, 0, NULL };
	git_commit *commit = NULL;
	int ret, latest = 0, state = 0;
	git_oid tip;

	ret = branch_tip(&tip, store, id);
	if (ret == NO_BRANCH)
		return not_found(id);
	if (ret < 0 || (ret = lookup_commit(&commit, store, &tip)) < 0)
		return ret;
	if ((ret = commit_pipeline_version(commit, &latest)) < 0)
		goto out;
	view_read_state(store->view_dir, id, &state);
	if (state == latest && !full && view_has_versions(store->view_dir, id, latest)) {
		bool existed;

		/* The common case: only the newest tag can be missing. */
		ret = repair_tag(store, id, latest, commit, &existed, changed);
		goto out;
	}
	if ((ret = walk_versions(store, id, repair_one, &r)) < 0)
		goto out;
	ret = view_write_state(store->view_dir, id, latest);
	if (ret == 0 && changed && state != latest)
		(*changed)++;
	if (ret == 0 && r.error)
		ret = dfc_hint(dfc_error(r.error, "%s", r.message), "run 'data-factory-cli fsck'");
out:
	free(r.message);
	git_commit_free(commit);
	return ret;
}

int store_repair(struct store *store, const char *id, bool full, int *changed)
{
	int fd = -1, ret;

	if (changed)
		*changed = 0;
	if ((ret = lock_pipeline(store, id, &fd)) < 0)
		return ret;
	ret = repair_locked(store, id, full, changed);
	fs_unlock(fd);
	return ret;
}

int store_reset_tag(struct store *store, const char *id, int version)
{
	struct version_search search = { version, NULL };
	git_reference *ref = NULL;
	char *tag = refs_tag(id, version);
	int fd = -1, ret;

	if ((ret = lock_pipeline(store, id, &fd)) < 0)
		goto out;
	/* The branch, not the tag, says which commit carries the version. */
	if ((ret = walk_versions(store, id, match_version, &search)) < 0)
		goto out;
	if (!search.found) {
		ret = dfc_error(DFC_ENOTFOUND, "pipeline '%s' has no version %d", id, version);
		goto out;
	}
	ret = 0;
	remove_stale_ref_lock(store, tag);
	if (git_reference_create(&ref, store->repo, tag, git_commit_id(search.found), 1,
				 NULL) < 0)
		ret = dfc_git_error(DFC_EINTERNAL, "cannot move a version tag");
out:
	fs_unlock(fd);
	git_reference_free(ref);
	git_commit_free(search.found);
	free(tag);
	return ret;
}

void id_list_release(struct id_list *list)
{
	for (size_t i = 0; i < list->nr; i++)
		free(list->ids[i]);
	free(list->ids);
	memset(list, 0, sizeof(*list));
}

static int compare_ids(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

bool id_list_has(const struct id_list *list, const char *id)
{
	return list->nr && bsearch(&id, list->ids, list->nr, sizeof(*list->ids), compare_ids);
}

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

int store_list_ids(struct store *store, const char *prefix, struct id_list *out)
{
	struct tip_list tips = TIP_LIST_INIT;
	int ret = store_list_tips(store, prefix, &tips);

	for (size_t i = 0; i < tips.nr; i++) {
		XGROW(out->ids, out->alloc, out->nr + 1);
		out->ids[out->nr++] = tips.items[i].id;
	}
	free(tips.items);
	if (out->nr)
		qsort(out->ids, out->nr, sizeof(*out->ids), compare_ids);
	return ret;
}

int store_open_pipeline(struct store *store, const char *id)
{
	if (!store_has_pipeline(store, id))
		return not_found(id);
	if (store_repair(store, id, false, NULL) < 0)
		dfc_error_clear();
	return 0;
}

static int compare_entries(const void *a, const void *b)
{
	const struct snapshot_entry *x = a, *y = b;
	int c = git_oid_cmp(&x->oid, &y->oid);

	return c ? c : strcmp(x->name, y->name);
}

/*
 * Hash the content of a version (without writing anything): the blob id of
 * pipeline.json and of every script, sorted and without repeats, and with
 * `pipeline` (the parsed `json`, or NULL) the content fingerprint.
 */
static int snapshot_hash(struct snapshot *snap, const char *json, size_t len,
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

static void snapshot_release(struct snapshot *snap)
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

/* Write the blobs and trees of `snap`; the root tree's id into `out`. */
static int snapshot_write(git_oid *out, struct store *store,
			  const struct snapshot *snap, const char *json,
			  size_t len)
{
	git_treebuilder *root = NULL, *scripts = NULL, *dir = NULL;
	git_odb *odb = NULL;
	git_oid oid;
	int ret = 0;

	if (git_repository_odb(&odb, store->repo) < 0 ||
	    git_odb_write(&oid, odb, json, len, GIT_OBJECT_BLOB) < 0 ||
	    git_treebuilder_new(&root, store->repo, NULL) < 0 ||
	    git_treebuilder_new(&scripts, store->repo, NULL) < 0) {
		ret = dfc_git_error(DFC_EINTERNAL, "cannot write to the store");
		goto out;
	}
	if ((ret = insert_entry(root, "pipeline.json", &oid, GIT_FILEMODE_BLOB)) < 0)
		goto out;
	for (size_t i = 0; i < snap->nr; i++) {
		const struct snapshot_entry *e = &snap->entries[i];
		const struct snapshot_entry *next = i + 1 < snap->nr ? e + 1 : NULL;

		if (!dir && git_treebuilder_new(&dir, store->repo, NULL) < 0) {
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
		if ((ret = insert_entry(root, MANIFEST, &oid, GIT_FILEMODE_BLOB)) < 0)
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

/* True when `tree` holds exactly the content `snap` describes. */
static bool snapshot_matches(struct store *store, const struct snapshot *snap,
			     const git_tree *tree)
{
	const git_tree_entry *pj = git_tree_entry_byname(tree, "pipeline.json");
	const git_tree_entry *sc = git_tree_entry_byname(tree, "scripts");
	const git_tree_entry *mf = git_tree_entry_byname(tree, MANIFEST);
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
	if (git_tree_lookup(&scripts, store->repo, git_tree_entry_id(sc)) < 0)
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
		    git_tree_lookup(&files, store->repo, git_tree_entry_id(d)) < 0)
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

static char *build_message(const struct record_request *req, int version,
			   const char *fingerprint)
{
	struct buf msg = BUF_INIT;
	size_t len;

	if (req->message && *req->message) {
		buf_adds(&msg, req->message);
		len = msg.len;
		while (len && (msg.data[len - 1] == '\n' || msg.data[len - 1] == ' '))
			len--;
		buf_truncate(&msg, len);
	} else {
		buf_addf(&msg, "update %s to version %d", req->id, version);
	}
	buf_addf(&msg, "\n\n" TRAILER_ID ": %s\n" TRAILER_VERSION ": %d\n",
		 req->id, version);
	if (req->source_file)
		buf_addf(&msg, TRAILER_SOURCE_FILE ": %s\n", req->source_file);
	if (req->source_commit)
		buf_addf(&msg, TRAILER_SOURCE_COMMIT ": %s\n", req->source_commit);
	if (fingerprint)
		buf_addf(&msg, TRAILER_FINGERPRINT ": %s\n", fingerprint);
	return buf_detach(&msg, NULL);
}

static int check_request(const struct record_request *req)
{
	int ret = pipeline_id_check(req->id);

	if (ret < 0)
		return ret;
	if ((req->source_file && strchr(req->source_file, '\n')) ||
	    (req->source_commit && strchr(req->source_commit, '\n')))
		return dfc_error(DFC_EUSAGE, "a file name or commit holds a newline");
	return 0;
}

/*
 * One attempt at moving the branch from `tip` (NULL: create it) to a new
 * commit of version `version`. Returns 0, a negative code, or 1 when the
 * branch moved under us (retry).
 */
static int commit_version_locked(struct store *store,
				 const struct record_request *req,
				 const struct snapshot *snap, const git_oid *tree_oid,
				 git_commit *parent, int version, git_oid *out)
{
	git_signature *author = NULL, *committer = NULL;
	git_reference *ref = NULL;
	git_tree *tree = NULL;
	char *branch = refs_branch(req->id);
	char *message = build_message(req, version,
				      snap->fingerprint[0] ? snap->fingerprint : NULL);
	const git_commit *parents[1] = { parent };
	int ret, err;

	if ((ret = identity_signatures(&author, &committer, store->repo, store->user_name,
				       store->user_email)) < 0)
		goto out;
	if (git_tree_lookup(&tree, store->repo, tree_oid) < 0 ||
	    git_commit_create(out, store->repo, NULL, author, committer, NULL,
			      message, tree, parent ? 1 : 0, parents) < 0) {
		ret = dfc_git_error(DFC_EINTERNAL, "cannot record the version");
		goto out;
	}
	remove_stale_ref_lock(store, branch);
	if (parent)
		err = git_reference_create_matching(&ref, store->repo, branch, out,
						    1, git_commit_id(parent), NULL);
	else
		err = git_reference_create(&ref, store->repo, branch, out, 0, NULL);
	if (err == GIT_EMODIFIED || err == GIT_EEXISTS || err == GIT_ELOCKED) {
		git_error_clear();
		ret = 1;
	} else if (err < 0) {
		ret = dfc_git_error(DFC_EINTERNAL, "cannot record the version");
	}
out:
	git_reference_free(ref);
	git_tree_free(tree);
	git_signature_free(author);
	git_signature_free(committer);
	free(message);
	free(branch);
	return ret;
}

/*
 * The branch tip for a record request: 0 with the tip when the pipeline
 * exists and may be updated, NO_BRANCH when it may be created, or an error
 * (DFC_ECONFLICT for create of an existing pipeline, DFC_ENOTFOUND for
 * update of a missing one).
 */
static int branch_for_request(git_oid *tip, struct store *store,
			      const struct record_request *req)
{
	int ret = branch_tip(tip, store, req->id);

	if (ret == 0 && req->create)
		return dfc_hint(dfc_error(DFC_ECONFLICT,
					  "pipeline '%s' already exists in the local store",
					  req->id),
				"record a new version with 'data-factory-cli update FILE'");
	if (ret == NO_BRANCH && !req->create)
		return not_found(req->id);
	return ret;
}

/* The request's own check against its latest version (store.h), under the lock. */
static int check_latest_locked(struct store *store, const struct record_request *req)
{
	git_commit *commit = NULL;
	char *recorded_from;
	git_oid tip;
	int ret;

	if (!req->check_latest)
		return 0;
	if ((ret = branch_tip(&tip, store, req->id)) == NO_BRANCH)
		return 0;
	if (ret < 0 || (ret = lookup_commit(&commit, store, &tip)) < 0)
		return ret;
	recorded_from = trailer_value(git_commit_message(commit), TRAILER_SOURCE_FILE);
	ret = req->check_latest(req, recorded_from);
	free(recorded_from);
	git_commit_free(commit);
	return ret;
}

static int record_locked(struct store *store, const struct record_request *req,
			 struct record_result *res, const struct snapshot *snap)
{
	git_commit *parent = NULL;
	git_tree *parent_tree = NULL;
	git_oid tree_oid, tip, commit_oid;
	int ret, latest = 0;

	/* Refuse before writing any object: a refused command leaves no trace. */
	if ((ret = check_latest_locked(store, req)) < 0 ||
	    (ret = branch_for_request(&tip, store, req)) < 0)
		return ret;
	if ((ret = snapshot_write(&tree_oid, store, snap, req->pipeline_json,
				  req->pipeline_len)) < 0)
		return ret;
	for (int attempt = 0;; attempt++) {
		git_commit_free(parent);
		git_tree_free(parent_tree);
		parent = NULL;
		parent_tree = NULL;
		latest = 0;
		if ((ret = branch_for_request(&tip, store, req)) < 0)
			goto out;
		if (ret == 0) {
			if ((ret = lookup_commit(&parent, store, &tip)) < 0 ||
			    (ret = commit_pipeline_version(parent, &latest)) < 0)
				goto out;
			if (git_commit_tree(&parent_tree, parent) < 0) {
				ret = dfc_git_error(DFC_EINTERNAL, "cannot read the store");
				goto out;
			}
			if (!req->allow_empty &&
			    git_oid_equal(git_tree_id(parent_tree), &tree_oid)) {
				res->version = latest;
				res->recorded = false;
				git_oid_tostr(res->commit, sizeof(res->commit), &tip);
				goto out;
			}
		} else if (ret < 0) {
			goto out;
		}
		ret = commit_version_locked(store, req, snap, &tree_oid, parent,
					    latest + 1, &commit_oid);
		if (ret <= 0)
			break;
		if (attempt + 1 >= MAX_CAS_ATTEMPTS) {
			ret = dfc_hint(dfc_error(DFC_ECONFLICT,
						 "another writer kept moving pipeline '%s'",
						 req->id),
				       "try again");
			goto out;
		}
	}
	if (ret < 0)
		goto out;
	res->version = latest + 1;
	res->recorded = true;
	git_oid_tostr(res->commit, sizeof(res->commit), &commit_oid);
	/* The version exists now; tag and view follow, and are repairable. */
	{
		git_commit *commit = NULL;
		bool existed;

		if ((ret = lookup_commit(&commit, store, &commit_oid)) < 0)
			goto out;
		ret = repair_tag(store, req->id, res->version, commit, &existed, NULL);
		git_commit_free(commit);
		if (ret < 0)
			goto out;
	}
	ret = view_write_version(store->view_dir, req->id, res->version,
				 req->pipeline_json, req->pipeline_len);
	if (ret == 0)
		ret = view_write_state(store->view_dir, req->id, res->version);
out:
	git_tree_free(parent_tree);
	git_commit_free(parent);
	return ret;
}

int store_record(struct store *store, const struct record_request *req,
		 struct record_result *res)
{
	struct snapshot snap = { 0 };
	int fd = -1, ret;

	memset(res, 0, sizeof(*res));
	if ((ret = check_request(req)) < 0)
		return ret;
	if ((ret = snapshot_hash(&snap, req->pipeline_json, req->pipeline_len,
				 req->scripts, req->pipeline)) < 0)
		goto out;
	if ((ret = lock_pipeline(store, req->id, &fd)) < 0)
		goto out;
	/* Finish what a killed writer left undone before adding to it. */
	if (store_has_pipeline(store, req->id) &&
	    (ret = repair_locked(store, req->id, false, NULL)) < 0)
		goto out;
	ret = record_locked(store, req, res, &snap);
out:
	fs_unlock(fd);
	snapshot_release(&snap);
	return ret;
}

void version_info_release(struct version_info *info)
{
	free(info->author_name);
	free(info->author_email);
	free(info->message);
	free(info->summary);
	free(info->source_file);
	free(info->source_commit);
	free(info->fingerprint);
	buf_release(&info->pipeline_json);
	memset(info, 0, sizeof(*info));
}

/* The message without the trailer block the store appended. */
static char *strip_trailers(const char *message)
{
	const char *cut = NULL;

	for (const char *p = strstr(message, "\n\n" TRAILER_ID ": "); p;
	     p = strstr(p + 1, "\n\n" TRAILER_ID ": "))
		cut = p;
	return cut ? xstrndup(message, (size_t)(cut - message)) : xstrdup(message);
}

static int fill_info(struct version_info *out, const git_commit *commit)
{
	const git_signature *author = git_commit_author(commit);
	const char *message = git_commit_message(commit);
	char fingerprint[41];
	const char *nl;
	int ret;

	memset(out, 0, sizeof(*out));
	if ((ret = commit_pipeline_version(commit, &out->version)) < 0)
		return ret;
	git_oid_tostr(out->commit, sizeof(out->commit), git_commit_id(commit));
	out->author_name = xstrdup(author->name);
	out->author_email = xstrdup(author->email);
	out->time = (long long)author->when.time;
	out->offset = author->when.offset;
	out->message = strip_trailers(message);
	nl = strchr(out->message, '\n');
	out->summary = nl ? xstrndup(out->message, (size_t)(nl - out->message))
			  : xstrdup(out->message);
	out->source_file = trailer_value(message, TRAILER_SOURCE_FILE);
	out->source_commit = trailer_value(message, TRAILER_SOURCE_COMMIT);
	if (commit_fingerprint(commit, fingerprint))
		out->fingerprint = xstrdup(fingerprint);
	return 0;
}

int store_read_version(struct store *store, const char *id, int version,
		       bool content, struct version_info *out)
{
	git_commit *commit = NULL;
	int ret;

	memset(out, 0, sizeof(*out));
	if (version == 0 && (ret = store_latest_version(store, id, &version)) < 0)
		return ret;
	if ((ret = find_version_commit(&commit, store, id, version)) < 0)
		return ret;
	ret = fill_info(out, commit);
	if (ret == 0 && content)
		ret = commit_pipeline_json(&out->pipeline_json, store, commit);
	if (ret < 0)
		version_info_release(out);
	git_commit_free(commit);
	return ret;
}

struct info_walk {
	int (*fn)(const struct version_info *info, void *payload);
	void *payload;
};

static int call_with_info(git_commit *commit, int version, void *payload)
{
	struct info_walk *w = payload;
	struct version_info info;
	int ret;

	(void)version;
	if ((ret = fill_info(&info, commit)) < 0)
		return ret;
	ret = w->fn(&info, w->payload);
	version_info_release(&info);
	return ret;
}

/* Name of the file in `dir` (scripts/<oid>/) for node `node`: the one
 * matching the node's path when several scripts share the content. */
static const char *snapshot_name(const git_tree *dir, const json_t *paths,
				 const char *node)
{
	const char *path = json_string_value(json_object_get(paths, node));

	if (path && git_tree_entry_byname(dir, fs_basename(path)))
		return fs_basename(path);
	return git_tree_entry_name(git_tree_entry_byindex(dir, 0));
}

int store_read_file(struct store *store, const char *id, int version,
		    const char *path, struct buf *out)
{
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	int ret;

	if (version == 0 && (ret = store_latest_version(store, id, &version)) < 0)
		return ret;
	if ((ret = find_version_commit(&commit, store, id, version)) < 0)
		return ret;
	if (git_commit_tree(&tree, commit) < 0)
		ret = dfc_git_error(DFC_EINTERNAL, "cannot read a version");
	else if (!git_tree_entry_byname(tree, path))
		ret = dfc_error(DFC_ENOTFOUND, "version %d of '%s' has no %s", version, id, path);
	else
		ret = read_blob(out, store, tree, path);
	git_tree_free(tree);
	git_commit_free(commit);
	return ret;
}

int store_read_scripts(struct store *store, const char *id, int version,
		       struct script_files *out)
{
	struct buf manifest = BUF_INIT, pipeline = BUF_INIT;
	json_t *map = NULL, *root = NULL, *paths = NULL, *oid_text;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	const char *node;
	int ret;

	if (version == 0 && (ret = store_latest_version(store, id, &version)) < 0)
		return ret;
	if ((ret = find_version_commit(&commit, store, id, version)) < 0)
		return ret;
	if (git_commit_tree(&tree, commit) < 0) {
		ret = dfc_git_error(DFC_EINTERNAL, "cannot read a version");
		goto out;
	}
	if (!git_tree_entry_byname(tree, MANIFEST))
		goto out; /* no local scripts */
	if ((ret = read_blob(&manifest, store, tree, MANIFEST)) < 0 ||
	    (ret = read_blob(&pipeline, store, tree, "pipeline.json")) < 0)
		goto out;
	map = json_loadb(manifest.data, manifest.len, 0, NULL);
	root = json_loadb(pipeline.data, pipeline.len, 0, NULL);
	if (!json_is_object(map) || !root) {
		ret = dfc_hint(dfc_error(DFC_EINTERNAL, "version %d of '%s' has a damaged %s",
					 version, id, MANIFEST),
			       "run 'data-factory-cli fsck'");
		goto out;
	}
	paths = pipeline_node_paths(root);
	json_object_foreach(map, node, oid_text) {
		char *dir_path = xasprintf("scripts/%s", json_string_value(oid_text));
		git_tree_entry *entry = NULL;
		git_tree *dir = NULL;
		struct script_file *f;
		char *file_path;

		if (git_tree_entry_bypath(&entry, tree, dir_path) < 0 ||
		    git_tree_lookup(&dir, store->repo, git_tree_entry_id(entry)) < 0 ||
		    git_tree_entrycount(dir) == 0) {
			ret = dfc_git_error(DFC_EINTERNAL, "cannot read a script snapshot");
			git_tree_entry_free(entry);
			git_tree_free(dir);
			free(dir_path);
			goto out;
		}
		XGROW(out->items, out->alloc, out->nr + 1);
		f = &out->items[out->nr++];
		f->node_id = xstrdup(node);
		f->name = xstrdup(snapshot_name(dir, paths, node));
		buf_init(&f->content);
		file_path = xasprintf("%s/%s", dir_path, f->name);
		ret = read_blob(&f->content, store, tree, file_path);
		free(file_path);
		git_tree_entry_free(entry);
		git_tree_free(dir);
		free(dir_path);
		if (ret < 0)
			goto out;
	}
out:
	json_decref(map);
	json_decref(paths);
	json_decref(root);
	buf_release(&manifest);
	buf_release(&pipeline);
	git_tree_free(tree);
	git_commit_free(commit);
	return ret;
}

int store_for_each_version(struct store *store, const char *id,
			   int (*fn)(const struct version_info *info,
				     void *payload),
			   void *payload)
{
	struct info_walk w = { fn, payload };

	return walk_versions(store, id, call_with_info, &w);
}

struct content_search {
	struct store *store;
	const struct snapshot *snap;
	int version;
};

static int match_content(git_commit *commit, int version, void *payload)
{
	struct content_search *search = payload;
	git_tree *tree = NULL;
	bool match;

	if (git_commit_tree(&tree, commit) < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot read the store");
	match = snapshot_matches(search->store, search->snap, tree);
	git_tree_free(tree);
	if (!match)
		return 0;
	search->version = version;
	return 1;
}

int store_find_version(struct store *store, const char *id,
		       const char *pipeline_json, size_t pipeline_len,
		       const struct script_files *scripts, int *version)
{
	struct snapshot snap = { 0 };
	struct content_search search = { store, &snap, 0 };
	int ret;

	*version = 0;
	ret = snapshot_hash(&snap, pipeline_json, pipeline_len, scripts, NULL);
	if (ret == 0)
		ret = walk_versions(store, id, match_content, &search);
	snapshot_release(&snap);
	if (ret < 0)
		return ret;
	*version = search.version;
	return 0;
}

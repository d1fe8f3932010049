/* catalog_local.c - a catalog on this machine, read and written ref by ref. */
#include "catalog_internal.h"

#include "dfc/error.h"
#include "dfc/refs.h"
#include "dfc/strvec.h"
#include "dfc/xalloc.h"

#include <stdlib.h>
#include <string.h>

/*
 * Why not libgit2's local transport: its every connection lists and peels
 * all refs of the catalog (about twenty stat calls each), so a share into
 * a catalog of 60,000 refs took seconds whatever it shared. Here a fetch
 * or push looks up the refs it names, copies the objects the other side
 * lacks, and moves each ref with a compare-and-swap. A fetch of a glob
 * (`list --refresh`) still reads every ref it matches: it asks for them.
 */

/* At least this many objects go over in one pack, fewer as loose objects (git's unpackLimit). */
#define PACK_THRESHOLD 100

/* The catalog's repository, opened once; NULL when there is none. */
static git_repository *open_catalog(struct catalog *cat)
{
	if (!cat->local_repo && git_repository_open_bare(&cat->local_repo, cat->local_path) < 0) {
		git_error_clear();
		cat->local_repo = NULL;
	}
	return cat->local_repo;
}

/* The objects a copy sends: found missing on the receiving side. */
struct object_list {
	git_oid *oids;
	size_t nr;
	size_t alloc;
};

static void object_list_add(struct object_list *list, const git_oid *oid)
{
	XGROW(list->oids, list->alloc, list->nr + 1);
	git_oid_cpy(&list->oids[list->nr++], oid);
}

/*
 * Add to `list` the objects of tree `oid` that `to` lacks. A tree `to`
 * has is complete there (repositories are closed under reachability), so
 * the walk stops at it.
 */
static int missing_tree_objects(struct object_list *list, git_repository *from, git_odb *to,
				const git_oid *oid)
{
	git_tree *tree = NULL;
	int ret = 0;

	if (git_odb_exists(to, oid))
		return 0;
	if (git_tree_lookup(&tree, from, oid) < 0)
		return -1;
	object_list_add(list, oid);
	for (size_t i = 0, n = git_tree_entrycount(tree); i < n && ret == 0; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);

		if (git_tree_entry_type(e) == GIT_OBJECT_TREE)
			ret = missing_tree_objects(list, from, to, git_tree_entry_id(e));
		else if (git_tree_entry_type(e) == GIT_OBJECT_BLOB && !git_odb_exists(to, git_tree_entry_id(e)))
			object_list_add(list, git_tree_entry_id(e));
	}
	git_tree_free(tree);
	return ret;
}

/*
 * Add the commits from `tip` down that `to` lacks, and their trees' missing
 * objects: each object before those it names (write_objects() reverses).
 */
static int missing_objects(struct object_list *list, git_repository *from, git_odb *to,
			   const git_oid *tip)
{
	git_oid *stack = NULL;
	size_t nr = 0, alloc = 0;
	int ret = 0;

	XGROW(stack, alloc, 1);
	git_oid_cpy(&stack[nr++], tip);
	while (nr && ret == 0) {
		git_commit *commit = NULL;
		git_oid oid;

		git_oid_cpy(&oid, &stack[--nr]);
		if (git_odb_exists(to, &oid))
			continue;
		if (git_commit_lookup(&commit, from, &oid) < 0) {
			ret = -1;
			break;
		}
		object_list_add(list, &oid);
		ret = missing_tree_objects(list, from, to, git_commit_tree_id(commit));
		for (unsigned i = 0, n = git_commit_parentcount(commit); i < n; i++) {
			XGROW(stack, alloc, nr + 1);
			git_oid_cpy(&stack[nr++], git_commit_parent_id(commit, i));
		}
		git_commit_free(commit);
	}
	free(stack);
	return ret;
}

/* Write `list`'s objects from `from` into `to`: loose, or one pack when many. */
static int write_objects(const struct object_list *list, git_repository *from, git_repository *to)
{
	git_packbuilder *pb = NULL;
	git_odb *from_odb = NULL, *to_odb = NULL;
	char *pack_dir = NULL;
	int ret = 0;

	if (!list->nr)
		return 0;
	if (list->nr >= PACK_THRESHOLD) {
		pack_dir = xasprintf("%sobjects/pack", git_repository_path(to));
		ret = git_packbuilder_new(&pb, from);
		for (size_t i = 0; ret == 0 && i < list->nr; i++)
			ret = git_packbuilder_insert(pb, &list->oids[i], NULL);
		if (ret == 0)
			ret = git_packbuilder_write(pb, pack_dir, 0, NULL, NULL);
		git_packbuilder_free(pb);
		free(pack_dir);
		return ret;
	}
	if (git_repository_odb(&from_odb, from) < 0 || git_repository_odb(&to_odb, to) < 0)
		ret = -1;
	/*
	 * Last found, first written: parents after what they name, so that a
	 * process killed midway leaves no object whose tree or parent is
	 * missing (the walks above stop at an object the side has).
	 */
	for (size_t i = list->nr; ret == 0 && i-- > 0;) {
		git_odb_object *obj = NULL;
		git_oid written;

		ret = git_odb_read(&obj, from_odb, &list->oids[i]);
		if (ret == 0)
			ret = git_odb_write(&written, to_odb, git_odb_object_data(obj),
					    git_odb_object_size(obj), git_odb_object_type(obj));
		git_odb_object_free(obj);
	}
	git_odb_free(from_odb);
	git_odb_free(to_odb);
	return ret;
}

/* Copy to `to` what it lacks of the history of each of `tips`. */
static int copy_history(git_repository *from, git_repository *to, const git_oid *tips, size_t nr)
{
	struct object_list list = { NULL, 0, 0 };
	git_odb *to_odb = NULL;
	int ret = git_repository_odb(&to_odb, to);

	for (size_t i = 0; ret == 0 && i < nr; i++)
		ret = missing_objects(&list, from, to_odb, &tips[i]);
	if (ret == 0)
		ret = write_objects(&list, from, to);
	git_odb_free(to_odb);
	free(list.oids);
	return ret;
}

/* The fetched refs that change: where each goes, and its new value. */
struct ref_updates {
	char **names;
	git_oid *oids;
	size_t nr;
	size_t alloc_names;
	size_t alloc_oids;
};

static void note_update(struct ref_updates *u, git_repository *repo, const char *name,
			const git_oid *oid)
{
	git_oid now;

	if (git_reference_name_to_id(&now, repo, name) == 0 && git_oid_equal(&now, oid))
		return;
	git_error_clear();
	XGROW(u->names, u->alloc_names, u->nr + 1);
	XGROW(u->oids, u->alloc_oids, u->nr + 1);
	u->names[u->nr] = xstrdup(name);
	git_oid_cpy(&u->oids[u->nr++], oid);
}

/* The catalog refs `spec` names (one, or those its glob matches) that repo.git lacks. */
static int refs_of_spec(struct ref_updates *u, git_repository *catalog, git_repository *repo,
			const git_refspec *spec)
{
	const char *src = git_refspec_src(spec);
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	git_buf dst = GIT_BUF_INIT;
	git_oid oid;
	int ret = 0;

	if (!strchr(src, '*')) {
		/* Absent from the catalog: nothing to fetch, as with git. */
		if ((ret = catalog_ref_read(git_repository_path(catalog), src, &oid)) == 0)
			note_update(u, repo, git_refspec_dst(spec), &oid);
		return ret < 0 ? -1 : 0;
	}
	if (git_reference_iterator_glob_new(&it, catalog, src) < 0)
		return -1;
	while (ret == 0 && (ret = git_reference_next(&ref, it)) == 0) {
		const git_oid *target = git_reference_target(ref);

		if (target && (ret = git_refspec_transform(&dst, spec, git_reference_name(ref))) == 0)
			note_update(u, repo, dst.ptr, target);
		git_buf_dispose(&dst);
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	return ret == GIT_ITEROVER ? 0 : ret;
}

static int local_git_error(struct catalog *cat, const char *what)
{
	char *text = xasprintf("cannot %s the catalog at %s", what, cat->shown_url);
	int ret = dfc_git_error(DFC_ENETWORK, text);

	free(text);
	return ret;
}

int catalog_local_fetch(struct catalog *cat, char **refspecs, size_t nr)
{
	struct ref_updates u = { NULL, NULL, 0, 0, 0 };
	git_repository *catalog, *repo = cat->store->repo;
	int ret = 0;

	if (!(catalog = open_catalog(cat)))
		return catalog_local_error(cat);
	for (size_t i = 0; ret == 0 && i < nr; i++) {
		git_refspec *spec = NULL;

		if (git_refspec_parse(&spec, refspecs[i], 1) < 0 ||
		    refs_of_spec(&u, catalog, repo, spec) < 0)
			ret = local_git_error(cat, "read");
		git_refspec_free(spec);
	}
	if (ret == 0 && copy_history(catalog, repo, u.oids, u.nr) < 0)
		ret = local_git_error(cat, "copy the versions of");
	for (size_t i = 0; ret == 0 && i < u.nr; i++) {
		git_reference *ref = NULL;

		if (git_reference_create(&ref, repo, u.names[i], &u.oids[i], 1, NULL) < 0)
			ret = dfc_git_error(DFC_EINTERNAL, "cannot record the catalog's state");
		git_reference_free(ref);
	}
	for (size_t i = 0; i < u.nr; i++)
		free(u.names[i]);
	free(u.names);
	free(u.oids);
	return ret;
}

int catalog_local_tags(struct catalog *cat, const char *id, struct strvec *tags)
{
	char *prefix = refs_tag_prefix(id);
	int ret = catalog_ref_list(cat->local_path, prefix, tags);

	free(prefix);
	return ret < 0 ? local_git_error(cat, "read") : 0;
}

/*
 * Whether the catalog's ref at `current` may become `next`, as the server's
 * guard decides (hooks/pre-receive): a tag never moves, anything else only
 * forward. 1: yes, 0: no, negative: error.
 */
static int may_move(git_repository *catalog, const char *name, const git_oid *current,
		    const git_oid *next)
{
	if (!strncmp(name, "refs/tags/", 10))
		return 0;
	return git_graph_descendant_of(catalog, next, current);
}

int catalog_local_push(struct catalog *cat, const struct catalog_push_ref *refs, size_t nr)
{
	git_repository *catalog, *repo = cat->store->repo;
	git_oid *seen = xcalloc(nr, sizeof(*seen)), *tips = xcalloc(nr, sizeof(*tips));
	bool *exists = xcalloc(nr, sizeof(*exists));
	int ret = 0;

	if (!(catalog = open_catalog(cat))) {
		ret = catalog_local_error(cat);
		goto out;
	}
	for (size_t i = 0; ret == 0 && i < nr; i++) {
		int found = catalog_ref_read(git_repository_path(catalog), refs[i].dst, &seen[i]);

		git_oid_cpy(&tips[i], refs[i].commit);
		exists[i] = found == 0;
		if (found < 0)
			ret = local_git_error(cat, "read");
	}
	if (ret < 0)
		goto out;
	if (copy_history(repo, catalog, tips, nr) < 0) {
		ret = local_git_error(cat, "write to");
		goto out;
	}
	for (size_t i = 0; ret == 0 && i < nr; i++) {
		int ok = 1;

		if (exists[i] && git_oid_equal(&seen[i], refs[i].commit))
			continue;
		if (exists[i] && (ok = may_move(catalog, refs[i].dst, &seen[i], refs[i].commit)) < 0)
			ret = local_git_error(cat, "read");
		else if (!ok)
			ret = 1;
		else if ((ret = catalog_ref_swap(git_repository_path(catalog), refs[i].dst,
						 exists[i] ? &seen[i] : NULL, refs[i].commit)) < 0)
			ret = local_git_error(cat, "write to");
	}
out:
	free(seen);
	free(tips);
	free(exists);
	return ret;
}

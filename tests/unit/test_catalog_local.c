/* test_catalog_local.c - fetch and push of a catalog on this machine, ref by ref. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "temp_dir.h"

#include "core/catalog_internal.h"
#include "dfc/config.h"
#include "dfc/refs.h"
#include "dfc/store.h"
#include "dfc/strvec.h"
#include "dfc/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fixture {
	char *dir;
	char *catalog_path;
	struct store store;
	struct config cfg;
	struct catalog cat;
	/* The catalog, opened beside the one under test, to look at it. */
	git_repository *catalog;
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	char *home;

	f->dir = temp_dir_new("catalog-local");
	assert_non_null(f->dir);
	f->catalog_path = fs_path_join(f->dir, "catalog.git");
	assert_int_equal(git_repository_init(&f->catalog, f->catalog_path, 1), 0);
	home = fs_path_join(f->dir, "home");
	assert_int_equal(store_open(&f->store, home, true), 0);
	free(home);
	f->cfg = (struct config)CONFIG_INIT;
	f->cfg.catalog_url = f->catalog_path;
	assert_int_equal(catalog_open(&f->cat, &f->store, &f->cfg), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	catalog_release(&f->cat);
	store_close(&f->store);
	git_repository_free(f->catalog);
	assert_int_equal(remove_tree(f->dir), 0);
	free(f->catalog_path);
	free(f->dir);
	free(f);
	return 0;
}

/* A commit in `repo` on `parent` (or none) whose tree holds `files` blobs "f<i>" of `salt`. */
static void make_commit(git_oid *out, git_repository *repo, const git_oid *parent, int files,
			const char *salt)
{
	git_treebuilder *tb = NULL;
	git_signature *sig = NULL;
	git_commit *p = NULL;
	git_tree *tree = NULL;
	git_oid blob, tree_id;

	assert_int_equal(git_treebuilder_new(&tb, repo, NULL), 0);
	for (int i = 0; i < files; i++) {
		char name[32], *text = xasprintf("%s %d\n", salt, i);

		snprintf(name, sizeof(name), "f%d", i);
		assert_int_equal(git_blob_create_from_buffer(&blob, repo, text, strlen(text)), 0);
		assert_int_equal(git_treebuilder_insert(NULL, tb, name, &blob, GIT_FILEMODE_BLOB), 0);
		free(text);
	}
	assert_int_equal(git_treebuilder_write(&tree_id, tb), 0);
	assert_int_equal(git_tree_lookup(&tree, repo, &tree_id), 0);
	assert_int_equal(git_signature_new(&sig, "T", "t@example.org", 1700000000, 0), 0);
	if (parent)
		assert_int_equal(git_commit_lookup(&p, repo, parent), 0);
	assert_int_equal(git_commit_create(out, repo, NULL, sig, sig, NULL, salt, tree, p ? 1 : 0,
					   (const git_commit **)&p),
			 0);
	git_commit_free(p);
	git_tree_free(tree);
	git_signature_free(sig);
	git_treebuilder_free(tb);
}

static int push_one(struct fixture *f, const char *dst, const git_oid *commit)
{
	struct catalog_push_ref ref = { commit, dst };

	return catalog_remote_push(&f->cat, "p1", &ref, 1);
}

/* Whether `name` in `repo` is at `want` (NULL: absent). */
static void assert_ref_at(git_repository *repo, const char *name, const git_oid *want)
{
	git_oid oid;
	int err = git_reference_name_to_id(&oid, repo, name);

	git_error_clear();
	if (!want) {
		assert_int_equal(err, GIT_ENOTFOUND);
		return;
	}
	assert_int_equal(err, 0);
	assert_true(git_oid_equal(&oid, want));
}

/* Every object of `commit`'s tree is readable in `repo`. */
static void assert_complete(git_repository *repo, const git_oid *commit)
{
	git_commit *c = NULL;
	git_tree *tree = NULL;

	assert_int_equal(git_commit_lookup(&c, repo, commit), 0);
	assert_int_equal(git_commit_tree(&tree, c), 0);
	for (size_t i = 0; i < git_tree_entrycount(tree); i++) {
		git_blob *blob = NULL;

		assert_int_equal(git_blob_lookup(&blob, repo, git_tree_entry_id(git_tree_entry_byindex(tree, i))), 0);
		git_blob_free(blob);
	}
	git_tree_free(tree);
	git_commit_free(c);
}

static bool object_exists(git_repository *repo, const git_oid *oid)
{
	git_odb *odb = NULL;
	bool exists;

	assert_int_equal(git_repository_odb(&odb, repo), 0);
	exists = git_odb_exists(odb, oid);
	git_odb_free(odb);
	return exists;
}

static void test_push_goes_forward_only(void **state)
{
	struct fixture *f = *state;
	char *branch = refs_branch("p1");
	git_oid v1, v2, other;

	make_commit(&v1, f->store.repo, NULL, 3, "v1");
	make_commit(&v2, f->store.repo, &v1, 3, "v2");
	make_commit(&other, f->store.repo, &v1, 2, "other");

	assert_int_equal(push_one(f, branch, &v1), 0);
	assert_ref_at(f->catalog, branch, &v1);
	assert_complete(f->catalog, &v1);
	assert_int_equal(push_one(f, branch, &v2), 0);
	assert_ref_at(f->catalog, branch, &v2);
	assert_complete(f->catalog, &v2);
	/* The same value again changes nothing; a rewind or a fork is refused. */
	assert_int_equal(push_one(f, branch, &v2), 0);
	assert_int_equal(push_one(f, branch, &v1), 1);
	assert_int_equal(push_one(f, branch, &other), 1);
	assert_ref_at(f->catalog, branch, &v2);
	free(branch);
}

static void test_tags_never_move(void **state)
{
	struct fixture *f = *state;
	char *tag = refs_tag("p1", 1);
	git_oid v1, v2;

	make_commit(&v1, f->store.repo, NULL, 1, "v1");
	make_commit(&v2, f->store.repo, &v1, 1, "v2");
	assert_int_equal(push_one(f, tag, &v1), 0);
	assert_int_equal(push_one(f, tag, &v1), 0);
	/* Even forward: a tag names one version for ever. */
	assert_int_equal(push_one(f, tag, &v2), 1);
	assert_ref_at(f->catalog, tag, &v1);
	free(tag);
}

static void test_many_objects_go_as_one_pack(void **state)
{
	struct fixture *f = *state;
	char *branch = refs_branch("p1"), *pack_dir = fs_path_join(f->catalog_path, "objects/pack");
	git_oid big;
	struct dirent *e;
	int packs = 0;
	DIR *dir;

	make_commit(&big, f->store.repo, NULL, 150, "big");
	assert_int_equal(push_one(f, branch, &big), 0);
	assert_complete(f->catalog, &big);
	assert_non_null(dir = opendir(pack_dir));
	while ((e = readdir(dir)))
		packs += strlen(e->d_name) > 5 && !strcmp(e->d_name + strlen(e->d_name) - 5, ".pack");
	closedir(dir);
	assert_int_equal(packs, 1);
	free(pack_dir);
	free(branch);
}

static void set_ref(git_repository *repo, const char *name, const git_oid *oid)
{
	git_reference *ref = NULL;

	assert_int_equal(git_reference_create(&ref, repo, name, oid, 0, NULL), 0);
	git_reference_free(ref);
}

static void test_fetch_reads_the_refs_it_names(void **state)
{
	struct fixture *f = *state;
	char *one = refs_fetch_refspec("p1"), *all = refs_fetch_refspec(NULL);
	char *branch = refs_branch("p1"), *tracking = refs_tracking("p1");
	char *tag1 = refs_tag("p1", 1), *tag2 = refs_tag("p1", 2);
	char *other = refs_branch("p2"), *other_tracking = refs_tracking("p2");
	struct strvec tags = STRVEC_INIT;
	git_oid v1, v2, p2;

	/* Versions made in the catalog: the fetch must bring their objects. */
	make_commit(&v1, f->catalog, NULL, 2, "v1");
	make_commit(&v2, f->catalog, &v1, 2, "v2");
	make_commit(&p2, f->catalog, NULL, 1, "p2");
	set_ref(f->catalog, branch, &v2);
	set_ref(f->catalog, tag1, &v1);
	set_ref(f->catalog, tag2, &v2);
	set_ref(f->catalog, other, &p2);

	assert_int_equal(catalog_remote_fetch(&f->cat, &one, 1, "p1", &tags), 0);
	assert_ref_at(f->store.repo, tracking, &v2);
	assert_complete(f->store.repo, &v2);
	assert_complete(f->store.repo, &v1);
	assert_int_equal(tags.nr, 2);
	assert_string_equal(tags.items[0], "v1");
	assert_string_equal(tags.items[1], "v2");
	/* Another pipeline's refs are not read. */
	assert_ref_at(f->store.repo, other_tracking, NULL);
	assert_false(object_exists(f->store.repo, &p2));

	/* The whole catalog (a glob) in one fetch, again with nothing new. */
	assert_int_equal(catalog_remote_fetch(&f->cat, &all, 1, NULL, NULL), 0);
	assert_ref_at(f->store.repo, other_tracking, &p2);
	assert_complete(f->store.repo, &p2);
	assert_int_equal(catalog_remote_fetch(&f->cat, &all, 1, NULL, NULL), 0);
	assert_ref_at(f->store.repo, tracking, &v2);

	strvec_release(&tags);
	free(other_tracking);
	free(other);
	free(tag2);
	free(tag1);
	free(tracking);
	free(branch);
	free(all);
	free(one);
}

static void test_fetch_of_an_absent_pipeline_is_empty(void **state)
{
	struct fixture *f = *state;
	char *one = refs_fetch_refspec("nope"), *tracking = refs_tracking("nope");
	struct strvec tags = STRVEC_INIT;

	assert_int_equal(catalog_remote_fetch(&f->cat, &one, 1, "nope", &tags), 0);
	assert_ref_at(f->store.repo, tracking, NULL);
	assert_int_equal(tags.nr, 0);
	strvec_release(&tags);
	free(tracking);
	free(one);
}

#define LOCAL_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		LOCAL_TEST(test_push_goes_forward_only),
		LOCAL_TEST(test_tags_never_move),
		LOCAL_TEST(test_many_objects_go_as_one_pack),
		LOCAL_TEST(test_fetch_reads_the_refs_it_names),
		LOCAL_TEST(test_fetch_of_an_absent_pipeline_is_empty),
	};

	git_libgit2_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

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

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

	return catalog_remote_push(&f->cat, "p1", &ref, 1, CATALOG_PUSH_DONE);
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

	assert_int_equal(catalog_remote_fetch(&f->cat, &one, 1), 0);
	assert_int_equal(catalog_local_tags(&f->cat, "p1", &tags), 0);
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
	assert_int_equal(catalog_remote_fetch(&f->cat, &all, 1), 0);
	assert_ref_at(f->store.repo, other_tracking, &p2);
	assert_complete(f->store.repo, &p2);
	assert_int_equal(catalog_remote_fetch(&f->cat, &all, 1), 0);
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

	assert_int_equal(catalog_remote_fetch(&f->cat, &one, 1), 0);
	assert_int_equal(catalog_local_tags(&f->cat, "nope", &tags), 0);
	assert_ref_at(f->store.repo, tracking, NULL);
	assert_int_equal(tags.nr, 0);
	strvec_release(&tags);
	free(tracking);
	free(one);
}

/* A random ref name among few prefixes, so that lists and near misses are common. */
static char *random_ref(unsigned *seed)
{
	static const char *const prefixes[] = { "refs/heads/pipelines/", "refs/tags/pipelines/p%u/",
						"refs/dfc/runs/" };
	unsigned kind = (unsigned)rand_r(seed) % 3, n = (unsigned)rand_r(seed) % 40;
	char *prefix = xasprintf(prefixes[kind], n % 7), *name;

	if (kind == 1)
		name = xasprintf("%sv%u", prefix, (unsigned)rand_r(seed) % 12 + 1);
	else
		name = xasprintf("%sp%u", prefix, n);
	free(prefix);
	return name;
}

/*
 * Property: for random sets of refs, packed (with peel lines of annotated
 * tags) and then partly rewritten loose, every read and list agrees with
 * libgit2's own view of the repository.
 */
static void test_refs_agree_with_libgit2(void **state)
{
	struct fixture *f = *state;
	git_signature *sig = NULL;

	/* Thousands of ref writes: no fsync of each (the store asked for it). */
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 0);
	assert_int_equal(git_signature_new(&sig, "T", "t@example.org", 1700000000, 0), 0);
	for (unsigned round = 0; round < 40; round++) {
		char *path = xasprintf("%s/round-%u.git", f->dir, round);
		unsigned seed = round;
		git_repository *repo = NULL;
		git_refdb *refdb = NULL;
		git_reference_iterator *it = NULL;
		git_reference *ref = NULL;
		git_oid oid, want, commits[3];
		const char *dir, *name;

		assert_int_equal(git_repository_init(&repo, path, 1), 0);
		dir = git_repository_path(repo);
		for (int i = 0; i < 3; i++)
			make_commit(&commits[i], repo, i ? &commits[i - 1] : NULL, 1, i ? "b" : "a");
		for (int i = 0, n = rand_r(&seed) % 300; i < n; i++) {
			char *r = random_ref(&seed);
			git_object *target = NULL;

			if (!strncmp(r, "refs/tags/", 10) && rand_r(&seed) % 3 == 0) {
				/* An annotated tag: packed with a peel line after it. */
				assert_int_equal(git_object_lookup(&target, repo, &commits[i % 3], GIT_OBJECT_COMMIT), 0);
				assert_int_equal(git_tag_annotation_create(&oid, repo, "t", target, sig, "m"), 0);
				git_object_free(target);
			} else {
				git_oid_cpy(&oid, &commits[i % 3]);
			}
			git_reference_create(&ref, repo, r, &oid, 1, NULL);
			git_reference_free(ref);
			free(r);
		}
		assert_int_equal(git_repository_refdb(&refdb, repo), 0);
		assert_int_equal(git_refdb_compress(refdb), 0);
		git_refdb_free(refdb);
		/* Some rewritten after packing: loose over packed. */
		for (int i = 0; i < 10; i++) {
			char *r = random_ref(&seed);

			git_reference_create(&ref, repo, r, &commits[2], 1, NULL);
			git_reference_free(ref);
			free(r);
		}
		for (int i = 0; i < 200; i++) {
			char *r = random_ref(&seed);
			int have = git_reference_name_to_id(&want, repo, r) == 0;

			git_error_clear();
			assert_int_equal(catalog_ref_read(dir, r, &oid), have ? 0 : 1);
			if (have)
				assert_true(git_oid_equal(&oid, &want));
			free(r);
		}
		for (unsigned p = 0; p < 7; p++) {
			char *prefix = xasprintf("refs/tags/pipelines/p%u/", p), *glob = xasprintf("%s*", prefix);
			struct strvec mine = STRVEC_INIT, theirs = STRVEC_INIT;

			assert_int_equal(catalog_ref_list(dir, prefix, &mine), 0);
			assert_int_equal(git_reference_iterator_glob_new(&it, repo, glob), 0);
			while (git_reference_next_name(&name, it) == 0)
				strvec_push(&theirs, name + strlen(prefix));
			git_reference_iterator_free(it);
			strvec_sort(&theirs);
			assert_int_equal(mine.nr, theirs.nr);
			for (size_t i = 0; i < mine.nr; i++)
				assert_string_equal(mine.items[i], theirs.items[i]);
			strvec_release(&mine);
			strvec_release(&theirs);
			free(glob);
			free(prefix);
		}
		git_repository_free(repo);
		free(path);
	}
	git_signature_free(sig);
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
}

static void test_swap_compares_first(void **state)
{
	struct fixture *f = *state;
	const char *dir = git_repository_path(f->catalog);
	char *branch = refs_branch("p1"), *lock = xasprintf("%s%s.lock", dir, branch);
	git_oid v1, v2, v3;
	int fd;

	make_commit(&v1, f->catalog, NULL, 1, "v1");
	make_commit(&v2, f->catalog, &v1, 1, "v2");
	make_commit(&v3, f->catalog, &v2, 1, "v3");
	/* Created only when absent, moved only from what was seen. */
	assert_int_equal(catalog_ref_swap(dir, branch, NULL, &v1), 0);
	assert_int_equal(catalog_ref_swap(dir, branch, NULL, &v2), 1);
	assert_int_equal(catalog_ref_swap(dir, branch, &v2, &v3), 1);
	assert_ref_at(f->catalog, branch, &v1);
	assert_int_equal(catalog_ref_swap(dir, branch, &v1, &v2), 0);
	assert_ref_at(f->catalog, branch, &v2);
	/* Another writer's lock file (git's protocol): not now, and left alone. */
	fd = open(lock, O_WRONLY | O_CREAT | O_EXCL, 0644);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(catalog_ref_swap(dir, branch, &v2, &v3), 1);
	assert_true(fs_exists(lock));
	assert_ref_at(f->catalog, branch, &v2);
	unlink(lock);
	free(lock);
	free(branch);
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
		LOCAL_TEST(test_refs_agree_with_libgit2),
		LOCAL_TEST(test_swap_compares_first),
	};

	git_libgit2_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

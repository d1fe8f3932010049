/* test_catalog.c - share, fetch, tracking refs and retries against local bare catalogs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_scripts.h"

#include "local_server.h"
#include "temp_dir.h"

#include "dfc/catalog.h"
#include "dfc/catalog_fetch.h"
#include "dfc/catalog_read.h"
#include "dfc/catalog_share.h"
#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/refs.h"
#include "dfc/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCRIPT "echo hi\n"

/* Two homes (two people) and the catalog.git they share, all under `dir`. */
struct fixture {
	char *dir;
	char *catalog_path;
	struct store a, b;
	struct config cfg;
	struct catalog cat_a, cat_b;
	struct script_files scripts;
};

static void open_store(struct store *store, const char *dir, const char *name)
{
	char *home = fs_path_join(dir, name);

	assert_int_equal(store_open(store, home, true), 0);
	free(home);
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	git_repository *repo = NULL;

	f->dir = temp_dir_new("catalog");
	assert_non_null(f->dir);
	setenv("GIT_AUTHOR_NAME", "Test Author", 1);
	setenv("GIT_AUTHOR_EMAIL", "test@example.org", 1);
	f->catalog_path = fs_path_join(f->dir, "catalog.git");
	assert_int_equal(git_repository_init(&repo, f->catalog_path, 1), 0);
	git_repository_free(repo);
	open_store(&f->a, f->dir, "a");
	open_store(&f->b, f->dir, "b");
	f->cfg = (struct config)CONFIG_INIT;
	f->cfg.catalog_url = f->catalog_path;
	assert_int_equal(catalog_open(&f->cat_a, &f->a, &f->cfg), 0);
	assert_int_equal(catalog_open(&f->cat_b, &f->b, &f->cfg), 0);
	add_script(&f->scripts, "s", "run.sh", SCRIPT);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	catalog_release(&f->cat_a);
	catalog_release(&f->cat_b);
	store_close(&f->a);
	store_close(&f->b);
	script_files_release(&f->scripts);
	assert_int_equal(remove_tree(f->dir), 0);
	free(f->catalog_path);
	free(f->dir);
	free(f);
	return 0;
}

/* The pipeline p1: script `s`, with a dataset node of `extra` JSON when given. */
static json_t *pipeline(const char *extra)
{
	char *text = xasprintf("{\"id\": \"p1\", \"nodes\": [{\"id\": \"s\", \"type\": \"script\", "
			       "\"path\": \"run.sh\"}%s%s], \"edges\": []}",
			       extra ? ", " : "", extra ? extra : "");
	json_t *root = json_loads(text, 0, NULL);

	assert_non_null(root);
	free(text);
	return root;
}

static int share(struct fixture *f, struct catalog *cat, const json_t *root,
		 struct share_result *res)
{
	struct share_request req = { 0 };

	req.id = "p1";
	req.pipeline = root;
	req.base_dir = f->dir;
	req.scripts = &f->scripts;
	return catalog_share(cat, &req, res);
}

/* The commit `name` points at in the repository at `git_dir`, as hex ("" when none). */
static char *ref_at(const char *git_dir, const char *name)
{
	git_repository *repo = NULL;
	git_oid oid;
	char *hex;

	assert_int_equal(git_repository_open_bare(&repo, git_dir), 0);
	hex = xstrdup(git_reference_name_to_id(&oid, repo, name) == 0 ? git_oid_tostr_s(&oid) : "");
	git_error_clear();
	git_repository_free(repo);
	return hex;
}

static void assert_ref(const char *git_dir, const char *name, const char *want)
{
	char *have = ref_at(git_dir, name);

	assert_string_equal(have, want);
	free(have);
}

static int latest(struct store *store)
{
	int version = -1;

	assert_int_equal(catalog_latest_version(store, "p1", &version), 0);
	return version;
}

static void test_share_appends_tags_and_tracks(void **state)
{
	struct fixture *f = *state;
	json_t *root = pipeline(NULL);
	struct share_result res;
	char *tracking = refs_tracking("p1"), *branch = refs_branch("p1"), *tag = refs_tag("p1", 1);
	char *tip;

	assert_int_equal(latest(&f->a), 0);
	assert_int_equal(share(f, &f->cat_a, root, &res), 0);
	assert_int_equal(res.version, 1);
	assert_true(res.appended);
	tip = ref_at(f->catalog_path, branch);
	assert_int_equal(strlen(tip), GIT_OID_HEXSZ);
	assert_ref(f->catalog_path, tag, tip);
	assert_ref(git_repository_path(f->a.repo), tracking, tip);
	assert_int_equal(latest(&f->a), 1);

	/* the same content again appends nothing */
	assert_int_equal(share(f, &f->cat_a, root, &res), 0);
	assert_int_equal(res.version, 1);
	assert_false(res.appended);
	assert_ref(f->catalog_path, branch, tip);
	free(tip);
	free(tag);
	free(branch);
	free(tracking);
	json_decref(root);
}

static void test_fetch_brings_versions_and_their_files(void **state)
{
	struct fixture *f = *state;
	json_t *root = pipeline(NULL);
	struct catalog_entries entries = CATALOG_ENTRIES_INIT;
	struct catalog_file file = CATALOG_FILE_INIT;
	struct catalog_version cv = { 0 };
	struct share_result res;
	git_config *cfg = NULL;
	git_buf url = GIT_BUF_INIT;

	assert_int_equal(share(f, &f->cat_a, root, &res), 0);
	/* b knows nothing until it fetches */
	assert_int_equal(latest(&f->b), 0);
	assert_int_equal(catalog_read_version(&f->b, "p1", 0, &cv), DFC_ENOTFOUND);
	dfc_error_clear();
	assert_int_equal(catalog_fetch(&f->cat_b, NULL), 0);
	assert_int_equal(latest(&f->b), 1);

	/* the catalog is remembered as repo.git's remote "catalog" */
	assert_int_equal(git_repository_config(&cfg, f->b.repo), 0);
	assert_int_equal(git_config_get_string_buf(&url, cfg, "remote.catalog.url"), 0);
	assert_string_equal(url.ptr, f->catalog_path);
	git_buf_dispose(&url);
	git_config_free(cfg);

	assert_int_equal(catalog_read_version(&f->b, "p1", 0, &cv), 0);
	assert_int_equal(cv.version, 1);
	assert_int_equal(cv.local_version, 0);
	assert_string_equal(cv.author, "Test Author");
	catalog_version_entries(&entries, &cv, true);
	assert_int_equal(entries.nr, 1);
	assert_string_equal(entries.items[0].name, "run.sh");
	assert_int_equal(catalog_entry_size(&f->b, &entries.items[0]), strlen(SCRIPT));

	/* by the stored name, or by the name a node's path gives */
	assert_int_equal(catalog_read_script(&file, &f->b, "p1", &cv, entries.items[0].id, NULL), 0);
	assert_string_equal(file.name, "run.sh");
	assert_string_equal(buf_cstr(&file.content), SCRIPT);
	catalog_file_release(&file);
	assert_int_equal(catalog_read_script(&file, &f->b, "p1", &cv, entries.items[0].id,
					     "other.sh"),
			 DFC_ENOTFOUND);
	dfc_error_clear();
	assert_null(file.name);
	catalog_entries_release(&entries);
	catalog_version_entries(&entries, &cv, false);
	assert_int_equal(entries.nr, 0);
	catalog_entries_release(&entries);
	catalog_version_release(&cv);

	/* a's next version reaches b by its next fetch only, of p1 alone */
	json_object_set_new(root, "name", json_string("two"));
	assert_int_equal(share(f, &f->cat_a, root, &res), 0);
	assert_int_equal(res.version, 2);
	assert_int_equal(latest(&f->b), 1);
	assert_int_equal(catalog_fetch(&f->cat_b, "p1"), 0);
	assert_int_equal(latest(&f->b), 2);
	json_decref(root);
}

/* The tracking refs cache one catalog: another catalog's fetch drops them. */
static void test_tracking_refs_follow_one_catalog(void **state)
{
	struct fixture *f = *state;
	json_t *root = pipeline(NULL);
	struct config other = CONFIG_INIT;
	struct catalog cat = CATALOG_INIT;
	git_repository *repo = NULL;
	struct share_result res;

	assert_int_equal(share(f, &f->cat_a, root, &res), 0);
	assert_int_equal(catalog_fetch(&f->cat_b, NULL), 0);
	assert_int_equal(latest(&f->b), 1);

	other.catalog_url = fs_path_join(f->dir, "other.git");
	assert_int_equal(git_repository_init(&repo, other.catalog_url, 1), 0);
	git_repository_free(repo);
	assert_int_equal(catalog_open(&cat, &f->b, &other), 0);
	assert_int_equal(catalog_fetch(&cat, NULL), 0);
	assert_int_equal(latest(&f->b), 0);
	catalog_release(&cat);

	/* and back: the first catalog's state is fetched again */
	assert_int_equal(catalog_fetch(&f->cat_b, "p1"), 0);
	assert_int_equal(latest(&f->b), 1);
	free(other.catalog_url);
	json_decref(root);
}

/* A missing catalog is an error, except the default one, made by its first share. */
static void test_missing_and_default_catalogs(void **state)
{
	struct fixture *f = *state;
	json_t *root = pipeline(NULL);
	struct config cfg = CONFIG_INIT;
	struct catalog cat = CATALOG_INIT;
	struct share_result res;
	char *head;

	cfg.catalog_url = fs_path_join(f->dir, "nowhere.git");
	assert_int_equal(catalog_open(&cat, &f->a, &cfg), 0);
	assert_int_equal(catalog_fetch(&cat, NULL), DFC_ENETWORK);
	dfc_error_clear();
	assert_int_equal(share(f, &cat, root, &res), DFC_ENETWORK);
	dfc_error_clear();
	catalog_release(&cat);
	free(cfg.catalog_url);

	cfg.catalog_url = NULL;
	assert_int_equal(catalog_open(&cat, &f->a, &cfg), 0);
	assert_true(cat.is_default);
	assert_int_equal(catalog_fetch(&cat, NULL), 0);
	assert_int_equal(share(f, &cat, root, &res), 0);
	assert_int_equal(res.version, 1);
	head = fs_path_join(cat.local_path, "HEAD");
	assert_true(fs_exists(head));
	free(head);
	catalog_release(&cat);
	json_decref(root);
}

/* `.lock` files left by killed writers, here and in the catalog, are cleared. */
static void test_stale_ref_locks_are_removed(void **state)
{
	struct fixture *f = *state;
	json_t *root = pipeline(NULL);
	char *branch = refs_branch("p1"), *tracking = refs_tracking("p1");
	char *catalog_lock = xasprintf("%s/%s.lock", f->catalog_path, branch);
	char *home_lock = xasprintf("%s%s.lock", git_repository_path(f->a.repo), tracking);
	struct share_result res;

	assert_int_equal(share(f, &f->cat_a, root, &res), 0);
	assert_int_equal(fs_write_atomic(catalog_lock, "x\n", 2, 0644), 0);
	assert_int_equal(fs_write_atomic(home_lock, "x\n", 2, 0644), 0);
	json_object_set_new(root, "name", json_string("two"));
	assert_int_equal(share(f, &f->cat_a, root, &res), 0);
	assert_int_equal(res.version, 2);
	assert_false(fs_exists(catalog_lock));
	assert_false(fs_exists(home_lock));
	free(home_lock);
	free(catalog_lock);
	free(tracking);
	free(branch);
	json_decref(root);
}

/* Another writer, not holding the catalog's lock, appends `p1` version 2. */
struct other_writer {
	const char *catalog_path;
	int moves;
};

static void append_elsewhere(const struct download_progress *p, void *payload)
{
	struct other_writer *w = payload;
	char *branch;
	git_repository *repo = NULL;
	git_signature *sig = NULL;
	git_commit *tip = NULL;
	git_tree *tree = NULL;
	git_reference *ref = NULL;
	git_oid oid, commit;

	if (p->finished || w->moves++)
		return;
	branch = refs_branch("p1");
	assert_int_equal(git_repository_open_bare(&repo, w->catalog_path), 0);
	assert_int_equal(git_reference_name_to_id(&oid, repo, branch), 0);
	assert_int_equal(git_commit_lookup(&tip, repo, &oid), 0);
	assert_int_equal(git_commit_tree(&tree, tip), 0);
	assert_int_equal(git_signature_now(&sig, "Other Writer", "other@example.org"), 0);
	assert_int_equal(git_commit_create(&commit, repo, NULL, sig, sig, NULL,
					   "share p1 as version 2\n\nPipeline-Id: p1\n"
					   "Pipeline-Version: 2\n",
					   tree, 1, (const git_commit *[]){ tip }),
			 0);
	assert_int_equal(git_reference_create(&ref, repo, branch, &commit, 1, NULL), 0);
	git_reference_free(ref);
	git_signature_free(sig);
	git_tree_free(tree);
	git_commit_free(tip);
	git_repository_free(repo);
	free(branch);
}

/*
 * The branch moves between a share's fetch and its push (while it downloads
 * a URL dataset): the push is refused, and the next round appends version 3
 * on the new tip, with the tag the other writer did not push.
 */
static void test_share_retries_on_a_moved_tip(void **state)
{
	struct fixture *f = *state;
	struct other_writer writer = { f->catalog_path, 0 };
	char *www = fs_path_join(f->dir, "www"), *data = fs_path_join(www, "data.bin");
	char *branch = refs_branch("p1"), *tracking = refs_tracking("p1");
	char *tags[4] = { NULL, refs_tag("p1", 1), refs_tag("p1", 2), refs_tag("p1", 3) };
	json_t *root = pipeline(NULL), *bigger;
	struct share_result res;
	char *node, *v2, *v3;
	git_commit *tip = NULL;
	git_oid oid;
	int port;
	pid_t server;

	assert_int_equal(fs_mkdir_p(www), 0);
	assert_int_equal(fs_write_atomic(data, "0123456789", 10, 0644), 0);
	setenv("NO_PROXY", "*", 1);
	setenv("no_proxy", "*", 1);
	server = start_on_free_port((char *[]){ "python3", "-m", "http.server", "--bind",
						"127.0.0.1", NULL, "--directory", www, NULL },
				    5, &port);
	assert_true(server > 0);

	assert_int_equal(share(f, &f->cat_a, root, &res), 0);
	node = xasprintf("{\"id\": \"remote\", \"type\": \"dataset\", "
			 "\"url\": \"http://127.0.0.1:%d/data.bin\"}", port);
	bigger = pipeline(node);
	f->cat_a.download.progress = append_elsewhere;
	f->cat_a.download.progress_payload = &writer;
	assert_int_equal(share(f, &f->cat_a, bigger, &res), 0);
	stop_server(server);
	assert_int_equal(writer.moves > 0, 1);
	assert_int_equal(res.version, 3);
	assert_true(res.appended);

	/* version 3 sits on the other writer's version 2, and every version has its tag */
	v3 = ref_at(f->catalog_path, branch);
	assert_ref(git_repository_path(f->a.repo), tracking, v3);
	assert_ref(f->catalog_path, tags[3], v3);
	assert_int_equal(git_oid_fromstr(&oid, v3), 0);
	assert_int_equal(git_commit_lookup(&tip, f->a.repo, &oid), 0);
	v2 = xstrdup(git_oid_tostr_s(git_commit_parent_id(tip, 0)));
	assert_ref(f->catalog_path, tags[2], v2);
	assert_int_equal(latest(&f->a), 3);

	git_commit_free(tip);
	free(v2);
	free(v3);
	free(node);
	for (int i = 1; i < 4; i++)
		free(tags[i]);
	free(tracking);
	free(branch);
	free(data);
	free(www);
	json_decref(bigger);
	json_decref(root);
}

#define CATALOG_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		CATALOG_TEST(test_share_appends_tags_and_tracks),
		CATALOG_TEST(test_fetch_brings_versions_and_their_files),
		CATALOG_TEST(test_tracking_refs_follow_one_catalog),
		CATALOG_TEST(test_missing_and_default_catalogs),
		CATALOG_TEST(test_stale_ref_locks_are_removed),
		CATALOG_TEST(test_share_retries_on_a_moved_tip),
	};

	git_libgit2_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

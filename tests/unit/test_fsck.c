/* test_fsck.c - checking and repairing the store, the view and the tracking refs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "temp_dir.h"

#include "dfc/error.h"
#include "dfc/fingerprint.h"
#include "dfc/fs.h"
#include "dfc/fsck.h"
#include "dfc/store.h"
#include "dfc/view.h"
#include "dfc/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fixture {
	char *dir;
	char *home;
	struct store store;
	struct fsck_report report;
};

static const char *const VERSIONS[] = {
	"{\n  \"id\": \"p1\",\n  \"nodes\": [],\n  \"edges\": []\n}\n",
	"{\n  \"id\": \"p1\",\n  \"name\": \"two\",\n  \"nodes\": [],\n  \"edges\": []\n}\n",
	"{\n  \"id\": \"p1\",\n  \"name\": \"three\",\n  \"nodes\": [],\n  \"edges\": []\n}\n",
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	f->dir = temp_dir_new("fsck");
	assert_non_null(f->dir);
	f->home = fs_path_join(f->dir, "home");
	setenv("GIT_AUTHOR_NAME", "Test Author", 1);
	setenv("GIT_AUTHOR_EMAIL", "test@example.org", 1);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	store_close(&f->store);
	fsck_report_release(&f->report);
	assert_int_equal(remove_tree(f->dir), 0);
	free(f->home);
	free(f->dir);
	free(f);
	return 0;
}

/* A store with pipeline p1 at version 3, closed again. */
static void make_store(struct fixture *f)
{
	struct record_request req = {0};
	struct record_result res;

	assert_int_equal(store_open(&f->store, f->home, true), 0);
	for (int i = 0; i < 3; i++) {
		req.id = "p1";
		req.pipeline_json = VERSIONS[i];
		req.pipeline_len = strlen(VERSIONS[i]);
		req.source_file = "/work/p1.json";
		req.create = i == 0;
		assert_int_equal(store_record(&f->store, &req, &res), 0);
		assert_int_equal(res.version, i + 1);
	}
	store_close(&f->store);
}

static char *home_path(struct fixture *f, const char *rel)
{
	return fs_path_join(f->home, rel);
}

static void write_file(struct fixture *f, const char *rel, const char *text)
{
	assert_int_equal(temp_write_file(f->home, rel, text), 0);
}

static void remove_file(struct fixture *f, const char *rel)
{
	char *path = home_path(f, rel);

	assert_int_equal(unlink(path), 0);
	free(path);
}

static bool exists(struct fixture *f, const char *rel)
{
	char *path = home_path(f, rel);
	bool ret = fs_exists(path);

	free(path);
	return ret;
}

static char *read_text(struct fixture *f, const char *rel)
{
	char *path = home_path(f, rel);
	struct buf b = BUF_INIT;

	assert_int_equal(fs_read_file(&b, path, DFC_MAX_FILE_BYTES), 0);
	free(path);
	return buf_detach(&b, NULL);
}

static void run_fsck(struct fixture *f, bool repair)
{
	fsck_report_release(&f->report);
	assert_int_equal(fsck_run(&f->report, f->home, repair), 0);
}

/* The problem of kind `kind` in `list`, or NULL. */
static const struct fsck_finding *find(const struct fsck_list *list, enum fsck_kind kind)
{
	for (size_t i = 0; i < list->nr; i++)
		if (list->items[i].kind == kind)
			return &list->items[i];
	return NULL;
}

/* The object id `spec` (a ref or `ref:path`) resolves to, with the store open. */
static void resolve(struct fixture *f, const char *spec, git_oid *out)
{
	git_object *obj = NULL;

	assert_int_equal(store_open(&f->store, f->home, false), 0);
	assert_int_equal(git_revparse_single(&obj, f->store.repo, spec), 0);
	git_oid_cpy(out, git_object_id(obj));
	git_object_free(obj);
	store_close(&f->store);
}

/* The loose object file of `spec`, relative to the home. */
static char *object_file(struct fixture *f, const char *spec)
{
	char hex[GIT_OID_HEXSZ + 1];
	git_oid oid;

	resolve(f, spec, &oid);
	git_oid_tostr(hex, sizeof(hex), &oid);
	return xasprintf("repo.git/objects/%.2s/%s", hex, hex + 2);
}

static void test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(fsck_kind_name(FSCK_MISSING_TAG), "missing-tag");
	assert_string_equal(fsck_kind_name(FSCK_STRAY_FILE), "stray-file");
	assert_string_equal(fsck_kind_name(FSCK_BAD_REPO), "bad-repo");
}

static void test_no_store_is_not_found_and_writes_nothing(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(fsck_run(&f->report, f->home, false), DFC_ENOTFOUND);
	assert_int_equal(fsck_run(&f->report, f->home, true), DFC_ENOTFOUND);
	dfc_error_clear();
	assert_false(fs_exists(f->home));
}

static void test_healthy_store(void **state)
{
	struct fixture *f = *state;

	make_store(f);
	run_fsck(f, false);
	assert_int_equal(f->report.problems.nr, 0);
	assert_int_equal(f->report.pipelines, 1);
	assert_int_equal(f->report.versions, 3);
	run_fsck(f, true);
	assert_int_equal(f->report.problems.nr, 0);
	assert_int_equal(f->report.repaired.nr, 0);
}

static void test_check_writes_nothing(void **state)
{
	struct fixture *f = *state;
	const struct fsck_finding *p;

	make_store(f);
	remove_file(f, "pipelines/p1_2.json");
	write_file(f, "pipelines/junk.txt", "mine\n");
	run_fsck(f, false);
	assert_int_equal(f->report.problems.nr, 2);
	p = find(&f->report.problems, FSCK_MISSING_FILE);
	assert_non_null(p);
	assert_string_equal(p->pipeline, "p1");
	assert_int_equal(p->version, 2);
	assert_true(p->repairable);
	assert_string_equal(p->message, "pipelines/p1_2.json is missing");
	assert_non_null(find(&f->report.problems, FSCK_STRAY_FILE));
	assert_false(exists(f, "pipelines/p1_2.json"));
	assert_true(exists(f, "pipelines/junk.txt"));
	assert_false(exists(f, "pipelines/lost-found"));
}

static void test_repair_restores_view_and_tags(void **state)
{
	struct fixture *f = *state;
	char *text;

	make_store(f);
	remove_file(f, "pipelines/p1_1.json");
	write_file(f, "pipelines/p1_2.json", "edited by hand\n");
	write_file(f, "pipelines/p1_state.json", "{}\n");
	remove_file(f, "repo.git/refs/tags/pipelines/p1/v3");
	run_fsck(f, false);
	assert_int_equal(f->report.problems.nr, 4);
	assert_non_null(find(&f->report.problems, FSCK_MISSING_FILE));
	assert_non_null(find(&f->report.problems, FSCK_CHANGED_FILE));
	assert_non_null(find(&f->report.problems, FSCK_BAD_STATE));
	assert_non_null(find(&f->report.problems, FSCK_MISSING_TAG));

	run_fsck(f, true);
	assert_int_equal(f->report.problems.nr, 0);
	assert_int_equal(f->report.repaired.nr, 4);
	assert_non_null(find(&f->report.repaired, FSCK_MISSING_TAG));
	text = read_text(f, "pipelines/p1_1.json");
	assert_string_equal(text, VERSIONS[0]);
	free(text);
	text = read_text(f, "pipelines/p1_2.json");
	assert_string_equal(text, VERSIONS[1]);
	free(text);
	assert_true(exists(f, "repo.git/refs/tags/pipelines/p1/v3"));
	run_fsck(f, false);
	assert_int_equal(f->report.problems.nr, 0);
}

static void test_stray_files_move_to_lost_found(void **state)
{
	struct fixture *f = *state;
	char *text;

	make_store(f);
	write_file(f, "pipelines/junk.txt", "mine\n");
	write_file(f, "pipelines/p1_4.json", "a lost version\n");
	write_file(f, "pipelines/other_1.json", "{}\n");
	write_file(f, "pipelines/p1_3.json.tmp-a1B2c3", "half");
	run_fsck(f, false);
	assert_int_equal(f->report.problems.nr, 4);
	for (size_t i = 0; i < f->report.problems.nr; i++)
		assert_int_equal(f->report.problems.items[i].kind, FSCK_STRAY_FILE);
	run_fsck(f, true);
	assert_int_equal(f->report.problems.nr, 0);
	assert_int_equal(f->report.repaired.nr, 4);
	assert_false(exists(f, "pipelines/junk.txt"));
	text = read_text(f, "pipelines/lost-found/junk.txt");
	assert_string_equal(text, "mine\n");
	free(text);
	assert_true(exists(f, "pipelines/lost-found/p1_4.json"));
	assert_true(exists(f, "pipelines/lost-found/p1_3.json.tmp-a1B2c3"));
	/* A second file of the same name never replaces the first. */
	write_file(f, "pipelines/junk.txt", "again\n");
	run_fsck(f, true);
	text = read_text(f, "pipelines/lost-found/junk.txt.1");
	assert_string_equal(text, "again\n");
	free(text);
}

static void test_wrong_tag_is_moved_back_only_within_the_branch(void **state)
{
	struct fixture *f = *state;
	const struct fsck_finding *p;
	git_oid v1, v2, tag;

	make_store(f);
	resolve(f, "refs/tags/pipelines/p1/v1", &v1);
	resolve(f, "refs/tags/pipelines/p1/v2", &v2);
	/* v2 pointed at version 1's commit: moving it back loses nothing. */
	write_file(f, "repo.git/refs/tags/pipelines/p1/v2", git_oid_tostr_s(&v1));
	run_fsck(f, false);
	p = find(&f->report.problems, FSCK_WRONG_TAG);
	assert_non_null(p);
	assert_true(p->repairable);
	assert_int_equal(p->version, 2);
	run_fsck(f, true);
	assert_int_equal(f->report.problems.nr, 0);
	assert_non_null(find(&f->report.repaired, FSCK_WRONG_TAG));
	resolve(f, "refs/tags/pipelines/p1/v2", &tag);
	assert_true(git_oid_equal(&tag, &v2));
}

static void test_wrong_tag_outside_the_branch_is_left_alone(void **state)
{
	struct fixture *f = *state;
	const struct fsck_finding *p;
	git_oid tree, commit, tag;
	git_signature *sig = NULL;
	git_tree *t = NULL;

	make_store(f);
	resolve(f, "refs/tags/pipelines/p1/v1^{tree}", &tree);
	assert_int_equal(store_open(&f->store, f->home, false), 0);
	assert_int_equal(git_signature_now(&sig, "Someone", "someone@example.org"), 0);
	assert_int_equal(git_tree_lookup(&t, f->store.repo, &tree), 0);
	assert_int_equal(git_commit_create(&commit, f->store.repo, NULL, sig, sig, NULL,
					   "elsewhere\n\nPipeline-Id: p1\nPipeline-Version: 1\n", t,
					   0, NULL),
			 0);
	git_tree_free(t);
	git_signature_free(sig);
	store_close(&f->store);
	write_file(f, "repo.git/refs/tags/pipelines/p1/v1", git_oid_tostr_s(&commit));
	run_fsck(f, true);
	p = find(&f->report.problems, FSCK_WRONG_TAG);
	assert_non_null(p);
	assert_false(p->repairable);
	assert_int_equal(f->report.repaired.nr, 0);
	resolve(f, "refs/tags/pipelines/p1/v1", &tag);
	assert_true(git_oid_equal(&tag, &commit));
}

static void test_stray_tags(void **state)
{
	struct fixture *f = *state;
	git_oid v1;

	make_store(f);
	resolve(f, "refs/tags/pipelines/p1/v1", &v1);
	write_file(f, "repo.git/refs/tags/pipelines/p1/v9", git_oid_tostr_s(&v1));
	write_file(f, "repo.git/refs/tags/pipelines/gone/v1", git_oid_tostr_s(&v1));
	write_file(f, "repo.git/refs/tags/pipelines/p1/latest", git_oid_tostr_s(&v1));
	run_fsck(f, true);
	assert_int_equal(f->report.problems.nr, 3);
	for (size_t i = 0; i < f->report.problems.nr; i++) {
		assert_int_equal(f->report.problems.items[i].kind, FSCK_STRAY_TAG);
		assert_false(f->report.problems.items[i].repairable);
	}
}

static void test_dangling_tracking_ref_is_removed(void **state)
{
	struct fixture *f = *state;
	const struct fsck_finding *p;

	make_store(f);
	write_file(f, "repo.git/refs/remotes/catalog/pipelines/p1",
		   "1234567890abcdef1234567890abcdef12345678\n");
	run_fsck(f, false);
	p = find(&f->report.problems, FSCK_BAD_REF);
	assert_non_null(p);
	assert_string_equal(p->pipeline, "p1");
	assert_true(p->repairable);
	run_fsck(f, true);
	assert_int_equal(f->report.problems.nr, 0);
	assert_false(exists(f, "repo.git/refs/remotes/catalog/pipelines/p1"));
}

static void test_missing_blob_stays_but_the_rest_is_repaired(void **state)
{
	struct fixture *f = *state;
	const struct fsck_finding *p;
	char *object;

	make_store(f);
	object = object_file(f, "refs/tags/pipelines/p1/v1:pipeline.json");
	remove_file(f, object);
	free(object);
	remove_file(f, "pipelines/p1_1.json");
	remove_file(f, "pipelines/p1_2.json");
	remove_file(f, "pipelines/p1_state.json");
	run_fsck(f, true);
	/* Nothing rebuilds a lost object from the view, by design. */
	assert_int_equal(f->report.problems.nr, 1);
	p = find(&f->report.problems, FSCK_MISSING_OBJECT);
	assert_non_null(p);
	assert_int_equal(p->version, 1);
	assert_false(p->repairable);
	assert_non_null(strstr(p->message, "pipeline.json of version 1"));
	assert_true(exists(f, "pipelines/p1_2.json"));
	assert_true(exists(f, "pipelines/p1_state.json"));
}

static void test_corrupt_object(void **state)
{
	struct fixture *f = *state;
	char *object;

	make_store(f);
	object = object_file(f, "refs/tags/pipelines/p1/v2:pipeline.json");
	remove_file(f, object);
	write_file(f, object, "not zlib at all");
	free(object);
	run_fsck(f, false);
	assert_int_equal(f->report.problems.nr, 1);
	assert_non_null(find(&f->report.problems, FSCK_CORRUPT_OBJECT));
}

static void test_bad_version_trailers(void **state)
{
	struct fixture *f = *state;
	git_signature *sig = NULL;
	git_commit *parent = NULL;
	git_tree *tree = NULL;
	git_reference *ref = NULL;
	git_oid tip, commit;

	make_store(f);
	resolve(f, "refs/heads/pipelines/p1", &tip);
	assert_int_equal(store_open(&f->store, f->home, false), 0);
	assert_int_equal(git_signature_now(&sig, "Someone", "someone@example.org"), 0);
	assert_int_equal(git_commit_lookup(&parent, f->store.repo, &tip), 0);
	assert_int_equal(git_commit_tree(&tree, parent), 0);
	/* Version 5 on top of 3, claiming another pipeline. */
	assert_int_equal(git_commit_create(&commit, f->store.repo, NULL, sig, sig, NULL,
					   "by hand\n\nPipeline-Id: p2\nPipeline-Version: 5\n",
					   tree, 1, (const git_commit **)&parent),
			 0);
	assert_int_equal(git_reference_create(&ref, f->store.repo, "refs/heads/pipelines/p1",
					      &commit, 1, NULL),
			 0);
	git_reference_free(ref);
	git_tree_free(tree);
	git_commit_free(parent);
	git_signature_free(sig);
	store_close(&f->store);
	run_fsck(f, true);
	assert_non_null(find(&f->report.problems, FSCK_BAD_VERSION));
	/* With the numbers broken, no tag or view file is rebuilt. */
	assert_int_equal(f->report.repaired.nr, 0);
	assert_false(exists(f, "repo.git/refs/tags/pipelines/p1/v5"));
	for (size_t i = 0; i < f->report.problems.nr; i++)
		assert_false(f->report.problems.items[i].repairable);
}

/* Commit `message` with the tree of local version 1 on `parent` (or none) as `ref`. */
static void commit_as(struct fixture *f, const char *ref_name, const char *parent_ref,
		      const char *message)
{
	git_signature *sig = NULL;
	git_commit *v1 = NULL, *parent = NULL;
	git_tree *tree = NULL;
	git_reference *ref = NULL;
	git_oid oid, commit;

	assert_int_equal(store_open(&f->store, f->home, false), 0);
	assert_int_equal(git_signature_now(&sig, "Someone", "someone@example.org"), 0);
	assert_int_equal(git_reference_name_to_id(&oid, f->store.repo, "refs/tags/pipelines/p1/v1"),
			 0);
	assert_int_equal(git_commit_lookup(&v1, f->store.repo, &oid), 0);
	assert_int_equal(git_commit_tree(&tree, v1), 0);
	if (parent_ref) {
		assert_int_equal(git_reference_name_to_id(&oid, f->store.repo, parent_ref), 0);
		assert_int_equal(git_commit_lookup(&parent, f->store.repo, &oid), 0);
	}
	assert_int_equal(git_commit_create(&commit, f->store.repo, NULL, sig, sig, NULL, message,
					   tree, parent ? 1 : 0, (const git_commit **)&parent),
			 0);
	assert_int_equal(git_reference_create(&ref, f->store.repo, ref_name, &commit, 1, NULL), 0);
	git_reference_free(ref);
	git_tree_free(tree);
	git_commit_free(parent);
	git_commit_free(v1);
	git_signature_free(sig);
	store_close(&f->store);
}

static void test_fingerprint_trailers_are_checked(void **state)
{
	struct fixture *f = *state;
	struct record_request req = {0};
	struct record_result res;
	char fp[FINGERPRINT_SIZE];
	const struct fsck_finding *p;
	json_t *root;
	char *message;

	/* Recorded with their fingerprints, shared with the right one: all well. */
	assert_int_equal(store_open(&f->store, f->home, true), 0);
	for (int i = 0; i < 3; i++) {
		root = json_loads(VERSIONS[i], 0, NULL);
		req.id = "p1";
		req.pipeline_json = VERSIONS[i];
		req.pipeline_len = strlen(VERSIONS[i]);
		req.pipeline = root;
		req.create = i == 0;
		assert_int_equal(store_record(&f->store, &req, &res), 0);
		json_decref(root);
	}
	store_close(&f->store);
	root = json_loads(VERSIONS[0], 0, NULL);
	content_fingerprint(fp, root, NULL);
	json_decref(root);
	message = xasprintf("share\n\nPipeline-Id: p1\nPipeline-Version: 1\n"
			    "Content-Fingerprint: %s\n",
			    fp);
	commit_as(f, "refs/remotes/catalog/pipelines/p1", NULL, message);
	free(message);
	run_fsck(f, false);
	assert_int_equal(f->report.problems.nr, 0);

	/* Version 4, by hand, claims a fingerprint its content does not have. */
	commit_as(f, "refs/heads/pipelines/p1", "refs/heads/pipelines/p1",
		  "by hand\n\nPipeline-Id: p1\nPipeline-Version: 4\n"
		  "Content-Fingerprint: 0000000000000000000000000000000000000000\n");
	run_fsck(f, false);
	p = find(&f->report.problems, FSCK_BAD_VERSION);
	assert_non_null(p);
	assert_string_equal(p->pipeline, "p1");
	assert_int_equal(p->version, 4);
	assert_false(p->repairable);
	assert_non_null(strstr(p->message, "version 4 (commit "));
	assert_non_null(strstr(p->message, "has Content-Fingerprint "
					   "0000000000000000000000000000000000000000, "
					   "but its content's is "));
	assert_non_null(strstr(p->message, fp));
	/* It breaks no number: the tag and the view of version 4 are still repaired. */
	run_fsck(f, true);
	assert_non_null(find(&f->report.repaired, FSCK_MISSING_TAG));
	assert_non_null(find(&f->report.repaired, FSCK_MISSING_FILE));
	assert_int_equal(f->report.problems.nr, 1);
	assert_int_equal(f->report.problems.items[0].kind, FSCK_BAD_VERSION);
	assert_true(exists(f, "pipelines/p1_4.json"));

	/* The catalog's versions, as last fetched, are checked too. */
	commit_as(f, "refs/remotes/catalog/pipelines/p1", "refs/remotes/catalog/pipelines/p1",
		  "share\n\nPipeline-Id: p1\nPipeline-Version: 2\n"
		  "Content-Fingerprint: 1111111111111111111111111111111111111111\n");
	run_fsck(f, false);
	assert_int_equal(f->report.problems.nr, 2);
	p = &f->report.problems.items[1];
	assert_int_equal(p->kind, FSCK_BAD_VERSION);
	assert_string_equal(p->pipeline, "p1");
	assert_false(p->repairable);
	assert_non_null(strstr(p->message, "catalog version 2 (commit "));
}

static void test_repo_that_does_not_open(void **state)
{
	struct fixture *f = *state;
	char *from, *to;

	make_store(f);
	from = home_path(f, "repo.git/refs");
	to = home_path(f, "refs.moved");
	assert_int_equal(rename(from, to), 0);
	run_fsck(f, true);
	assert_int_equal(f->report.problems.nr, 1);
	assert_int_equal(f->report.problems.items[0].kind, FSCK_BAD_REPO);
	/* Readers do not re-initialise it either. */
	assert_int_not_equal(store_open(&f->store, f->home, false), 0);
	dfc_error_clear();
	assert_false(exists(f, "repo.git/refs"));
	free(from);
	free(to);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_kind_names),
		T(test_no_store_is_not_found_and_writes_nothing),
		T(test_healthy_store),
		T(test_check_writes_nothing),
		T(test_repair_restores_view_and_tags),
		T(test_stray_files_move_to_lost_found),
		T(test_wrong_tag_is_moved_back_only_within_the_branch),
		T(test_wrong_tag_outside_the_branch_is_left_alone),
		T(test_stray_tags),
		T(test_dangling_tracking_ref_is_removed),
		T(test_missing_blob_stays_but_the_rest_is_repaired),
		T(test_corrupt_object),
		T(test_bad_version_trailers),
		T(test_fingerprint_trailers_are_checked),
		T(test_repo_that_does_not_open),
#undef T
	};

	git_libgit2_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_store.c - the local store: versions, tags, view, repair. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_scripts.h"

#include "temp_dir.h"

#include "dfc/error.h"
#include "dfc/fingerprint.h"
#include "dfc/fs.h"
#include "dfc/store.h"
#include "dfc/view.h"
#include "dfc/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fixture {
	char *home;
	struct store store;
};

static const char V1[] = "{\n  \"id\": \"p1\",\n  \"nodes\": [],\n  \"edges\": []\n}\n";
static const char V2[] = "{\n  \"id\": \"p1\",\n  \"name\": \"two\",\n  \"nodes\": [],\n  \"edges\": []\n}\n";

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	char tmpl[] = "/tmp/dfc-store-XXXXXX";

	assert_non_null(mkdtemp(tmpl));
	f->home = fs_path_join(tmpl, "home");
	setenv("GIT_AUTHOR_NAME", "Test Author", 1);
	setenv("GIT_AUTHOR_EMAIL", "test@example.org", 1);
	assert_int_equal(store_open(&f->store, f->home, true), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char *parent = fs_dirname(f->home);

	store_close(&f->store);
	assert_int_equal(remove_tree(f->home), 0);
	rmdir(parent);
	free(parent);
	free(f->home);
	free(f);
	return 0;
}

static int record(struct fixture *f, const char *json, const struct script_files *scripts,
		  bool create, bool allow_empty, struct record_result *res)
{
	struct record_request req = { 0 };

	req.id = "p1";
	req.pipeline_json = json;
	req.pipeline_len = strlen(json);
	req.scripts = scripts;
	req.source_file = "/work/pipeline.json";
	req.create = create;
	req.allow_empty = allow_empty;
	return store_record(&f->store, &req, res);
}

static char *read_text(const char *path)
{
	struct buf b = BUF_INIT;

	if (fs_read_file(&b, path, DFC_MAX_FILE_BYTES) < 0)
		return NULL;
	return buf_detach(&b, NULL);
}

static void test_open_creates_bare_repo_and_view(void **state)
{
	struct fixture *f = *state;
	char *head = xasprintf("%s/repo.git/HEAD", f->home);
	char *view = xasprintf("%s/pipelines", f->home);

	assert_true(fs_exists(head));
	assert_true(fs_exists(view));
	assert_true(git_repository_is_bare(f->store.repo));
	free(head);
	free(view);
}

static void test_create_records_version_one(void **state)
{
	struct fixture *f = *state;
	struct record_result res;
	char *path, *text;
	git_oid tag, branch;

	assert_int_equal(record(f, V1, NULL, true, false, &res), 0);
	assert_int_equal(res.version, 1);
	assert_true(res.recorded);
	assert_int_equal(git_reference_name_to_id(&tag, f->store.repo,
						  "refs/tags/pipelines/p1/v1"), 0);
	assert_int_equal(git_reference_name_to_id(&branch, f->store.repo,
						  "refs/heads/pipelines/p1"), 0);
	assert_true(git_oid_equal(&tag, &branch));
	assert_string_equal(res.commit, git_oid_tostr_s(&branch));

	path = view_version_path(f->store.view_dir, "p1", 1);
	text = read_text(path);
	assert_string_equal(text, V1);
	free(text);
	free(path);
	path = view_state_path(f->store.view_dir, "p1");
	text = read_text(path);
	assert_non_null(strstr(text, "\"latest_version\": 1"));
	assert_non_null(strstr(text, "\"1\": \"p1_1.json\""));
	free(text);
	free(path);
}

static void test_unchanged_records_nothing(void **state)
{
	struct fixture *f = *state;
	struct record_result res;

	assert_int_equal(record(f, V1, NULL, true, false, &res), 0);
	assert_int_equal(record(f, V1, NULL, false, false, &res), 0);
	assert_false(res.recorded);
	assert_int_equal(res.version, 1);
	assert_int_equal(record(f, V1, NULL, false, true, &res), 0);
	assert_true(res.recorded);
	assert_int_equal(res.version, 2);
}

static void test_create_twice_conflicts(void **state)
{
	struct fixture *f = *state;
	struct record_result res;

	assert_int_equal(record(f, V1, NULL, true, false, &res), 0);
	assert_int_equal(record(f, V2, NULL, true, false, &res), DFC_ECONFLICT);
	assert_int_equal(record(f, V2, NULL, false, false, &res), 0);
	assert_int_equal(res.version, 2);
}

static void test_update_of_unknown_pipeline_is_not_found(void **state)
{
	struct fixture *f = *state;
	struct record_result res;

	assert_int_equal(record(f, V1, NULL, false, false, &res), DFC_ENOTFOUND);
	assert_false(store_has_pipeline(&f->store, "p1"));
}

static void test_unsafe_id_is_refused_before_anything(void **state)
{
	struct fixture *f = *state;
	struct record_request req = { 0 };
	struct record_result res;
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;

	req.id = "../escape";
	req.pipeline_json = V1;
	req.pipeline_len = strlen(V1);
	req.create = true;
	assert_int_equal(store_record(&f->store, &req, &res), DFC_ESECURITY);
	assert_int_equal(git_reference_iterator_new(&it, f->store.repo), 0);
	assert_int_equal(git_reference_next(&ref, it), GIT_ITEROVER);
	git_reference_iterator_free(it);
}

static void test_scripts_are_snapshotted_by_blob_id(void **state)
{
	struct fixture *f = *state;
	struct script_files scripts = SCRIPT_FILES_INIT;
	struct record_result res;
	git_object *obj = NULL;
	git_oid blob;
	char *spec;

	add_script(&scripts, "a", "clean.py", "print(1)\n");
	add_script(&scripts, "b", "copy.py", "print(1)\n");
	add_script(&scripts, "c", "other.sh", "echo hi\n");
	assert_int_equal(record(f, V1, &scripts, true, false, &res), 0);
	assert_int_equal(git_odb_hash(&blob, "print(1)\n", 9, GIT_OBJECT_BLOB), 0);
	spec = xasprintf("pipelines/p1/v1:scripts/%s/clean.py", git_oid_tostr_s(&blob));
	assert_int_equal(git_revparse_single(&obj, f->store.repo, spec), 0);
	assert_true(git_oid_equal(git_object_id(obj), &blob));
	git_object_free(obj);
	free(spec);
	spec = xasprintf("pipelines/p1/v1:scripts/%s/copy.py", git_oid_tostr_s(&blob));
	assert_int_equal(git_revparse_single(&obj, f->store.repo, spec), 0);
	git_object_free(obj);
	free(spec);

	/* Same content again: nothing to record; a changed script: a version. */
	assert_int_equal(record(f, V1, &scripts, false, false, &res), 0);
	assert_false(res.recorded);
	buf_adds(&scripts.items[2].content, "echo more\n");
	assert_int_equal(record(f, V1, &scripts, false, false, &res), 0);
	assert_true(res.recorded);
	assert_int_equal(res.version, 2);
	script_files_release(&scripts);
}

static int collect_versions(const struct version_info *info, void *payload)
{
	struct buf *out = payload;

	buf_addf(out, "%d:%s;", info->version, info->summary);
	return 0;
}

static void test_read_and_walk_versions(void **state)
{
	struct fixture *f = *state;
	struct record_request req = { 0 };
	struct version_info info;
	struct record_result res;
	struct buf walk = BUF_INIT;
	int latest;

	assert_int_equal(record(f, V1, NULL, true, false, &res), 0);
	req.id = "p1";
	req.pipeline_json = V2;
	req.pipeline_len = strlen(V2);
	req.message = "second\n\nwith a body\n";
	req.source_file = "/work/pipeline.json";
	req.source_commit = "0123456789abcdef0123456789abcdef01234567";
	assert_int_equal(store_record(&f->store, &req, &res), 0);

	assert_int_equal(store_latest_version(&f->store, "p1", &latest), 0);
	assert_int_equal(latest, 2);
	assert_int_equal(store_read_version(&f->store, "p1", 0, true, &info), 0);
	assert_int_equal(info.version, 2);
	assert_string_equal(buf_cstr(&info.pipeline_json), V2);
	assert_string_equal(info.summary, "second");
	assert_string_equal(info.message, "second\n\nwith a body");
	assert_string_equal(info.author_name, "Test Author");
	assert_string_equal(info.source_file, "/work/pipeline.json");
	assert_string_equal(info.source_commit, "0123456789abcdef0123456789abcdef01234567");
	version_info_release(&info);

	assert_int_equal(store_read_version(&f->store, "p1", 1, true, &info), 0);
	assert_string_equal(buf_cstr(&info.pipeline_json), V1);
	assert_null(info.source_commit);
	version_info_release(&info);
	assert_int_equal(store_read_version(&f->store, "p1", 3, false, &info),
			 DFC_ENOTFOUND);
	assert_int_equal(store_read_version(&f->store, "p2", 1, false, &info),
			 DFC_ENOTFOUND);

	assert_int_equal(store_for_each_version(&f->store, "p1", collect_versions, &walk), 0);
	assert_string_equal(buf_cstr(&walk), "2:second;1:update p1 to version 1;");
	buf_release(&walk);
}

static void test_fingerprint_is_recorded_as_a_trailer(void **state)
{
	static const char WITH_SCRIPT[] =
		"{\n  \"id\": \"p1\",\n  \"nodes\": [\n    {\n      \"id\": \"s\",\n"
		"      \"type\": \"script\",\n      \"path\": \"run.sh\"\n    }\n  ],\n"
		"  \"edges\": []\n}\n";
	struct fixture *f = *state;
	struct script_files scripts = SCRIPT_FILES_INIT;
	struct record_request req = { 0 };
	struct version_info info;
	struct record_result res;
	json_t *root = json_loads(WITH_SCRIPT, 0, NULL);
	json_t *map;
	char want[FINGERPRINT_SIZE];
	git_commit *commit = NULL;
	git_oid oid, blob;

	/* Without the parsed pipeline (as before the trailer existed): none. */
	assert_int_equal(record(f, V1, NULL, true, false, &res), 0);
	assert_int_equal(store_read_version(&f->store, "p1", 1, false, &info), 0);
	assert_null(info.fingerprint);
	version_info_release(&info);

	add_script(&scripts, "s", "run.sh", "echo hi\n");
	req.id = "p1";
	req.pipeline_json = WITH_SCRIPT;
	req.pipeline_len = strlen(WITH_SCRIPT);
	req.scripts = &scripts;
	req.pipeline = root;
	assert_int_equal(store_record(&f->store, &req, &res), 0);
	/* The pipeline with the snapshot's blob id, as a catalog copy would have. */
	assert_int_equal(git_odb_hash(&blob, "echo hi\n", 8, GIT_OBJECT_BLOB), 0);
	map = json_pack("{s:s}", "s", git_oid_tostr_s(&blob));
	content_fingerprint(want, root, map);
	assert_int_equal(store_read_version(&f->store, "p1", 2, false, &info), 0);
	assert_string_equal(info.fingerprint, want);
	/* A trailer like the others, not part of the message shown. */
	assert_string_equal(info.message, "update p1 to version 2");
	version_info_release(&info);
	assert_int_equal(git_oid_fromstr(&oid, res.commit), 0);
	assert_int_equal(git_commit_lookup(&commit, f->store.repo, &oid), 0);
	assert_non_null(strstr(git_commit_message(commit), "\nContent-Fingerprint: "));
	assert_non_null(strstr(git_commit_message(commit), want));
	git_commit_free(commit);
	json_decref(map);
	json_decref(root);
	script_files_release(&scripts);
}

static void test_list_tips_reads_refs_with_their_commits(void **state)
{
	struct fixture *f = *state;
	struct tip_list tips = TIP_LIST_INIT;
	struct record_request req = { 0 };
	struct record_result one, two;
	git_reference *ref = NULL;
	git_oid oid;

	assert_int_equal(record(f, V1, NULL, true, false, &one), 0);
	req.id = "a0";
	req.pipeline_json = V1;
	req.pipeline_len = strlen(V1);
	req.create = true;
	assert_int_equal(store_record(&f->store, &req, &two), 0);
	/* Deeper refs are not pipelines of this prefix. */
	assert_int_equal(git_oid_fromstr(&oid, one.commit), 0);
	assert_int_equal(git_reference_create(&ref, f->store.repo, "refs/heads/pipelines/x/y",
					      &oid, 0, NULL),
			 0);
	git_reference_free(ref);

	assert_int_equal(store_list_tips(&f->store, "refs/heads/pipelines/", &tips), 0);
	assert_int_equal(tips.nr, 2);
	assert_string_equal(tips.items[0].id, "a0");
	assert_string_equal(tips.items[1].id, "p1");
	assert_string_equal(git_oid_tostr_s(&tips.items[0].commit), two.commit);
	assert_string_equal(git_oid_tostr_s(&tips.items[1].commit), one.commit);
	assert_ptr_equal(tip_list_find(&tips, "p1"), &tips.items[1]);
	assert_null(tip_list_find(&tips, "p2"));
	tip_list_release(&tips);

	assert_int_equal(store_list_tips(&f->store, "refs/remotes/catalog/pipelines/", &tips), 0);
	assert_int_equal(tips.nr, 0);
	assert_null(tip_list_find(&tips, "p1"));
	tip_list_release(&tips);
}

static void test_find_version_matches_content_and_scripts(void **state)
{
	struct fixture *f = *state;
	struct script_files scripts = SCRIPT_FILES_INIT;
	struct record_result res;
	int found = -1;

	add_script(&scripts, "a", "a.sh", "echo 1\n");
	assert_int_equal(record(f, V1, &scripts, true, false, &res), 0);
	assert_int_equal(record(f, V2, &scripts, false, false, &res), 0);
	assert_int_equal(store_find_version(&f->store, "p1", V1, strlen(V1), &scripts, &found), 0);
	assert_int_equal(found, 1);
	assert_int_equal(store_find_version(&f->store, "p1", V2, strlen(V2), &scripts, &found), 0);
	assert_int_equal(found, 2);
	assert_int_equal(store_find_version(&f->store, "p1", V2, strlen(V2), NULL, &found), 0);
	assert_int_equal(found, 0);
	buf_adds(&scripts.items[0].content, "echo 2\n");
	assert_int_equal(store_find_version(&f->store, "p1", V1, strlen(V1), &scripts, &found), 0);
	assert_int_equal(found, 0);
	script_files_release(&scripts);
}

static void test_repair_restores_tags_and_view(void **state)
{
	struct fixture *f = *state;
	struct record_result res;
	git_reference *ref = NULL;
	char *v1 = view_version_path(f->store.view_dir, "p1", 1);
	char *st = view_state_path(f->store.view_dir, "p1");
	char *text;
	int changed = 0, latest = 0;

	assert_int_equal(record(f, V1, NULL, true, false, &res), 0);
	assert_int_equal(record(f, V2, NULL, false, false, &res), 0);
	assert_int_equal(git_reference_lookup(&ref, f->store.repo, "refs/tags/pipelines/p1/v2"), 0);
	assert_int_equal(git_reference_delete(ref), 0);
	git_reference_free(ref);
	assert_int_equal(unlink(v1), 0);
	assert_int_equal(fs_write_atomic(st, "{}", 2, -1), 0);
	view_read_state(f->store.view_dir, "p1", &latest);
	assert_int_equal(latest, 0);

	assert_int_equal(store_repair(&f->store, "p1", false, &changed), 0);
	assert_int_equal(changed, 3); /* the tag, v1's file, the state */
	text = read_text(v1);
	assert_string_equal(text, V1);
	free(text);
	view_read_state(f->store.view_dir, "p1", &latest);
	assert_int_equal(latest, 2);
	assert_int_equal(git_reference_lookup(&ref, f->store.repo, "refs/tags/pipelines/p1/v2"), 0);
	git_reference_free(ref);

	/* A healthy view: a full check changes nothing. */
	assert_int_equal(store_repair(&f->store, "p1", true, &changed), 0);
	assert_int_equal(changed, 0);
	free(v1);
	free(st);
}

static void test_read_finds_a_version_whose_tag_is_missing(void **state)
{
	struct fixture *f = *state;
	struct record_result res;
	struct version_info info;
	git_reference *ref = NULL;

	assert_int_equal(record(f, V1, NULL, true, false, &res), 0);
	assert_int_equal(record(f, V2, NULL, false, false, &res), 0);
	assert_int_equal(git_reference_lookup(&ref, f->store.repo, "refs/tags/pipelines/p1/v1"), 0);
	assert_int_equal(git_reference_delete(ref), 0);
	git_reference_free(ref);
	assert_int_equal(store_read_version(&f->store, "p1", 1, true, &info), 0);
	assert_string_equal(buf_cstr(&info.pipeline_json), V1);
	version_info_release(&info);
}

static void test_stale_ref_lock_is_removed_under_the_writers_lock(void **state)
{
	struct fixture *f = *state;
	struct record_result res;
	char *lock;

	assert_int_equal(record(f, V1, NULL, true, false, &res), 0);
	lock = xasprintf("%s/repo.git/refs/heads/pipelines/p1.lock", f->home);
	assert_int_equal(fs_write_atomic(lock, "x", 1, -1), 0);
	assert_int_equal(record(f, V2, NULL, false, false, &res), 0);
	assert_int_equal(res.version, 2);
	assert_false(fs_exists(lock));
	free(lock);
}

static void test_read_scripts_maps_nodes_even_with_shared_names(void **state)
{
	struct fixture *f = *state;
	struct script_files scripts = SCRIPT_FILES_INIT, back = SCRIPT_FILES_INIT;
	struct record_result res;
	const char *json = "{\n  \"id\": \"p1\",\n  \"nodes\": [\n"
			   "    { \"id\": \"a\", \"type\": \"script\", \"path\": \"x/run.sh\" },\n"
			   "    { \"id\": \"b\", \"type\": \"script\", \"path\": \"y/run.sh\" }\n"
			   "  ],\n  \"edges\": []\n}\n";

	add_script(&scripts, "a", "run.sh", "echo a\n");
	add_script(&scripts, "b", "run.sh", "echo b\n");
	assert_int_equal(record(f, json, &scripts, true, false, &res), 0);
	assert_int_equal(store_read_scripts(&f->store, "p1", 1, &back), 0);
	assert_int_equal(back.nr, 2);
	for (size_t i = 0; i < back.nr; i++) {
		const char *want = !strcmp(back.items[i].node_id, "a") ? "echo a\n" : "echo b\n";

		assert_string_equal(back.items[i].name, "run.sh");
		assert_string_equal(buf_cstr(&back.items[i].content), want);
	}
	script_files_release(&back);
	/* The manifest takes part in equality: swapping contents is a change. */
	buf_reset(&scripts.items[0].content);
	buf_adds(&scripts.items[0].content, "echo b\n");
	buf_reset(&scripts.items[1].content);
	buf_adds(&scripts.items[1].content, "echo a\n");
	assert_int_equal(record(f, json, &scripts, false, false, &res), 0);
	assert_true(res.recorded);
	script_files_release(&scripts);
}

/* What check_latest saw, and what it answers. */
struct check_seen {
	int calls;
	char recorded_from[64];
	int answer;
};

static int check_latest(const struct record_request *req, const char *recorded_from)
{
	struct check_seen *seen = (struct check_seen *)req->check_payload;

	seen->calls++;
	snprintf(seen->recorded_from, sizeof(seen->recorded_from), "%s",
		 recorded_from ? recorded_from : "(none)");
	if (seen->answer)
		return dfc_error(seen->answer, "refused by the check");
	return 0;
}

static void test_check_latest_sees_the_source_file_and_can_refuse(void **state)
{
	struct fixture *f = *state;
	struct check_seen seen = { 0 };
	struct record_request req = { 0 };
	struct record_result res;
	git_oid tip_before, tip_after;

	req.id = "p1";
	req.pipeline_json = V1;
	req.pipeline_len = strlen(V1);
	req.source_file = "/work/a.json";
	req.create = true;
	req.check_latest = check_latest;
	req.check_payload = &seen;
	/* a new pipeline: nothing to check against */
	assert_int_equal(store_record(&f->store, &req, &res), 0);
	assert_int_equal(seen.calls, 0);

	/* refused: nothing written, not even for an unchanged file */
	req.create = false;
	req.source_file = "/work/b.json";
	req.pipeline_json = V2;
	req.pipeline_len = strlen(V2);
	seen.answer = DFC_ECONFLICT;
	assert_int_equal(git_reference_name_to_id(&tip_before, f->store.repo,
						  "refs/heads/pipelines/p1"), 0);
	assert_int_equal(store_record(&f->store, &req, &res), DFC_ECONFLICT);
	assert_int_equal(git_reference_name_to_id(&tip_after, f->store.repo,
						  "refs/heads/pipelines/p1"), 0);
	assert_true(git_oid_equal(&tip_before, &tip_after));
	assert_int_equal(seen.calls, 1);
	assert_string_equal(seen.recorded_from, "/work/a.json");
	assert_false(res.recorded);
	{
		int latest = 0;

		assert_int_equal(store_latest_version(&f->store, "p1", &latest), 0);
		assert_int_equal(latest, 1);
	}
	/* allowed: recorded, and the next check sees the new Source-File */
	seen.answer = 0;
	assert_int_equal(store_record(&f->store, &req, &res), 0);
	assert_int_equal(res.version, 2);
	req.allow_empty = true;
	assert_int_equal(store_record(&f->store, &req, &res), 0);
	assert_string_equal(seen.recorded_from, "/work/b.json");
	assert_int_equal(seen.calls, 3);
	/* create of an existing pipeline asks the check first */
	req.create = true;
	seen.answer = DFC_EUSAGE;
	assert_int_equal(store_record(&f->store, &req, &res), DFC_EUSAGE);
	assert_int_equal(seen.calls, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_open_creates_bare_repo_and_view),
		T(test_create_records_version_one),
		T(test_unchanged_records_nothing),
		T(test_create_twice_conflicts),
		T(test_update_of_unknown_pipeline_is_not_found),
		T(test_unsafe_id_is_refused_before_anything),
		T(test_scripts_are_snapshotted_by_blob_id),
		T(test_read_and_walk_versions),
		T(test_fingerprint_is_recorded_as_a_trailer),
		T(test_list_tips_reads_refs_with_their_commits),
		T(test_find_version_matches_content_and_scripts),
		T(test_repair_restores_tags_and_view),
		T(test_read_finds_a_version_whose_tag_is_missing),
		T(test_stale_ref_lock_is_removed_under_the_writers_lock),
		T(test_read_scripts_maps_nodes_even_with_shared_names),
		T(test_check_latest_sees_the_source_file_and_can_refuse),
#undef T
	};

	git_libgit2_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

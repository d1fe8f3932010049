/* test_runs.c - runs recorded on refs/dfc/runs/<id>, linked to versions, read back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "temp_dir.h"

#define TEST_RUNS_DIR "runs"
#include "test_runs_store.h"

#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/runs.h"
#include "dfc/store.h"
#include "dfc/trailers.h"
#include "dfc/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *tip_message(struct fixture *f)
{
	git_oid oid;
	git_commit *c = NULL;
	char *msg;

	assert_int_equal(git_reference_name_to_id(&oid, f->store.repo, "refs/dfc/runs/p1"), 0);
	assert_int_equal(git_commit_lookup(&c, f->store.repo, &oid), 0);
	msg = xstrdup(git_commit_message(c));
	git_commit_free(c);
	return msg;
}

static void test_record_links_the_named_version(void **state)
{
	struct fixture *f = *state;
	struct run_recorded res;
	struct version_info v1 = { 0 };
	char *msg, *trailer;

	assert_int_equal(record_run(f, "20261206T112000Z-1-aaaa", 1, f->fp1, "done", &res), 0);
	assert_true(res.recorded);
	assert_int_equal(res.version, 1);
	assert_int_equal(store_read_version(&f->store, "p1", 1, false, &v1), 0);
	msg = tip_message(f);
	assert_non_null(strstr(msg, "run 20261206T112000Z-1-aaaa\n"));
	trailer = trailer_value(msg, TRAILER_VERSION);
	assert_string_equal(trailer, v1.commit);
	free(trailer);
	trailer = trailer_value(msg, TRAILER_RUN_STATUS);
	assert_string_equal(trailer, "done");
	free(trailer);
	free(msg);
	version_info_release(&v1);
}

static void test_record_links_by_fingerprint_or_not_at_all(void **state)
{
	struct fixture *f = *state;
	struct run_recorded res;
	char *msg, *trailer;

	/* Names version 1 but ran version 2's content: version 2. */
	assert_int_equal(record_run(f, "20261206T112000Z-2-aaaa", 1, f->fp2, NULL, &res), 0);
	assert_int_equal(res.version, 2);
	msg = tip_message(f);
	trailer = trailer_value(msg, TRAILER_RUN_STATUS);
	assert_string_equal(trailer, "unfinished");
	free(trailer);
	free(msg);
	/* A content no version has: no link. */
	assert_int_equal(record_run(f, "20261206T112001Z-2-aaaa", 1,
				    "0000000000000000000000000000000000000000", "failed", &res),
			 0);
	assert_true(res.recorded);
	assert_int_equal(res.version, 0);
	msg = tip_message(f);
	assert_null(strstr(msg, TRAILER_VERSION));
	free(msg);
}

static void test_record_twice_is_idempotent(void **state)
{
	struct fixture *f = *state;
	struct run_recorded res;
	char first[GIT_OID_HEXSZ + 1];

	assert_int_equal(record_run(f, "20261206T112000Z-1-aaaa", 1, f->fp1, "done", &res), 0);
	memcpy(first, res.commit, sizeof(first));
	assert_int_equal(record_run(f, "20261206T112000Z-1-aaaa", 1, f->fp1, "done", &res), 0);
	assert_false(res.recorded);
	assert_string_equal(res.commit, first);
}

static void test_a_record_that_grew_is_recorded_again(void **state)
{
	struct fixture *f = *state;
	struct run_recorded res;
	struct run_list list = RUN_LIST_INIT;
	struct run_record rec = RUN_RECORD_INIT;
	char *text;

	assert_int_equal(record_run(f, "20261206T112000Z-1-aaaa", 1, f->fp1, NULL, &res), 0);
	assert_true(res.recorded);
	assert_false(res.grown);
	/* The same run, its end line appended since. */
	assert_int_equal(record_run(f, "20261206T112000Z-1-aaaa", 1, f->fp1, "done", &res), 0);
	assert_true(res.recorded);
	assert_true(res.grown);
	assert_int_equal(runs_list(&f->store, "p1", &list), 0);
	assert_int_equal(list.nr, 1);
	assert_string_equal(list.items[0].rec.status, "done");
	assert_int_equal(list.items[0].version, 1);
	run_list_release(&list);
	/* Another file under the same name is not a later state of it. */
	text = record_text("20261206T112000Z-1-aaaa", 2, f->fp2, "failed");
	assert_int_equal(run_record_parse(&rec, "r.json", text, strlen(text), NULL), 0);
	assert_int_equal(runs_record(&f->store, &rec, text, strlen(text), "r.json", &res), 0);
	assert_false(res.recorded);
	run_record_release(&rec);
	free(text);
}

static void test_list_newest_first_and_find(void **state)
{
	struct fixture *f = *state;
	struct run_recorded res;
	struct run_list list = RUN_LIST_INIT, found = RUN_LIST_INIT;
	struct strvec ids = STRVEC_INIT;

	assert_int_equal(record_run(f, "20261206T112000Z-1-aaaa", 1, f->fp1, "done", &res), 0);
	assert_int_equal(record_run(f, "20261207T080000Z-1-bbbb", 2, f->fp2, "failed", &res), 0);
	assert_int_equal(record_run(f, "20261205T080000Z-1-cccc", 2, f->fp2, "done", &res), 0);
	assert_int_equal(runs_list(&f->store, "p1", &list), 0);
	assert_int_equal(list.nr, 3);
	assert_string_equal(list.items[0].rec.id, "20261207T080000Z-1-bbbb");
	assert_int_equal(list.items[0].version, 2);
	assert_string_equal(list.items[0].rec.status, "failed");
	assert_string_equal(list.items[2].rec.id, "20261205T080000Z-1-cccc");
	assert_string_equal(list.items[1].pipeline_id, "p1");
	run_list_release(&list);

	assert_int_equal(runs_list_pipelines(&f->store, &ids), 0);
	assert_int_equal(ids.nr, 1);
	strvec_release(&ids);

	assert_int_equal(runs_find(&f->store, NULL, "20261207", &found), 0);
	assert_int_equal(found.nr, 1);
	assert_string_equal(found.items[0].rec.id, "20261207T080000Z-1-bbbb");
	run_list_release(&found);
	assert_int_equal(runs_find(&f->store, "p1", "2026120", &found), DFC_EUSAGE);
	assert_int_equal(runs_find(&f->store, "p1", "2027", &found), DFC_ENOTFOUND);
	assert_int_equal(found.nr, 0);
	dfc_error_clear();

	/* A pipeline without runs lists none. */
	assert_int_equal(runs_list(&f->store, "p2", &list), 0);
	assert_int_equal(list.nr, 0);
}

static void test_record_without_pipeline_id_is_refused(void **state)
{
	struct fixture *f = *state;
	struct run_record rec = RUN_RECORD_INIT;
	struct run_recorded res;
	const char text[] = "{\"record\": \"run\", \"format\": 1, \"run\": "
			    "\"20261206T112000Z-1-aaaa\", \"pipeline\": {\"id\": null}}\n";
	git_oid oid;

	assert_int_equal(run_record_parse(&rec, "r.json", text, strlen(text), NULL), 0);
	assert_int_equal(runs_record(&f->store, &rec, text, strlen(text), "w/r.json", &res),
			 DFC_ENOTFOUND);
	assert_non_null(strstr(dfc_error_message(), "w/r.json"));
	dfc_error_clear();
	assert_int_not_equal(git_reference_name_to_id(&oid, f->store.repo, "refs/dfc/runs/p1"), 0);
	run_record_release(&rec);
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void test_files_of_a_work_folder(void **state)
{
	struct fixture *f = *state;
	char *work = fs_path_join(f->dir, "work"), *runs = fs_path_join(work, ".dfc/runs");
	char *good = fs_path_join(runs, "20261206T112000Z-1-aaaa.json");
	char *misnamed = fs_path_join(runs, "20261206T112000Z-1-bbbb.json");
	char *text = record_text("20261206T112000Z-1-aaaa", 1, f->fp1, "done");
	struct strvec files = STRVEC_INIT;
	struct run_record rec = RUN_RECORD_INIT;
	struct buf data = BUF_INIT;

	assert_int_equal(runs_find_files(work, 0, &files), DFC_ENOTFOUND);
	dfc_error_clear();
	assert_int_equal(fs_mkdir_p(runs), 0);
	write_file(good, text);
	write_file(misnamed, text);
	assert_int_equal(runs_find_files(work, 0, &files), 0);
	assert_int_equal(files.nr, 2);
	assert_int_equal(runs_read_file(&rec, &data, good), 0);
	assert_string_equal(rec.id, "20261206T112000Z-1-aaaa");
	assert_int_equal(data.len, strlen(text));
	run_record_release(&rec);
	buf_reset(&data);
	assert_int_equal(runs_read_file(&rec, &data, misnamed), DFC_EINVALID);
	dfc_error_clear();
	unlink(misnamed);
	assert_int_equal(symlink(good, misnamed), 0);
	assert_int_equal(runs_read_file(&rec, &data, misnamed), DFC_ESECURITY);
	dfc_error_clear();
	buf_release(&data);
	strvec_release(&files);
	free(text);
	free(good);
	free(misnamed);
	free(runs);
	free(work);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_record_links_the_named_version),
		T(test_record_links_by_fingerprint_or_not_at_all),
		T(test_record_twice_is_idempotent),
		T(test_a_record_that_grew_is_recorded_again),
		T(test_list_newest_first_and_find),
		T(test_record_without_pipeline_id_is_refused),
		T(test_files_of_a_work_folder),
#undef T
	};

	git_libgit2_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

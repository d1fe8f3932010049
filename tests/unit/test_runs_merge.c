/* test_runs_merge.c - the runs of another history of a run ref (a catalog's) taken into it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "temp_dir.h"

#define TEST_RUNS_DIR "runs-merge"
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

#define REF   "refs/dfc/runs/p1"
#define RUN_A "20261206T112000Z-1-aaaa"
#define RUN_B "20261207T080000Z-2-bbbb"
#define RUN_C "20261208T090000Z-3-cccc"

static void tip(struct fixture *f, git_oid *out)
{
	assert_int_equal(git_reference_name_to_id(out, f->store.repo, REF), 0);
}

/* Point the run ref at `oid` (NULL: delete it), as another history would. */
static void set_tip(struct fixture *f, const git_oid *oid)
{
	git_reference *ref = NULL;

	if (!oid) {
		assert_int_equal(git_reference_remove(f->store.repo, REF), 0);
		return;
	}
	assert_int_equal(git_reference_create(&ref, f->store.repo, REF, oid, 1, NULL), 0);
	git_reference_free(ref);
}

static void record(struct fixture *f, const char *run, const char *status)
{
	struct run_recorded res;

	assert_int_equal(record_run(f, run, 1, f->fp1, status, &res), 0);
	assert_true(res.recorded);
}

/* The ids of the runs listed, newest first, joined by spaces (new). */
static char *listed(struct fixture *f)
{
	struct run_list list = RUN_LIST_INIT;
	struct buf b = BUF_INIT;

	assert_int_equal(runs_list(&f->store, "p1", &list), 0);
	for (size_t i = 0; i < list.nr; i++)
		buf_addf(&b, "%s%s", i ? " " : "", list.items[i].rec.id);
	run_list_release(&list);
	return buf_detach(&b, NULL);
}

static void expect_listed(struct fixture *f, const char *want)
{
	char *got = listed(f);

	assert_string_equal(got, want);
	free(got);
}

static void test_no_local_runs_takes_theirs(void **state)
{
	struct fixture *f = *state;
	struct runs_merged m;
	git_oid theirs;

	record(f, RUN_A, "done");
	record(f, RUN_B, "done");
	tip(f, &theirs);
	set_tip(f, NULL);
	assert_int_equal(runs_merge(&f->store, "p1", &theirs, &m), 0);
	assert_true(m.has_tip);
	assert_true(git_oid_equal(&m.tip, &theirs));
	assert_int_equal(m.taken, 2);
	assert_int_equal(m.ahead, 0);
	expect_listed(f, RUN_B " " RUN_A);
	/* Nothing of theirs and nothing here: nothing. */
	set_tip(f, NULL);
	assert_int_equal(runs_merge(&f->store, "p1", NULL, &m), 0);
	assert_false(m.has_tip);
}

static void test_ahead_or_behind_moves_forward_only(void **state)
{
	struct fixture *f = *state;
	struct runs_merged m;
	git_oid one, two, now;

	record(f, RUN_A, "done");
	tip(f, &one);
	record(f, RUN_B, "done");
	tip(f, &two);
	/* Theirs is behind: nothing changes; one run to push. */
	assert_int_equal(runs_merge(&f->store, "p1", &one, &m), 0);
	assert_true(git_oid_equal(&m.tip, &two));
	assert_int_equal(m.taken, 0);
	assert_int_equal(m.ahead, 1);
	/* The same: nothing at all. */
	assert_int_equal(runs_merge(&f->store, "p1", &two, &m), 0);
	assert_int_equal(m.taken + m.ahead, 0);
	/* Theirs is ahead: a fast-forward. */
	set_tip(f, &one);
	assert_int_equal(runs_merge(&f->store, "p1", &two, &m), 0);
	tip(f, &now);
	assert_true(git_oid_equal(&now, &two));
	assert_int_equal(m.taken, 1);
	assert_int_equal(m.ahead, 0);
	/* Without theirs: what is here, all ahead. */
	assert_int_equal(runs_merge(&f->store, "p1", NULL, &m), 0);
	assert_int_equal(m.ahead, 2);
}

static void test_diverged_histories_make_the_union_on_theirs(void **state)
{
	struct fixture *f = *state;
	struct runs_merged m;
	git_oid one, theirs, now;
	git_commit *c = NULL;
	char *msg;

	record(f, RUN_A, "done");
	tip(f, &one);
	record(f, RUN_B, "done");
	tip(f, &theirs);
	set_tip(f, &one);
	record(f, RUN_C, "failed");
	assert_int_equal(runs_merge(&f->store, "p1", &theirs, &m), 0);
	tip(f, &now);
	assert_true(git_oid_equal(&now, &m.tip));
	assert_int_equal(git_graph_descendant_of(f->store.repo, &now, &theirs), 1);
	assert_int_equal(m.taken, 1);
	assert_int_equal(m.ahead, 1);
	expect_listed(f, RUN_C " " RUN_B " " RUN_A);
	/* The run recorded here again, its message kept. */
	assert_int_equal(git_commit_lookup(&c, f->store.repo, &now), 0);
	assert_int_equal(git_commit_parentcount(c), 1);
	msg = trailer_value(git_commit_message(c), TRAILER_RUN_STATUS);
	assert_string_equal(msg, "failed");
	free(msg);
	git_commit_free(c);
	/* Merging again changes nothing. */
	assert_int_equal(runs_merge(&f->store, "p1", &theirs, &m), 0);
	assert_true(git_oid_equal(&m.tip, &now));
	assert_int_equal(m.taken, 0);
}

static void test_a_run_that_grew_on_one_side_keeps_the_longer_record(void **state)
{
	struct fixture *f = *state;
	struct runs_merged m;
	git_oid one, theirs, mine;

	record(f, RUN_A, "done");
	tip(f, &one);
	/* Theirs: C unfinished, then B. Here: C grown to its end. */
	record(f, RUN_C, NULL);
	record(f, RUN_B, "done");
	tip(f, &theirs);
	set_tip(f, &one);
	record(f, RUN_C, NULL);
	record(f, RUN_C, "done");
	tip(f, &mine);
	assert_int_equal(runs_merge(&f->store, "p1", &theirs, &m), 0);
	assert_int_equal(m.taken, 1);
	assert_int_equal(m.ahead, 1);
	{
		struct run_list list = RUN_LIST_INIT;

		assert_int_equal(runs_list(&f->store, "p1", &list), 0);
		assert_int_equal(list.nr, 3);
		assert_string_equal(list.items[0].rec.id, RUN_C);
		assert_string_equal(list.items[0].rec.status, "done");
		run_list_release(&list);
	}
	/* The other way round: theirs holds more of C, nothing of here is kept. */
	set_tip(f, &one);
	record(f, RUN_C, NULL);
	assert_int_equal(runs_merge(&f->store, "p1", &mine, &m), 0);
	assert_true(git_oid_equal(&m.tip, &mine));
	assert_int_equal(m.ahead, 0);
}

static void test_one_run_two_records_is_a_conflict(void **state)
{
	struct fixture *f = *state;
	struct runs_merged m;
	git_oid one, theirs, mine, now;

	record(f, RUN_A, "done");
	tip(f, &one);
	record(f, RUN_B, "done");
	tip(f, &theirs);
	set_tip(f, &one);
	record(f, RUN_B, "failed");
	tip(f, &mine);
	assert_int_equal(runs_merge(&f->store, "p1", &theirs, &m), DFC_ECONFLICT);
	assert_non_null(strstr(dfc_error_message(), "run " RUN_B " of 'p1' is recorded here and "
						    "in the catalog with different records"));
	dfc_error_clear();
	tip(f, &now);
	assert_true(git_oid_equal(&now, &mine));
}

/* A run from another home names a version commit not here: linked by its fingerprint. */
static void test_a_run_from_elsewhere_links_to_the_version_with_its_content(void **state)
{
	static const char *const msg = "run " RUN_A "\n\nRun: " RUN_A "\nPipeline-Version: "
				       "1111111111111111111111111111111111111111\nRun-Status: done\n";
	struct fixture *f = *state;
	struct run_list list = RUN_LIST_INIT;
	git_commit *mine = NULL;
	git_tree *tree = NULL;
	git_oid oid;

	record(f, RUN_A, "done");
	tip(f, &oid);
	assert_int_equal(git_commit_lookup(&mine, f->store.repo, &oid), 0);
	assert_int_equal(git_commit_tree(&tree, mine), 0);
	assert_int_equal(git_commit_create(&oid, f->store.repo, NULL, git_commit_author(mine),
					   git_commit_committer(mine), NULL, msg, tree, 0, NULL),
			 0);
	set_tip(f, &oid);
	assert_int_equal(runs_list(&f->store, "p1", &list), 0);
	assert_int_equal(list.nr, 1);
	assert_int_equal(list.items[0].version, 1);
	run_list_release(&list);
	git_commit_free(mine);
	git_tree_free(tree);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_no_local_runs_takes_theirs),
		T(test_ahead_or_behind_moves_forward_only),
		T(test_diverged_histories_make_the_union_on_theirs),
		T(test_a_run_that_grew_on_one_side_keeps_the_longer_record),
		T(test_one_run_two_records_is_a_conflict),
		T(test_a_run_from_elsewhere_links_to_the_version_with_its_content),
#undef T
	};

	git_libgit2_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_refs.c - the names of pipeline branches, tags and tracking refs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dfc/refs.h"

#include <git2.h>
#include <string.h>

#include <stdlib.h>

/* Check one built name against what it must be, and free it. */
static void expect_name(char *got, const char *want)
{
	assert_string_equal(got, want);
	free(got);
}

static void test_names_built_for_an_id(void **state)
{
	(void)state;
	expect_name(refs_branch("ml"), "refs/heads/pipelines/ml");
	expect_name(refs_tag("ml", 3), "refs/tags/pipelines/ml/v3");
	expect_name(refs_tag_prefix("ml"), "refs/tags/pipelines/ml/");
	expect_name(refs_tracking("ml"), "refs/remotes/catalog/pipelines/ml");
	expect_name(refs_share("ml", 2), "refs/dfc/share/ml/2");
	expect_name(refs_runs("ml"), "refs/dfc/runs/ml");
	expect_name(refs_fetch_refspec("ml"),
		    "+refs/heads/pipelines/ml:refs/remotes/catalog/pipelines/ml");
	expect_name(refs_fetch_refspec(NULL),
		    "+refs/heads/pipelines/*:refs/remotes/catalog/pipelines/*");
	expect_name(refs_runs_tracking("ml"), "refs/remotes/catalog/runs/ml");
	expect_name(refs_runs_fetch_refspec("ml"),
		    "+refs/dfc/runs/ml:refs/remotes/catalog/runs/ml");
	expect_name(refs_runs_fetch_refspec(NULL),
		    "+refs/dfc/runs/*:refs/remotes/catalog/runs/*");
}

/* One base ref per catalog: named by a hash of its URL, a valid ref name. */
static void test_base_per_catalog(void **state)
{
	char *a = refs_catalog_base("https://git.example.org/c.git", "ml");
	char *b = refs_catalog_base("/srv/catalog.git", "ml");
	char *again = refs_catalog_base("/srv/catalog.git", "ml");

	(void)state;
	assert_non_null(refs_skip_prefix(a, REFS_BASE_PREFIX));
	assert_int_equal(strlen(a), strlen(REFS_BASE_PREFIX) + 16 + strlen("/ml"));
	assert_string_equal(a + strlen(a) - 3, "/ml");
	assert_string_not_equal(a, b);
	assert_string_equal(b, again);
	assert_int_equal(git_libgit2_init() > 0, 1);
	assert_true(git_reference_is_valid_name(a));
	git_libgit2_shutdown();
	free(a);
	free(b);
	free(again);
}

static void test_prefixes_nest(void **state)
{
	char *tracking = refs_tracking("ml");

	(void)state;
	assert_string_equal(refs_skip_prefix(tracking, REFS_REMOTE_PREFIX), "pipelines/ml");
	assert_string_equal(refs_skip_prefix(tracking, REFS_TRACKING_PREFIX), "ml");
	free(tracking);
}

static void test_skip_prefix(void **state)
{
	static const struct {
		const char *name, *prefix, *rest;
	} cases[] = {
		{"refs/heads/pipelines/ml", REFS_BRANCH_PREFIX, "ml"},
		{"refs/heads/pipelines/a/b", REFS_BRANCH_PREFIX, "a/b"},
		{"refs/heads/pipelines/", REFS_BRANCH_PREFIX, ""},
		{"refs/heads/pipelines", REFS_BRANCH_PREFIX, NULL},
		{"refs/heads/main", REFS_BRANCH_PREFIX, NULL},
		{"refs/tags/pipelines/ml/v1", REFS_TAG_PREFIX, "ml/v1"},
		{"refs/tags/pipelines/ml/v1", REFS_BRANCH_PREFIX, NULL},
		{"", REFS_TAG_PREFIX, NULL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const char *rest = refs_skip_prefix(cases[i].name, cases[i].prefix);

		if (!cases[i].rest)
			assert_null(rest);
		else
			assert_string_equal(rest, cases[i].rest);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_built_for_an_id),
		cmocka_unit_test(test_base_per_catalog),
		cmocka_unit_test(test_prefixes_nest),
		cmocka_unit_test(test_skip_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

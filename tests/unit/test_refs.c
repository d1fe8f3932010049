/* test_refs.c - the names of pipeline branches, tags and tracking refs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dfc/refs.h"

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
	expect_name(refs_fetch_refspec("ml"),
		    "+refs/heads/pipelines/ml:refs/remotes/catalog/pipelines/ml");
	expect_name(refs_fetch_refspec(NULL),
		    "+refs/heads/pipelines/*:refs/remotes/catalog/pipelines/*");
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
		cmocka_unit_test(test_prefixes_nest),
		cmocka_unit_test(test_skip_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_ids.c - pipeline ids, node ids and UUIDv7. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_accepts.h"

#include "dfc/error.h"
#include "dfc/ids.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static void test_safe_pipeline_ids(void **state)
{
	static const char *const good[] = {
		"0190c2d4-7b1e-7c3a-9f00-2a6a3c1d9e55", "a", "Daily_sales.v2", "a.b.c", "lock",
		"x.lock.d",
	};
	char longest[PIPELINE_ID_MAX + 1];

	(void)state;
	memset(longest, 'a', PIPELINE_ID_MAX);
	longest[PIPELINE_ID_MAX] = '\0';
	expect_answers(pipeline_id_is_safe, good, TEST_COUNT(good), true);
	assert_true(pipeline_id_is_safe(longest));
}

static void test_unsafe_pipeline_ids(void **state)
{
	char too_long[PIPELINE_ID_MAX + 2];
	static const char *const bad[] = {
		"",    "..",	 "a..b",   "a/b", "../etc", "-a",    ".a",
		"_a",  "x.lock", "a.lock", "a b", "a\nb",   "a\tb",  "caf\xc3\xa9",
		"a~b", "a:b",	 "a\\b",   "a*",  "HEAD^",  "a@{1}",
	};

	(void)state;
	memset(too_long, 'a', PIPELINE_ID_MAX + 1);
	too_long[PIPELINE_ID_MAX + 1] = '\0';
	assert_false(pipeline_id_is_safe(too_long));
	assert_false(pipeline_id_is_safe(NULL));
	expect_answers(pipeline_id_is_safe, bad, TEST_COUNT(bad), false);
}

static void test_check_sets_error_and_hint(void **state)
{
	char huge[1000];

	(void)state;
	dfc_error_clear();
	assert_int_equal(pipeline_id_check("good-id"), 0);
	assert_string_equal(dfc_error_message(), "");

	assert_int_equal(pipeline_id_check("../x\n\x1b"), DFC_ESECURITY);
	assert_string_equal(dfc_error_message(), "unsafe pipeline id '../x\\x0a\\x1b'");
	assert_int_equal(dfc_error_hint_count(), 1);
	assert_non_null(strstr(dfc_error_hint(0), ".lock"));

	memset(huge, 'z', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	assert_int_equal(pipeline_id_check(huge), DFC_ESECURITY);
	assert_true(strlen(dfc_error_message()) < 120);
	assert_non_null(strstr(dfc_error_message(), "...'"));
}

static void test_node_ids(void **state)
{
	static const char *const valid[] = { "raw", "_tmp", "a.b-c_d", "0" };
	static const char *const invalid[] = { "", "-a", ".a", "a b", "a/b", "caf\xc3\xa9" };
	char id[130];

	(void)state;
	expect_answers(node_id_is_valid, valid, TEST_COUNT(valid), true);
	expect_answers(node_id_is_valid, invalid, TEST_COUNT(invalid), false);
	assert_false(node_id_is_valid(NULL));
	memset(id, 'n', 128);
	id[128] = '\0';
	assert_true(node_id_is_valid(id));
	id[128] = 'n';
	id[129] = '\0';
	assert_false(node_id_is_valid(id));
}

static void assert_uuid7_format(const char *u)
{
	assert_int_equal(strlen(u), 36);
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			assert_int_equal(u[i], '-');
			continue;
		}
		if (!strchr("0123456789abcdef", u[i]))
			fail_msg("'%s': not lowercase hex at %d", u, i);
	}
	assert_int_equal(u[14], '7');
	assert_non_null(strchr("89ab", u[19]));
}

/* File names stored as tree entries: what git (libgit2) refuses, refused. */
static void test_tree_entry_names(void **state)
{
	static const char *const usable[] = {
		"clean.py", "run.sh", ".gitignore", "git", "git~2", "a.git", ".github",
		"x y.sh", "\xc3\xa9t\xc3\xa9.R", "..a", "a..b", "run.", "run ", "a\\b", "a:b",
		".gitmodules", "GIT~2", ".git.x",
	};
	static const char *const refused[] = {
		"", ".", "..", "a/b", ".git", ".GIT", ".Git", "git~1", "GIT~1", ".git ",
		".git.", ".git. .", "git~1.", ".git:x", ".git::$INDEX_ALLOCATION",
	};

	(void)state;
	expect_answers(tree_entry_name_is_safe, usable, TEST_COUNT(usable), true);
	expect_answers(tree_entry_name_is_safe, refused, TEST_COUNT(refused), false);
}

static void test_uuid7_format_and_time(void **state)
{
	char u[UUID_STR_SIZE];
	unsigned long long ms;
	char hex[13];

	(void)state;
	assert_int_equal(uuid7_generate(u), 0);
	assert_uuid7_format(u);
	memcpy(hex, u, 8);
	memcpy(hex + 8, u + 9, 4);
	hex[12] = '\0';
	ms = strtoull(hex, NULL, 16);
	assert_true(ms / 1000 + 5 >= (unsigned long long)time(NULL));
	assert_true(ms / 1000 <= (unsigned long long)time(NULL) + 5);
}

static void test_uuid7_sorts_in_order(void **state)
{
	char prev[UUID_STR_SIZE], cur[UUID_STR_SIZE];

	(void)state;
	assert_int_equal(uuid7_generate(prev), 0);
	for (int i = 0; i < 20000; i++) {
		assert_int_equal(uuid7_generate(cur), 0);
		assert_uuid7_format(cur);
		if (strcmp(prev, cur) >= 0)
			fail_msg("'%s' does not sort after '%s'", cur, prev);
		memcpy(prev, cur, sizeof(cur));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_safe_pipeline_ids),
		cmocka_unit_test(test_unsafe_pipeline_ids),
		cmocka_unit_test(test_check_sets_error_and_hint),
		cmocka_unit_test(test_node_ids),
		cmocka_unit_test(test_tree_entry_names),
		cmocka_unit_test(test_uuid7_format_and_time),
		cmocka_unit_test(test_uuid7_sorts_in_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

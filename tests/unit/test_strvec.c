/* test_strvec.c - the list of owned strings: push, sort, search, release. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dfc/strvec.h"

#include <stdlib.h>
#include <string.h>

static void test_push_copies_and_terminates(void **state)
{
	struct strvec v = STRVEC_INIT;
	char word[] = "one";

	(void)state;
	strvec_push(&v, word);
	word[0] = 'x';
	strvec_push(&v, "");
	assert_int_equal(v.nr, 2);
	assert_string_equal(v.items[0], "one");
	assert_string_equal(v.items[1], "");
	assert_null(v.items[2]);
	strvec_release(&v);
	assert_int_equal(v.nr, 0);
	assert_null(v.items);
	/* Released is empty again, and usable. */
	strvec_push(&v, "again");
	assert_int_equal(v.nr, 1);
	strvec_release(&v);
}

static void test_sort_and_has(void **state)
{
	static const char *const words[] = { "pipelines/b", "a", "pipelines/a", "B", "a.b" };
	static const char *const sorted[] = { "B", "a", "a.b", "pipelines/a", "pipelines/b" };
	static const struct {
		const char *word;
		bool has;
	} lookups[] = {
		{ "a", true },	{ "B", true },	{ "b", false },
		{ "", false },	{ "pipelines/a", true }, { "pipelines/", false },
	};
	struct strvec v = STRVEC_INIT;

	(void)state;
	assert_false(strvec_has(&v, "a"));
	strvec_sort(&v);
	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		strvec_push(&v, words[i]);
	strvec_sort(&v);
	for (size_t i = 0; i < sizeof(sorted) / sizeof(*sorted); i++)
		assert_string_equal(v.items[i], sorted[i]);
	assert_null(v.items[v.nr]);
	for (size_t i = 0; i < sizeof(lookups) / sizeof(*lookups); i++)
		if (strvec_has(&v, lookups[i].word) != lookups[i].has)
			fail_msg("strvec_has(\"%s\") is not %d", lookups[i].word, lookups[i].has);
	strvec_release(&v);
}

/* The comparator serves arrays of const strings too. */
static void test_compare_const_strings(void **state)
{
	const char *keys[] = { "nodes", "edges", "id", "name" };

	(void)state;
	qsort(keys, 4, sizeof(*keys), strvec_compare);
	assert_string_equal(keys[0], "edges");
	assert_string_equal(keys[1], "id");
	assert_string_equal(keys[2], "name");
	assert_string_equal(keys[3], "nodes");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_push_copies_and_terminates),
		cmocka_unit_test(test_sort_and_has),
		cmocka_unit_test(test_compare_const_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

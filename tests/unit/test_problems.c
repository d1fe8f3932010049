/* test_problems.c - the problem list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dfc/error.h"
#include "dfc/problems.h"

#include <string.h>

static void test_add_keeps_pointer_and_message(void **state)
{
	struct problems list = PROBLEMS_INIT;
	char ptr[] = "/edges/3/to";

	(void)state;
	problems_add(&list, DFC_EINVALID, ptr, "unknown node '%s'", "x");
	ptr[1] = 'X'; /* the list holds its own copy */
	problems_add_syntax(&list, 4, 9, "duplicate key '%s'", "nodes");
	assert_int_equal(list.nr, 2);
	assert_string_equal(list.items[0].pointer, "/edges/3/to");
	assert_string_equal(list.items[0].message, "unknown node 'x'");
	assert_int_equal(list.items[0].line, 0);
	assert_null(list.items[1].pointer);
	assert_int_equal(list.items[1].line, 4);
	assert_int_equal(list.items[1].column, 9);
	assert_int_equal(list.items[1].code, DFC_EINVALID);
	assert_string_equal(list.items[1].message, "duplicate key 'nodes'");
	problems_release(&list);
	assert_int_equal(list.nr, 0);
	assert_null(list.items);
}

static void test_code_prefers_security(void **state)
{
	struct problems list = PROBLEMS_INIT;

	(void)state;
	assert_int_equal(problems_code(&list), 0);
	problems_add(&list, DFC_EINVALID, "/nodes", "missing 'nodes'");
	assert_int_equal(problems_code(&list), DFC_EINVALID);
	problems_add(&list, DFC_ESECURITY, "/id", "unsafe pipeline id");
	problems_add(&list, DFC_EINVALID, "/edges", "missing 'edges'");
	assert_int_equal(problems_code(&list), DFC_ESECURITY);
	problems_release(&list);
}

static void test_many_problems_grow(void **state)
{
	struct problems list = PROBLEMS_INIT;

	(void)state;
	for (int i = 0; i < 1000; i++)
		problems_add(&list, DFC_EINVALID, "/nodes", "n%d", i);
	assert_int_equal(list.nr, 1000);
	assert_string_equal(list.items[999].message, "n999");
	problems_release(&list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_keeps_pointer_and_message),
		cmocka_unit_test(test_code_prefers_security),
		cmocka_unit_test(test_many_problems_grow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

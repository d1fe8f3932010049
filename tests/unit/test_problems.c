/* test_problems.c - the problem list and quoting names for messages. */
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

static void check_quote(const char *in, size_t max, const char *want)
{
	struct buf b = BUF_INIT;

	problems_quote(&b, in, max);
	assert_string_equal(buf_cstr(&b), want);
	buf_release(&b);
}

static void test_quote_escapes_controls_and_bad_utf8(void **state)
{
	(void)state;
	check_quote("plain-id_1.x", 80, "plain-id_1.x");
	check_quote("a\nb\tc\x1b[31m", 80, "a\\x0ab\\x09c\\x1b[31m");
	check_quote("del\x7f", 80, "del\\x7f");
	check_quote("caf\xc3\xa9 \xe6\x97\xa5", 80, "caf\xc3\xa9 \xe6\x97\xa5");
	check_quote("bad\xff\xc3(", 80, "bad\\xff\\xc3(");
	/* U+009B is a terminal's CSI in some modes. */
	check_quote("c1\xc2\x9b", 80, "c1\\xc2\\x9b");
	/* an overlong encoding and a surrogate are not UTF-8 */
	check_quote("\xc0\xaf\xed\xa0\x80", 80, "\\xc0\\xaf\\xed\\xa0\\x80");
}

static void test_quote_cuts_long_strings(void **state)
{
	(void)state;
	check_quote("abcdefghij", 4, "abcd...");
	check_quote("abcd", 4, "abcd");
	/* never in the middle of a character */
	check_quote("ab\xc3\xa9zz", 3, "ab...");
	check_quote("", 4, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_keeps_pointer_and_message),
		cmocka_unit_test(test_code_prefers_security),
		cmocka_unit_test(test_many_problems_grow),
		cmocka_unit_test(test_quote_escapes_controls_and_bad_utf8),
		cmocka_unit_test(test_quote_cuts_long_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

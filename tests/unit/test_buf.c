/* test_buf.c - the growable buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dfc/buf.h"

#include <stdlib.h>
#include <string.h>

static void test_empty_buffer_is_empty_string(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	assert_string_equal(buf_cstr(&b), "");
	assert_int_equal(b.len, 0);
	buf_release(&b);
}

static void test_add_and_format(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	buf_adds(&b, "abc");
	buf_addch(&b, '-');
	buf_addf(&b, "%d:%s", 42, "x");
	buf_add(&b, "\0z", 2);
	assert_int_equal(b.len, 10);
	assert_memory_equal(b.data, "abc-42:x\0z", 10);
	assert_int_equal(b.data[b.len], '\0');
	buf_truncate(&b, 3);
	assert_string_equal(buf_cstr(&b), "abc");
	buf_truncate(&b, 10);
	assert_int_equal(b.len, 3);
	buf_reset(&b);
	assert_string_equal(buf_cstr(&b), "");
	buf_release(&b);
}

static void test_grows_past_many_reallocations(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	for (int i = 0; i < 100000; i++)
		buf_addch(&b, (char)('a' + i % 26));
	assert_int_equal(b.len, 100000);
	assert_int_equal(b.data[99999], 'a' + 99999 % 26);
	assert_true(b.alloc > b.len);
	buf_release(&b);
}

static void test_detach_hands_over(void **state)
{
	struct buf b = BUF_INIT;
	size_t len;
	char *s;

	(void)state;
	buf_adds(&b, "hello");
	s = buf_detach(&b, &len);
	assert_string_equal(s, "hello");
	assert_int_equal(len, 5);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	free(s);
	s = buf_detach(&b, NULL);
	assert_string_equal(s, "");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_buffer_is_empty_string),
		cmocka_unit_test(test_add_and_format),
		cmocka_unit_test(test_grows_past_many_reallocations),
		cmocka_unit_test(test_detach_hands_over),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

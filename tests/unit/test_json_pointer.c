/* test_json_pointer.c - tokens escaped as RFC 6901 has them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dfc/json_pointer.h"

/* A pointer, a token appended to it, and the pointer then. */
static const struct {
	const char *pointer, *token, *want;
} appends[] = {
	{ "", "nodes", "/nodes" },
	{ "", "", "/" },
	{ "", "a/b", "/a~1b" },
	{ "", "m~n", "/m~0n" },
	/* '~' goes first as "~0", so that "~1" in a key stays two characters */
	{ "", "~1", "/~01" },
	{ "", "/~", "/~1~0" },
	{ "/nodes/0", "resources", "/nodes/0/resources" },
	{ "/nodes/0/resources", "a/b", "/nodes/0/resources/a~1b" },
};

static void test_tokens_are_escaped(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(appends) / sizeof(appends[0]); i++) {
		struct buf ptr = BUF_INIT;

		buf_adds(&ptr, appends[i].pointer);
		json_pointer_add(&ptr, appends[i].token);
		assert_string_equal(buf_cstr(&ptr), appends[i].want);
		buf_release(&ptr);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokens_are_escaped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

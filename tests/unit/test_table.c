/* test_table.c - aligned and tab-separated tables, safe for terminals. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dfc/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *print(const struct table *t, bool aligned)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	table_print(t, out, aligned);
	fclose(out);
	return text;
}

static void test_aligned_pads_to_widest_cell_counting_characters(void **state)
{
	static const char *const head[] = { "ID", "NAME" };
	static const char *const r1[] = { "a", "café" };
	static const char *const r2[] = { "longer", NULL };
	struct table t;
	char *text;

	(void)state;
	table_init(&t, 2, head);
	table_add(&t, r1);
	table_add(&t, r2);
	text = print(&t, true);
	assert_string_equal(text, "ID      NAME\n"
				  "a       café\n"
				  "longer  -\n");
	free(text);
	table_release(&t);
}

static void test_plain_is_tab_separated_without_header(void **state)
{
	static const char *const head[] = { "A", "B", "C" };
	static const char *const r1[] = { "1", "two words", "3" };
	struct table t;
	char *text;

	(void)state;
	table_init(&t, 3, head);
	table_add(&t, r1);
	text = print(&t, false);
	assert_string_equal(text, "1\ttwo words\t3\n");
	free(text);
	table_release(&t);
}

static void test_cells_are_escaped_for_terminals(void **state)
{
	static const char *const head[] = { "ID", "NAME" };
	static const char *const r1[] = { "a", "\x1b]0;owned\x07\x1b[2J" };
	static const char *const r2[] = { "b\tc", "x\ny\xc2\x9b\x7f\xff" };
	struct table t;
	char *text;

	(void)state;
	table_init(&t, 2, head);
	table_add(&t, r1);
	table_add(&t, r2);
	/* a tab or line break in a cell cannot make a column or a row */
	text = print(&t, false);
	assert_string_equal(text, "a\t\\x1b]0;owned\\x07\\x1b[2J\n"
				  "b\\x09c\tx\\x0ay\\xc2\\x9b\\x7f\\xff\n");
	free(text);
	/* widths count the escaped text as it is shown */
	text = print(&t, true);
	assert_string_equal(text, "ID      NAME\n"
				  "a       \\x1b]0;owned\\x07\\x1b[2J\n"
				  "b\\x09c  x\\x0ay\\xc2\\x9b\\x7f\\xff\n");
	free(text);
	table_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aligned_pads_to_widest_cell_counting_characters),
		cmocka_unit_test(test_plain_is_tab_separated_without_header),
		cmocka_unit_test(test_cells_are_escaped_for_terminals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

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

/* One table printed both ways: what each must be. */
struct table_case {
	const char *what;
	size_t columns;
	const char *head[3];
	const char *rows[2][3];
	size_t nr_rows;
	const char *plain;
	const char *aligned;
};

static const struct table_case cases[] = {
	{ "aligned pads to the widest cell, counting characters", 2, { "ID", "NAME" },
	  { { "a", "café" }, { "longer", NULL } }, 2, "a\tcafé\nlonger\t-\n",
	  "ID      NAME\n"
	  "a       café\n"
	  "longer  -\n" },
	{ "plain is tab-separated, without a header", 3, { "A", "B", "C" },
	  { { "1", "two words", "3" } }, 1, "1\ttwo words\t3\n", "A  B          C\n"
								 "1  two words  3\n" },
	/* a tab or line break in a cell makes no column or row; widths count
	 * the escaped text as it is shown */
	{ "cells are escaped for terminals", 2, { "ID", "NAME" },
	  { { "a", "\x1b]0;owned\x07\x1b[2J" }, { "b\tc", "x\ny\xc2\x9b\x7f\xff" } }, 2,
	  "a\t\\x1b]0;owned\\x07\\x1b[2J\n"
	  "b\\x09c\tx\\x0ay\\xc2\\x9b\\x7f\\xff\n",
	  "ID      NAME\n"
	  "a       \\x1b]0;owned\\x07\\x1b[2J\n"
	  "b\\x09c  x\\x0ay\\xc2\\x9b\\x7f\\xff\n" },
};

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct table_case *c = &cases[i];
		struct table t;
		char *plain, *aligned;

		table_init(&t, c->columns, c->head);
		for (size_t r = 0; r < c->nr_rows; r++)
			table_add(&t, c->rows[r]);
		plain = print(&t, false);
		aligned = print(&t, true);
		if (strcmp(plain, c->plain) || strcmp(aligned, c->aligned))
			fail_msg("%s:\nplain:\n%s\naligned:\n%s", c->what, plain, aligned);
		free(plain);
		free(aligned);
		table_release(&t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

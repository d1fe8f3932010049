/* test_opt.c - option tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dfc/error.h"
#include "dfc/opt.h"

#include <string.h>

static const char *message;
static const char *home;
static bool flag;
static int number;
static struct strvec extras;

static const struct opt cmd_opts[] = {
	OPT_STRING('m', "message", &message, "MSG", "message"),
	OPT_BOOL(0, "flag", &flag, "a flag"),
	OPT_INT('v', "version", &number, "N", "a number"),
	OPT_STRING_LIST(0, "extra", &extras, "ARG", "repeatable"),
	OPT_END(),
};

static const struct opt global_opts[] = {
	OPT_STRING(0, "home", &home, "DIR", "home"),
	OPT_END(),
};

static int reset(void **state)
{
	(void)state;
	message = home = NULL;
	flag = false;
	number = 0;
	strvec_release(&extras);
	return 0;
}

static int parse(int argc, char **argv, bool stop, int *npos, bool *help)
{
	const struct opt *tables[] = { global_opts, cmd_opts, NULL };

	return opt_parse(argc, argv, tables, stop, npos, help);
}

static void test_options_and_positionals_in_any_order(void **state)
{
	char *argv[] = { "create", "--home", "/h", "file.json", "-m", "hi", "--flag",
			 "-v", "3", "more", NULL };
	bool help;
	int npos;

	(void)state;
	assert_int_equal(parse(10, argv, false, &npos, &help), 0);
	assert_int_equal(npos, 2);
	assert_string_equal(argv[0], "file.json");
	assert_string_equal(argv[1], "more");
	assert_string_equal(message, "hi");
	assert_string_equal(home, "/h");
	assert_true(flag);
	assert_int_equal(number, 3);
	assert_false(help);
}

/* A repeatable option keeps every value in order, even ones that look like options. */
static void test_repeatable_option(void **state)
{
	char *argv[] = { "run", "--extra", "--mem=1G", "x", "--extra=-p", "--extra", "",
			 NULL };
	bool help;
	int npos;

	(void)state;
	assert_int_equal(parse(7, argv, false, &npos, &help), 0);
	assert_int_equal(npos, 1);
	assert_string_equal(argv[0], "x");
	assert_int_equal(extras.nr, 3);
	assert_string_equal(extras.items[0], "--mem=1G");
	assert_string_equal(extras.items[1], "-p");
	assert_string_equal(extras.items[2], "");
	strvec_release(&extras);
	assert_int_equal(extras.nr, 0);
	assert_null(extras.items);
}

static void test_stop_at_first_positional(void **state)
{
	char *argv[] = { "prog", "--home=/x", "create", "--flag", "f", NULL };
	bool help;
	int npos;

	(void)state;
	assert_int_equal(parse(5, argv, true, &npos, &help), 0);
	assert_int_equal(npos, 3);
	assert_string_equal(argv[0], "create");
	assert_string_equal(argv[1], "--flag");
	assert_false(flag);
	assert_string_equal(home, "/x");
}

static void test_double_dash_ends_options(void **state)
{
	char *argv[] = { "validate", "--", "--flag", "-", NULL };
	bool help;
	int npos;

	(void)state;
	assert_int_equal(parse(4, argv, false, &npos, &help), 0);
	assert_int_equal(npos, 2);
	assert_string_equal(argv[0], "--flag");
	assert_string_equal(argv[1], "-");
	assert_false(flag);
}

static void test_errors(void **state)
{
	char *unknown[] = { "x", "--nope", NULL };
	char *missing[] = { "x", "-m", NULL };
	char *bad_int[] = { "x", "-v", "0", NULL };
	char *bad_int2[] = { "x", "--version=3x", NULL };
	bool help;
	int npos;

	(void)state;
	assert_int_equal(parse(2, unknown, false, &npos, &help), DFC_EUSAGE);
	assert_non_null(strstr(dfc_error_message(), "unknown option '--nope'"));
	assert_int_equal(parse(2, missing, false, &npos, &help), DFC_EUSAGE);
	assert_non_null(strstr(dfc_error_message(), "needs a value"));
	assert_int_equal(parse(3, bad_int, false, &npos, &help), DFC_EUSAGE);
	assert_non_null(strstr(dfc_error_message(), "positive number"));
	assert_int_equal(parse(2, bad_int2, false, &npos, &help), DFC_EUSAGE);
}

static void test_help(void **state)
{
	char *argv[] = { "x", "-h", NULL };
	char *argv2[] = { "x", "--help", NULL };
	bool help;
	int npos;

	(void)state;
	assert_int_equal(parse(2, argv, false, &npos, &help), 0);
	assert_true(help);
	assert_int_equal(parse(2, argv2, false, &npos, &help), 0);
	assert_true(help);
	assert_int_equal(opt_count(cmd_opts), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_options_and_positionals_in_any_order, reset),
		cmocka_unit_test_setup(test_repeatable_option, reset),
		cmocka_unit_test_setup(test_stop_at_first_positional, reset),
		cmocka_unit_test_setup(test_double_dash_ends_options, reset),
		cmocka_unit_test_setup(test_errors, reset),
		cmocka_unit_test_setup(test_help, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

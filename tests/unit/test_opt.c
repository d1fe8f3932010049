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

/* Words of a command line, NULL-terminated. */
#define WORDS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/*
 * Parse the NULL-terminated `argv` (`stop` as opt_parse() takes it): it
 * succeeds and leaves exactly the words `positionals` at its front.
 * Returns whether help was asked for.
 */
static bool parse_ok(char **argv, bool stop, const char *const *positionals)
{
	bool help;
	int argc = 0, npos, n = 0;

	while (argv[argc])
		argc++;
	while (positionals[n])
		n++;
	assert_int_equal(parse(argc, argv, stop, &npos, &help), 0);
	assert_int_equal(npos, n);
	for (int i = 0; i < n; i++)
		assert_string_equal(argv[i], positionals[i]);
	return help;
}

static void test_options_and_positionals_in_any_order(void **state)
{
	char *argv[] = { "create", "--home", "/h", "file.json", "-m", "hi", "--flag",
			 "-v", "3", "more", NULL };

	(void)state;
	assert_false(parse_ok(argv, false, WORDS("file.json", "more")));
	assert_string_equal(message, "hi");
	assert_string_equal(home, "/h");
	assert_true(flag);
	assert_int_equal(number, 3);
}

/* A repeatable option keeps every value in order, even ones that look like options. */
static void test_repeatable_option(void **state)
{
	char *argv[] = { "run", "--extra", "--mem=1G", "x", "--extra=-p", "--extra", "",
			 NULL };

	(void)state;
	parse_ok(argv, false, WORDS("x"));
	assert_int_equal(extras.nr, 3);
	assert_string_equal(extras.items[0], "--mem=1G");
	assert_string_equal(extras.items[1], "-p");
	assert_string_equal(extras.items[2], "");
	strvec_release(&extras);
	assert_int_equal(extras.nr, 0);
	assert_null(extras.items);
}

/* `-m=hi` as `--message=hi`; `-m =hi` and `-m==hi` keep their `=`. */
static void test_short_option_with_equals(void **state)
{
	char *argv[] = { "x", "-m=hi", "-v=2", NULL };
	char *argv2[] = { "x", "-m", "=hi", NULL };
	char *argv3[] = { "x", "-m==hi", NULL };

	(void)state;
	parse_ok(argv, false, WORDS(NULL));
	assert_string_equal(message, "hi");
	assert_int_equal(number, 2);
	parse_ok(argv2, false, WORDS(NULL));
	assert_string_equal(message, "=hi");
	parse_ok(argv3, false, WORDS(NULL));
	assert_string_equal(message, "=hi");
}

static void test_stop_at_first_positional(void **state)
{
	char *argv[] = { "prog", "--home=/x", "create", "--flag", "f", NULL };

	(void)state;
	parse_ok(argv, true, WORDS("create", "--flag", "f"));
	assert_false(flag);
	assert_string_equal(home, "/x");
}

static void test_double_dash_ends_options(void **state)
{
	char *argv[] = { "validate", "--", "--flag", "-", NULL };

	(void)state;
	parse_ok(argv, false, WORDS("--flag", "-"));
	assert_false(flag);
}

/* A command line that is a usage error, and what the message says (NULL: anything). */
static const struct {
	char *argv[4];
	const char *message;
} usage_errors[] = {
	{ { "x", "--nope" }, "unknown option '--nope'" },
	{ { "x", "-m" }, "needs a value" },
	{ { "x", "-v", "0" }, "positive number" },
	{ { "x", "--version=3x" }, NULL },
};

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(usage_errors) / sizeof(usage_errors[0]); i++) {
		char *argv[4];
		bool help;
		int argc = 0, npos;

		memcpy(argv, usage_errors[i].argv, sizeof(argv));
		while (argv[argc])
			argc++;
		assert_int_equal(parse(argc, argv, false, &npos, &help), DFC_EUSAGE);
		if (usage_errors[i].message &&
		    !strstr(dfc_error_message(), usage_errors[i].message))
			fail_msg("'%s' lacks '%s'", dfc_error_message(), usage_errors[i].message);
	}
}

static void test_help(void **state)
{
	char *argv[] = { "x", "-h", NULL };
	char *argv2[] = { "x", "--help", NULL };

	(void)state;
	assert_true(parse_ok(argv, false, WORDS(NULL)));
	assert_true(parse_ok(argv2, false, WORDS(NULL)));
	assert_int_equal(opt_count(cmd_opts), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_options_and_positionals_in_any_order, reset),
		cmocka_unit_test_setup(test_repeatable_option, reset),
		cmocka_unit_test_setup(test_short_option_with_equals, reset),
		cmocka_unit_test_setup(test_stop_at_first_positional, reset),
		cmocka_unit_test_setup(test_double_dash_ends_options, reset),
		cmocka_unit_test_setup(test_errors, reset),
		cmocka_unit_test_setup(test_help, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

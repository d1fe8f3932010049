/* test_steps.c - a pipeline's steps in start order, with commands and argument vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_json.h"

#include "dfc/steps.h"

#include <string.h>

/*
 * Two scripts: `load` (file order 2) feeds `clean` through a script edge;
 * `solo` has no edges and comes first in the file.
 */
static const char *const PIPELINE =
	"{\"nodes\": ["
	" {\"id\": \"solo\", \"type\": \"script\", \"path\": \"bin/solo\"},"
	" {\"id\": \"clean\", \"type\": \"script\", \"path\": \"s/clean.py\","
	"  \"interpreter\": \"python3  -u\"},"
	" {\"id\": \"load\", \"type\": \"script\", \"path\": \"s/load.sh\"},"
	" {\"id\": \"raw\", \"type\": \"dataset\", \"path\": \"raw.csv\"},"
	" {\"id\": \"remote\", \"type\": \"dataset\", \"url\": \"https://x/y.csv\"}],"
	" \"edges\": ["
	" {\"from\": \"clean\", \"to\": \"remote\", \"arguments\": [\"--out\", {\"ref\": \"remote\"}]},"
	" {\"from\": \"raw\", \"to\": \"load\", \"arguments\": [{\"ref\": \"raw\"}, 3, 1.5, true]},"
	" {\"from\": \"load\", \"to\": \"clean\", \"arguments\": [\"--from\", {\"ref\": \"load\"}]},"
	" {\"from\": \"raw\", \"to\": \"clean\"}]}";

/* The strings of a JSON array joined by '|'. */
static void assert_words(const json_t *words, const char *expected)
{
	char joined[512] = "";
	size_t i;
	json_t *w;

	json_array_foreach(words, i, w) {
		if (i)
			strcat(joined, "|");
		strcat(joined, json_string_value(w));
	}
	assert_string_equal(joined, expected);
}

static void test_plan(void **state)
{
	json_t *root = test_json(PIPELINE);
	struct steps s = STEPS_INIT;

	(void)state;
	assert_true(steps_plan(&s, root));
	assert_int_equal(s.nr, 3);
	/* Ready first in file order: solo, then load (raw is a dataset), clean. */
	assert_string_equal(s.items[0].id, "solo");
	assert_string_equal(s.items[1].id, "load");
	assert_string_equal(s.items[2].id, "clean");
	assert_int_equal(s.items[1].node_index, 2);
	assert_words(s.items[0].command, "bin/solo");
	assert_words(s.items[1].command, "bash|s/load.sh");
	assert_words(s.items[2].command, "python3|-u|s/clean.py");
	assert_words(s.items[0].arguments, "");
	assert_words(s.items[1].arguments, "raw.csv|3|1.5|true");
	/* Edge order: the output edge comes first in the file. */
	assert_words(s.items[2].arguments, "--out|<remote>|--from|.dfc/scripts/load/load.sh");
	steps_release(&s);
	json_decref(root);
}

static void test_cycle_and_malformed(void **state)
{
	json_t *root = test_json("{\"nodes\": [{\"id\": \"a\", \"type\": \"script\", \"path\": \"a\"},"
				 "{\"id\": \"b\", \"type\": \"script\", \"path\": \"b\"}],"
				 "\"edges\": [{\"from\": \"a\", \"to\": \"b\"}, {\"from\": \"b\", \"to\": \"a\"}]}");
	json_t *odd = test_json("{\"nodes\": [{\"id\": \"a\", \"type\": \"script\"}, 7],"
				"\"edges\": [{\"from\": \"a\", \"to\": \"zz\", \"arguments\": [1]}]}");
	struct steps s = STEPS_INIT;

	(void)state;
	assert_false(steps_plan(&s, root));
	assert_int_equal(s.nr, 0);
	steps_release(&s);
	assert_true(steps_plan(&s, odd));
	assert_int_equal(s.nr, 1);
	assert_words(s.items[0].command, "");
	assert_words(s.items[0].arguments, "");
	steps_release(&s);
	json_decref(root);
	json_decref(odd);
}

static void test_interpreter_for(void **state)
{
	(void)state;
	assert_string_equal(steps_interpreter_for("a/b.py"), "python3");
	assert_string_equal(steps_interpreter_for("x.R"), "Rscript");
	assert_null(steps_interpreter_for("dir.py/run"));
	assert_null(steps_interpreter_for("run"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_cycle_and_malformed),
		cmocka_unit_test(test_interpreter_for),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

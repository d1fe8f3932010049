/* test_view.c - the plain-file view's layout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "temp_dir.h"

#include "dfc/fs.h"
#include "dfc/view.h"
#include "dfc/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *slurp(const char *path)
{
	struct buf b = BUF_INIT;

	assert_int_equal(fs_read_file(&b, path, 1 << 20), 0);
	return buf_detach(&b, NULL);
}

static void test_paths(void **state)
{
	char *p = view_version_path("/h/pipelines", "abc", 12);

	(void)state;
	assert_string_equal(p, "/h/pipelines/abc_12.json");
	free(p);
	p = view_state_path("/h/pipelines", "abc");
	assert_string_equal(p, "/h/pipelines/abc_state.json");
	free(p);
}

static void test_state_file_has_exactly_the_two_keys(void **state)
{
	char *path = view_state_path(temp_dir, "p");
	char *text;
	int latest = -1;

	(void)state;
	assert_int_equal(view_write_state(temp_dir, "p", 2), 0);
	text = slurp(path);
	assert_string_equal(text, "{\n"
				  "  \"latest_version\": 2,\n"
				  "  \"versions\": {\n"
				  "    \"1\": \"p_1.json\",\n"
				  "    \"2\": \"p_2.json\"\n"
				  "  }\n"
				  "}\n");
	view_read_state(temp_dir, "p", &latest);
	assert_int_equal(latest, 2);
	free(text);
	free(path);
}

static void test_damaged_state_reads_as_stale(void **state)
{
	char *path = view_state_path(temp_dir, "q");
	const char *bad[] = {
		"", "{}", "not json", "{\"latest_version\": 1}",
		"{\"latest_version\": 2, \"versions\": {\"1\": \"q_1.json\"}}",
		"{\"latest_version\": -1, \"versions\": {}}",
	};
	int latest;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(fs_write_atomic(path, bad[i], strlen(bad[i]), -1), 0);
		latest = -1;
		view_read_state(temp_dir, "q", &latest);
		assert_int_equal(latest, 0);
	}
	unlink(path);
	view_read_state(temp_dir, "q", &latest);
	assert_int_equal(latest, 0);
	free(path);
}

static void test_version_file_is_written_as_given(void **state)
{
	char *path = view_version_path(temp_dir, "p", 1);
	char *text;

	(void)state;
	assert_int_equal(view_write_version(temp_dir, "p", 1, "{}\n", 3), 0);
	text = slurp(path);
	assert_string_equal(text, "{}\n");
	free(text);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_state_file_has_exactly_the_two_keys),
		cmocka_unit_test(test_damaged_state_reads_as_stale),
		cmocka_unit_test(test_version_file_is_written_as_given),
	};

	return cmocka_run_group_tests(tests, temp_dir_make, temp_dir_remove);
}

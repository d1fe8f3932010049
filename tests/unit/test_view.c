/* test_view.c - the plain-file view's layout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "temp_dir.h"

#include "dfc/canonical.h"
#include "dfc/fs.h"
#include "dfc/view.h"
#include "dfc/xalloc.h"

#include <jansson.h>
#include <stdio.h>
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

/* The state file is written directly: it must be what canonical_dump() makes of it. */
static void test_state_file_is_canonical(void **state)
{
	const char *id = "01a24af7-18b7-71d3-be58-821335be9927";
	const int counts[] = { 1, 2, 9, 10, 11, 100, 345 };
	char *path = view_state_path(temp_dir, id);

	(void)state;
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		json_t *root = json_object(), *versions = json_object();
		struct buf want = BUF_INIT;
		char key[16], name[64];
		char *text;
		int latest = -1;

		for (int v = 1; v <= counts[i]; v++) {
			snprintf(key, sizeof(key), "%d", v);
			snprintf(name, sizeof(name), "%s_%d.json", id, v);
			json_object_set_new(versions, key, json_string(name));
		}
		json_object_set_new(root, "latest_version", json_integer(counts[i]));
		json_object_set_new(root, "versions", versions);
		canonical_dump(&want, root);
		assert_int_equal(view_write_state(temp_dir, id, counts[i]), 0);
		text = slurp(path);
		assert_string_equal(text, buf_cstr(&want));
		view_read_state(temp_dir, id, &latest);
		assert_int_equal(latest, counts[i]);
		free(text);
		buf_release(&want);
		json_decref(root);
	}
	free(path);
}

static void test_damaged_state_reads_as_stale(void **state)
{
	char *path = view_state_path(temp_dir, "q");
	const char *bad[] = {
		"", "{}", "not json", "{\"latest_version\": 1}",
		"{\"latest_version\": 2, \"versions\": {\"1\": \"q_1.json\"}}",
		"{\"latest_version\": -1, \"versions\": {}}",
		"{\n  \"latest_version\": 999999999,\n  \"versions\": {\n    \"1\": \"q_1.json\"\n  }\n}\n",
		"{\n  \"latest_version\": 01,\n  \"versions\": {\n    \"1\": \"q_1.json\"\n  }\n}\n",
		"{\n  \"latest_version\": 1,\n  \"versions\": {\n    \"1\": \"q_2.json\"\n  }\n}\n",
		"{\n  \"latest_version\": 1,\n  \"versions\": {\n    \"1\": \"q_1.json\"\n  }\n}",
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
		cmocka_unit_test(test_state_file_is_canonical),
		cmocka_unit_test(test_damaged_state_reads_as_stale),
		cmocka_unit_test(test_version_file_is_written_as_given),
	};

	return cmocka_run_group_tests(tests, temp_dir_make, temp_dir_remove);
}

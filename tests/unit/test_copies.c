/* test_copies.c - is a pipeline file a copy of the file its pipeline was recorded from? */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dfc/copies.h"
#include "dfc/error.h"
#include "dfc/fs.h"
#include "temp_dir.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ID "0190c2d4-7b1e-7c3a-9f00-2a6a3c1d9e55"

static char *write_file(const char *name, const char *text)
{
	char *path = fs_path_join(temp_dir, name);

	assert_int_equal(fs_write_atomic(path, text, strlen(text), 0644), 0);
	return path;
}

static void test_copy(void **state)
{
	char *copy = write_file("copy.json", "{\"id\": \"" ID "\", \"nodes\": [], \"edges\": []}");
	char *orig = write_file("orig.json", "{\"nodes\": [], \"edges\": [], \"id\": \"" ID "\"}");
	char *gone = fs_path_join(temp_dir, "gone.json");

	(void)state;
	assert_true(pipeline_file_is_copy(copy, orig, ID));
	/* no version recorded from a file, the same file, another id */
	assert_false(pipeline_file_is_copy(copy, NULL, ID));
	assert_false(pipeline_file_is_copy(copy, copy, ID));
	assert_false(pipeline_file_is_copy(copy, orig, "another-id"));
	/* the original moved away, and the error slot is left clean */
	dfc_error_clear();
	assert_false(pipeline_file_is_copy(copy, gone, ID));
	assert_string_equal(dfc_error_message(), "");
	/* a folder where it was */
	assert_false(pipeline_file_is_copy(copy, temp_dir, ID));
	free(gone);
	free(orig);
	free(copy);
}

/* What the recorded file holds now, and whether the file is a copy of it. */
static const struct {
	const char *original;
	bool copy;
} originals[] = {
	{ "{\"id\": \"other\", \"nodes\": [], \"edges\": []}", false },
	{ "{\"nodes\": [], \"edges\": []}", false },
	{ "{\"id\": \"" ID "\", \"nodes\": [", false },
	{ "{\"id\": \"" ID "\", \"id\": \"" ID "\"}", false },
	{ "{\"id\": 5}", false },
	/* a byte order mark is read as the parser reads it */
	{ "\xef\xbb\xbf{\"id\": \"" ID "\"}", true },
};

static void test_original_changed(void **state)
{
	char *copy = write_file("copy.json", "{\"id\": \"" ID "\", \"nodes\": [], \"edges\": []}");

	(void)state;
	for (size_t i = 0; i < sizeof(originals) / sizeof(originals[0]); i++) {
		char *orig = write_file("orig.json", originals[i].original);

		if (pipeline_file_is_copy(copy, orig, ID) != originals[i].copy)
			fail_msg("original %zu: %s", i, originals[i].original);
		free(orig);
	}
	free(copy);
}

static void test_links_are_the_same_file(void **state)
{
	char *copy = write_file("real.json", "{\"id\": \"" ID "\", \"nodes\": [], \"edges\": []}");
	char *soft = fs_path_join(temp_dir, "soft.json");
	char *hard = fs_path_join(temp_dir, "hard.json");

	(void)state;
	assert_int_equal(symlink(copy, soft), 0);
	assert_int_equal(link(copy, hard), 0);
	/* recorded through a link, or under a second name: the same file */
	assert_false(pipeline_file_is_copy(copy, soft, ID));
	assert_false(pipeline_file_is_copy(copy, hard, ID));
	unlink(soft);
	unlink(hard);
	free(hard);
	free(soft);
	free(copy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_original_changed),
		cmocka_unit_test(test_links_are_the_same_file),
	};

	return cmocka_run_group_tests(tests, temp_dir_make, temp_dir_remove);
}

/* test_init_templates.c - the example projects init --template writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "temp_dir.h"

#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/init_templates.h"
#include "dfc/pipeline.h"
#include "dfc/validate.h"
#include "dfc/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void test_list(void **state)
{
	const char *expected[] = {"etl", "medallion", "ml"};

	(void)state;
	assert_int_equal(init_template_count(), 3);
	for (size_t i = 0; i < 3; i++) {
		const char *d = init_template_description(i);

		assert_string_equal(init_template_name(i), expected[i]);
		assert_true(strlen(d) > 10);
		assert_null(strchr(d, '\n'));
		assert_int_equal(init_template_check(expected[i]), 0);
	}
	assert_int_equal(init_template_check("nope"), DFC_EUSAGE);
	assert_non_null(strstr(dfc_error_message(), "'nope'"));
	assert_int_equal(dfc_error_hint_count(), 1);
	assert_non_null(strstr(dfc_error_hint(0), "--list-templates"));
	dfc_error_clear();
}

/* Each template's pipeline.json validates, and its scripts are executable. */
static void test_write_every_template(void **state)
{
	(void)state;
	for (size_t i = 0; i < init_template_count(); i++) {
		const char *name = init_template_name(i);
		char *dir = fs_path_join(temp_dir, name), *file = fs_path_join(dir, "pipeline.json");
		struct problems problems = PROBLEMS_INIT;
		struct pipeline p = PIPELINE_INIT;
		struct buf written = BUF_INIT;
		size_t scripts = 0;

		assert_int_equal(init_template_write(name, dir, false, &written), 0);
		assert_non_null(strstr(buf_cstr(&written), "/pipeline.json\n"));
		assert_int_equal(pipeline_load(&p, file, &problems), 0);
		assert_int_equal(pipeline_validate(p.root, &problems), 0);
		for (size_t n = 0; n < json_array_size(json_object_get(p.root, "nodes")); n++) {
			json_t *node = json_array_get(json_object_get(p.root, "nodes"), n);
			const char *type = json_string_value(json_object_get(node, "type"));
			char *path =
				fs_path_join(dir, json_string_value(json_object_get(node, "path")));
			struct stat st;

			if (!strcmp(type, "script")) {
				assert_int_equal(stat(path, &st), 0);
				assert_true(st.st_mode & S_IXUSR);
				scripts++;
			}
			free(path);
		}
		assert_true(scripts >= 3);
		pipeline_release(&p);
		problems_release(&problems);
		buf_release(&written);
		free(file);
		free(dir);
	}
}

static void test_refuses_to_overwrite(void **state)
{
	char *dir = fs_path_join(temp_dir, "again"), *file = fs_path_join(dir, "pipeline.json");
	struct buf written = BUF_INIT, content = BUF_INIT;

	(void)state;
	assert_int_equal(init_template_write("etl", dir, false, &written), 0);
	assert_int_equal(fs_write_atomic(file, "mine\n", 5, -1), 0);
	buf_reset(&written);
	assert_int_equal(init_template_write("etl", dir, false, &written), DFC_ECONFLICT);
	assert_non_null(strstr(dfc_error_message(), "already exists"));
	assert_int_equal(written.len, 0);
	assert_int_equal(fs_read_file(&content, file, 100), 0);
	assert_string_equal(buf_cstr(&content), "mine\n");
	assert_int_equal(init_template_write("etl", dir, true, &written), 0);
	buf_reset(&content);
	assert_int_equal(fs_read_file(&content, file, 1 << 20), 0);
	assert_non_null(strstr(buf_cstr(&content), "\"nodes\""));
	assert_int_equal(init_template_write("nope", dir, true, &written), DFC_EUSAGE);
	dfc_error_clear();
	buf_release(&content);
	buf_release(&written);
	free(file);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_write_every_template),
		cmocka_unit_test(test_refuses_to_overwrite),
	};

	return cmocka_run_group_tests(tests, temp_dir_make, temp_dir_remove);
}

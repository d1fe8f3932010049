/* test_config_edit.c - config set/unset: json rewrite, ini edited in place, refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "temp_dir.h"

#include "dfc/buf.h"
#include "dfc/config_edit.h"
#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void put(const char *home, const char *name, const char *text)
{
	char *path = fs_path_join(home, name);

	assert_int_equal(fs_write_atomic(path, text, strlen(text), 0644), 0);
	free(path);
}

static void assert_file(const char *home, const char *name, const char *want)
{
	char *path = fs_path_join(home, name);
	struct buf have = BUF_INIT;

	assert_int_equal(fs_read_file(&have, path, 1 << 20), 0);
	assert_string_equal(buf_cstr(&have), want);
	buf_release(&have);
	free(path);
}

static int file_mode(const char *home, const char *name)
{
	char *path = fs_path_join(home, name);
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	free(path);
	return (int)(st.st_mode & 0777);
}

static void set_ok(const char *home, enum config_key_index key, const char *value)
{
	char *path = NULL;

	dfc_error_clear();
	if (config_edit_set(home, key, value, &path) != 0)
		fail_msg("set failed: %s", dfc_error_message());
	assert_non_null(path);
	free(path);
}

static void set_refused(const char *home, enum config_key_index key, const char *value,
			const char *message)
{
	char *path = NULL;

	dfc_error_clear();
	assert_int_equal(config_edit_set(home, key, value, &path), DFC_EUSAGE);
	if (!strstr(dfc_error_message(), message))
		fail_msg("'%s' not in '%s'", message, dfc_error_message());
	free(path);
}

static void test_json_from_nothing(void **state)
{
	const char *home = *state;

	set_ok(home, CONFIG_USER_NAME, "Ada");
	set_ok(home, CONFIG_MAX_DATASET_BYTES, "4096");
	set_ok(home, CONFIG_CATALOG_URL, "https://example.org/c.git");
	set_ok(home, CONFIG_USER_NAME, "Ada Lovelace");
	assert_file(home, "config.json",
		    "{\n"
		    "  \"user\": {\n"
		    "    \"name\": \"Ada Lovelace\"\n"
		    "  },\n"
		    "  \"catalog\": {\n"
		    "    \"max_dataset_bytes\": 4096,\n"
		    "    \"url\": \"https://example.org/c.git\"\n"
		    "  }\n"
		    "}\n");
	assert_int_not_equal(file_mode(home, "config.json") & 0044, 0);
	set_ok(home, CONFIG_TOKEN, "secret");
	assert_int_equal(file_mode(home, "config.json"), 0600);
}

static void test_json_unset(void **state)
{
	const char *home = *state;
	char *path = NULL;
	bool was_set = true;

	/* no home at all: nothing to remove, nothing created */
	char *missing = fs_path_join(home, "none");
	assert_int_equal(config_edit_unset(missing, CONFIG_USER_NAME, &was_set, &path), 0);
	assert_false(was_set);
	assert_false(fs_exists(missing));
	free(missing);
	free(path);

	put(home, "config.json", "{\"user\": {\"name\": \"A\"}, \"token\": \"t\"}");
	assert_int_equal(config_edit_unset(home, CONFIG_USER_NAME, &was_set, &path), 0);
	assert_true(was_set);
	free(path);
	assert_file(home, "config.json", "{\n  \"token\": \"t\"\n}\n");
	assert_int_equal(config_edit_unset(home, CONFIG_USER_EMAIL, &was_set, &path), 0);
	assert_false(was_set);
	free(path);
	assert_file(home, "config.json", "{\n  \"token\": \"t\"\n}\n");
}

static void test_ini_in_place(void **state)
{
	const char *home = *state;
	char *path = NULL;
	bool was_set;

	/* a last line without newline, a section with no keys */
	put(home, "config.ini", "# mine\n[user]\n\n[catalog]\nurl = a ; old");
	set_ok(home, CONFIG_MAX_DATASET_BYTES, "7");
	assert_file(home, "config.ini", "# mine\n[user]\n\n[catalog]\nurl = a ; old\nmax_dataset_bytes = 7\n");
	set_ok(home, CONFIG_CATALOG_URL, "b");
	assert_file(home, "config.ini", "# mine\n[user]\n\n[catalog]\nurl = b\nmax_dataset_bytes = 7\n");
	/* [user] has no keys yet: a new section at the end */
	set_ok(home, CONFIG_USER_EMAIL, "e@x");
	assert_file(home, "config.ini",
		    "# mine\n[user]\n\n[catalog]\nurl = b\nmax_dataset_bytes = 7\n\n[user]\nemail = e@x\n");
	assert_int_equal(config_edit_unset(home, CONFIG_CATALOG_URL, &was_set, &path), 0);
	assert_true(was_set);
	free(path);
	assert_file(home, "config.ini",
		    "# mine\n[user]\n\n[catalog]\nmax_dataset_bytes = 7\n\n[user]\nemail = e@x\n");
	assert_false(fs_exists(path = fs_path_join(home, "config.json")));
	free(path);
}

static void test_ini_long_value(void **state)
{
	const char *home = *state;
	char token[1200];

	memset(token, 'k', sizeof(token) - 1);
	token[sizeof(token) - 1] = '\0';
	put(home, "config.ini", "[auth]\ntoken = short\n");
	set_ok(home, CONFIG_TOKEN, token);
	assert_int_equal(file_mode(home, "config.ini"), 0600);
	set_ok(home, CONFIG_TOKEN, "again");
	assert_file(home, "config.ini", "[auth]\ntoken = again\n");
}

static void test_refusals_change_nothing(void **state)
{
	const char *home = *state;

	put(home, "config.ini", "[catalog]\nurl = a\n");
	set_refused(home, CONFIG_CATALOG_URL, "", "empty value");
	set_refused(home, CONFIG_MAX_DATASET_BYTES, "-5", "non-negative integer");
	set_refused(home, CONFIG_USER_NAME, "a\tb", "control character");
	set_refused(home, CONFIG_USER_NAME, "caf\xc3", "UTF-8");
	set_refused(home, CONFIG_CATALOG_URL, "x ; y", "cannot hold");
	set_refused(home, CONFIG_USER_NAME, "trailing ", "cannot hold");
	assert_file(home, "config.ini", "[catalog]\nurl = a\n");

	put(home, "config.ini", "[catalog]\nurl = a\nnot a line\n");
	set_refused(home, CONFIG_USER_NAME, "ok", "line 3");
	assert_file(home, "config.ini", "[catalog]\nurl = a\nnot a line\n");

	/* json holds what ini cannot */
	put(home, "config.json", "{}");
	set_ok(home, CONFIG_USER_NAME, "trailing ");
	set_ok(home, CONFIG_CATALOG_URL, "x ; y");
	assert_file(home, "config.json",
		    "{\n  \"user\": {\n    \"name\": \"trailing \"\n  },\n"
		    "  \"catalog\": {\n    \"url\": \"x ; y\"\n  }\n}\n");
	put(home, "config.json", "{\"user\": 3}");
	set_refused(home, CONFIG_USER_EMAIL, "e@x", "must be an object");
	assert_file(home, "config.json", "{\"user\": 3}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEMP_DIR_TEST(test_json_from_nothing),
		TEMP_DIR_TEST(test_json_unset),
		TEMP_DIR_TEST(test_ini_in_place),
		TEMP_DIR_TEST(test_ini_long_value),
		TEMP_DIR_TEST(test_refusals_change_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

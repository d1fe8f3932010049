/* test_config.c - config.json and config.ini: keys, defaults, errors, token safety. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "temp_dir.h"

#include "dfc/buf.h"
#include "dfc/config.h"
#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define TOKEN "s3cr3t-T0KEN-value"

static char *put(const char *home, const char *name, const char *text, int mode)
{
	char *path = fs_path_join(home, name);

	assert_int_equal(fs_write_atomic(path, text, strlen(text), mode), 0);
	return path;
}

/* Load, expecting `code`; on an error the config must be back to defaults. */
static void load_expect(struct config *cfg, const char *home, int code)
{
	dfc_error_clear();
	assert_int_equal(config_load(cfg, home), code);
	if (code) {
		assert_null(cfg->path);
		assert_null(cfg->token);
		assert_int_equal(cfg->max_dataset_bytes, CONFIG_DEFAULT_MAX_DATASET_BYTES);
	}
}

static void assert_message_has(const char *needle)
{
	if (!strstr(dfc_error_message(), needle))
		fail_msg("'%s' not in message '%s'", needle, dfc_error_message());
}

static void assert_hint_has(const char *needle)
{
	for (int i = 0; i < dfc_error_hint_count(); i++)
		if (strstr(dfc_error_hint(i), needle))
			return;
	fail_msg("'%s' in no hint", needle);
}

static void assert_secret_kept(void)
{
	assert_null(strstr(dfc_error_message(), TOKEN));
	for (int i = 0; i < dfc_error_hint_count(); i++)
		assert_null(strstr(dfc_error_hint(i), TOKEN));
}

static void test_defaults_without_file(void **state)
{
	const char *home = *state;
	struct config cfg = CONFIG_INIT;
	char *missing = fs_path_join(home, "not-created");

	load_expect(&cfg, home, 0);
	assert_null(cfg.path);
	assert_null(cfg.shadowed);
	assert_null(cfg.catalog_url);
	assert_null(cfg.token);
	assert_null(cfg.user_name);
	assert_null(cfg.user_email);
	assert_int_equal(cfg.max_dataset_bytes, 10 << 20);
	config_release(&cfg);

	/* a home that does not exist yet holds no config either */
	assert_int_equal(config_load(&cfg, missing), 0);
	assert_null(cfg.path);
	config_release(&cfg);
	free(missing);
}

/*
 * Load the file at `path`, which sets every key: the catalog at
 * git.example.org, `max_dataset_bytes`, `token`, the user `name` at
 * ada@example.org. Released after.
 */
static void expect_every_key(const char *home, const char *path, long long max_dataset_bytes,
			     const char *token, const char *name)
{
	struct config cfg = CONFIG_INIT;

	load_expect(&cfg, home, 0);
	assert_string_equal(cfg.path, path);
	assert_null(cfg.shadowed);
	assert_string_equal(cfg.catalog_url, "https://git.example.org/c.git");
	assert_int_equal(cfg.max_dataset_bytes, max_dataset_bytes);
	assert_string_equal(cfg.token, token);
	assert_string_equal(cfg.user_name, name);
	assert_string_equal(cfg.user_email, "ada@example.org");
	config_release(&cfg);
	assert_null(cfg.path);
	assert_null(cfg.token);
}

static void test_json_every_key(void **state)
{
	const char *home = *state;
	char *path = put(home, "config.json",
			 "{ \"catalog\": { \"url\": \"https://git.example.org/c.git\",\n"
			 "               \"max_dataset_bytes\": 123 },\n"
			 "  \"token\": \"" TOKEN "\",\n"
			 "  \"user\": { \"name\": \"Ada L\", \"email\": \"ada@example.org\" } }\n",
			 0600);

	expect_every_key(home, path, 123, TOKEN, "Ada L");
	free(path);
}

static void test_ini_every_key(void **state)
{
	const char *home = *state;
	char long_token[601];
	char *text, *path;

	/* JWTs are longer than inih's 200-byte line buffer */
	memset(long_token, 'J', 600);
	long_token[600] = '\0';
	text = xasprintf("; settings\n"
			 "[catalog]\n"
			 "url = https://git.example.org/c.git\n"
			 "  max_dataset_bytes = 0   ; indented, with a comment\n"
			 "\n"
			 "[auth]\r\n"
			 "token = %s  \r\n"
			 "# the user\n"
			 "[user]\n"
			 "name = Ada Lovelace\n"
			 "email: ada@example.org\n",
			 long_token);
	path = put(home, "config.ini", text, 0600);

	expect_every_key(home, path, 0, long_token, "Ada Lovelace");
	free(text);
	free(path);
}

static void test_json_wins_over_ini(void **state)
{
	const char *home = *state;
	struct config cfg = CONFIG_INIT;
	char *json =
		put(home, "config.json", "{\"catalog\": {\"url\": \"https://json.example\"}}", 0644);
	char *ini = put(home, "config.ini", "[catalog]\nurl = https://ini.example\n[user]\nname = I\n",
			0644);

	load_expect(&cfg, home, 0);
	assert_string_equal(cfg.path, json);
	assert_string_equal(cfg.shadowed, ini);
	assert_string_equal(cfg.catalog_url, "https://json.example");
	assert_null(cfg.user_name);
	config_release(&cfg);
	free(json);
	free(ini);
}

/*
 * A config file that is refused with DFC_EUSAGE: what its message holds
 * (the file's path too, with `names_path`), what a hint holds, what the
 * message must not show. No message shows the token either.
 */
struct refused {
	const char *name, *text;
	int mode;
	bool names_path;
	const char *has[3];
	const char *hint, *hidden;
};

/* A value of the wrong type in config.json. */
#define WRONG_TYPE(json) { "config.json", json, 0600, true, .has = { "must be" } }
/* A bad size in config.ini, on its line 2. */
#define BAD_SIZE(line)                                                                             \
	{ "config.ini", "[catalog]\n" line "\n", 0644, false,                                      \
	  .has = { "'catalog.max_dataset_bytes'", "non-negative integer", "line 2" } }

static const struct refused refused[] = {
	/* malformed JSON */
	{ "config.json", "{\n  \"catalog\": {\n    \"url\": ,\n  }\n}\n", 0644, true,
	  .has = { "line 3", "column" } },
	/* a bare token is quoted by jansson ("near '...'"): it must not show */
	{ "config.json", "{\n\"token\": SecretLetters\n}\n", 0600, false, .has = { "line 2" },
	  .hidden = "SecretLetters" },
	{ "config.json", "[1, 2]", 0644, false, .has = { "object" } },
	{ "config.json", "{\"token\": \"a\", \"token\": \"b\"}", 0600, false,
	  .has = { "duplicate" } },
	/* an INI line that is no setting */
	{ "config.ini", "[catalog]\nurl = https://x\n\nthis is not a setting\n", 0644, true,
	  .has = { "line 4" } },
	/* a syntax error before a refused key: the first bad line is named */
	{ "config.ini", "[catalog\nnope = 1\n", 0644, false, .has = { "line 1", "syntax" } },
	{ "config.ini", "[user]\nname = a\nname = b\n", 0644, false,
	  .has = { "'user.name' is set twice", "line 3" } },
	/* unknown keys */
	{ "config.json", "{\"catalog\": {\"url\": \"u\", \"branch\": \"x\"}}", 0644, true,
	  .has = { "'catalog.branch'" }, .hint = "catalog.url" },
	{ "config.json", "{\"colour\": true}", 0644, false, .has = { "'colour'" } },
	/* control characters in a key are shown escaped, not sent to the terminal */
	{ "config.json", "{\"a\\u001b[2J\": 1}", 0644, false, .has = { "'a\\x1b[2J'" } },
	{ "config.ini", "[catalog]\nurl = u\n[auth]\nuser = me\n", 0644, true,
	  .has = { "'auth.user'", "line 4" } },
	/* a key outside any section */
	{ "config.ini", "token = x\n", 0600, false, .has = { "unknown key 'token'", "line 1" } },
	/* values of the wrong type */
	WRONG_TYPE("{\"catalog\": {\"max_dataset_bytes\": \"10\"}}"),
	WRONG_TYPE("{\"catalog\": {\"max_dataset_bytes\": -1}}"),
	WRONG_TYPE("{\"catalog\": {\"max_dataset_bytes\": 1.5}}"),
	WRONG_TYPE("{\"catalog\": {\"url\": 42}}"),
	WRONG_TYPE("{\"catalog\": \"https://x\"}"),
	WRONG_TYPE("{\"user\": {\"name\": null}}"),
	WRONG_TYPE("{\"token\": [\"" TOKEN "\"]}"),
	BAD_SIZE("max_dataset_bytes = 10k"),
	BAD_SIZE("max_dataset_bytes = -1"),
	BAD_SIZE("max_dataset_bytes = +1"),
	BAD_SIZE("max_dataset_bytes ="),
	BAD_SIZE("max_dataset_bytes = 99999999999999999999999"),
};

/* Each file alone in the home: refused, saying what and where. */
static void test_refused_files(void **state)
{
	const char *home = *state;
	struct config cfg = CONFIG_INIT;

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		const struct refused *r = &refused[i];
		char *path = put(home, r->name, r->text, r->mode);

		load_expect(&cfg, home, DFC_EUSAGE);
		if (r->names_path)
			assert_message_has(path);
		for (size_t k = 0; k < sizeof(r->has) / sizeof(r->has[0]) && r->has[k]; k++)
			assert_message_has(r->has[k]);
		if (r->hint)
			assert_hint_has(r->hint);
		if (r->hidden)
			assert_null(strstr(dfc_error_message(), r->hidden));
		assert_secret_kept();
		assert_int_equal(unlink(path), 0);
		free(path);
	}
}

static void test_token_file_readable_by_others(void **state)
{
	const char *home = *state;
	struct config cfg = CONFIG_INIT;
	char *path = put(home, "config.json", "{\"token\": \"" TOKEN "\"}", 0644);
	char *expected;

	load_expect(&cfg, home, DFC_ESECURITY);
	expected = xasprintf("config file '%s' holds a token and is readable by others", path);
	assert_string_equal(dfc_error_message(), expected);
	assert_hint_has("chmod 600");
	assert_hint_has(path);
	assert_secret_kept();
	free(expected);

	/* group bits alone are enough */
	assert_int_equal(chmod(path, 0640), 0);
	load_expect(&cfg, home, DFC_ESECURITY);
	assert_int_equal(chmod(path, 0620), 0);
	load_expect(&cfg, home, DFC_ESECURITY);
	assert_secret_kept();
	unlink(path);
	free(path);

	path = put(home, "config.ini", "[auth]\ntoken = " TOKEN "\n", 0604);
	load_expect(&cfg, home, DFC_ESECURITY);
	assert_message_has(path);
	assert_hint_has("chmod 600");
	assert_secret_kept();
	free(path);
}

static void test_token_file_private(void **state)
{
	const char *home = *state;
	struct config cfg = CONFIG_INIT;
	char *path = put(home, "config.ini", "[auth]\ntoken = " TOKEN "\n", 0600);

	load_expect(&cfg, home, 0);
	assert_string_equal(cfg.token, TOKEN);
	config_release(&cfg);
	assert_int_equal(chmod(path, 0400), 0);
	load_expect(&cfg, home, 0);
	assert_string_equal(cfg.token, TOKEN);
	config_release(&cfg);
	free(path);
}

static void test_no_token_any_mode(void **state)
{
	const char *home = *state;
	struct config cfg = CONFIG_INIT;
	char *path = put(home, "config.json", "{\"user\": {\"email\": \"a@b.c\"}}", 0644);

	load_expect(&cfg, home, 0);
	assert_string_equal(cfg.user_email, "a@b.c");
	assert_null(cfg.token);
	config_release(&cfg);
	free(path);
}

/* config_load() run as nobody in a child; its return code is the exit status. */
static int load_as_nobody(const char *home)
{
	struct config cfg = CONFIG_INIT;
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(100);
		_exit(-config_load(&cfg, home));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return -WEXITSTATUS(status);
}

static void test_unreadable_or_folder(void **state)
{
	const char *home = *state;
	struct config cfg = CONFIG_INIT;
	char *path = put(home, "config.ini", "[user]\nname = x\n", 0000);
	char *dir;

	if (geteuid() == 0) {
		assert_int_equal(chmod(home, 0755), 0);
		assert_int_equal(load_as_nobody(home), DFC_EUSAGE);
	} else {
		load_expect(&cfg, home, DFC_EUSAGE);
		assert_message_has(path);
	}
	unlink(path);
	free(path);

	dir = fs_path_join(home, "config.json");
	assert_int_equal(mkdir(dir, 0755), 0);
	load_expect(&cfg, home, DFC_EUSAGE);
	assert_message_has("folder");
	assert_message_has(dir);
	free(dir);
}

/* Flags beat the environment, which beats the file, which beats defaults. */
static void test_precedence_and_origins(void **state)
{
	const char *home = *state;
	struct config cfg = CONFIG_INIT;
	struct buf value = BUF_INIT;
	char *path = put(home, "config.ini",
			 "[catalog]\nurl = /from/file.git\n[user]\nname = File Name\n", 0644);

	unsetenv("DATA_FACTORY_CATALOG");
	unsetenv("GIT_AUTHOR_NAME");
	load_expect(&cfg, home, 0);
	assert_int_equal(cfg.origin[CONFIG_CATALOG_URL], CONFIG_ORIGIN_FILE);
	assert_int_equal(cfg.line[CONFIG_CATALOG_URL], 2);
	assert_int_equal(cfg.line[CONFIG_USER_NAME], 4);
	assert_int_equal(cfg.origin[CONFIG_MAX_DATASET_BYTES], CONFIG_ORIGIN_DEFAULT);
	assert_true(config_value(&cfg, CONFIG_MAX_DATASET_BYTES, &value));
	assert_string_equal(buf_cstr(&value), "10485760");
	buf_reset(&value);
	assert_false(config_value(&cfg, CONFIG_TOKEN, &value));
	assert_int_equal(value.len, 0);

	/* an empty variable is no value */
	setenv("DATA_FACTORY_CATALOG", "", 1);
	config_apply_environment(&cfg);
	assert_string_equal(cfg.catalog_url, "/from/file.git");
	setenv("DATA_FACTORY_CATALOG", "/from/env.git", 1);
	setenv("GIT_AUTHOR_NAME", "Env Name", 1);
	config_apply_environment(&cfg);
	assert_string_equal(cfg.catalog_url, "/from/env.git");
	assert_int_equal(cfg.origin[CONFIG_CATALOG_URL], CONFIG_ORIGIN_ENV);
	assert_string_equal(cfg.user_name, "Env Name");
	config_apply_flag(&cfg, CONFIG_CATALOG_URL, NULL);
	config_apply_flag(&cfg, CONFIG_CATALOG_URL, "");
	assert_string_equal(cfg.catalog_url, "/from/env.git");
	config_apply_flag(&cfg, CONFIG_CATALOG_URL, "/from/flag.git");
	assert_string_equal(cfg.catalog_url, "/from/flag.git");
	assert_int_equal(cfg.origin[CONFIG_CATALOG_URL], CONFIG_ORIGIN_FLAG);
	unsetenv("DATA_FACTORY_CATALOG");
	unsetenv("GIT_AUTHOR_NAME");
	config_release(&cfg);
	assert_int_equal(cfg.origin[CONFIG_CATALOG_URL], CONFIG_ORIGIN_DEFAULT);
	buf_release(&value);
	free(path);
}

static void test_key_names(void **state)
{
	(void)state;
	assert_int_equal(config_key_find("catalog.url"), CONFIG_CATALOG_URL);
	assert_int_equal(config_key_find("token"), CONFIG_TOKEN);
	assert_int_equal(config_key_find("user.email"), CONFIG_USER_EMAIL);
	dfc_error_clear();
	assert_int_equal(config_key_find("auth.token"), DFC_EUSAGE);
	assert_message_has("unknown key 'auth.token'");
	assert_hint_has("catalog.max_dataset_bytes");
	assert_true(config_keys[CONFIG_TOKEN].secret);
	assert_false(config_keys[CONFIG_CATALOG_URL].secret);
}

static void test_parse_size(void **state)
{
	long long n = -1;

	(void)state;
	assert_true(config_parse_size("0", &n));
	assert_int_equal(n, 0);
	assert_true(config_parse_size("9223372036854775807", &n));
	assert_false(config_parse_size("9223372036854775808", &n));
	assert_false(config_parse_size("", &n));
	assert_false(config_parse_size("-1", &n));
	assert_false(config_parse_size("+1", &n));
	assert_false(config_parse_size("1k", &n));
	assert_false(config_parse_size(" 1", &n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEMP_DIR_TEST(test_defaults_without_file),
		TEMP_DIR_TEST(test_json_every_key),
		TEMP_DIR_TEST(test_ini_every_key),
		TEMP_DIR_TEST(test_json_wins_over_ini),
		TEMP_DIR_TEST(test_refused_files),
		TEMP_DIR_TEST(test_token_file_readable_by_others),
		TEMP_DIR_TEST(test_token_file_private),
		TEMP_DIR_TEST(test_no_token_any_mode),
		TEMP_DIR_TEST(test_unreadable_or_folder),
		TEMP_DIR_TEST(test_precedence_and_origins),
		cmocka_unit_test(test_key_names),
		cmocka_unit_test(test_parse_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_pipeline.c - reading and strictly parsing pipeline files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dfc/error.h"
#include "dfc/pipeline.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PIPELINES DFC_FIXTURES "/pipelines/"

/* Parse `len` bytes expecting one syntax problem; check where and what. */
static void expect_syntax(const char *data, size_t len, int line, int column, const char *message)
{
	struct pipeline p = PIPELINE_INIT;
	struct problems list = PROBLEMS_INIT;

	assert_int_equal(pipeline_parse(&p, "t.json", data, len, &list), DFC_EINVALID);
	assert_null(p.root);
	assert_string_equal(p.path, "t.json");
	assert_int_equal(p.source_len, len);
	assert_int_equal(list.nr, 1);
	assert_null(list.items[0].pointer);
	assert_int_equal(list.items[0].code, DFC_EINVALID);
	if (!strstr(list.items[0].message, message))
		fail_msg("message '%s' lacks '%s'", list.items[0].message, message);
	assert_int_equal(list.items[0].line, line);
	assert_int_equal(list.items[0].column, column);
	pipeline_release(&p);
	problems_release(&list);
}

static void test_parse_spec_example(void **state)
{
	struct pipeline p = PIPELINE_INIT;
	struct problems list = PROBLEMS_INIT;

	(void)state;
	assert_int_equal(pipeline_load(&p, PIPELINES "spec-example.json", &list), 0);
	assert_int_equal(list.nr, 0);
	assert_true(json_is_object(p.root));
	assert_string_equal(p.path, PIPELINES "spec-example.json");
	assert_string_equal(pipeline_id(&p), "0190c2d4-7b1e-7c3a-9f00-2a6a3c1d9e55");
	assert_int_equal(json_array_size(json_object_get(p.root, "nodes")), 3);
	assert_int_equal(p.source_len, strlen(p.source));
	assert_memory_equal(p.source, "{\n  \"id\"", 8);
	pipeline_release(&p);
	assert_null(p.root);
	problems_release(&list);
}

static void test_no_id_and_non_string_id(void **state)
{
	struct pipeline p = PIPELINE_INIT;
	struct problems list = PROBLEMS_INIT;
	const char *num = "{\"id\": 5, \"nodes\": [], \"edges\": []}";

	(void)state;
	assert_int_equal(pipeline_load(&p, PIPELINES "no-id.json", &list), 0);
	assert_null(pipeline_id(&p));
	pipeline_release(&p);
	assert_int_equal(pipeline_parse(&p, "n", num, strlen(num), &list), 0);
	assert_null(pipeline_id(&p));
	pipeline_release(&p);
	assert_int_equal(list.nr, 0);
}

/* A byte order mark is skipped, and kept in the source. */
static void test_bom_is_skipped_but_kept_in_source(void **state)
{
	struct pipeline p = PIPELINE_INIT;
	struct problems list = PROBLEMS_INIT;

	(void)state;
	assert_int_equal(pipeline_load(&p, PIPELINES "bom.json", &list), 0);
	assert_true(json_is_object(p.root));
	assert_memory_equal(p.source, "\xef\xbb\xbf{", 4);
	pipeline_release(&p);
	problems_release(&list);
}

/* A file with one syntax problem, and where and what it is. */
static const struct {
	const char *name;
	int line, column;
	const char *message;
} bad_files[] = {
	{ "whitespace-only.json", 0, 0, "file is empty" },
	{ "nul-byte.json", 3, 13, "NUL byte in file" },
	{ "invalid-utf8.json", 3, 15, "invalid UTF-8 (byte 0xe9)" },
	{ "top-array.json", 1, 1, "top level must be an object" },
	{ "duplicate-key.json", 4, 9, "duplicate key 'nodes'" },
};

static void test_syntax_errors_in_files(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++) {
		struct pipeline p = PIPELINE_INIT;
		struct problems list = PROBLEMS_INIT;
		char path[256];

		snprintf(path, sizeof(path), PIPELINES "%s", bad_files[i].name);
		assert_int_equal(pipeline_load(&p, path, &list), DFC_EINVALID);
		assert_string_equal(p.path, path);
		pipeline_release(&p);
		assert_int_equal(list.nr, 1);
		assert_string_equal(list.items[0].message, bad_files[i].message);
		assert_int_equal(list.items[0].line, bad_files[i].line);
		assert_int_equal(list.items[0].column, bad_files[i].column);
		problems_release(&list);
	}
}

/* A text with one syntax problem (its length: some hold a NUL), and where and what it is. */
static const struct {
	const char *data;
	size_t len;
	int line, column;
	const char *message;
} bad_texts[] = {
	/* a BOM alone is an empty file; only one BOM is skipped */
	{ "\xef\xbb\xbf", 3, 0, 0, "file is empty" },
	{ "\xef\xbb\xbf\xef\xbb\xbf{}", 8, 1, 1, "invalid token" },
	{ "", 0, 0, 0, "file is empty" },
	{ " \n\t\r\n", 5, 0, 0, "file is empty" },
	/* columns count characters, not bytes */
	{ "{\"\xc3\xa9\xc3\xa9\": \0}", 10, 1, 8, "NUL byte in file" },
	{ "\0", 1, 1, 1, "NUL byte in file" },
	/* the escaped form is refused too */
	{ "{\"a\": \"\\u0000\"}", 15, 1, 14, "\\u0000" },
	{ "{\"\xc3\x28\": 1}", 9, 1, 3, "invalid UTF-8" },
	{ "{}\n\xff", 4, 2, 1, "invalid UTF-8" },
	{ "\n\n   42", 7, 3, 4, "top level must be an object" },
	{ "\"x\"", 3, 1, 1, "top level must be an object" },
	{ "null", 4, 1, 1, "top level must be an object" },
	/* in nested objects too */
	{ "{\"n\": [{\"a\": 1,\n\"a\": 2}]}", 24, 2, 3, "duplicate key 'a'" },
	{ "{\"a\": 1} x", 10, 1, 10, "end of file expected" },
	{ "{\"a\":", 5, 1, 5, "unexpected end of file" },
	{ "{\"a\": tru}", 10, 1, 9, "invalid token" },
	{ "{\"a\": 1,}", 9, 1, 9, "string" },
	{ "{\"a\": \"x\ny\"}", 12, 1, 9, "unexpected newline" },
	{ "{\"a\": 99999999999999999999}", 27, 1, 26, "too big integer" },
	/* a control character from the file is shown escaped */
	{ "{\"a\": \"\x1b\"}", 10, 1, 8, "control character 0x1b" },
};

static void test_syntax_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_texts) / sizeof(bad_texts[0]); i++)
		expect_syntax(bad_texts[i].data, bad_texts[i].len, bad_texts[i].line,
			      bad_texts[i].column, bad_texts[i].message);
}

static void test_deep_nesting(void **state)
{
	const size_t n = 200000;
	char *deep = malloc(n * 5);

	(void)state;
	memset(deep, '[', n);
	expect_syntax(deep, n, 1, 2049, "nesting deeper than 2048 levels");
	for (size_t i = 0; i < n; i++)
		memcpy(deep + 5 * i, "{\"a\":", 5);
	expect_syntax(deep, n * 5, 1, 2048 * 5 + 1, "nesting deeper than 2048 levels");
	free(deep);
}

static void test_large_string(void **state)
{
	const size_t n = 5 << 20;
	const char *head = "{\"nodes\": [], \"edges\": [], \"name\": \"";
	size_t hl = strlen(head);
	char *data = malloc(hl + n + 2);
	struct pipeline p = PIPELINE_INIT;
	struct problems list = PROBLEMS_INIT;

	(void)state;
	memcpy(data, head, hl);
	memset(data + hl, 'x', n);
	memcpy(data + hl + n, "\"}", 2);
	assert_int_equal(pipeline_parse(&p, "big", data, hl + n + 2, &list), 0);
	assert_int_equal(json_string_length(json_object_get(p.root, "name")), n);
	pipeline_release(&p);
	/* cut short: the error is at the very end */
	assert_int_equal(pipeline_parse(&p, "big", data, hl + n, &list), DFC_EINVALID);
	pipeline_release(&p);
	assert_int_equal(list.nr, 1);
	assert_string_equal(list.items[0].message, "unexpected end of file");
	free(data);
	problems_release(&list);
}

static void test_load_errors(void **state)
{
	struct pipeline p = PIPELINE_INIT;
	struct problems list = PROBLEMS_INIT;

	(void)state;
	assert_int_equal(pipeline_load(&p, PIPELINES "no-such-file.json", &list), DFC_ENOTFOUND);
	assert_int_equal(list.nr, 0);
	assert_non_null(strstr(dfc_error_message(), "no-such-file.json"));
	assert_null(p.root);
	assert_string_equal(p.path, PIPELINES "no-such-file.json");
	pipeline_release(&p);
	assert_int_equal(pipeline_load(&p, PIPELINES, &list), DFC_EUSAGE);
	assert_int_equal(list.nr, 0);
	pipeline_release(&p);
}

static void test_load_stdin(void **state)
{
	struct pipeline p = PIPELINE_INIT;
	struct problems list = PROBLEMS_INIT;
	int saved = dup(0);
	int fd = open(PIPELINES "spec-example.json", O_RDONLY);

	(void)state;
	assert_true(saved >= 0 && fd >= 0);
	assert_int_equal(dup2(fd, 0), 0);
	close(fd);
	assert_int_equal(pipeline_load(&p, "-", &list), 0);
	assert_string_equal(p.path, "<stdin>");
	assert_string_equal(pipeline_id(&p), "0190c2d4-7b1e-7c3a-9f00-2a6a3c1d9e55");
	dup2(saved, 0);
	close(saved);
	pipeline_release(&p);
	problems_release(&list);
}

/* Node id -> path, for the nodes that have a string path. */
static void test_node_paths(void **state)
{
	json_t *root = json_loads("{\"nodes\": [{\"id\": \"a\", \"path\": \"x/a.sh\"},"
				  "{\"id\": \"b\", \"url\": \"https://h/b\"},"
				  "{\"id\": \"c\", \"path\": 3}, {\"path\": \"nobody\"},"
				  "{\"id\": \"d\", \"path\": \"d.csv\"}]}",
				  0, NULL);
	json_t *paths;

	(void)state;
	assert_non_null(root);
	paths = pipeline_node_paths(root);
	assert_int_equal(json_object_size(paths), 2);
	assert_string_equal(json_string_value(json_object_get(paths, "a")), "x/a.sh");
	assert_string_equal(json_string_value(json_object_get(paths, "d")), "d.csv");
	json_decref(paths);
	paths = pipeline_node_paths(json_object_get(root, "missing"));
	assert_int_equal(json_object_size(paths), 0);
	json_decref(paths);
	json_decref(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_spec_example),
		cmocka_unit_test(test_no_id_and_non_string_id),
		cmocka_unit_test(test_bom_is_skipped_but_kept_in_source),
		cmocka_unit_test(test_syntax_errors_in_files),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_large_string),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_load_stdin),
		cmocka_unit_test(test_node_paths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

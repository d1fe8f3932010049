/* test_insert_id.c - inserting "id" into a file, every other byte kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dfc/canonical.h"
#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/insert_id.h"

#include <stdlib.h>
#include <string.h>

#define ID "0190c2d4-7b1e-7c3a-9f00-2a6a3c1d9e55"

/*
 * Insert ID into `src` and check: the result is `want` (when given); it
 * parses; without "id" it equals the input; "id" is its first key; and it
 * is the input with one run of bytes added, nothing else changed.
 */
static void check_insert(const char *src, size_t len, const char *want)
{
	struct buf out = BUF_INIT, c1 = BUF_INIT, c2 = BUF_INIT;
	size_t skip = len >= 3 && !memcmp(src, "\xef\xbb\xbf", 3) ? 3 : 0;
	json_t *before, *after;
	json_error_t err;
	size_t pre = 0, post = 0;

	assert_int_equal(insert_id(&out, src, len, ID), 0);
	if (want && strcmp(buf_cstr(&out), want))
		fail_msg("got:\n%s\nwanted:\n%s", buf_cstr(&out), want);

	before = json_loadb(src + skip, len - skip, JSON_REJECT_DUPLICATES, &err);
	after = json_loadb(out.data + skip, out.len - skip, JSON_REJECT_DUPLICATES, &err);
	assert_non_null(before);
	if (!after)
		fail_msg("result does not parse: %s: %s", err.text, out.data);
	assert_string_equal(json_object_iter_key(json_object_iter(after)), "id");
	assert_string_equal(json_string_value(json_object_get(after, "id")), ID);
	/* the canonical forms agree once the input has the id too */
	json_object_set_new(before, "id", json_string(ID));
	canonical_dump(&c1, before);
	canonical_dump(&c2, after);
	assert_string_equal(buf_cstr(&c1), buf_cstr(&c2));
	json_object_del(after, "id");
	json_object_del(before, "id");
	assert_true(json_equal(before, after));

	while (pre < len && src[pre] == out.data[pre])
		pre++;
	while (post < len - pre && src[len - 1 - post] == out.data[out.len - 1 - post])
		post++;
	assert_int_equal(pre + post, len);
	assert_true(out.len > len);

	json_decref(before);
	json_decref(after);
	buf_release(&out);
	buf_release(&c1);
	buf_release(&c2);
}

/* A file, and the file with the id inserted the way its layout writes keys. */
static const struct {
	const char *src, *want;
} layouts[] = {
	/* compact */
	{ "{\"nodes\":[],\"edges\":[]}", "{\"id\":\"" ID "\",\"nodes\":[],\"edges\":[]}" },
	{ "{\"nodes\":[],\"edges\":[]}\n", "{\"id\":\"" ID "\",\"nodes\":[],\"edges\":[]}\n" },
	/* one line, with spaces */
	{ "{ \"nodes\": [], \"edges\": [] }",
	  "{ \"id\": \"" ID "\", \"nodes\": [], \"edges\": [] }" },
	{ "{\"nodes\" : [], \"edges\" : []}",
	  "{\"id\" : \"" ID "\",\"nodes\" : [], \"edges\" : []}" },
	/* two spaces */
	{ "{\n  \"name\": \"x\",\n  \"nodes\": [],\n  \"edges\": []\n}\n",
	  "{\n  \"id\": \"" ID "\",\n  \"name\": \"x\",\n  \"nodes\": [],\n"
	  "  \"edges\": []\n}\n" },
	/* four spaces */
	{ "{\n    \"nodes\": [\n        {\"id\": \"a\"}\n    ],\n"
	  "    \"edges\": []\n}\n",
	  "{\n    \"id\": \"" ID "\",\n    \"nodes\": [\n"
	  "        {\"id\": \"a\"}\n    ],\n    \"edges\": []\n}\n" },
	/* tabs */
	{ "{\n\t\"nodes\":\t[],\n\t\"edges\": []\n}",
	  "{\n\t\"id\":\t\"" ID "\",\n\t\"nodes\":\t[],\n\t\"edges\": []\n}" },
	/* CRLF */
	{ "{\r\n  \"nodes\": [],\r\n  \"edges\": []\r\n}\r\n",
	  "{\r\n  \"id\": \"" ID "\",\r\n  \"nodes\": [],\r\n"
	  "  \"edges\": []\r\n}\r\n" },
	/* a space left after '{' stays there, not after the new comma */
	{ "{ \n  \"nodes\": [], \"edges\": []}",
	  "{ \n  \"id\": \"" ID "\",\n  \"nodes\": [], \"edges\": []}" },
	/* a blank line after '{' is kept once */
	{ "{\n\n  \"nodes\": [], \"edges\": []}",
	  "{\n\n  \"id\": \"" ID "\",\n  \"nodes\": [], \"edges\": []}" },
	/* a first key with escapes, and a colon on the next line */
	{ "{\"a\\\"\\\\\"\n  : 1, \"nodes\": [], \"edges\": []}",
	  "{\"id\"\n  : \"" ID "\",\"a\\\"\\\\\"\n  : 1, \"nodes\": [], "
	  "\"edges\": []}" },
	/* a BOM and leading white space before '{' are kept */
	{ "\xef\xbb\xbf\n {\"nodes\": [], \"edges\": []}",
	  "\xef\xbb\xbf\n {\"id\": \"" ID "\",\"nodes\": [], \"edges\": []}" },
};

static void test_layouts(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		check_insert(layouts[i].src, strlen(layouts[i].src), layouts[i].want);
}

static void test_fixture_file(void **state)
{
	struct buf src = BUF_INIT;

	(void)state;
	assert_int_equal(
		fs_read_file(&src, DFC_FIXTURES "/pipelines/no-id.json", DFC_MAX_FILE_BYTES), 0);
	check_insert(src.data, src.len, NULL);
	buf_release(&src);
}

/*
 * `write` (insert_id() or replace_id()) refuses each of the `n` texts `bad`
 * with `id`: a message, nothing written.
 */
static void expect_refused(int (*write)(struct buf *, const char *, size_t, const char *),
			   const char *const *bad, size_t n, const char *id)
{
	struct buf out = BUF_INIT;

	for (size_t i = 0; i < n; i++) {
		dfc_error_clear();
		assert_int_equal(write(&out, bad[i], strlen(bad[i]), id), DFC_EINVALID);
		assert_string_not_equal(dfc_error_message(), "");
		assert_int_equal(out.len, 0);
	}
	buf_release(&out);
}

static void test_refusals(void **state)
{
	static const char *const bad[] = {"",	    "   ",    "[]",	   "\"x\"",	     "{}",
					  "{ \n }", "{\"a\"", "{\"a\" 1}", "{\"unterminated"};
	struct buf out = BUF_INIT;

	(void)state;
	expect_refused(insert_id, bad, sizeof(bad) / sizeof(*bad), ID);
	assert_int_equal(insert_id(&out, "{\"a\": 1}", 8, "x\"y"), DFC_EINVALID);
	assert_int_equal(insert_id(&out, "{\"a\": 1}", 8, "../x"), DFC_EINVALID);
	assert_int_equal(out.len, 0);
	buf_release(&out);
}

#define NEW_ID "01a2344e-0000-7000-8000-000000000001"

/*
 * Replace the id of `src` (which holds OLD, exactly once, as the top-level
 * id's value) with NEW_ID: the result is `src` with that one string changed,
 * byte for byte, and parses with the new id.
 */
static void check_replace(const char *src, const char *old)
{
	struct buf out = BUF_INIT, want = BUF_INIT;
	const char *at = strstr(src, old);
	size_t skip;
	json_t *after;
	json_error_t err;

	assert_non_null(at);
	buf_add(&want, src, (size_t)(at - src));
	buf_adds(&want, NEW_ID);
	buf_adds(&want, at + strlen(old));
	assert_int_equal(replace_id(&out, src, strlen(src), NEW_ID), 0);
	if (strcmp(buf_cstr(&out), buf_cstr(&want)))
		fail_msg("got:\n%s\nwanted:\n%s", buf_cstr(&out), buf_cstr(&want));
	skip = out.len >= 3 && !memcmp(out.data, "\xef\xbb\xbf", 3) ? 3 : 0;
	after = json_loadb(out.data + skip, out.len - skip, JSON_REJECT_DUPLICATES, &err);
	if (!after)
		fail_msg("result does not parse: %s: %s", err.text, out.data);
	assert_string_equal(json_string_value(json_object_get(after, "id")), NEW_ID);
	json_decref(after);
	buf_release(&out);
	buf_release(&want);
}

static void test_replace(void **state)
{
	(void)state;
	/* first, compact */
	check_replace("{\"id\":\"old-1\",\"nodes\":[],\"edges\":[]}", "old-1");
	/* indented, CRLF, after other members whose values hold ids, braces and quotes */
	check_replace("{\r\n  \"name\": \"a } \\\" { [\",\r\n"
		      "  \"nodes\": [ { \"id\": \"n1\", \"type\": \"script\", \"x\": [1, {\"id\": 2}] } ],\r\n"
		      "  \"edges\" : [],\r\n  \"n\": -1.5e3, \"t\": true, \"z\": null,\r\n"
		      "  \"id\"\t:\t\"0190c2d4-7b1e-7c3a-9f00-2a6a3c1d9e55\"\r\n}\r\n",
		      "0190c2d4-7b1e-7c3a-9f00-2a6a3c1d9e55");
	/* a byte order mark, an escaped key, an escaped value, last member */
	check_replace("\xef\xbb\xbf{ \"nodes\": [], \"edges\": [], \"\\u0069d\": \"a\\u002db\" }",
		      "a\\u002db");
	/* keys that only look like "id" are not it */
	check_replace("{\"idx\": \"no\", \"i\\u0064d\": \"no\", \"ID\": \"no\", \"id\": \"yes\"}",
		      "yes");
}

static void test_replace_refusals(void **state)
{
	static const char *const bad[] = {
		"",
		"[]",
		"{}",
		"{\"nodes\": [{\"id\": \"a\"}], \"edges\": []}",
		"{\"id\": 5, \"nodes\": []}",
		"{\"id\": null}",
		"{\"a\" 1, \"id\": \"x\"}",
	};
	struct buf out = BUF_INIT;

	(void)state;
	expect_refused(replace_id, bad, sizeof(bad) / sizeof(*bad), NEW_ID);
	assert_int_equal(replace_id(&out, "{\"id\": \"a\"}", 11, "x/../y"), DFC_EINVALID);
	assert_int_equal(out.len, 0);
	buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layouts),
		cmocka_unit_test(test_fixture_file),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_replace),
		cmocka_unit_test(test_replace_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

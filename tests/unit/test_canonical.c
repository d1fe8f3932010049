/* test_canonical.c - the canonical form: golden files, layout, numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_json.h"

#include "dfc/canonical.h"
#include "dfc/fs.h"
#include "dfc/pipeline.h"
#include "dfc/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The canonical form of the JSON text `text`, newly allocated. */
static char *canon(const char *text)
{
	json_t *root = test_json_n(text, strlen(text));
	struct buf out = BUF_INIT;

	canonical_dump(&out, root);
	json_decref(root);
	return buf_detach(&out, NULL);
}

static void expect_canon(const char *text, const char *want)
{
	char *got = canon(text);

	assert_string_equal(got, want);
	free(got);
}

static void test_golden_files(void **state)
{
	static const char *const names[] = {"spec-example", "no-id", "reals-escapes"};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		char *in = xasprintf(DFC_FIXTURES "/pipelines/%s.json", names[i]);
		char *gold = xasprintf(DFC_FIXTURES "/canonical/%s.json", names[i]);
		struct pipeline p = PIPELINE_INIT;
		struct problems list = PROBLEMS_INIT;
		struct buf want = BUF_INIT, got = BUF_INIT, again = BUF_INIT;
		json_t *reread;

		assert_int_equal(pipeline_load(&p, in, &list), 0);
		assert_int_equal(fs_read_file(&want, gold, DFC_MAX_FILE_BYTES), 0);
		canonical_dump(&got, p.root);
		if (strcmp(buf_cstr(&got), buf_cstr(&want)))
			fail_msg("%s differs from its golden file:\n%s", in, buf_cstr(&got));
		/* the golden file is its own canonical form */
		reread = test_json_n(want.data, want.len);
		canonical_dump(&again, reread);
		assert_string_equal(buf_cstr(&again), buf_cstr(&want));
		assert_true(json_equal(reread, p.root));
		json_decref(reread);
		buf_release(&want);
		buf_release(&got);
		buf_release(&again);
		pipeline_release(&p);
		free(in);
		free(gold);
	}
}

static void test_layout(void **state)
{
	(void)state;
	expect_canon("{\"nodes\":[],\"edges\":[]}", "{\n  \"nodes\": [],\n  \"edges\": []\n}\n");
	expect_canon("{}", "{}\n");
	expect_canon("[]", "[]\n");
	expect_canon("{\"a\":{\"b\":[1,{\"c\":{}}]}}",
		     "{\n  \"a\": {\n    \"b\": [\n      1,\n      {\n"
		     "        \"c\": {}\n      }\n    ]\n  }\n}\n");
	expect_canon("5", "5\n");
	expect_canon("\"s\"", "\"s\"\n");
}

static void test_whitespace_differences_are_equal(void **state)
{
	static const char *const forms[] = {
		"{\"id\":\"p1\",\"nodes\":[{\"id\":\"a\",\"type\":\"script\"}],"
		"\"edges\":[],\"n\":1.5}",
		"{ \"id\" : \"p1\" , \"nodes\" : [ { \"id\" : \"a\" , \"type\" : "
		"\"script\" } ] , \"edges\" : [ ] , \"n\" : 1.5 }",
		"{\r\n\t\"id\": \"p1\",\r\n\t\"nodes\": [\r\n\t\t{\"id\": \"a\",\r\n"
		"\t\t \"type\": \"script\"}\r\n\t],\r\n\t\"edges\": [\r\n\t],\r\n"
		"\t\"n\": 1.50\r\n}\r\n",
		"\n\n    {\"id\":\n\"p1\", \"nodes\": [{\"id\": \"a\", \"type\": "
		"\"script\"}], \"edges\": [], \"n\": 15e-1}    \n",
	};
	char *first = canon(forms[0]);

	(void)state;
	for (size_t i = 1; i < sizeof(forms) / sizeof(*forms); i++) {
		char *other = canon(forms[i]);

		assert_string_equal(other, first);
		free(other);
	}
	/* a change in content is a change in canonical form */
	expect_canon("{\"id\":\"p1\",\"nodes\":[],\"edges\":[],\"n\":1.5}",
		     "{\n  \"id\": \"p1\",\n  \"nodes\": [],\n  \"edges\": [],\n"
		     "  \"n\": 1.5\n}\n");
	assert_string_not_equal(first, "");
	free(first);
}

static void test_id_moved_first_only_at_top(void **state)
{
	(void)state;
	expect_canon("{\"a\":1,\"b\":{\"z\":1,\"id\":2},\"id\":\"x\",\"c\":3}",
		     "{\n  \"id\": \"x\",\n  \"a\": 1,\n  \"b\": {\n"
		     "    \"z\": 1,\n    \"id\": 2\n  },\n  \"c\": 3\n}\n");
	/* key order is the file's, not sorted */
	expect_canon("{\"z\":1,\"a\":2}", "{\n  \"z\": 1,\n  \"a\": 2\n}\n");
	expect_canon("[{\"b\":1,\"id\":2}]", "[\n  {\n    \"b\": 1,\n    \"id\": 2\n  }\n]\n");
}

static void test_reals(void **state)
{
	static const char *const cases[][2] = {
		{"1.0", "1.0"},
		{"-0.0", "-0.0"},
		{"0.0", "0.0"},
		{"1e2", "100.0"},
		{"2.5E+3", "2500.0"},
		{"0.1", "0.1"},
		{"0.30000000000000004", "0.30000000000000004"},
		{"1.5e-7", "1.5e-07"},
		{"0.0001", "0.0001"},
		{"0.00001", "1e-05"},
		{"1e15", "1000000000000000.0"},
		{"1e16", "1e+16"},
		{"123.456", "123.456"},
		{"-2.5", "-2.5"},
		{"1.7976931348623157e308", "1.7976931348623157e+308"},
		{"5e-324", "5e-324"},
		{"100.5000", "100.5"},
		{"3.141592653589793", "3.141592653589793"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *in = xasprintf("[%s]", cases[i][0]);
		char *want = xasprintf("[\n  %s\n]\n", cases[i][1]);
		char *got = canon(in);
		json_t *a = test_json_n(in, strlen(in)), *b = test_json_n(got, strlen(got));

		assert_string_equal(got, want);
		/* reads back as the same real, not as an integer */
		assert_true(json_is_real(json_array_get(b, 0)));
		assert_true(json_real_value(json_array_get(a, 0)) ==
			    json_real_value(json_array_get(b, 0)));
		json_decref(a);
		json_decref(b);
		free(in);
		free(want);
		free(got);
	}
}

static void test_reals_round_trip(void **state)
{
	unsigned long long x = 88172645463325252ULL;

	(void)state;
	for (int i = 0; i < 5000; i++) {
		struct buf out = BUF_INIT;
		json_t *arr, *back;
		double v;

		/* xorshift bits as a double: every exponent and mantissa */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(&v, &x, sizeof(v));
		if (v != v || v - v != 0)
			continue;
		arr = json_array();
		json_array_append_new(arr, json_real(v));
		canonical_dump(&out, arr);
		back = test_json_n(out.data, out.len);
		if (json_real_value(json_array_get(back, 0)) != v)
			fail_msg("%.17g came back changed from %s", v, out.data);
		json_decref(arr);
		json_decref(back);
		buf_release(&out);
	}
}

static void test_integers(void **state)
{
	(void)state;
	expect_canon("[0,-1,9223372036854775807,-9223372036854775808]",
		     "[\n  0,\n  -1,\n  9223372036854775807,\n"
		     "  -9223372036854775808\n]\n");
	expect_canon("[true,false,null]", "[\n  true,\n  false,\n  null\n]\n");
}

static void test_strings(void **state)
{
	json_t *nul = json_stringn("a\0b", 3);
	struct buf out = BUF_INIT;

	(void)state;
	expect_canon("[\"q\\\"b\\\\s/\\/\"]", "[\n  \"q\\\"b\\\\s//\"\n]\n");
	expect_canon("[\"\\b\\f\\n\\r\\t\\u0001\\u001F\\u007f\"]",
		     "[\n  \"\\b\\f\\n\\r\\t\\u0001\\u001f\x7f\"\n]\n");
	expect_canon("[\"caf\\u00e9 \xe6\x97\xa5 \\ud83d\\ude00\"]",
		     "[\n  \"caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80\"\n]\n");
	expect_canon("{\"k\\ney\\u00e9\":\"v\"}", "{\n  \"k\\ney\xc3\xa9\": \"v\"\n}\n");
	canonical_dump(&out, nul);
	assert_int_equal(out.len, 11);
	assert_string_equal(out.data, "\"a\\u0000b\"\n");
	buf_release(&out);
	json_decref(nul);
}

/* The expected form of `depth` nested arrays, built line by line. */
static char *nested_arrays(size_t depth)
{
	struct buf want = BUF_INIT;

	for (size_t d = 0; d + 1 < depth; d++) {
		buf_addch(&want, '[');
		buf_addch(&want, '\n');
		for (size_t k = 0; k < d + 1; k++)
			buf_adds(&want, "  ");
	}
	buf_adds(&want, "[]");
	for (size_t d = depth - 1; d-- > 0;) {
		buf_addch(&want, '\n');
		for (size_t k = 0; k < d; k++)
			buf_adds(&want, "  ");
		buf_addch(&want, ']');
	}
	buf_addch(&want, '\n');
	return buf_detach(&want, NULL);
}

static void test_idempotent_and_deep(void **state)
{
	const size_t depth = 2000;
	char *text = malloc(depth * 2 + 1);
	char *once, *twice, *want;

	(void)state;
	memset(text, '[', depth);
	memset(text + depth, ']', depth);
	text[depth * 2] = '\0';
	once = canon(text);
	want = nested_arrays(depth);
	assert_string_equal(once, want);
	twice = canon(once);
	assert_string_equal(once, twice);
	free(once);
	free(twice);
	free(want);
	free(text);
}

static void test_large_string_and_many_nodes(void **state)
{
	const size_t n = 5 << 20, nodes = 40000;
	char *big = malloc(n + 1);
	json_t *root = json_object(), *arr = json_array(), *back;
	struct buf out = BUF_INIT, again = BUF_INIT;
	char id[32];

	(void)state;
	memset(big, 'x', n);
	big[n] = '\0';
	json_object_set_new(root, "name", json_string(big));
	for (size_t i = 0; i < nodes; i++) {
		snprintf(id, sizeof(id), "n%zu", i);
		json_array_append_new(
			arr, json_pack("{s:s,s:s,s:f}", "id", id, "type", "dataset", "w", i / 4.0));
	}
	json_object_set_new(root, "nodes", arr);
	canonical_dump(&out, root);
	assert_true(out.len > n);
	back = test_json_n(out.data, out.len);
	assert_true(json_equal(back, root));
	canonical_dump(&again, back);
	assert_int_equal(again.len, out.len);
	assert_memory_equal(again.data, out.data, out.len);
	json_decref(back);
	json_decref(root);
	buf_release(&out);
	buf_release(&again);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_files),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_whitespace_differences_are_equal),
		cmocka_unit_test(test_id_moved_first_only_at_top),
		cmocka_unit_test(test_reals),
		cmocka_unit_test(test_reals_round_trip),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_idempotent_and_deep),
		cmocka_unit_test(test_large_string_and_many_nodes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

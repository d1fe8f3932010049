/* test_diff.c - the semantic diff of two pipelines and its formats. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "dfc/diff.h"

#include <git2.h>
#include <string.h>

static const char base[] =
	"{\"id\": \"p\", \"name\": \"n\", \"nodes\": ["
	"{\"id\": \"raw\", \"type\": \"dataset\", \"path\": \"data/raw.csv\"},"
	"{\"id\": \"clean\", \"type\": \"script\", \"path\": \"a.py\"},"
	"{\"id\": \"out\", \"type\": \"dataset\", \"path\": \"data/out.csv\"}],"
	"\"edges\": ["
	"{\"from\": \"raw\", \"to\": \"clean\", \"arguments\": [\"--in\", {\"ref\": \"raw\"}]},"
	"{\"from\": \"clean\", \"to\": \"out\", \"arguments\": [\"--out\"]}]}";

static json_t *parse(const char *text)
{
	json_t *root = json_loads(text, 0, NULL);

	assert_non_null(root);
	return root;
}

/* Diff two parsed pipelines into a fresh `d`. */
static void run_diff(struct diff *d, json_t *old_root, json_t *new_root)
{
	diff_init(d);
	assert_int_equal(diff_pipelines(d, old_root, new_root), 0);
}

static void test_identical(void **state)
{
	json_t *a = parse(base), *b = parse(base);
	struct diff d;
	struct buf out = BUF_INIT;

	(void)state;
	run_diff(&d, a, b);
	assert_int_equal(d.nr, 0);
	diff_release(&d);
	run_diff(&d, a, a);
	assert_int_equal(d.nr, 0);
	diff_format_text(&out, &d, true);
	assert_int_equal(out.len, 0);
	diff_release(&d);
	buf_release(&out);
	json_decref(a);
	json_decref(b);
}

static void test_each_kind(void **state)
{
	json_t *a = parse(base), *b = parse(base);
	json_t *nodes = json_object_get(b, "nodes"), *edges = json_object_get(b, "edges");
	struct diff d;
	int seen[DIFF_ARGUMENTS_CHANGED + 1] = { 0 };
	struct buf out = BUF_INIT;

	(void)state;
	json_object_set_new(b, "name", json_string("m"));
	json_object_set_new(b, "id", json_string("q"));
	json_object_set_new(json_array_get(nodes, 1), "path", json_string("b.py"));
	json_object_set_new(json_array_get(nodes, 1), "script_id", json_string("abc"));
	json_array_remove(nodes, 2);
	json_array_append_new(nodes, json_pack("{s:s, s:s, s:s}", "id", "x", "type",
					       "script", "path", "scripts/x.py"));
	json_array_remove(edges, 1);
	json_array_append_new(edges, json_pack("{s:s, s:s, s:[]}", "from", "raw", "to", "x",
					       "arguments"));
	json_object_set_new(json_array_get(edges, 0), "arguments", json_pack("[s]", "--x"));
	run_diff(&d, a, b);
	for (size_t i = 0; i < d.nr; i++)
		seen[d.changes[i].kind]++;
	assert_int_equal(seen[DIFF_FIELD_CHANGED], 2);
	assert_int_equal(seen[DIFF_NODE_REMOVED], 1);
	assert_int_equal(seen[DIFF_NODE_ADDED], 1);
	assert_int_equal(seen[DIFF_NODE_CHANGED], 2);
	assert_int_equal(seen[DIFF_EDGE_REMOVED], 1);
	assert_int_equal(seen[DIFF_EDGE_ADDED], 1);
	assert_int_equal(seen[DIFF_ARGUMENTS_CHANGED], 1);
	diff_format_text(&out, &d, false);
	assert_non_null(strstr(buf_cstr(&out), "+ node 'x' (script scripts/x.py)\n"));
	assert_non_null(strstr(buf_cstr(&out), "- edge clean -> out\n"));
	assert_non_null(strstr(buf_cstr(&out), "~ node 'clean': path \"a.py\" -> \"b.py\"\n"));
	assert_non_null(strstr(buf_cstr(&out), "~ node 'clean': script_id (none) -> \"abc\"\n"));
	assert_non_null(strstr(buf_cstr(&out),
			       "~ edge raw -> clean: arguments [\"--in\",{\"ref\":\"raw\"}] -> [\"--x\"]\n"));
	buf_reset(&out);
	diff_format_json(&out, &d, "a", "b");
	assert_non_null(strstr(buf_cstr(&out), "\"kind\": \"arguments_changed\""));
	buf_reset(&out);
	diff_format_mermaid(&out, &d, a, b);
	assert_non_null(strstr(buf_cstr(&out), "flowchart LR\n"));
	assert_non_null(strstr(buf_cstr(&out), "class n2 added\n"));
	assert_non_null(strstr(buf_cstr(&out), "class n3 removed\n"));
	buf_release(&out);
	diff_release(&d);
	json_decref(a);
	json_decref(b);
}

/* Moving edges or nodes around is no change; duplicate edges count by position. */
static void test_order_and_duplicates(void **state)
{
	json_t *a = parse(base), *b = parse(base);
	json_t *edges = json_object_get(b, "edges");
	struct diff d;

	(void)state;
	json_array_append(edges, json_array_get(edges, 0));
	json_array_remove(edges, 0);
	run_diff(&d, a, b);
	assert_int_equal(d.nr, 0);
	diff_release(&d);
	json_array_append_new(edges, json_pack("{s:s, s:s}", "from", "raw", "to", "clean"));
	run_diff(&d, a, b);
	assert_int_equal(d.nr, 1);
	assert_int_equal(d.changes[0].kind, DIFF_EDGE_ADDED);
	assert_string_equal(d.changes[0].path, "/edges/2");
	diff_release(&d);
	json_decref(a);
	json_decref(b);
}

static void test_patch(void **state)
{
	struct buf out = BUF_INIT;

	(void)state;
	assert_int_equal(diff_format_patch(&out, "a\n", 2, "a\n", 2, "p.json"), 0);
	assert_int_equal(out.len, 0);
	assert_int_equal(diff_format_patch(&out, "a\nb\n", 4, "a\nc\n", 4, "p.json"), 0);
	assert_non_null(strstr(buf_cstr(&out), "--- a/p.json\n+++ b/p.json\n"));
	assert_non_null(strstr(buf_cstr(&out), "-b\n+c\n"));
	buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical),
		cmocka_unit_test(test_each_kind),
		cmocka_unit_test(test_order_and_duplicates),
		cmocka_unit_test(test_patch),
	};
	int ret;

	git_libgit2_init();
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	git_libgit2_shutdown();
	return ret;
}

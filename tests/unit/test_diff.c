/* test_diff.c - the semantic diff of two pipelines and its formats. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_json.h"

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

/* Diff two parsed pipelines, scripts known only by script_id, into a fresh `d`. */
static void run_diff(struct diff *d, json_t *old_root, json_t *new_root)
{
	diff_init(d);
	assert_int_equal(diff_pipelines(d, old_root, new_root, NULL, NULL), 0);
}

static void test_identical(void **state)
{
	json_t *a = test_json(base), *b = test_json(base);
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
	json_t *a = test_json(base), *b = test_json(base);
	json_t *nodes = json_object_get(b, "nodes"), *edges = json_object_get(b, "edges");
	struct diff d;
	int seen[DIFF_STEP_MOVED + 1] = { 0 };
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
	assert_int_equal(seen[DIFF_NODE_CHANGED], 1);
	assert_int_equal(seen[DIFF_EDGE_REMOVED], 1);
	assert_int_equal(seen[DIFF_EDGE_ADDED], 1);
	assert_int_equal(seen[DIFF_ARGUMENTS_CHANGED], 1);
	assert_int_equal(seen[DIFF_STEP_ARGUMENTS_CHANGED], 1);
	diff_format_text(&out, &d, false);
	assert_non_null(strstr(buf_cstr(&out), "+ node 'x' (script scripts/x.py)\n"));
	assert_non_null(strstr(buf_cstr(&out), "- edge clean -> out\n"));
	assert_non_null(strstr(buf_cstr(&out), "~ node 'clean': path \"a.py\" -> \"b.py\"\n"));
	assert_null(strstr(buf_cstr(&out), "script_id"));
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

/*
 * What runs is reviewed: moving an edge of a script reorders its
 * arguments, a step and a move; moving a dataset node changes nothing
 * that runs, an order-only move. Duplicate edges count by position.
 */
static void test_order_and_duplicates(void **state)
{
	json_t *a = test_json(base), *b = test_json(base);
	json_t *edges = json_object_get(b, "edges");
	struct diff d;
	struct buf out = BUF_INIT;

	(void)state;
	json_array_append(edges, json_array_get(edges, 0));
	json_array_remove(edges, 0);
	run_diff(&d, a, b);
	diff_format_text(&out, &d, false);
	assert_string_equal(buf_cstr(&out),
			    "~ edge clean -> out: moved /edges/1 -> /edges/0\n"
			    "~ step 'clean': arguments [--in data/raw.csv --out] -> "
			    "[--out --in data/raw.csv]\n");
	assert_int_equal(d.changes[0].kind, DIFF_EDGE_MOVED);
	assert_false(d.changes[0].order_only);
	assert_int_equal(d.changes[1].kind, DIFF_STEP_ARGUMENTS_CHANGED);
	assert_string_equal(d.changes[1].path, "/nodes/1");
	buf_reset(&out);
	diff_format_mermaid(&out, &d, a, b);
	assert_non_null(strstr(buf_cstr(&out), "class n1 changed\n"));
	diff_release(&d);

	json_array_append_new(edges, json_pack("{s:s, s:s}", "from", "raw", "to", "clean"));
	run_diff(&d, a, b);
	assert_int_equal(d.nr, 3);
	assert_int_equal(d.changes[0].kind, DIFF_EDGE_ADDED);
	assert_string_equal(d.changes[0].path, "/edges/2");
	diff_release(&d);
	json_decref(b);

	/* The dataset `out` first: the steps are as they were. */
	b = test_json(base);
	json_array_insert(json_object_get(b, "nodes"), 0,
			  json_array_get(json_object_get(b, "nodes"), 2));
	json_array_remove(json_object_get(b, "nodes"), 3);
	run_diff(&d, a, b);
	assert_int_equal(d.nr, 1);
	assert_int_equal(d.changes[0].kind, DIFF_NODE_MOVED);
	assert_true(d.changes[0].order_only);
	buf_reset(&out);
	diff_format_text(&out, &d, false);
	assert_string_equal(buf_cstr(&out), "~ node 'out': moved /nodes/2 -> /nodes/0 (order only)\n");
	buf_reset(&out);
	diff_format_json(&out, &d, "a", "b");
	assert_non_null(strstr(buf_cstr(&out), "\"order_only\": true"));
	diff_release(&d);
	buf_release(&out);
	json_decref(a);
	json_decref(b);
}

/* Two independent steps swapped in the file start in the other order. */
static void test_step_order(void **state)
{
	static const char two[] =
		"{\"nodes\": [{\"id\": \"a\", \"type\": \"script\", \"path\": \"a.sh\"},"
		"{\"id\": \"b\", \"type\": \"script\", \"path\": \"b.sh\"}], \"edges\": []}";
	json_t *a = test_json(two), *b = test_json(two);
	json_t *nodes = json_object_get(b, "nodes");
	struct diff d;
	struct buf out = BUF_INIT;

	(void)state;
	json_array_append(nodes, json_array_get(nodes, 0));
	json_array_remove(nodes, 0);
	run_diff(&d, a, b);
	diff_format_text(&out, &d, false);
	assert_string_equal(buf_cstr(&out), "~ node 'b': moved /nodes/1 -> /nodes/0\n"
					    "~ step 'b': start order 2 -> 1\n");
	assert_false(d.changes[0].order_only);
	diff_release(&d);

	/* An interpreter is part of the command: a node change. */
	json_object_set_new(json_array_get(nodes, 0), "interpreter", json_string("sh"));
	run_diff(&d, b, b);
	assert_int_equal(d.nr, 0);
	diff_release(&d);
	buf_release(&out);
	json_decref(a);
	json_decref(b);
}

#define BLOB_A "0beb81f7d1dbbf45329ac232ce9321f5538a8eac"
#define BLOB_B "4c3363c0fddf5c5b134f81e73436cc658704b299"

/*
 * A script is compared by its content (the blob id the scripts map gives,
 * else its script_id); script_id and dataset_id are never compared as keys,
 * so catalog ids on one side only are no change.
 */
static void test_scripts_by_content(void **state)
{
	json_t *a = test_json(base), *b = test_json(base);
	json_t *old_scripts = json_pack("{s:s}", "clean", BLOB_A);
	json_t *new_scripts = json_pack("{s:s}", "clean", BLOB_B);
	json_t *b_nodes = json_object_get(b, "nodes");
	struct diff d = DIFF_INIT;
	struct buf out = BUF_INIT;

	(void)state;
	/* b as sync writes it: the catalog ids of its scripts and datasets. */
	json_object_set_new(json_array_get(b_nodes, 0), "dataset_id", json_string(BLOB_B));
	json_object_set_new(json_array_get(b_nodes, 1), "script_id", json_string(BLOB_A));
	json_object_set_new(json_array_get(b_nodes, 2), "dataset_id", json_string(BLOB_A));
	assert_int_equal(diff_pipelines(&d, a, b, old_scripts, NULL), 0);
	assert_int_equal(d.nr, 0);
	assert_int_equal(diff_pipelines(&d, a, b, NULL, NULL), 0);
	assert_int_equal(d.nr, 0);

	/* The same script_id, but the file on disk is another one. */
	assert_int_equal(diff_pipelines(&d, a, b, old_scripts, new_scripts), 0);
	assert_int_equal(d.nr, 1);
	assert_int_equal(d.changes[0].kind, DIFF_SCRIPT_CHANGED);
	assert_string_equal(d.changes[0].node, "clean");
	assert_null(d.changes[0].field);
	assert_string_equal(d.changes[0].path, "/nodes/1");
	assert_string_equal(json_string_value(d.changes[0].old_value), BLOB_A);
	assert_string_equal(json_string_value(d.changes[0].new_value), BLOB_B);
	diff_format_text(&out, &d, false);
	assert_string_equal(buf_cstr(&out),
			    "~ node 'clean': script content 0beb81f7d1db -> 4c3363c0fddf\n");
	buf_reset(&out);
	diff_format_json(&out, &d, "a", "b");
	assert_non_null(strstr(buf_cstr(&out), "\"kind\": \"script_changed\""));
	assert_non_null(strstr(buf_cstr(&out), "\"new\": \"" BLOB_B "\""));
	buf_reset(&out);
	diff_format_mermaid(&out, &d, a, b);
	assert_non_null(strstr(buf_cstr(&out), "class n1 changed\n"));
	diff_release(&d);

	/* Two catalog forms: their script_ids are the scripts' contents. */
	json_object_set_new(json_array_get(json_object_get(a, "nodes"), 1), "script_id",
			    json_string(BLOB_B));
	assert_int_equal(diff_pipelines(&d, a, b, NULL, NULL), 0);
	assert_int_equal(d.nr, 1);
	assert_int_equal(d.changes[0].kind, DIFF_SCRIPT_CHANGED);
	assert_string_equal(json_string_value(d.changes[0].old_value), BLOB_B);
	assert_string_equal(json_string_value(d.changes[0].new_value), BLOB_A);
	diff_release(&d);
	/* The map wins over script_id, as in a content fingerprint. */
	assert_int_equal(diff_pipelines(&d, a, b, new_scripts, new_scripts), 0);
	assert_int_equal(d.nr, 0);

	buf_release(&out);
	diff_release(&d);
	json_decref(old_scripts);
	json_decref(new_scripts);
	json_decref(a);
	json_decref(b);
}

/* An edge whose arguments alone changed is drawn in the colour of changes. */
static void test_mermaid_arguments(void **state)
{
	json_t *a = test_json(base), *b = test_json(base);
	json_t *edge = json_array_get(json_object_get(b, "edges"), 1);
	struct diff d;
	struct buf out = BUF_INIT;

	(void)state;
	json_object_set_new(edge, "arguments", json_pack("[s]", "--output"));
	run_diff(&d, a, b);
	assert_int_equal(d.nr, 2);
	assert_int_equal(d.changes[1].kind, DIFF_STEP_ARGUMENTS_CHANGED);
	diff_format_mermaid(&out, &d, a, b);
	/* The second link drawn (index 1) is clean -> out. */
	assert_non_null(strstr(buf_cstr(&out), "  n0 --> n1\n  n1 --> n2\n"));
	assert_non_null(strstr(buf_cstr(&out), "  linkStyle 1 stroke:#bf8700,stroke-width:3px\n"));
	assert_null(strstr(buf_cstr(&out), "linkStyle 0"));
	buf_release(&out);
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
		cmocka_unit_test(test_step_order),
		cmocka_unit_test(test_scripts_by_content),
		cmocka_unit_test(test_mermaid_arguments),
		cmocka_unit_test(test_patch),
	};
	int ret;

	git_libgit2_init();
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	git_libgit2_shutdown();
	return ret;
}

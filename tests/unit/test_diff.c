/* test_diff.c - the semantic diff of two pipelines and its formats. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_json.h"
#include "test_libgit2.h"

#include "dfc/diff.h"
#include "dfc/xalloc.h"

#include <git2.h>
#include <stdlib.h>
#include <string.h>

static const char base[] =
	"{\"id\": \"p\", \"name\": \"n\", \"nodes\": ["
	"{\"id\": \"raw\", \"type\": \"dataset\", \"path\": \"data/raw.csv\"},"
	"{\"id\": \"clean\", \"type\": \"script\", \"path\": \"a.py\"},"
	"{\"id\": \"out\", \"type\": \"dataset\", \"path\": \"data/out.csv\"}],"
	"\"edges\": ["
	"{\"from\": \"raw\", \"to\": \"clean\", \"arguments\": [\"--in\", {\"ref\": \"raw\"}]},"
	"{\"from\": \"clean\", \"to\": \"out\", \"arguments\": [\"--out\"]}]}";

/* Two sides to diff (both `base` at first), their diff and its output. */
struct fixture {
	json_t *a, *b;
	struct diff d;
	struct buf out;
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	f->a = test_json(base);
	f->b = test_json(base);
	diff_init(&f->d);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	json_decref(f->a);
	json_decref(f->b);
	diff_release(&f->d);
	buf_release(&f->out);
	free(f);
	return 0;
}

/* Diff two parsed pipelines, scripts known only by script_id, into a fresh `d`. */
static void run_diff(struct diff *d, json_t *old_root, json_t *new_root)
{
	diff_init(d);
	assert_int_equal(diff_pipelines(d, old_root, new_root, NULL, NULL), 0);
}

/* The output holds `needle`. */
static void assert_has(const struct buf *out, const char *needle)
{
	if (!strstr(buf_cstr(out), needle))
		fail_msg("'%s' is not in:\n%s", needle, buf_cstr(out));
}

/* Write `f`'s diff into `f->out` anew: as text without colour, as JSON, as mermaid. */
static void format_text(struct fixture *f)
{
	buf_reset(&f->out);
	diff_format_text(&f->out, &f->d, false);
}

static void format_json(struct fixture *f)
{
	buf_reset(&f->out);
	diff_format_json(&f->out, &f->d, "a", "b");
}

static void format_mermaid(struct fixture *f)
{
	buf_reset(&f->out);
	diff_format_mermaid(&f->out, &f->d, f->a, f->b);
}

static void test_identical(void **state)
{
	struct fixture *f = *state;

	run_diff(&f->d, f->a, f->b);
	assert_int_equal(f->d.nr, 0);
	diff_release(&f->d);
	run_diff(&f->d, f->a, f->a);
	assert_int_equal(f->d.nr, 0);
	diff_format_text(&f->out, &f->d, true);
	assert_int_equal(f->out.len, 0);
}

static void test_each_kind(void **state)
{
	struct fixture *f = *state;
	json_t *b = f->b, *nodes = json_object_get(b, "nodes"),
	       *edges = json_object_get(b, "edges");
	int seen[DIFF_STEP_MOVED + 1] = { 0 };

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
	run_diff(&f->d, f->a, b);
	for (size_t i = 0; i < f->d.nr; i++)
		seen[f->d.changes[i].kind]++;
	assert_int_equal(seen[DIFF_FIELD_CHANGED], 2);
	assert_int_equal(seen[DIFF_NODE_REMOVED], 1);
	assert_int_equal(seen[DIFF_NODE_ADDED], 1);
	assert_int_equal(seen[DIFF_NODE_CHANGED], 1);
	assert_int_equal(seen[DIFF_EDGE_REMOVED], 1);
	assert_int_equal(seen[DIFF_EDGE_ADDED], 1);
	assert_int_equal(seen[DIFF_ARGUMENTS_CHANGED], 1);
	assert_int_equal(seen[DIFF_STEP_ARGUMENTS_CHANGED], 1);
	format_text(f);
	assert_has(&f->out, "+ node 'x' (script scripts/x.py)\n");
	assert_has(&f->out, "- edge clean -> out\n");
	assert_has(&f->out, "~ node 'clean': path \"a.py\" -> \"b.py\"\n");
	assert_null(strstr(buf_cstr(&f->out), "script_id"));
	assert_has(&f->out,
		   "~ edge raw -> clean: arguments [\"--in\",{\"ref\":\"raw\"}] -> [\"--x\"]\n");
	format_json(f);
	assert_has(&f->out, "\"kind\": \"arguments_changed\"");
	format_mermaid(f);
	assert_has(&f->out, "flowchart LR\n");
	assert_has(&f->out, "class n2 added\n");
	assert_has(&f->out, "class n3 removed\n");
}

/*
 * What runs is reviewed: moving an edge of a script reorders its
 * arguments, a step and a move; moving a dataset node changes nothing
 * that runs, an order-only move. Duplicate edges count by position.
 */
static void test_order_and_duplicates(void **state)
{
	struct fixture *f = *state;
	json_t *edges = json_object_get(f->b, "edges");
	struct diff *d = &f->d;

	json_array_append(edges, json_array_get(edges, 0));
	json_array_remove(edges, 0);
	run_diff(d, f->a, f->b);
	format_text(f);
	assert_string_equal(buf_cstr(&f->out),
			    "~ edge clean -> out: moved /edges/1 -> /edges/0\n"
			    "~ step 'clean': arguments [--in data/raw.csv --out] -> "
			    "[--out --in data/raw.csv]\n");
	assert_int_equal(d->changes[0].kind, DIFF_EDGE_MOVED);
	assert_false(d->changes[0].order_only);
	assert_int_equal(d->changes[1].kind, DIFF_STEP_ARGUMENTS_CHANGED);
	assert_string_equal(d->changes[1].path, "/nodes/1");
	format_mermaid(f);
	assert_has(&f->out, "class n1 changed\n");
	diff_release(d);

	json_array_append_new(edges, json_pack("{s:s, s:s}", "from", "raw", "to", "clean"));
	run_diff(d, f->a, f->b);
	assert_int_equal(d->nr, 3);
	assert_int_equal(d->changes[0].kind, DIFF_EDGE_ADDED);
	assert_string_equal(d->changes[0].path, "/edges/2");
	diff_release(d);
	json_decref(f->b);

	/* The dataset `out` first: the steps are as they were. */
	f->b = test_json(base);
	json_array_insert(json_object_get(f->b, "nodes"), 0,
			  json_array_get(json_object_get(f->b, "nodes"), 2));
	json_array_remove(json_object_get(f->b, "nodes"), 3);
	run_diff(d, f->a, f->b);
	assert_int_equal(d->nr, 1);
	assert_int_equal(d->changes[0].kind, DIFF_NODE_MOVED);
	assert_true(d->changes[0].order_only);
	format_text(f);
	assert_string_equal(buf_cstr(&f->out),
			    "~ node 'out': moved /nodes/2 -> /nodes/0 (order only)\n");
	format_json(f);
	assert_has(&f->out, "\"order_only\": true");
}

/* Two independent steps swapped in the file start in the other order. */
static void test_step_order(void **state)
{
	static const char two[] =
		"{\"nodes\": [{\"id\": \"a\", \"type\": \"script\", \"path\": \"a.sh\"},"
		"{\"id\": \"b\", \"type\": \"script\", \"path\": \"b.sh\"}], \"edges\": []}";
	struct fixture *f = *state;
	json_t *nodes;

	json_decref(f->a);
	json_decref(f->b);
	f->a = test_json(two);
	f->b = test_json(two);
	nodes = json_object_get(f->b, "nodes");
	json_array_append(nodes, json_array_get(nodes, 0));
	json_array_remove(nodes, 0);
	run_diff(&f->d, f->a, f->b);
	format_text(f);
	assert_string_equal(buf_cstr(&f->out), "~ node 'b': moved /nodes/1 -> /nodes/0\n"
					       "~ step 'b': start order 2 -> 1\n");
	assert_false(f->d.changes[0].order_only);
	diff_release(&f->d);

	/* An interpreter is part of the command: a node change. */
	json_object_set_new(json_array_get(nodes, 0), "interpreter", json_string("sh"));
	run_diff(&f->d, f->b, f->b);
	assert_int_equal(f->d.nr, 0);
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
	struct fixture *f = *state;
	json_t *a = f->a, *b = f->b;
	json_t *old_scripts = json_pack("{s:s}", "clean", BLOB_A);
	json_t *new_scripts = json_pack("{s:s}", "clean", BLOB_B);
	json_t *b_nodes = json_object_get(b, "nodes");
	struct diff *d = &f->d;

	/* b as sync writes it: the catalog ids of its scripts and datasets. */
	json_object_set_new(json_array_get(b_nodes, 0), "dataset_id", json_string(BLOB_B));
	json_object_set_new(json_array_get(b_nodes, 1), "script_id", json_string(BLOB_A));
	json_object_set_new(json_array_get(b_nodes, 2), "dataset_id", json_string(BLOB_A));
	assert_int_equal(diff_pipelines(d, a, b, old_scripts, NULL), 0);
	assert_int_equal(d->nr, 0);
	assert_int_equal(diff_pipelines(d, a, b, NULL, NULL), 0);
	assert_int_equal(d->nr, 0);

	/* The same script_id, but the file on disk is another one. */
	assert_int_equal(diff_pipelines(d, a, b, old_scripts, new_scripts), 0);
	assert_int_equal(d->nr, 1);
	assert_int_equal(d->changes[0].kind, DIFF_SCRIPT_CHANGED);
	assert_string_equal(d->changes[0].node, "clean");
	assert_null(d->changes[0].field);
	assert_string_equal(d->changes[0].path, "/nodes/1");
	assert_string_equal(json_string_value(d->changes[0].old_value), BLOB_A);
	assert_string_equal(json_string_value(d->changes[0].new_value), BLOB_B);
	format_text(f);
	assert_string_equal(buf_cstr(&f->out),
			    "~ node 'clean': script content 0beb81f7d1db -> 4c3363c0fddf\n");
	format_json(f);
	assert_has(&f->out, "\"kind\": \"script_changed\"");
	assert_has(&f->out, "\"new\": \"" BLOB_B "\"");
	format_mermaid(f);
	assert_has(&f->out, "class n1 changed\n");
	diff_release(d);

	/* Two catalog forms: their script_ids are the scripts' contents. */
	json_object_set_new(json_array_get(json_object_get(a, "nodes"), 1), "script_id",
			    json_string(BLOB_B));
	assert_int_equal(diff_pipelines(d, a, b, NULL, NULL), 0);
	assert_int_equal(d->nr, 1);
	assert_int_equal(d->changes[0].kind, DIFF_SCRIPT_CHANGED);
	assert_string_equal(json_string_value(d->changes[0].old_value), BLOB_B);
	assert_string_equal(json_string_value(d->changes[0].new_value), BLOB_A);
	diff_release(d);
	/* The map wins over script_id, as in a content fingerprint. */
	assert_int_equal(diff_pipelines(d, a, b, new_scripts, new_scripts), 0);
	assert_int_equal(d->nr, 0);
	json_decref(old_scripts);
	json_decref(new_scripts);
}

/*
 * An edge whose arguments alone changed is drawn in the colour of changes,
 * labelled old → new; the others keep their arguments as labels.
 */
static void test_mermaid_arguments(void **state)
{
	struct fixture *f = *state;
	json_t *edge = json_array_get(json_object_get(f->b, "edges"), 1);

	json_object_set_new(edge, "arguments", json_pack("[s]", "--output"));
	run_diff(&f->d, f->a, f->b);
	assert_int_equal(f->d.nr, 2);
	assert_int_equal(f->d.changes[1].kind, DIFF_STEP_ARGUMENTS_CHANGED);
	format_mermaid(f);
	/* The second link drawn (index 1) is clean -> out. */
	assert_has(&f->out, "  n0 -->|\"--in raw\"| n1\n"
			    "  n1 -->|\"--out \u2192 --output\"| n2\n");
	assert_has(&f->out, "  linkStyle 1 stroke:#bf8700,stroke-width:3px\n");
	assert_null(strstr(buf_cstr(&f->out), "linkStyle 0"));
}

static void test_patch(void **state)
{
	struct buf out = BUF_INIT;

	(void)state;
	assert_int_equal(diff_format_patch(&out, "a\n", 2, "a\n", 2, "p.json"), 0);
	assert_int_equal(out.len, 0);
	assert_int_equal(diff_format_patch(&out, "a\nb\n", 4, "a\nc\n", 4, "p.json"), 0);
	assert_has(&out, "--- a/p.json\n+++ b/p.json\n");
	assert_has(&out, "-b\n+c\n");
	buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_identical, setup, teardown),
		cmocka_unit_test_setup_teardown(test_each_kind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_order_and_duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_step_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scripts_by_content, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mermaid_arguments, setup, teardown),
		cmocka_unit_test(test_patch),
	};

	return cmocka_run_group_tests(tests, libgit2_start, libgit2_stop);
}

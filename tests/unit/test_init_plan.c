/* test_init_plan.c - the starter pipeline init proposes, and its best guess. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dfc/canonical.h"
#include "dfc/error.h"
#include "dfc/init_plan.h"
#include "dfc/validate.h"
#include "dfc/xalloc.h"

#include "temp_dir.h"

#include <stdlib.h>
#include <string.h>

/* A plan of the datasets and scripts given as "D path" / "S path". */
static void make_plan(struct init_plan *plan, const char *const *items)
{
	struct init_scan scan = INIT_SCAN_INIT;
	size_t n = 0;

	while (items[n])
		n++;
	scan.items = xcalloc(n ? n : 1, sizeof(*scan.items));
	for (size_t i = 0; i < n; i++) {
		scan.items[i].kind = items[i][0] == 'S' ? INIT_SCRIPT : INIT_DATASET;
		scan.items[i].path = xstrdup(items[i] + 2);
		scan.items[i].id = init_id_from_name(items[i] + 2);
	}
	scan.nr = n;
	init_plan_from_scan(plan, &scan, "", "test");
	init_scan_release(&scan);
}

static size_t pos(const struct init_plan *plan, const char *id)
{
	long p = init_plan_find(plan, id);

	assert_true(p >= 0);
	return (size_t)p;
}

/* The links as "from>to arg" lines in order. */
static char *links_text(const struct init_plan *plan)
{
	struct buf b = BUF_INIT;
	char *text;

	for (size_t i = 0; i < plan->nr_links; i++) {
		const struct init_link *l = &plan->links[i];
		const char *d = plan->nodes[l->dataset].id, *s = plan->nodes[l->script].id;

		buf_addf(&b, "%s>%s %s\n", l->write ? s : d, l->write ? d : s, l->argument);
	}
	text = buf_detach(&b, NULL);
	return text ? text : xstrdup("");
}

/* The plan's JSON validates. */
static void assert_valid(const struct init_plan *plan)
{
	struct problems problems = PROBLEMS_INIT;
	json_t *root = init_plan_json(plan);

	assert_int_equal(pipeline_validate(root, &problems), 0);
	assert_int_equal(problems.nr, 0);
	problems_release(&problems);
	json_decref(root);
}

static void test_mentions(void **state)
{
	static const struct {
		const char *text;
		const char *path;
		enum init_mention expected;
	} cases[] = {
		{ "df = pd.read_csv('data/raw.csv')\n", "data/raw.csv", INIT_MENTION_READ },
		{ "df.to_csv('data/out.csv')\n", "data/out.csv", INIT_MENTION_WRITE },
		{ "with open(\"out.csv\", \"w\") as f:\n", "data/out.csv", INIT_MENTION_WRITE },
		{ "with open(\"raw.csv\") as f:\n", "data/raw.csv", INIT_MENTION_READ },
		{ "sort data/raw.csv > data/sorted.csv\n", "data/sorted.csv", INIT_MENTION_WRITE },
		{ "sort data/raw.csv > data/sorted.csv\n", "data/raw.csv", INIT_MENTION_READ },
		{ "tool --input raw.csv --output clean.csv\n", "raw.csv", INIT_MENTION_READ },
		{ "tool --input raw.csv --output clean.csv\n", "clean.csv", INIT_MENTION_WRITE },
		{ "read('raw.csv'); save('clean.csv')\n", "raw.csv", INIT_MENTION_READ },
		{ "x = 'raw.csv'\nSAVE(x, 'raw.csv')\n", "raw.csv", INIT_MENTION_WRITE },
		{ "open('myraw.csv')\n", "raw.csv", INIT_MENTION_NONE },
		{ "open('raw.csv.bak')\n", "raw.csv", INIT_MENTION_NONE },
		{ "open('other/raw.csv')\n", "data/raw.csv", INIT_MENTION_READ },
		{ "nothing here\n", "raw.csv", INIT_MENTION_NONE },
		{ "", "raw.csv", INIT_MENTION_NONE },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		enum init_mention got =
			init_mention_find(cases[i].text, strlen(cases[i].text), cases[i].path);

		if (got != cases[i].expected)
			fail_msg("case %zu (%s in %s): got %d, expected %d", i, cases[i].path,
				 cases[i].text, got, cases[i].expected);
	}
}

static void test_guess_reads_and_writes(void **state)
{
	static const char *const items[] = { "D data/lookup.csv", "D data/out.csv",
					     "D data/raw.csv", "S scripts/clean.py", NULL };
	static const char text[] = "import pandas as pd\n"
				   "raw = pd.read_csv('data/raw.csv')\n"
				   "lookup = pd.read_csv('data/lookup.csv')\n"
				   "raw.to_csv('data/out.csv')\n";
	struct init_plan plan = INIT_PLAN_INIT;
	char *links;

	(void)state;
	make_plan(&plan, items);
	init_plan_guess_script(&plan, pos(&plan, "clean"), text, strlen(text));
	init_plan_propose_outputs(&plan, "");
	links = links_text(&plan);
	assert_string_equal(links, "lookup>clean --input\n"
				   "raw>clean --input\n"
				   "clean>out --output\n");
	assert_int_equal(plan.nr_nodes, 4);
	assert_valid(&plan);
	free(links);
	init_plan_release(&plan);
}

static void test_guess_never_cycles_nor_two_writers(void **state)
{
	static const char *const items[] = { "S a.py",	"S b.py",  "S c.py",
					     "D x.csv", "D y.csv", NULL };
	static const char a[] = "open('x.csv')\nopen('y.csv', 'w')\n";
	static const char b[] = "open('y.csv')\nopen('x.csv', 'w')\n";
	static const char c[] = "open('y.csv', 'w')\n";
	struct init_plan plan = INIT_PLAN_INIT;
	char *links;

	(void)state;
	make_plan(&plan, items);
	init_plan_guess_script(&plan, pos(&plan, "a"), a, strlen(a));
	init_plan_guess_script(&plan, pos(&plan, "b"), b, strlen(b));
	init_plan_guess_script(&plan, pos(&plan, "c"), c, strlen(c));
	init_plan_propose_outputs(&plan, "sub/");
	links = links_text(&plan);
	/* b writing x would close x > a > y > b > x; c is y's second writer */
	assert_string_equal(links, "x>a --input\n"
				   "a>y --output\n"
				   "y>b --input\n"
				   "b>b_out --output\n"
				   "c>c_out --output\n");
	assert_string_equal(plan.nodes[pos(&plan, "b_out")].path, "sub/data/b.out.csv");
	assert_true(plan.nodes[pos(&plan, "b_out")].is_new);
	assert_valid(&plan);
	free(links);
	init_plan_release(&plan);
}

static void test_link_refusals(void **state)
{
	static const char *const items[] = { "S a.py", "S b.py", "D x.csv", NULL };
	struct init_plan plan = INIT_PLAN_INIT;
	size_t a, b, x;

	(void)state;
	make_plan(&plan, items);
	a = pos(&plan, "a"), b = pos(&plan, "b"), x = pos(&plan, "x");
	assert_int_equal(init_plan_link(&plan, x, a, true, "--out"), 0);
	assert_true(init_plan_has_link(&plan, x, a, true));
	assert_false(init_plan_has_link(&plan, x, a, false));
	assert_int_equal(init_plan_link(&plan, x, a, true, "--out"), DFC_ECONFLICT);
	assert_int_equal(init_plan_link(&plan, x, b, true, "--out"), DFC_ECONFLICT);
	assert_non_null(strstr(dfc_error_message(), "'a'"));
	assert_int_equal(init_plan_link(&plan, x, a, false, "--in"), DFC_ECONFLICT);
	assert_non_null(strstr(dfc_error_message(), "cycle"));
	assert_int_equal(init_plan_link(&plan, x, b, false, "--in"), 0);
	assert_int_equal(plan.nr_links, 2);
	dfc_error_clear();
	assert_valid(&plan);
	init_plan_release(&plan);
}

static void test_add_dataset_ids(void **state)
{
	static const char *const items[] = { "S clean.py", "D clean.csv", NULL };
	struct init_plan plan = INIT_PLAN_INIT;
	size_t n;

	(void)state;
	make_plan(&plan, items);
	n = init_plan_add_dataset(&plan, "out/clean.csv", true);
	assert_string_equal(plan.nodes[n].id, "clean_2");
	assert_int_equal(init_plan_find_path(&plan, "out/clean.csv"), (long)n);
	assert_int_equal(init_plan_find_path(&plan, "clean.py"), -1);
	assert_int_equal(init_plan_find_path(&plan, "nope.csv"), -1);
	init_plan_release(&plan);
}

static void test_json_leaves_out_unused_new_datasets(void **state)
{
	static const char *const items[] = { "D raw.csv", "S s.sh", NULL };
	struct init_plan plan = INIT_PLAN_INIT;
	struct buf out = BUF_INIT;
	json_t *root;
	size_t used, unused;

	(void)state;
	make_plan(&plan, items);
	used = init_plan_add_dataset(&plan, "data/used.csv", true);
	unused = init_plan_add_dataset(&plan, "data/unused.csv", true);
	(void)unused;
	assert_int_equal(
		init_plan_link(&plan, pos(&plan, "raw"), pos(&plan, "s"), false, "--input"), 0);
	assert_int_equal(init_plan_link(&plan, used, pos(&plan, "s"), true, "-o"), 0);
	root = init_plan_json(&plan);
	canonical_dump(&out, root);
	assert_string_equal(buf_cstr(&out), "{\n"
					    "  \"name\": \"test\",\n"
					    "  \"nodes\": [\n"
					    "    {\n"
					    "      \"id\": \"raw\",\n"
					    "      \"type\": \"dataset\",\n"
					    "      \"path\": \"raw.csv\"\n"
					    "    },\n"
					    "    {\n"
					    "      \"id\": \"s\",\n"
					    "      \"type\": \"script\",\n"
					    "      \"path\": \"s.sh\"\n"
					    "    },\n"
					    "    {\n"
					    "      \"id\": \"used\",\n"
					    "      \"type\": \"dataset\",\n"
					    "      \"path\": \"data/used.csv\"\n"
					    "    }\n"
					    "  ],\n"
					    "  \"edges\": [\n"
					    "    {\n"
					    "      \"from\": \"raw\",\n"
					    "      \"to\": \"s\",\n"
					    "      \"arguments\": [\n"
					    "        \"--input\",\n"
					    "        {\n"
					    "          \"ref\": \"raw\"\n"
					    "        }\n"
					    "      ]\n"
					    "    },\n"
					    "    {\n"
					    "      \"from\": \"s\",\n"
					    "      \"to\": \"used\",\n"
					    "      \"arguments\": [\n"
					    "        \"-o\",\n"
					    "        {\n"
					    "          \"ref\": \"used\"\n"
					    "        }\n"
					    "      ]\n"
					    "    }\n"
					    "  ]\n"
					    "}\n");
	buf_release(&out);
	json_decref(root);
	init_plan_release(&plan);
}

static void test_copy_nodes(void **state)
{
	static const char *const items[] = { "D raw.csv", "S s.sh", NULL };
	struct init_plan plan = INIT_PLAN_INIT, copy = INIT_PLAN_INIT;

	(void)state;
	make_plan(&plan, items);
	init_plan_propose_outputs(&plan, "");
	init_plan_copy_nodes(&copy, &plan);
	assert_int_equal(copy.nr_nodes, 3);
	assert_int_equal(copy.nr_links, 0);
	assert_string_equal(copy.name, "test");
	assert_string_equal(copy.nodes[2].path, "data/s.out.csv");
	assert_true(copy.nodes[2].is_new);
	init_plan_release(&copy);
	init_plan_release(&plan);
}

/*
 * Write the files of `files` ({path, text} pairs, NULL-ended) in `dir`,
 * plan them as a scan would (scripts and datasets by extension, path
 * order) and guess; returns the JSON's edges as "from>to [args]" lines.
 */
static char *guessed(const char *dir, const char *const files[][2], struct init_plan *plan)
{
	const char *items[32];
	struct buf b = BUF_INIT;
	size_t n = 0;
	json_t *root, *edge;
	size_t i;
	char *text;

	for (; files[n][0]; n++) {
		assert_int_equal(temp_write_file(dir, files[n][0], files[n][1]), 0);
		items[n] = xasprintf("%c %s",
				     init_scan_classify(files[n][0]) == INIT_SCRIPT ? 'S' : 'D',
				     files[n][0]);
	}
	/* Path order, as the scan gives. */
	for (size_t x = 1; x < n; x++)
		for (size_t y = x; y > 0 && strcmp(items[y - 1] + 2, items[y] + 2) > 0; y--) {
			const char *t = items[y];

			items[y] = items[y - 1];
			items[y - 1] = t;
		}
	items[n] = NULL;
	make_plan(plan, items);
	for (size_t x = 0; x < n; x++)
		free((char *)items[x]);
	init_plan_guess(plan, dir, "");
	init_plan_propose_outputs(plan, "");
	assert_valid(plan);
	root = init_plan_json(plan);
	json_array_foreach(json_object_get(root, "edges"), i, edge) {
		char *args = json_dumps(json_object_get(edge, "arguments"), JSON_COMPACT);

		buf_addf(&b, "%s>%s %s\n", json_string_value(json_object_get(edge, "from")),
			 json_string_value(json_object_get(edge, "to")), args);
		free(args);
	}
	json_decref(root);
	text = buf_detach(&b, NULL);
	return text ? text : xstrdup("");
}

#define PY_ARGS(body) "import argparse\np = argparse.ArgumentParser()\n" body "a = p.parse_args()\n"

/* The folder of the issue: three argparse scripts, two CSV files. */
static void test_guess_from_arguments_chains(void **state)
{
	static const char *const files[][2] = {
		{ "clean.py", PY_ARGS("p.add_argument('--input', required=True)\n"
				      "p.add_argument('--output', required=True)\n") },
		{ "join.py", PY_ARGS("p.add_argument('-l', '--left', required=True)\n"
				     "p.add_argument('-r', '--right', required=True)\n"
				     "p.add_argument('-o', '--output', required=True)\n") },
		{ "report.py", PY_ARGS("p.add_argument('table')\n"
				       "p.add_argument('--rows', type=int, default=10)\n"
				       "p.add_argument('--out')\n") },
		{ "customers.csv", "id\n" },
		{ "sales.csv", "id\n" },
		{ NULL, NULL },
	};
	struct init_plan plan = INIT_PLAN_INIT;
	char *got = guessed(*state, files, &plan);

	assert_string_equal(got, "customers>clean [\"--input\",{\"ref\":\"customers\"}]\n"
				 "clean>clean_out [\"--output\",{\"ref\":\"clean_out\"}]\n"
				 "clean_out>join [\"--left\",{\"ref\":\"clean_out\"}]\n"
				 "sales>join [\"--right\",{\"ref\":\"sales\"}]\n"
				 "join>join_out [\"--output\",{\"ref\":\"join_out\"}]\n"
				 "report>report_out [\"--out\",{\"ref\":\"report_out\"}]\n"
				 "join_out>report [{\"ref\":\"join_out\"}]\n");
	assert_string_equal(plan.nodes[pos(&plan, "clean_out")].path, "data/clean.out.csv");
	free(got);
	init_plan_release(&plan);
}

/* Defaults, same-named datasets and named files come before any fallback. */
static void test_guess_from_arguments_evidence(void **state)
{
	static const char *const files[][2] = {
		{ "a.csv", "x\n" },
		{ "data/lookup.csv", "x\n" },
		{ "data/raw.csv", "x\n" },
		{ "notes.txt", "x\n" },
		{ "train.py", PY_ARGS("p.add_argument('--data', default='data/raw.csv')\n"
				      "p.add_argument('--lookup')\n"
				      "p.add_argument('--model', help='where to save the model')\n"
				      "p.add_argument('--verbose', action='store_true')\n"
				      "p.add_argument('--extra')\n"
				      "print(open('notes.txt').read())\n") },
		{ NULL, NULL },
	};
	struct init_plan plan = INIT_PLAN_INIT;
	char *got = guessed(*state, files, &plan);

	/* --extra says nothing and names nothing: left out; notes.txt is named: no argument. */
	assert_string_equal(got, "raw>train [\"--data\",{\"ref\":\"raw\"}]\n"
				 "lookup>train [\"--lookup\",{\"ref\":\"lookup\"}]\n"
				 "notes>train []\n"
				 "train>train_model [\"--model\",{\"ref\":\"train_model\"}]\n");
	assert_string_equal(plan.nodes[pos(&plan, "train_model")].path, "data/train.model.csv");
	free(got);
	init_plan_release(&plan);
}

/* An output's default is its path when it is a plain one inside the folder. */
static void test_guess_output_defaults(void **state)
{
	static const char *const files[][2] = {
		{ "a.py", PY_ARGS("p.add_argument('--out', default='./build/a.csv')\n") },
		{ "b.py", PY_ARGS("p.add_argument('--out', default='../b.csv')\n") },
		{ "c.py", PY_ARGS("p.add_argument('--out', default='$HOME/c.csv')\n") },
		{ "d.py", PY_ARGS("p.add_argument('--out', default='/tmp/d.csv')\n") },
		{ "e.py", PY_ARGS("p.add_argument('--out', default='.dfc/e.csv')\n") },
		{ "f.py", PY_ARGS("p.add_argument('--out', default='f\xff.csv')\n") },
		{ NULL, NULL },
	};
	struct init_plan plan = INIT_PLAN_INIT;
	char *got = guessed(*state, files, &plan);

	assert_string_equal(got, "a>a_2 [\"--out\",{\"ref\":\"a_2\"}]\n"
				 "b>b_out [\"--out\",{\"ref\":\"b_out\"}]\n"
				 "c>c_out [\"--out\",{\"ref\":\"c_out\"}]\n"
				 "d>d_out [\"--out\",{\"ref\":\"d_out\"}]\n"
				 "e>e_out [\"--out\",{\"ref\":\"e_out\"}]\n"
				 "f>f_out [\"--out\",{\"ref\":\"f_out\"}]\n");
	assert_string_equal(plan.nodes[pos(&plan, "a_2")].path, "build/a.csv");
	assert_string_equal(plan.nodes[pos(&plan, "b_out")].path, "data/b.out.csv");
	free(got);
	init_plan_release(&plan);
}

/* Positions go after the options, in position order, whatever the links' order. */
static void test_guess_positions_in_order(void **state)
{
	static const char *const files[][2] = {
		{ "in.csv", "x\n" },
		{ "swap.py", "import sys\nout = sys.argv[1]\nsrc = sys.argv[2]\n" },
		{ "tail.sh", "while getopts 'n:' o; do case $o in n) n=$OPTARG ;; esac; done\n"
			     "shift $((OPTIND - 1))\ntail -n \"$n\" \"$1\" > \"$2\"\n" },
		{ NULL, NULL },
	};
	struct init_plan plan = INIT_PLAN_INIT;
	char *got = guessed(*state, files, &plan);

	/* -n is not a file by its name: no edge, and no made-up --output either. */
	assert_string_equal(got, "swap>swap_out [{\"ref\":\"swap_out\"}]\n"
				 "in>swap [{\"ref\":\"in\"}]\n"
				 "swap_out>tail [{\"ref\":\"swap_out\"}]\n"
				 "tail>tail_out [{\"ref\":\"tail_out\"}]\n");
	free(got);
	init_plan_release(&plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mentions),
		cmocka_unit_test(test_guess_reads_and_writes),
		cmocka_unit_test(test_guess_never_cycles_nor_two_writers),
		cmocka_unit_test(test_link_refusals),
		cmocka_unit_test(test_add_dataset_ids),
		cmocka_unit_test(test_json_leaves_out_unused_new_datasets),
		cmocka_unit_test(test_copy_nodes),
		TEMP_DIR_TEST(test_guess_from_arguments_chains),
		TEMP_DIR_TEST(test_guess_from_arguments_evidence),
		TEMP_DIR_TEST(test_guess_output_defaults),
		TEMP_DIR_TEST(test_guess_positions_in_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_validate.c - every rule of SPEC §2 with its JSON pointer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_json.h"

#include "dfc/error.h"
#include "dfc/pipeline.h"
#include "dfc/validate.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define PIPELINES DFC_FIXTURES "/pipelines/"

/* Nodes and edges that every small test builds on. */
#define NODES                                                                                      \
	"{\"id\": \"in\", \"type\": \"dataset\", \"path\": \"in.csv\"},"                           \
	"{\"id\": \"s\", \"type\": \"script\", \"path\": \"s.py\"},"                               \
	"{\"id\": \"out\", \"type\": \"dataset\", \"path\": \"out.csv\"}"

/* Validate `text` and expect exactly `n` problems. */
static int check(struct problems *list, const char *text, size_t n)
{
	json_t *root = test_json(text);
	int ret = pipeline_validate(root, list);

	json_decref(root);
	if (list->nr != n) {
		for (size_t i = 0; i < list->nr; i++)
			print_error("  %s: %s\n", list->items[i].pointer, list->items[i].message);
		fail_msg("%zu problems instead of %zu in %s", list->nr, n, text);
	}
	return ret;
}

/* Problem `i` is at `pointer` and its message holds `what`. */
static void expect(const struct problems *list, size_t i, const char *pointer, const char *what)
{
	assert_true(i < list->nr);
	assert_string_equal(list->items[i].pointer, pointer);
	if (!strstr(list->items[i].message, what))
		fail_msg("'%s' lacks '%s'", list->items[i].message, what);
}

/* A problem expected: where it is, and what its message holds. */
struct want {
	const char *pointer, *what;
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The problems of `list` are exactly `wants`, in order, each of `code`. */
static void expect_each(const struct problems *list, int code, const struct want *wants, size_t n)
{
	assert_int_equal(list->nr, n);
	for (size_t i = 0; i < n; i++) {
		expect(list, i, wants[i].pointer, wants[i].what);
		assert_int_equal(list->items[i].code, code);
	}
}

/* Validate `text`: it fails with `code`, and its problems are exactly `wants`. */
static void expect_problems(const char *text, int code, const struct want *wants, size_t n)
{
	struct problems list = PROBLEMS_INIT;

	assert_int_equal(check(&list, text, n), code);
	expect_each(&list, code, wants, n);
	problems_release(&list);
}

/* One document, exactly one problem, at `pointer` saying `what`. */
static void one(const char *text, const char *pointer, const char *what)
{
	const struct want want = { pointer, what };

	expect_problems(text, DFC_EINVALID, &want, 1);
}

static void none(const char *text)
{
	struct problems list = PROBLEMS_INIT;

	assert_int_equal(check(&list, text, 0), 0);
	problems_release(&list);
}

static void validate_file(const char *name, struct problems *list)
{
	struct pipeline p = PIPELINE_INIT;

	assert_int_equal(pipeline_load(&p, name, list), 0);
	pipeline_validate(p.root, list);
	pipeline_release(&p);
}

static void test_valid_files(void **state)
{
	struct problems list = PROBLEMS_INIT;

	(void)state;
	validate_file(PIPELINES "spec-example.json", &list);
	validate_file(PIPELINES "no-id.json", &list);
	validate_file(PIPELINES "bom.json", &list);
	assert_int_equal(list.nr, 0);
}

/* Documents without a problem. */
static const char *const valid[] = {
	"{\"nodes\": [], \"edges\": []}",
	"{\"nodes\": [], \"edges\": [], \"name\": \"n\", \"anything\": 1}",
	"{\"id\": \"0190c2d4-7b1e-7c3a-9f00-2a6a3c1d9e55\", \"nodes\": [], \"edges\": []}",
	/* script fields */
	"{\"nodes\": [{\"id\": \"a\", \"type\": \"script\", "
	"\"script_id\": \"0123456789abcdef0123456789abcdef01234567\"}], \"edges\": []}",
	"{\"nodes\": [{\"id\": \"a\", \"type\": \"script\", \"path\": \"a\", "
	"\"interpreter\": \"python3 -u\", \"unknown\": {\"x\": null}}], \"edges\": []}",
	/* dataset fields */
	"{\"nodes\": [{\"id\": \"a\", \"type\": \"dataset\", "
	"\"url\": \"HTTPS://example.org/a.csv\"}, {\"id\": \"b\", "
	"\"type\": \"dataset\", \"dataset_id\": "
	"\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}],"
	" \"edges\": []}",
	/* every Slurm resource */
	"{\"nodes\": [{\"id\": \"a\", \"type\": \"script\", \"path\": \"a\", "
	"\"resources\": {\"cpus\": 4, \"mem\": \"8G\", \"time\": "
	"\"01:00:00\", \"partition\": \"gpu\", \"gpus\": 0}}], \"edges\": []}",
	/* every kind of argument */
	"{\"nodes\": [" NODES "], \"edges\": [{\"from\": \"in\", \"to\": \"s\", "
	"\"arguments\": [\"--a\", 1, -2.5, true, false, \"\", {\"ref\": \"out\"}]}]}",
};

static void test_valid_documents(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(valid); i++)
		none(valid[i]);
}

/* Documents with exactly one problem (DFC_EINVALID), and where and what it is. */
static const struct {
	const char *text;
	struct want want;
} single[] = {
	/* top level */
	{ "[]", { "", "top level must be an object" } },
	{ "{\"edges\": []}", { "/nodes", "missing 'nodes'" } },
	{ "{\"nodes\": []}", { "/edges", "missing 'edges'" } },
	{ "{\"nodes\": {}, \"edges\": []}", { "/nodes", "'nodes' must be an array" } },
	{ "{\"nodes\": [], \"edges\": null}", { "/edges", "'edges' must be an array" } },
	{ "{\"nodes\": [], \"edges\": [], \"name\": 3}", { "/name", "'name' must be a string" } },
	{ "{\"nodes\": [], \"edges\": [], \"description\": []}",
	  { "/description", "'description' must be a string" } },
	/* pipeline id */
	{ "{\"id\": 5, \"nodes\": [], \"edges\": []}", { "/id", "'id' must be a string" } },
	/* node shape and id */
	{ "{\"nodes\": [" NODES ", 7], \"edges\": []}", { "/nodes/3", "node must be an object" } },
	{ "{\"nodes\": [{\"type\": \"dataset\", \"path\": \"x\"}], \"edges\": []}",
	  { "/nodes/0/id", "missing 'id'" } },
	{ "{\"nodes\": [{\"id\": 1, \"type\": \"dataset\", \"path\": \"x\"}], \"edges\": []}",
	  { "/nodes/0/id", "'id' must be a string" } },
	{ "{\"nodes\": [{\"id\": \"-x\", \"type\": \"dataset\", \"path\": \"x\"}], \"edges\": []}",
	  { "/nodes/0/id", "invalid node id '-x'" } },
	{ "{\"nodes\": [{\"id\": \"a b\", \"type\": \"dataset\", \"path\": \"x\"}], \"edges\": []}",
	  { "/nodes/0/id", "invalid node id 'a b'" } },
	{ "{\"nodes\": [" NODES ", {\"id\": \"s\", \"type\": \"script\", "
	  "\"path\": \"t.py\"}], \"edges\": []}",
	  { "/nodes/3/id", "duplicate node id 's' (first at /nodes/1)" } },
	/* node types */
	{ "{\"nodes\": [{\"id\": \"a\", \"path\": \"x\"}], \"edges\": []}",
	  { "/nodes/0/type", "missing 'type'" } },
	{ "{\"nodes\": [{\"id\": \"a\", \"type\": \"table\"}], \"edges\": []}",
	  { "/nodes/0/type", "unknown node type 'table'" } },
	{ "{\"nodes\": [{\"id\": \"a\", \"type\": 1}], \"edges\": []}",
	  { "/nodes/0/type", "'type' must be 'script' or 'dataset'" } },
	/* script fields */
	{ "{\"nodes\": [{\"id\": \"a\", \"type\": \"script\"}], \"edges\": []}",
	  { "/nodes/0", "script needs 'path' or 'script_id'" } },
	{ "{\"nodes\": [{\"id\": \"a\", \"type\": \"script\", \"path\": 3}], \"edges\": []}",
	  { "/nodes/0/path", "'path' must be a string" } },
	{ "{\"nodes\": [{\"id\": \"a\", \"type\": \"script\", \"path\": \"\"}], \"edges\": []}",
	  { "/nodes/0/path", "'path' must not be empty" } },
	{ "{\"nodes\": [{\"id\": \"a\", \"type\": \"script\", \"path\": \"a\", "
	  "\"interpreter\": \"\"}], \"edges\": []}",
	  { "/nodes/0/interpreter", "'interpreter' must not be empty" } },
	{ "{\"nodes\": [{\"id\": \"a\", \"type\": \"script\", \"path\": \"a\", "
	  "\"interpreter\": [\"sh\"]}], \"edges\": []}",
	  { "/nodes/0/interpreter", "'interpreter' must be a string" } },
	{ "{\"nodes\": [{\"id\": \"a\", \"type\": \"script\", "
	  "\"script_id\": \"../../etc/passwd\"}], \"edges\": []}",
	  { "/nodes/0/script_id", "'script_id' must be a git blob id" } },
	/* dataset fields */
	{ "{\"nodes\": [{\"id\": \"a\", \"type\": \"dataset\"}], \"edges\": []}",
	  { "/nodes/0", "dataset needs 'path', 'dataset_id' or 'url'" } },
	{ "{\"nodes\": [{\"id\": \"a\", \"type\": \"dataset\", \"url\": \"ftp://x/a\"}], "
	  "\"edges\": []}",
	  { "/nodes/0/url", "'url' must be an http:// or https:// address" } },
	{ "{\"nodes\": [{\"id\": \"a\", \"type\": \"dataset\", \"url\": \"https://\"}], "
	  "\"edges\": []}",
	  { "/nodes/0/url", "'url' must be an http:// or https:// address" } },
	{ "{\"nodes\": [{\"id\": \"a\", \"type\": \"dataset\", \"url\": \"http://a b\"}], "
	  "\"edges\": []}",
	  { "/nodes/0/url", "must not contain spaces" } },
	{ "{\"nodes\": [{\"id\": \"a\", \"type\": \"dataset\", \"url\": true}], \"edges\": []}",
	  { "/nodes/0/url", "'url' must be a string" } },
	{ "{\"nodes\": [{\"id\": \"a\", \"type\": \"dataset\", \"dataset_id\": \"ABC\"}], "
	  "\"edges\": []}",
	  { "/nodes/0/dataset_id", "'dataset_id' must be a git blob id" } },
	/* resources */
	{ "{\"nodes\": [{\"id\": \"a\", \"type\": \"script\", \"path\": \"a\", "
	  "\"resources\": 4}], \"edges\": []}",
	  { "/nodes/0/resources", "'resources' must be an object" } },
	/* edges */
	{ "{\"nodes\": [" NODES "], \"edges\": [\"x\"]}",
	  { "/edges/0", "edge must be an object" } },
	{ "{\"nodes\": [" NODES "], \"edges\": [{\"to\": \"s\"}]}",
	  { "/edges/0/from", "missing 'from'" } },
	{ "{\"nodes\": [" NODES "], \"edges\": [{\"from\": \"in\"}]}",
	  { "/edges/0/to", "missing 'to'" } },
	{ "{\"nodes\": [" NODES "], \"edges\": [{\"from\": 1, \"to\": \"s\"}]}",
	  { "/edges/0/from", "'from' must be a string" } },
	{ "{\"nodes\": [" NODES "], \"edges\": [{\"from\": \"in\", \"to\": \"s\"},"
	  " {\"from\": \"s\", \"to\": \"out\"}, {\"from\": \"in\", \"to\": \"s\"},"
	  " {\"from\": \"s\", \"to\": \"x\"}]}",
	  { "/edges/3/to", "unknown node 'x'" } },
	{ "{\"nodes\": [" NODES "], \"edges\": [{\"from\": \"s\", \"to\": \"s\"}]}",
	  { "/edges/0", "edge from 's' to itself" } },
	{ "{\"nodes\": [" NODES "], \"edges\": [{\"from\": \"in\", \"to\": \"out\"}]}",
	  { "/edges/0", "edge between two datasets 'in' and 'out'" } },
	{ "{\"nodes\": [" NODES "], \"edges\": [{\"from\": \"in\", \"to\": \"s\", "
	  "\"arguments\": \"--x\"}]}",
	  { "/edges/0/arguments", "'arguments' must be an array" } },
};

static void test_documents_with_one_problem(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(single); i++)
		expect_problems(single[i].text, DFC_EINVALID, &single[i].want, 1);
}

/* Documents with several problems (DFC_EINVALID): each, in order, where and what. */
static const struct {
	const char *text;
	struct want wants[8];
} several[] = {
	/* both arrays missing */
	{ "{}", { { "/nodes", "missing 'nodes'" }, { "/edges", "missing 'edges'" } } },
	/* a third copy still names the first */
	{ "{\"nodes\": [" NODES ", " NODES "], \"edges\": []}",
	  { { "/nodes/3/id", "duplicate node id 'in' (first at /nodes/0)" },
	    { "/nodes/4/id", "duplicate node id 's' (first at /nodes/1)" },
	    { "/nodes/5/id", "duplicate node id 'out' (first at /nodes/2)" } } },
	/* every bad resource */
	{ "{\"nodes\": [{\"id\": \"a\", \"type\": \"script\", \"path\": \"a\", "
	  "\"resources\": {\"cpus\": 0, \"mem\": \"lots\", \"time\": \"1h\", "
	  "\"partition\": \"a b\", \"gpus\": -1, \"fo/o~\": 1}}], \"edges\": []}",
	  { { "/nodes/0/resources/cpus", "a positive integer" },
	    { "/nodes/0/resources/mem", "a size" },
	    { "/nodes/0/resources/time", "a time" },
	    { "/nodes/0/resources/partition", "a partition name" },
	    { "/nodes/0/resources/gpus", "a non-negative integer" },
	    /* RFC 6901: '/' is written "~1" and '~' "~0" */
	    { "/nodes/0/resources/fo~1o~0", "unknown resource 'fo/o~'" } } },
	/* both ends of an edge unknown */
	{ "{\"nodes\": [], \"edges\": [{\"from\": \"p\", \"to\": \"q\"}]}",
	  { { "/edges/0/from", "unknown node 'p'" }, { "/edges/0/to", "unknown node 'q'" } } },
	/* every bad argument */
	{ "{\"nodes\": [" NODES "], \"edges\": [{\"from\": \"in\", \"to\": \"s\","
	  " \"arguments\": [\"ok\", null, [\"a\"], {\"path\": \"x\"}, "
	  "{\"ref\": \"in\", \"x\": 1}, {\"ref\": 3}, {\"ref\": \"nope\"}, {}]}]}",
	  { { "/edges/0/arguments/1", "argument must be a string" },
	    { "/edges/0/arguments/2", "argument must be a string" },
	    { "/edges/0/arguments/3", "argument must be a string" },
	    { "/edges/0/arguments/4", "argument must be a string" },
	    { "/edges/0/arguments/5", "'ref' must be a node id string" },
	    { "/edges/0/arguments/6", "'ref' names unknown node 'nope'" },
	    { "/edges/0/arguments/7", "argument must be a string" } } },
	/* a cycle of two, found alongside other problems */
	{ "{\"nodes\": [{\"id\": \"p\", \"type\": \"script\", \"path\": \"p\"},"
	  " {\"id\": \"q\", \"type\": \"script\", \"path\": \"q\"}],"
	  " \"edges\": [{\"from\": \"p\", \"to\": \"q\"}, {\"from\": \"q\","
	  " \"to\": \"p\"}, {\"from\": \"q\", \"to\": \"r\"}]}",
	  { { "/edges/2/to", "unknown node 'r'" }, { "/edges", "cycle: p -> q -> p" } } },
	/* messages are quoted safely */
	{ "{\"nodes\": [], \"edges\": [{\"from\": \"\\u001b[2J\", \"to\": \"b\"}]}",
	  { { "/edges/0/from", "unknown node '\\x1b[2J'" },
	    { "/edges/0/to", "unknown node 'b'" } } },
};

static void test_documents_with_several_problems(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(several); i++) {
		size_t n = 0;

		while (n < COUNT(several[i].wants) && several[i].wants[n].pointer)
			n++;
		expect_problems(several[i].text, DFC_EINVALID, several[i].wants, n);
	}
}

static void test_pipeline_id(void **state)
{
	static const struct want unsafe = { "/id", "unsafe pipeline id '../../x'" };
	static const struct want control = { "/id", "'a\\x0ab'" };
	struct problems list = PROBLEMS_INIT;

	(void)state;
	expect_problems("{\"id\": \"../../x\", \"nodes\": [], \"edges\": []}", DFC_ESECURITY,
			&unsafe, 1);
	/* the security problem wins over the others */
	assert_int_equal(check(&list, "{\"id\": \"a.lock\", \"edges\": []}", 2), DFC_ESECURITY);
	problems_release(&list);
	expect_problems("{\"id\": \"a\\nb\", \"nodes\": [], \"edges\": []}", DFC_ESECURITY,
			&control, 1);
}

static void test_resource_times(void **state)
{
	/* Every form sbatch --time takes, and near misses. */
	static const struct {
		const char *time;
		bool valid;
	} times[] = {
		{ "30", true },	     { "30:00", true },	     { "01:00:00", true }, { "2-00", true },
		{ "2-12:30", true }, { "1-00:00:00", true }, { "", false },	   { "1:", false },
		{ ":1", false },     { "1::2", false },	     { "1:2:3:4", false }, { "2-", false },
		{ "-1", false },
	};

	(void)state;
	for (size_t k = 0; k < COUNT(times); k++) {
		char text[256];

		snprintf(text, sizeof(text),
			 "{\"nodes\": [{\"id\": \"a\", \"type\": \"script\", \"path\": "
			 "\"a\", \"resources\": {\"time\": \"%s\"}}], \"edges\": []}",
			 times[k].time);
		if (times[k].valid)
			none(text);
		else
			one(text, "/nodes/0/resources/time", "a time");
	}
}

static void test_cycle(void **state)
{
	static const struct want in_file = { "/edges", "cycle: a -> b -> c -> a" };
	struct problems list = PROBLEMS_INIT;

	(void)state;
	validate_file(PIPELINES "cycle.json", &list);
	expect_each(&list, DFC_EINVALID, &in_file, 1);
	assert_string_equal(list.items[0].message, "cycle: a -> b -> c -> a");
	problems_release(&list);
}

static void test_all_problems_at_once(void **state)
{
	static const struct want wants[] = {
		{ "/nodes/1/type", "unknown node type 'table'" },
		{ "/nodes/2/id", "duplicate node id 'a' (first at /nodes/0)" },
		{ "/nodes/3/url", "http:// or https://" },
		{ "/edges/0/to", "unknown node 'nowhere'" },
		{ "/edges/0/arguments/1", "argument must be" },
	};
	struct problems list = PROBLEMS_INIT;

	(void)state;
	validate_file(PIPELINES "five-problems.json", &list);
	expect_each(&list, DFC_EINVALID, wants, COUNT(wants));
	assert_int_equal(problems_code(&list), DFC_EINVALID);
	problems_release(&list);
}

static void test_return_counts_only_new_problems(void **state)
{
	struct problems list = PROBLEMS_INIT;
	json_t *root = test_json("{\"nodes\": [], \"edges\": []}");

	(void)state;
	problems_add(&list, DFC_ESECURITY, "/id", "from another file");
	assert_int_equal(pipeline_validate(root, &list), 0);
	assert_int_equal(list.nr, 1);
	json_decref(root);
	problems_release(&list);
}

/* A valid pipeline of `n` nodes (datasets and scripts in turn), 2n edges. */
static json_t *big_pipeline(size_t n)
{
	json_t *nodes = json_array(), *edges = json_array();
	char a[32], b[32];

	for (size_t i = 0; i < n; i++) {
		snprintf(a, sizeof(a), "node-%zu", i);
		json_array_append_new(nodes, json_pack("{s:s,s:s,s:s}", "id", a, "type",
						       i % 2 ? "script" : "dataset", "path", a));
	}
	for (size_t i = 0; i + 1 < n; i++) {
		snprintf(a, sizeof(a), "node-%zu", i);
		snprintf(b, sizeof(b), "node-%zu", i + 1);
		json_array_append_new(edges, json_pack("{s:s,s:s,s:[s,{s:s}]}", "from", a, "to", b,
						       "arguments", "--in", "ref", a));
		if (i % 2 && i + 2 < n) {
			snprintf(b, sizeof(b), "node-%zu", i + 2);
			json_array_append_new(edges, json_pack("{s:s,s:s}", "from", a, "to", b));
			json_array_append_new(edges, json_pack("{s:s,s:s}", "from", a, "to", b));
		}
	}
	return json_pack("{s:o,s:o}", "nodes", nodes, "edges", edges);
}

static void test_large_pipeline_is_linear(void **state)
{
	const size_t n = 40000;
	json_t *root = big_pipeline(n);
	struct problems list = PROBLEMS_INIT;
	struct timespec t0, t1;
	double secs;

	(void)state;
	assert_int_equal(json_array_size(json_object_get(root, "edges")),
			 (n - 1) + 2 * ((n - 2) / 2));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(pipeline_validate(root, &list), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(list.nr, 0);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* generous, even under sanitizers: quadratic work would take minutes */
	if (secs > 3.0)
		fail_msg("validating %zu nodes took %.2f s", n, secs);

	/* close a cycle through the whole chain: found, no stack overflow */
	json_array_append_new(json_object_get(root, "edges"),
			      json_pack("{s:s,s:s}", "from", "node-39999", "to", "node-1"));
	assert_int_equal(pipeline_validate(root, &list), DFC_EINVALID);
	assert_int_equal(list.nr, 1);
	expect(&list, 0, "/edges", "cycle: node-1 -> node-2 -> ");
	problems_release(&list);
	json_decref(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_files),
		cmocka_unit_test(test_valid_documents),
		cmocka_unit_test(test_documents_with_one_problem),
		cmocka_unit_test(test_documents_with_several_problems),
		cmocka_unit_test(test_pipeline_id),
		cmocka_unit_test(test_resource_times),
		cmocka_unit_test(test_cycle),
		cmocka_unit_test(test_all_problems_at_once),
		cmocka_unit_test(test_return_counts_only_new_problems),
		cmocka_unit_test(test_large_pipeline_is_linear),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_merge.c - the three-way structural merge: a table of cases (what is
 * taken, what conflicts, where things go), and its laws checked on many
 * random pipelines: merge(b, x, x) = x, merge(b, b, x) = merge(b, x, b) =
 * x, merging is symmetric up to order, and disjoint edits all survive.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_json.h"

#include "dfc/merge.h"
#include "dfc/strvec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char base[] =
	"{\"id\": \"p\", \"name\": \"daily\", \"nodes\": ["
	"{\"id\": \"raw\", \"type\": \"dataset\", \"path\": \"data/raw.csv\"},"
	"{\"id\": \"clean\", \"type\": \"script\", \"path\": \"clean.py\"},"
	"{\"id\": \"out\", \"type\": \"dataset\", \"path\": \"data/out.csv\"}],"
	"\"edges\": ["
	"{\"from\": \"raw\", \"to\": \"clean\", \"arguments\": [\"--in\", {\"ref\": \"raw\"}]},"
	"{\"from\": \"clean\", \"to\": \"out\", \"arguments\": [\"--out\", {\"ref\": \"out\"}]}]}";

/* A copy of the base with `path` (a JSON pointer of keys and indexes) set
 * to the JSON `value`, or removed when `value` is NULL. */
static json_t *edit(const json_t *from, const char *path, const char *value)
{
	json_t *doc = json_deep_copy(from), *at = doc;
	char *copy = strdup(path), *save = NULL, *tok = strtok_r(copy, "/", &save);

	while (tok) {
		char *next = strtok_r(NULL, "/", &save);
		json_t *child = json_is_array(at) ? json_array_get(at, (size_t)atoi(tok))
						  : json_object_get(at, tok);

		if (!next) {
			if (json_is_array(at)) {
				if (value)
					json_array_set_new(at, (size_t)atoi(tok), test_json(value));
				else
					json_array_remove(at, (size_t)atoi(tok));
			} else if (value) {
				json_object_set_new(at, tok, test_json(value));
			} else {
				json_object_del(at, tok);
			}
		}
		at = child;
		tok = next;
	}
	free(copy);
	return doc;
}

/* One case: two edits of the base, and what the merge must give. */
struct merge_case {
	const char *what;
	const char *ours_path, *ours_value;
	const char *theirs_path, *theirs_value;
	size_t conflicts;
	const char *pointer;   /* of the first conflict */
	const char *check;     /* a pointer into the result... */
	const char *expected;  /* ...and its JSON value ("null": absent) */
};

static const struct merge_case cases[] = {
	{ "different nodes", "/nodes/0/path", "\"a.csv\"", "/nodes/2/path", "\"b.csv\"", 0, NULL,
	  "/nodes/2/path", "\"b.csv\"" },
	{ "different keys of one node", "/nodes/1/path", "\"c.py\"", "/nodes/1/interpreter",
	  "\"python3 -u\"", 0, NULL, "/nodes/1/interpreter", "\"python3 -u\"" },
	{ "the same change on both sides", "/name", "\"x\"", "/name", "\"x\"", 0, NULL, "/name",
	  "\"x\"" },
	{ "different changes to one value", "/name", "\"x\"", "/name", "\"y\"", 1, "/name", "/name",
	  "\"x\"" },
	{ "an argument list is one value", "/edges/0/arguments", "[\"--a\"]", "/edges/0/arguments",
	  "[\"--b\"]", 1, "/edges/0/arguments", NULL, NULL },
	{ "arguments on different edges", "/edges/0/arguments", "[\"--a\"]", "/edges/1/arguments",
	  "[\"--b\"]", 0, NULL, "/edges/1/arguments", "[\"--b\"]" },
	{ "a top-level key added on one side", "/description", "\"d\"", "/name", "\"n2\"", 0, NULL,
	  "/description", "\"d\"" },
	{ "a key removed on one side", "/name", NULL, "/nodes/0/path", "\"z\"", 0, NULL, "/name",
	  "null" },
	{ "a node deleted on one side, changed on the other", "/nodes/2", NULL, "/nodes/2/path",
	  "\"new.csv\"", 1, "/nodes/2", NULL, NULL },
	{ "a node deleted on one side, unchanged on the other", "/nodes/0", NULL, "/name", "\"n\"",
	  0, NULL, "/nodes/0/id", "\"clean\"" },
};

static void check_case(const struct merge_case *c, bool swapped)
{
	json_t *b = test_json(base);
	json_t *o = edit(b, c->ours_path, c->ours_value);
	json_t *t = edit(b, c->theirs_path, c->theirs_value);
	struct merge_result res;

	if (swapped) {
		json_t *tmp = o;

		o = t;
		t = tmp;
	}
	assert_int_equal(merge_documents(b, o, t, &res), 0);
	if (res.nr_conflicts != c->conflicts)
		fail_msg("%s: %zu conflicts, expected %zu", c->what, res.nr_conflicts, c->conflicts);
	if (c->pointer && !swapped)
		assert_string_equal(res.conflicts[0].pointer, c->pointer);
	if (c->check && !c->conflicts) {
		json_t *want = test_json(c->expected);
		const char *p = c->check;
		json_t *at = res.merged;
		char key[64];

		while (at && *p == '/') {
			size_t n = strcspn(p + 1, "/");

			snprintf(key, sizeof(key), "%.*s", (int)n, p + 1);
			at = json_is_array(at) ? json_array_get(at, (size_t)atoi(key))
					       : json_object_get(at, key);
			p += n + 1;
		}
		if (json_is_null(want) ? at != NULL : !json_equal(at, want))
			fail_msg("%s: %s is not %s", c->what, c->check, c->expected);
		json_decref(want);
	}
	merge_result_release(&res);
	json_decref(b);
	json_decref(o);
	json_decref(t);
}

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		check_case(&cases[i], false);
		check_case(&cases[i], true);
	}
}

/* New nodes on both sides keep each side's place: after what they follow. */
static void test_order_of_additions(void **state)
{
	json_t *b = test_json(base);
	json_t *o = test_json(base), *t = test_json(base);
	struct merge_result res;
	const char *want[] = { "raw", "a", "clean", "b", "out" };

	(void)state;
	json_array_insert_new(json_object_get(o, "nodes"), 1,
			      test_json("{\"id\": \"a\", \"type\": \"dataset\"}"));
	json_array_insert_new(json_object_get(t, "nodes"), 2,
			      test_json("{\"id\": \"b\", \"type\": \"dataset\"}"));
	assert_int_equal(merge_documents(b, o, t, &res), 0);
	assert_int_equal(res.nr_conflicts, 0);
	assert_int_equal(json_array_size(json_object_get(res.merged, "nodes")), 5);
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(json_string_value(json_object_get(
					    json_array_get(json_object_get(res.merged, "nodes"), i), "id")),
				    want[i]);
	assert_int_equal(res.from_ours, 1);
	assert_int_equal(res.from_theirs, 1);
	merge_result_release(&res);
	json_decref(b);
	json_decref(o);
	json_decref(t);
}

/* Two edges with the same ends match by their position among them. */
static void test_parallel_edges(void **state)
{
	json_t *b = test_json("{\"nodes\": [], \"edges\": ["
			      "{\"from\": \"a\", \"to\": \"b\", \"arguments\": [\"1\"]},"
			      "{\"from\": \"a\", \"to\": \"b\", \"arguments\": [\"2\"]}]}");
	json_t *o = edit(b, "/edges/0/arguments", "[\"one\"]");
	json_t *t = edit(b, "/edges/1/arguments", "[\"two\"]");
	json_t *want = test_json("{\"nodes\": [], \"edges\": ["
				 "{\"from\": \"a\", \"to\": \"b\", \"arguments\": [\"one\"]},"
				 "{\"from\": \"a\", \"to\": \"b\", \"arguments\": [\"two\"]}]}");
	struct merge_result res;

	(void)state;
	assert_int_equal(merge_documents(b, o, t, &res), 0);
	assert_int_equal(res.nr_conflicts, 0);
	assert_true(json_equal(res.merged, want));
	merge_result_release(&res);
	json_decref(b);
	json_decref(o);
	json_decref(t);
	json_decref(want);
}

static void test_not_an_object(void **state)
{
	json_t *b = test_json(base), *a = test_json("[]");
	struct merge_result res;

	(void)state;
	assert_int_equal(merge_documents(b, a, b, &res), -3);
	merge_result_release(&res);
	json_decref(a);
	json_decref(b);
}

/* --- Laws, on random pipelines ------------------------------------------ */

static unsigned rnd(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 16) & 0x7fff;
}

static json_t *random_pipeline(unsigned *seed)
{
	json_t *doc = json_object(), *nodes = json_array(), *edges = json_array();
	unsigned n = 2 + rnd(seed) % 8;

	json_object_set_new(doc, "name", json_sprintf("p%u", rnd(seed) % 3));
	for (unsigned i = 0; i < n; i++)
		json_array_append_new(nodes, json_pack("{s:o, s:s, s:s}", "id", json_sprintf("n%u", i),
						       "type", i % 2 ? "script" : "dataset", "path",
						       i % 3 ? "a" : "b"));
	for (unsigned i = 0; i < n + 2; i++)
		json_array_append_new(edges, json_pack("{s:o, s:o, s:[i]}", "from",
						       json_sprintf("n%u", rnd(seed) % n), "to",
						       json_sprintf("n%u", rnd(seed) % n), "arguments",
						       (int)(rnd(seed) % 4)));
	json_object_set_new(doc, "nodes", nodes);
	json_object_set_new(doc, "edges", edges);
	return doc;
}

/* A random edit of a copy of `doc`: change, add, remove or move things. */
static json_t *random_edit(const json_t *doc, unsigned *seed)
{
	json_t *out = json_deep_copy(doc);
	json_t *nodes = json_object_get(out, "nodes"), *edges = json_object_get(out, "edges");
	unsigned edits = 1 + rnd(seed) % 3;

	for (unsigned e = 0; e < edits; e++) {
		size_t nn = json_array_size(nodes), ne = json_array_size(edges);

		switch (rnd(seed) % 7) {
		case 0:
			json_object_set_new(out, "name", json_sprintf("q%u", rnd(seed) % 3));
			break;
		case 1:
			if (nn)
				json_object_set_new(json_array_get(nodes, rnd(seed) % nn), "path",
						    json_sprintf("p%u", rnd(seed) % 4));
			break;
		case 2:
			json_array_append_new(nodes, json_pack("{s:o, s:s}", "id",
							       json_sprintf("x%u", rnd(seed) % 50),
							       "type", "dataset"));
			break;
		case 3:
			if (nn)
				json_array_remove(nodes, rnd(seed) % nn);
			break;
		case 4:
			if (ne)
				json_object_set_new(json_array_get(edges, rnd(seed) % ne), "arguments",
						    json_pack("[i]", (int)(rnd(seed) % 4)));
			break;
		case 5:
			if (ne)
				json_array_remove(edges, rnd(seed) % ne);
			break;
		default:
			if (nn > 1) {
				size_t from = rnd(seed) % nn;
				json_t *n = json_incref(json_array_get(nodes, from));

				json_array_remove(nodes, from);
				json_array_insert_new(nodes, rnd(seed) % nn, n);
			}
			break;
		}
	}
	return out;
}

/* `doc` with its lists sorted by key, so that order does not count. */
static json_t *unordered(const json_t *doc)
{
	json_t *out = json_deep_copy(doc);
	const char *lists[] = { "nodes", "edges" };

	for (size_t l = 0; l < 2; l++) {
		json_t *a = json_object_get(out, lists[l]), *sorted = json_array();
		size_t n = json_array_size(a);
		char **dumps = calloc(n + 1, sizeof(*dumps));

		for (size_t i = 0; i < n; i++)
			dumps[i] = json_dumps(json_array_get(a, i), JSON_SORT_KEYS | JSON_COMPACT);
		qsort(dumps, n, sizeof(*dumps), strvec_compare);
		for (size_t i = 0; i < n; i++) {
			json_array_append_new(sorted, json_loads(dumps[i], 0, NULL));
			free(dumps[i]);
		}
		free(dumps);
		if (a)
			json_object_set_new(out, lists[l], sorted);
		else
			json_decref(sorted);
	}
	return out;
}

static void assert_merge_is(const json_t *b, const json_t *o, const json_t *t, const json_t *want,
			    unsigned seed)
{
	struct merge_result res;

	assert_int_equal(merge_documents(b, o, t, &res), 0);
	if (res.nr_conflicts || !json_equal(res.merged, want))
		fail_msg("seed %u: merge is not the expected document", seed);
	merge_result_release(&res);
}

static void test_laws(void **state)
{
	unsigned cases_run = 0;

	(void)state;
	for (unsigned seed0 = 1; seed0 <= 500; seed0++) {
		unsigned seed = seed0;
		json_t *b = random_pipeline(&seed);
		json_t *x = random_edit(b, &seed), *y = random_edit(b, &seed);
		struct merge_result xy, yx;

		assert_merge_is(b, x, x, x, seed0);
		assert_merge_is(b, b, x, x, seed0);
		assert_merge_is(b, x, b, x, seed0);

		assert_int_equal(merge_documents(b, x, y, &xy), 0);
		assert_int_equal(merge_documents(b, y, x, &yx), 0);
		if (xy.nr_conflicts != yx.nr_conflicts)
			fail_msg("seed %u: %zu conflicts one way, %zu the other", seed0,
				 xy.nr_conflicts, yx.nr_conflicts);
		if (!xy.nr_conflicts) {
			json_t *a = unordered(xy.merged), *c = unordered(yx.merged);

			if (!json_equal(a, c))
				fail_msg("seed %u: merge(b, x, y) and merge(b, y, x) differ", seed0);
			json_decref(a);
			json_decref(c);
			cases_run++;
		}
		merge_result_release(&xy);
		merge_result_release(&yx);
		json_decref(b);
		json_decref(x);
		json_decref(y);
	}
	/* Enough of them merged cleanly for the symmetry to mean something. */
	assert_true(cases_run > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_order_of_additions),
		cmocka_unit_test(test_parallel_edges),
		cmocka_unit_test(test_not_an_object),
		cmocka_unit_test(test_laws),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

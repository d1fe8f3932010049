/* test_dag.c - node index, topological order and cycles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_json.h"

#include "dfc/dag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_index_and_edges(void **state)
{
	json_t *root = test_json("{\"nodes\": [{\"id\": \"a\"}, 7, {\"type\": \"script\"},"
				 " {\"id\": \"b\"}, {\"id\": \"a\"}, {\"id\": 3}, {\"id\": \"c\"}],"
				 " \"edges\": [{\"from\": \"a\", \"to\": \"b\"},"
				 " {\"from\": \"a\", \"to\": \"zz\"}, \"junk\","
				 " {\"from\": \"b\", \"to\": \"b\"}, {\"from\": 1, \"to\": \"c\"},"
				 " {\"from\": \"b\", \"to\": \"c\"}]}");
	struct dag dag = DAG_INIT;

	(void)state;
	dag_build(&dag, root);
	assert_int_equal(dag.nr_nodes, 3);
	assert_string_equal(dag.ids[0], "a");
	assert_string_equal(dag.ids[1], "b");
	assert_string_equal(dag.ids[2], "c");
	assert_int_equal(dag_find(&dag, "a"), 0);
	assert_int_equal(dag_find(&dag, "c"), 2);
	assert_int_equal(dag_find(&dag, "zz"), -1);
	assert_int_equal(dag_find(&dag, NULL), -1);
	/* unknown ends, non-strings, non-objects and self-loops are left out */
	assert_int_equal(dag.nr_edges, 2);
	assert_int_equal(dag.edges[0].from, 0);
	assert_int_equal(dag.edges[0].to, 1);
	assert_int_equal(dag.edges[0].index, 0);
	assert_int_equal(dag.edges[1].from, 1);
	assert_int_equal(dag.edges[1].to, 2);
	assert_int_equal(dag.edges[1].index, 5);
	dag_release(&dag);
	json_decref(root);
}

static void test_empty_and_missing(void **state)
{
	json_t *root = test_json("{\"nodes\": 5}");
	struct dag dag = DAG_INIT;
	size_t order[1], *cycle, len;

	(void)state;
	dag_build(&dag, root);
	assert_int_equal(dag.nr_nodes, 0);
	assert_int_equal(dag.nr_edges, 0);
	assert_int_equal(dag_find(&dag, "a"), -1);
	assert_true(dag_topo_order(&dag, order));
	assert_false(dag_find_cycle(&dag, &cycle, &len));
	dag_release(&dag);
	json_decref(root);
}

/*
 * A graph and what it orders into: its topological order, or, when it has
 * a cycle, the cycle found (which starts and ends with the same node).
 */
static const struct {
	const char *pipeline;
	bool acyclic;
	size_t nr;
	size_t want[5];
} orders[] = {
	/* ready at first: z, w, v; x waits for z and w, y for v */
	{ "{\"nodes\": [{\"id\": \"x\"}, {\"id\": \"y\"}, {\"id\": \"z\"}, {\"id\": \"w\"},"
	  " {\"id\": \"v\"}], \"edges\": [{\"from\": \"z\", \"to\": \"x\"},"
	  " {\"from\": \"v\", \"to\": \"y\"}, {\"from\": \"w\", \"to\": \"x\"}]}",
	  true, 5, { 2, 3, 0, 4, 1 } },
	{ "{\"nodes\": [{\"id\": \"d\"}, {\"id\": \"a\"}, {\"id\": \"b\"}, {\"id\": \"c\"}],"
	  " \"edges\": [{\"from\": \"d\", \"to\": \"a\"}, {\"from\": \"a\", \"to\": \"b\"},"
	  " {\"from\": \"b\", \"to\": \"c\"}, {\"from\": \"c\", \"to\": \"a\"}]}",
	  false, 4, { 1, 2, 3, 1 } },
	/* a diamond, and an edge across it */
	{ "{\"nodes\": [{\"id\": \"a\"}, {\"id\": \"b\"}, {\"id\": \"c\"}, {\"id\": \"d\"}],"
	  " \"edges\": [{\"from\": \"a\", \"to\": \"b\"}, {\"from\": \"a\", \"to\": \"c\"},"
	  " {\"from\": \"b\", \"to\": \"d\"}, {\"from\": \"c\", \"to\": \"d\"},"
	  " {\"from\": \"a\", \"to\": \"d\"}]}",
	  true, 4, { 0, 1, 2, 3 } },
};

static void test_orders_and_cycles(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
		json_t *root = test_json(orders[i].pipeline);
		struct dag dag = DAG_INIT;
		size_t order[5], *cycle = NULL, len = 0;

		dag_build(&dag, root);
		assert_int_equal(dag_topo_order(&dag, order), orders[i].acyclic);
		assert_int_equal(dag_find_cycle(&dag, &cycle, &len), !orders[i].acyclic);
		if (orders[i].acyclic) {
			assert_memory_equal(order, orders[i].want, orders[i].nr * sizeof(size_t));
			assert_null(cycle);
			assert_int_equal(len, 0);
		} else {
			assert_int_equal(len, orders[i].nr);
			assert_memory_equal(cycle, orders[i].want, orders[i].nr * sizeof(size_t));
		}
		free(cycle);
		dag_release(&dag);
		json_decref(root);
	}
}

/* The id of node `i` of a chain, written into `out`. */
static const char *chain_node(char out[32], size_t i)
{
	snprintf(out, 32, "n%zu", i);
	return out;
}

/* A chain n0 -> n1 -> ... of `n` nodes, listed in reverse file order. */
static json_t *chain(size_t n)
{
	json_t *nodes = json_array();
	json_t *edges = json_array();
	char a[32], b[32];

	for (size_t i = n; i-- > 0;)
		json_array_append_new(nodes, json_pack("{s:s}", "id", chain_node(a, i)));
	for (size_t i = 0; i + 1 < n; i++)
		json_array_append_new(edges, json_pack("{s:s,s:s}", "from", chain_node(a, i), "to",
						       chain_node(b, i + 1)));
	return json_pack("{s:o,s:o}", "nodes", nodes, "edges", edges);
}

static void test_long_chain_no_stack_overflow(void **state)
{
	const size_t n = 40000;
	json_t *root = chain(n);
	struct dag dag = DAG_INIT;
	size_t *order = malloc(n * sizeof(*order));
	size_t *cycle = NULL, len = 0;

	(void)state;
	dag_build(&dag, root);
	assert_int_equal(dag.nr_nodes, n);
	assert_int_equal(dag.nr_edges, n - 1);
	assert_true(dag_topo_order(&dag, order));
	/* n0 is last in the file but must come first */
	for (size_t i = 0; i < n; i++)
		assert_int_equal(order[i], n - 1 - i);
	assert_false(dag_find_cycle(&dag, &cycle, &len));
	dag_release(&dag);

	/* close the chain: the cycle runs through every node */
	json_array_append_new(json_object_get(root, "edges"),
			      json_pack("{s:s,s:s}", "from", "n39999", "to", "n0"));
	dag_build(&dag, root);
	assert_false(dag_topo_order(&dag, order));
	assert_true(dag_find_cycle(&dag, &cycle, &len));
	assert_int_equal(len, n + 1);
	assert_int_equal(cycle[0], cycle[n]);
	for (size_t i = 0; i < n; i++) {
		char name[32];
		long next;
		size_t k;

		/* each step of the cycle follows an edge of the chain */
		assert_int_equal(sscanf(dag.ids[cycle[i]], "n%zu", &k), 1);
		next = dag_find(&dag, chain_node(name, (k + 1) % n));
		assert_int_equal((long)cycle[i + 1], next);
	}
	free(cycle);
	free(order);
	dag_release(&dag);
	json_decref(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_and_edges),
		cmocka_unit_test(test_empty_and_missing),
		cmocka_unit_test(test_orders_and_cycles),
		cmocka_unit_test(test_long_chain_no_stack_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/**
 * dag.h - the graph of a pipeline: node index, edges, order and cycles.
 *
 * Built from a parsed document whose nodes have string ids; nodes and
 * edges that are malformed (validate.h reports them) are left out, so the
 * graph can be built before the document is known to be valid.
 */
#ifndef DFC_DAG_H
#define DFC_DAG_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct dag_edge {
	size_t from;
	size_t to;
	/** Position of the edge in the file's `edges` array. */
	size_t index;
};

struct dag {
	/** Node ids, borrowed from the document, in file order. */
	const char **ids;
	size_t nr_nodes;
	/** Well-formed edges between known nodes, in file order. */
	struct dag_edge *edges;
	size_t nr_edges;
	/* Hash index from id to node position (internal). */
	void *index;
	/* Outgoing edge lists (CSR form, internal). */
	size_t *out_start;
	size_t *out_edges;
};

#define DAG_INIT { NULL, 0, NULL, 0, NULL, NULL, NULL }

/**
 * Build the graph of `root` (borrowed; must outlive the dag). The first
 * node with a given id wins; later duplicates are left out.
 */
void dag_build(struct dag *dag, const json_t *root);
void dag_release(struct dag *dag);

/** Position of node `id`, or -1 when there is none. O(1). */
long dag_find(const struct dag *dag, const char *id);

/**
 * Topological order, ties broken by file order (the ready node that comes
 * first in the file runs first). Fills `order` (nr_nodes entries, caller
 * allocated) and returns true; returns false when the graph has a cycle.
 */
bool dag_topo_order(const struct dag *dag, size_t *order);

/**
 * When the graph has a cycle, store one of them in `*cycle` (newly
 * allocated node positions, first node repeated at the end) and its length
 * (including the repeat) in `*len`, and return true. Linear time.
 */
bool dag_find_cycle(const struct dag *dag, size_t **cycle, size_t *len);

#endif

/* dag.c - node index, adjacency, topological order and cycles of a pipeline. */
#include "dfc/dag.h"

#include "dfc/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * Open addressing with linear probing. A slot holds position + 1 (0 is
 * empty) and 32 bits of the hash, so a collision rarely costs a string
 * compare. Positions fit in 32 bits: a file of at most 256 MiB holds far
 * fewer nodes.
 */
struct slot {
	uint32_t pos;
	uint32_t tag;
};

struct dag_index {
	size_t mask;
	struct slot *slots;
};

/* FNV-1a, 64 bits, with a final mix: FNV's low bits alone are weak. */
static uint64_t hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

static struct dag_index *index_new(size_t nr)
{
	struct dag_index *ix = xmalloc(sizeof(*ix));
	size_t cap = 16;

	while (cap < nr * 2)
		cap *= 2;
	ix->mask = cap - 1;
	ix->slots = xcalloc(cap, sizeof(*ix->slots));
	return ix;
}

/*
 * The slot where `id` is, or the empty slot where it would go. The table
 * is never more than half full, so there is always an empty slot.
 */
static struct slot *index_slot(const struct dag *dag, const char *id, uint32_t *tag)
{
	const struct dag_index *ix = dag->index;
	uint64_t h = hash_str(id);
	size_t i = (size_t)h & ix->mask;

	*tag = (uint32_t)(h >> 32);
	for (;; i = (i + 1) & ix->mask) {
		struct slot *s = &ix->slots[i];

		if (!s->pos || (s->tag == *tag && !strcmp(dag->ids[s->pos - 1], id)))
			return s;
	}
}

long dag_find(const struct dag *dag, const char *id)
{
	struct slot *slot;
	uint32_t tag;

	if (!dag->index || !id)
		return -1;
	slot = index_slot(dag, id, &tag);
	return slot->pos ? (long)slot->pos - 1 : -1;
}

static void add_nodes(struct dag *dag, const json_t *nodes)
{
	size_t n = json_array_size(nodes);

	dag->ids = xcalloc(n ? n : 1, sizeof(*dag->ids));
	dag->index = index_new(n);
	for (size_t i = 0; i < n; i++) {
		json_t *node = json_array_get(nodes, i);
		const char *id = json_string_value(json_object_get(node, "id"));
		struct slot *slot;
		uint32_t tag;

		if (!id)
			continue;
		slot = index_slot(dag, id, &tag);
		if (slot->pos)
			continue;
		dag->ids[dag->nr_nodes] = id;
		slot->pos = (uint32_t)++dag->nr_nodes;
		slot->tag = tag;
	}
}

/* A self-loop is malformed (validate.c reports it), so it is left out too. */
static void add_edges(struct dag *dag, const json_t *edges)
{
	size_t n = json_array_size(edges);

	dag->edges = xcalloc(n ? n : 1, sizeof(*dag->edges));
	for (size_t i = 0; i < n; i++) {
		json_t *edge = json_array_get(edges, i);
		long from = dag_find(dag, json_string_value(json_object_get(edge, "from")));
		long to = dag_find(dag, json_string_value(json_object_get(edge, "to")));
		struct dag_edge *e;

		if (from < 0 || to < 0 || from == to)
			continue;
		e = &dag->edges[dag->nr_edges++];
		e->from = (size_t)from;
		e->to = (size_t)to;
		e->index = i;
	}
}

/* Outgoing edges of each node, in file order (a counting sort). */
static void build_csr(struct dag *dag)
{
	size_t *next;

	dag->out_start = xcalloc(dag->nr_nodes + 1, sizeof(*dag->out_start));
	dag->out_edges = xcalloc(dag->nr_edges ? dag->nr_edges : 1, sizeof(*dag->out_edges));
	for (size_t i = 0; i < dag->nr_edges; i++)
		dag->out_start[dag->edges[i].from + 1]++;
	for (size_t i = 0; i < dag->nr_nodes; i++)
		dag->out_start[i + 1] += dag->out_start[i];
	next = xmalloc((dag->nr_nodes + 1) * sizeof(*next));
	memcpy(next, dag->out_start, (dag->nr_nodes + 1) * sizeof(*next));
	for (size_t i = 0; i < dag->nr_edges; i++)
		dag->out_edges[next[dag->edges[i].from]++] = i;
	free(next);
}

void dag_build(struct dag *dag, const json_t *root)
{
	const json_t *nodes = json_object_get(root, "nodes");
	const json_t *edges = json_object_get(root, "edges");

	memset(dag, 0, sizeof(*dag));
	add_nodes(dag, json_is_array(nodes) ? nodes : NULL);
	add_edges(dag, json_is_array(edges) ? edges : NULL);
	build_csr(dag);
}

void dag_release(struct dag *dag)
{
	struct dag_index *ix = dag->index;

	if (ix)
		free(ix->slots);
	free(ix);
	free(dag->ids);
	free(dag->edges);
	free(dag->out_start);
	free(dag->out_edges);
	memset(dag, 0, sizeof(*dag));
}

/* A binary min-heap of node positions: the ready node first in the file. */
struct heap {
	size_t *items;
	size_t nr;
};

static void heap_push(struct heap *h, size_t v)
{
	size_t i = h->nr++;

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (h->items[parent] <= v)
			break;
		h->items[i] = h->items[parent];
		i = parent;
	}
	h->items[i] = v;
}

static size_t heap_pop(struct heap *h)
{
	size_t top = h->items[0];
	size_t last = h->items[--h->nr];
	size_t i = 0;

	for (;;) {
		size_t child = 2 * i + 1;

		if (child >= h->nr)
			break;
		if (child + 1 < h->nr && h->items[child + 1] < h->items[child])
			child++;
		if (last <= h->items[child])
			break;
		h->items[i] = h->items[child];
		i = child;
	}
	if (h->nr)
		h->items[i] = last;
	return top;
}

bool dag_topo_order(const struct dag *dag, size_t *order)
{
	size_t *indegree = xcalloc(dag->nr_nodes + 1, sizeof(*indegree));
	struct heap ready = {NULL, 0};
	size_t done = 0;

	ready.items = xmalloc((dag->nr_nodes + 1) * sizeof(*ready.items));
	for (size_t i = 0; i < dag->nr_edges; i++)
		indegree[dag->edges[i].to]++;
	for (size_t v = 0; v < dag->nr_nodes; v++)
		if (!indegree[v])
			heap_push(&ready, v);
	while (ready.nr) {
		size_t v = heap_pop(&ready);

		order[done++] = v;
		for (size_t k = dag->out_start[v]; k < dag->out_start[v + 1]; k++) {
			size_t to = dag->edges[dag->out_edges[k]].to;

			if (!--indegree[to])
				heap_push(&ready, to);
		}
	}
	free(indegree);
	free(ready.items);
	return done == dag->nr_nodes;
}

enum color { WHITE, GRAY, BLACK };

bool dag_find_cycle(const struct dag *dag, size_t **cycle, size_t *len)
{
	unsigned char *color = xcalloc(dag->nr_nodes + 1, 1);
	/* The current path: its nodes and, for each, the next edge to try. */
	size_t *path = xmalloc((dag->nr_nodes + 1) * sizeof(*path));
	size_t *cursor = xmalloc((dag->nr_nodes + 1) * sizeof(*cursor));
	bool found = false;

	*cycle = NULL;
	*len = 0;
	for (size_t start = 0; start < dag->nr_nodes && !found; start++) {
		size_t depth = 0;

		if (color[start] != WHITE)
			continue;
		color[start] = GRAY;
		path[depth] = start;
		cursor[depth++] = dag->out_start[start];
		while (depth && !found) {
			size_t v = path[depth - 1];
			size_t to;

			if (cursor[depth - 1] == dag->out_start[v + 1]) {
				color[v] = BLACK;
				depth--;
				continue;
			}
			to = dag->edges[dag->out_edges[cursor[depth - 1]++]].to;
			if (color[to] == WHITE) {
				color[to] = GRAY;
				path[depth] = to;
				cursor[depth++] = dag->out_start[to];
			} else if (color[to] == GRAY) {
				size_t first = depth - 1;

				while (path[first] != to)
					first--;
				*len = depth - first + 1;
				*cycle = xmalloc(*len * sizeof(**cycle));
				memcpy(*cycle, path + first, (depth - first) * sizeof(**cycle));
				(*cycle)[*len - 1] = to;
				found = true;
			}
		}
	}
	free(color);
	free(path);
	free(cursor);
	return found;
}

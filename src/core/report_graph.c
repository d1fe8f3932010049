/*
 * report_graph.c - the graph of a run for the HTML report: nodes in
 * columns by their depth in the graph, drawn as SVG, scripts coloured by
 * what became of them in the run.
 */
#include "report_internal.h"

#include "dfc/dag.h"
#include "dfc/xalloc.h"

#include <string.h>

/* Geometry of the drawing, in SVG units (CSS pixels at scale 1). */
#define NODE_W 168
#define NODE_H 40
#define COL_GAP 64
#define ROW_GAP 18
#define MARGIN 12
/* Longest id or path drawn in a box; the whole one is in its tooltip. */
#define LABEL_MAX 22

/* Node `id` of `type`, unless `seen` has it already. */
static void add_node(json_t *nodes, json_t *seen, const char *id, const char *type)
{
	if (json_object_get(seen, id))
		return;
	json_object_set_new(seen, id, json_true());
	json_array_append_new(nodes, json_pack("{s:s,s:s}", "id", id, "type", type));
}

/*
 * The pipeline of the record alone, for a run whose pipeline is not at
 * hand: each step that ran or failed with its inputs and outputs, and the
 * steps it skipped.
 */
static json_t *pipeline_of_record(const struct run_record *rec)
{
	json_t *nodes = json_array(), *edges = json_array(), *seen = json_object();
	json_t *root = json_pack("{s:o,s:o}", "nodes", nodes, "edges", edges);
	size_t i, k;
	json_t *step, *file, *id;

	json_array_foreach (rec->steps, i, step) {
		const char *sid = json_string_value(json_object_get(step, "step"));

		if (!sid || json_object_get(seen, sid))
			continue;
		add_node(nodes, seen, sid, "script");
		for (int out = 0; out < 2; out++)
			json_array_foreach (json_object_get(step, out ? "outputs" : "inputs"), k, file) {
				const char *did = json_string_value(json_object_get(file, "id"));

				if (!did)
					continue;
				add_node(nodes, seen, did, "dataset");
				json_array_append_new(edges, json_pack("{s:s,s:s}", "from",
								       out ? sid : did, "to",
								       out ? did : sid));
			}
	}
	json_array_foreach (rec->skipped, i, id)
		if (json_string_value(id))
			add_node(nodes, seen, json_string_value(id), "script");
	json_decref(seen);
	return root;
}

/* The size the record gives dataset `id` (last seen), or -1. */
static json_int_t dataset_size(const struct run_record *rec, const char *id)
{
	json_int_t size = -1;
	size_t i, k;
	json_t *step, *file;

	json_array_foreach (rec->steps, i, step) {
		const char *lists[] = { "inputs", "outputs" };

		for (size_t l = 0; l < 2; l++)
			json_array_foreach (json_object_get(step, lists[l]), k, file) {
				const char *did = json_string_value(json_object_get(file, "id"));

				if (did && !strcmp(did, id) &&
				    json_is_integer(json_object_get(file, "size")))
					size = json_integer_value(json_object_get(file, "size"));
			}
	}
	return size;
}

static void add_size(struct buf *out, json_int_t size)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)size;
	size_t u = 0;

	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		buf_addf(out, "%lld B", (long long)size);
	else
		buf_addf(out, "%.1f %s", v, units[u]);
}

/* `s` cut to LABEL_MAX characters (UTF-8 aware), escaped. */
static void add_label(struct buf *out, const char *s)
{
	size_t n = 0, i = 0;
	struct buf cut = BUF_INIT;

	for (; s[i] && n < LABEL_MAX; n++)
		for (i++; (s[i] & 0xC0) == 0x80; i++)
			;
	buf_add(&cut, s, i);
	if (s[i])
		buf_adds(&cut, "\xE2\x80\xA6"); /* … */
	report_escape(out, buf_cstr(&cut));
	buf_release(&cut);
}

static void draw_node(struct buf *out, const struct run_record *rec, const json_t *node,
		      const char *id, long x, long y)
{
	const char *type = json_string_value(json_object_get(node, "type"));
	const char *path = json_string_value(json_object_get(node, "path"));
	bool script = type && !strcmp(type, "script");
	const char *outcome = script ? report_outcome(rec, id) : "data";

	buf_adds(out, "<g class=\"node ");
	buf_adds(out, outcome);
	buf_adds(out, "\" data-step=\"");
	report_escape(out, id);
	buf_adds(out, "\"><title>");
	report_escape(out, id);
	if (path) {
		buf_adds(out, ": ");
		report_escape(out, path);
	}
	if (script) {
		buf_adds(out, " (");
		buf_adds(out, outcome);
		buf_adds(out, ")");
	}
	buf_adds(out, "</title>");
	buf_addf(out, "<rect x=\"%ld\" y=\"%ld\" width=\"%d\" height=\"%d\" rx=\"%d\"/>", x, y,
		 NODE_W, NODE_H, script ? 4 : NODE_H / 2);
	buf_addf(out, "<text x=\"%ld\" y=\"%ld\">", x + NODE_W / 2, y + 17);
	add_label(out, id);
	buf_addf(out, "</text><text class=\"sub\" x=\"%ld\" y=\"%ld\">", x + NODE_W / 2, y + 32);
	if (script) {
		buf_adds(out, outcome);
	} else {
		json_int_t size = dataset_size(rec, id);

		if (size >= 0)
			add_size(out, size);
		else if (path)
			add_label(out, path);
	}
	buf_adds(out, "</text></g>\n");
}

void report_graph_svg(struct buf *out, const struct run_record *rec, const json_t *pipeline)
{
	json_t *own = pipeline ? NULL : pipeline_of_record(rec);
	const json_t *root = pipeline ? pipeline : own;
	const json_t *nodes = json_object_get(root, "nodes");
	struct dag dag = DAG_INIT;
	size_t *order, *depth, *row, *rows, columns = 1, height = 1, i;
	json_t *by_id = json_object(), *n;

	dag_build(&dag, root);
	order = xcalloc(dag.nr_nodes + 1, sizeof(*order));
	depth = xcalloc(dag.nr_nodes + 1, sizeof(*depth));
	row = xcalloc(dag.nr_nodes + 1, sizeof(*row));
	rows = xcalloc(dag.nr_nodes + 1, sizeof(*rows));
	if (!dag_topo_order(&dag, order))
		for (size_t v = 0; v < dag.nr_nodes; v++)
			order[v] = v; /* a cycle: one column per file order */
	/* Depth: the longest path from a source, node by node in topological order. */
	for (size_t k = 0; k < dag.nr_nodes; k++) {
		size_t v = order[k];

		for (size_t j = dag.out_start[v]; j < dag.out_start[v + 1]; j++) {
			size_t to = dag.edges[dag.out_edges[j]].to;

			if (depth[to] < depth[v] + 1)
				depth[to] = depth[v] + 1;
		}
	}
	for (size_t v = 0; v < dag.nr_nodes; v++) {
		row[v] = rows[depth[v]]++;
		if (depth[v] + 1 > columns)
			columns = depth[v] + 1;
		if (rows[depth[v]] > height)
			height = rows[depth[v]];
	}
	buf_addf(out,
		 "<svg class=\"graph\" role=\"img\" aria-label=\"the pipeline's graph\" "
		 "viewBox=\"0 0 %zu %zu\" width=\"%zu\">\n",
		 2 * MARGIN + columns * (NODE_W + COL_GAP) - COL_GAP,
		 2 * MARGIN + height * (NODE_H + ROW_GAP) - ROW_GAP,
		 2 * MARGIN + columns * (NODE_W + COL_GAP) - COL_GAP);
	buf_adds(out, "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
		      "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0 0L10 "
		      "5L0 10z\"/></marker></defs>\n");
	for (size_t e = 0; e < dag.nr_edges; e++) {
		size_t a = dag.edges[e].from, b = dag.edges[e].to;
		long x1 = MARGIN + (long)depth[a] * (NODE_W + COL_GAP) + NODE_W;
		long y1 = MARGIN + (long)row[a] * (NODE_H + ROW_GAP) + NODE_H / 2;
		long x2 = MARGIN + (long)depth[b] * (NODE_W + COL_GAP);
		long y2 = MARGIN + (long)row[b] * (NODE_H + ROW_GAP) + NODE_H / 2;

		buf_addf(out,
			 "<path class=\"edge\" d=\"M%ld %ldC%ld %ld %ld %ld %ld %ld\" "
			 "marker-end=\"url(#arrow)\"/>\n",
			 x1, y1, x1 + COL_GAP / 2, y1, x2 - COL_GAP / 2, y2, x2, y2);
	}
	json_array_foreach (nodes, i, n) {
		const char *nid = json_string_value(json_object_get(n, "id"));

		if (nid && !json_object_get(by_id, nid))
			json_object_set(by_id, nid, n); /* the first of an id, as dag_build */
	}
	for (size_t v = 0; v < dag.nr_nodes; v++) {
		draw_node(out, rec, json_object_get(by_id, dag.ids[v]), dag.ids[v],
			  MARGIN + (long)depth[v] * (NODE_W + COL_GAP),
			  MARGIN + (long)row[v] * (NODE_H + ROW_GAP));
	}
	buf_adds(out, "</svg>\n");
	free(order);
	free(depth);
	free(row);
	free(rows);
	dag_release(&dag);
	json_decref(by_id);
	json_decref(own);
}

/* graph.c - draw a pipeline's DAG as mermaid, dot or layered ascii. */
#include "dfc/graph.h"

#include "dfc/dag.h"
#include "dfc/error.h"
#include "dfc/xalloc.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/*
 * What a renderer needs besides the dag: each node's kind and name, each
 * edge's label. Names and labels hold no control character.
 */
struct graph {
	struct dag dag;
	/* Per node: true for a dataset. */
	bool *dataset;
	/* Per node: its id as drawn (owned). */
	char **names;
	/* Per dag edge: the shortened argument text (owned, may be ""). */
	char **labels;
};

/*
 * The length of the control character `s` starts with: 1 for C0 (a line
 * break included) and DEL, 2 for a C1 control (U+0080..U+009F in UTF-8,
 * U+009B being a CSI), else 0. Written out, a control would break every
 * format's line structure or drive the terminal: each is drawn as a space.
 */
static size_t control_length(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (*p < 0x20 || *p == 0x7f)
		return 1;
	if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0)
		return 2;
	return 0;
}

/* Append `s`, each control character in it as a space. */
static void add_printable(struct buf *b, const char *s)
{
	size_t n;

	while (*s) {
		if ((n = control_length(s))) {
			buf_addch(b, ' ');
			s += n;
		} else {
			buf_addch(b, *s++);
		}
	}
}

static void add_argument(struct buf *b, const json_t *arg)
{
	const json_t *ref;

	if (json_is_string(arg)) {
		buf_adds(b, json_string_value(arg));
	} else if (json_is_integer(arg)) {
		buf_addf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(arg));
	} else if (json_is_real(arg)) {
		char *text = json_dumps(arg, JSON_ENCODE_ANY);

		buf_adds(b, text ? text : "?");
		free(text);
	} else if (json_is_boolean(arg)) {
		buf_adds(b, json_is_true(arg) ? "true" : "false");
	} else if (json_is_object(arg) &&
		   json_is_string(ref = json_object_get(arg, "ref"))) {
		buf_adds(b, json_string_value(ref));
	} else {
		buf_addch(b, '?');
	}
}

/* Cut `b` to GRAPH_LABEL_MAX bytes, on a UTF-8 character boundary. */
static void shorten(struct buf *b)
{
	size_t len = GRAPH_LABEL_MAX - 3;

	if (b->len <= GRAPH_LABEL_MAX)
		return;
	while (len > 0 && ((unsigned char)b->data[len] & 0xC0) == 0x80)
		len--;
	buf_truncate(b, len);
	buf_adds(b, "...");
}

char *graph_arguments_label(const json_t *args)
{
	struct buf raw = BUF_INIT, b = BUF_INIT;
	const json_t *arg;
	size_t i;

	json_array_foreach(args, i, arg) {
		if (i)
			buf_addch(&raw, ' ');
		add_argument(&raw, arg);
		/* Stop early on huge argument lists. */
		if (raw.len > GRAPH_LABEL_MAX)
			break;
	}
	add_printable(&b, buf_cstr(&raw));
	buf_release(&raw);
	shorten(&b);
	return buf_detach(&b, NULL);
}

static void graph_build(struct graph *g, const json_t *root)
{
	const json_t *nodes = json_object_get(root, "nodes");
	const json_t *edges = json_object_get(root, "edges");
	const json_t *node;
	size_t i;

	dag_build(&g->dag, root);
	g->dataset = xcalloc(g->dag.nr_nodes ? g->dag.nr_nodes : 1, sizeof(*g->dataset));
	g->names = xcalloc(g->dag.nr_nodes ? g->dag.nr_nodes : 1, sizeof(*g->names));
	for (i = 0; i < g->dag.nr_nodes; i++) {
		struct buf name = BUF_INIT;

		add_printable(&name, g->dag.ids[i]);
		g->names[i] = buf_detach(&name, NULL);
	}
	g->labels = xcalloc(g->dag.nr_edges ? g->dag.nr_edges : 1, sizeof(*g->labels));
	json_array_foreach(nodes, i, node) {
		const json_t *id = json_object_get(node, "id");
		const char *type = json_string_value(json_object_get(node, "type"));
		long pos = json_is_string(id) ? dag_find(&g->dag, json_string_value(id)) : -1;

		/* The first node with an id wins, as in the dag. */
		if (pos >= 0 && g->dag.ids[pos] == json_string_value(id))
			g->dataset[pos] = type && !strcmp(type, "dataset");
	}
	for (i = 0; i < g->dag.nr_edges; i++)
		g->labels[i] = graph_arguments_label(json_object_get(
			json_array_get(edges, g->dag.edges[i].index), "arguments"));
}

static void graph_release(struct graph *g)
{
	for (size_t i = 0; g->labels && i < g->dag.nr_edges; i++)
		free(g->labels[i]);
	free(g->labels);
	for (size_t i = 0; g->names && i < g->dag.nr_nodes; i++)
		free(g->names[i]);
	free(g->names);
	free(g->dataset);
	dag_release(&g->dag);
}

/* Mermaid quoted strings cannot hold `"`: it is written as an entity. */
static void add_mermaid_text(struct buf *b, const char *s)
{
	buf_addch(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_adds(b, "#quot;");
		else
			buf_addch(b, *s);
	}
	buf_addch(b, '"');
}

static void render_mermaid(struct buf *out, const struct graph *g)
{
	buf_adds(out, "flowchart LR\n");
	for (size_t i = 0; i < g->dag.nr_nodes; i++) {
		buf_addf(out, "    n%zu%s", i, g->dataset[i] ? "[(" : "[");
		add_mermaid_text(out, g->names[i]);
		buf_adds(out, g->dataset[i] ? ")]\n" : "]\n");
	}
	for (size_t i = 0; i < g->dag.nr_edges; i++) {
		const struct dag_edge *e = &g->dag.edges[i];

		buf_addf(out, "    n%zu ", e->from);
		if (*g->labels[i]) {
			buf_adds(out, "-- ");
			add_mermaid_text(out, g->labels[i]);
			buf_addch(out, ' ');
		}
		buf_addf(out, "--> n%zu\n", e->to);
	}
}

/* A dot double-quoted string: `"` and `\` escaped (no escString sequences). */
static void add_dot_text(struct buf *b, const char *s)
{
	buf_addch(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_addch(b, '\\');
		buf_addch(b, *s);
	}
	buf_addch(b, '"');
}

static void render_dot(struct buf *out, const struct graph *g)
{
	buf_adds(out, "digraph pipeline {\n\trankdir=LR;\n");
	for (size_t i = 0; i < g->dag.nr_nodes; i++) {
		buf_addf(out, "\tn%zu [shape=%s, label=", i,
			 g->dataset[i] ? "cylinder" : "box");
		add_dot_text(out, g->names[i]);
		buf_adds(out, "];\n");
	}
	for (size_t i = 0; i < g->dag.nr_edges; i++) {
		const struct dag_edge *e = &g->dag.edges[i];

		buf_addf(out, "\tn%zu -> n%zu", e->from, e->to);
		if (*g->labels[i]) {
			buf_adds(out, " [label=");
			add_dot_text(out, g->labels[i]);
			buf_addch(out, ']');
		}
		buf_adds(out, ";\n");
	}
	buf_adds(out, "}\n");
}

/*
 * Each node's layer: the longest path from a source, relaxing the edges of
 * each node in topological order. Edges are first grouped by their source
 * (a counting sort that keeps file order) so this is linear.
 */
static int compute_layers(const struct graph *g, size_t *layer, size_t *nr_layers)
{
	size_t n = g->dag.nr_nodes, m = g->dag.nr_edges;
	size_t *order = xcalloc(n ? n : 1, sizeof(*order));
	size_t *start = xcalloc(n + 1, sizeof(*start));
	size_t *by_source = xcalloc(m ? m : 1, sizeof(*by_source));
	size_t *fill = xcalloc(n + 1, sizeof(*fill));
	int ret = 0;

	if (!dag_topo_order(&g->dag, order)) {
		ret = dfc_error(DFC_EINVALID, "the pipeline has a cycle: no layers to draw");
		goto out;
	}
	for (size_t i = 0; i < m; i++)
		start[g->dag.edges[i].from + 1]++;
	for (size_t i = 0; i < n; i++)
		start[i + 1] += start[i];
	memcpy(fill, start, (n + 1) * sizeof(*fill));
	for (size_t i = 0; i < m; i++)
		by_source[fill[g->dag.edges[i].from]++] = i;
	*nr_layers = n ? 1 : 0;
	for (size_t i = 0; i < n; i++)
		layer[i] = 0;
	for (size_t k = 0; k < n; k++) {
		size_t u = order[k];

		for (size_t j = start[u]; j < start[u + 1]; j++) {
			size_t v = g->dag.edges[by_source[j]].to;

			if (layer[v] < layer[u] + 1)
				layer[v] = layer[u] + 1;
			if (layer[v] + 1 > *nr_layers)
				*nr_layers = layer[v] + 1;
		}
	}
out:
	free(fill);
	free(by_source);
	free(start);
	free(order);
	return ret;
}

static int render_ascii(struct buf *out, const struct graph *g)
{
	size_t n = g->dag.nr_nodes;
	size_t *layer = xcalloc(n ? n : 1, sizeof(*layer));
	size_t nr_layers = 0;
	int ret;

	if ((ret = compute_layers(g, layer, &nr_layers)) < 0)
		goto out;
	/* Quadratic in layers x nodes: fine for the few dozen nodes drawn. */
	for (size_t l = 0; l < nr_layers; l++) {
		buf_addf(out, "layer %zu:", l);
		for (size_t i = 0; i < n; i++)
			if (layer[i] == l)
				buf_addf(out, g->dataset[i] ? " (%s)" : " [%s]", g->names[i]);
		buf_addch(out, '\n');
		for (size_t i = 0; i < g->dag.nr_edges; i++) {
			const struct dag_edge *e = &g->dag.edges[i];

			if (layer[e->from] != l)
				continue;
			buf_addf(out, "  %s --> %s", g->names[e->from], g->names[e->to]);
			if (*g->labels[i])
				buf_addf(out, "  \"%s\"", g->labels[i]);
			buf_addch(out, '\n');
		}
	}
out:
	free(layer);
	return ret;
}

int graph_format_parse(enum graph_format *out, const char *name)
{
	if (!name || !strcmp(name, "mermaid"))
		*out = GRAPH_MERMAID;
	else if (!strcmp(name, "dot"))
		*out = GRAPH_DOT;
	else if (!strcmp(name, "ascii"))
		*out = GRAPH_ASCII;
	else
		return dfc_hint(dfc_error(DFC_EUSAGE, "unknown graph format '%s'", name),
				"use --format=mermaid, --format=dot or --format=ascii");
	return 0;
}

int graph_render(struct buf *out, const json_t *root, enum graph_format format)
{
	struct graph g = { DAG_INIT, NULL, NULL, NULL };
	int ret = 0;

	graph_build(&g, root);
	switch (format) {
	case GRAPH_MERMAID:
		render_mermaid(out, &g);
		break;
	case GRAPH_DOT:
		render_dot(out, &g);
		break;
	case GRAPH_ASCII:
		ret = render_ascii(out, &g);
		break;
	}
	graph_release(&g);
	return ret;
}

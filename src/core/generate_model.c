/* generate_model.c - what a script is generated from: its nodes, their files and edge lists. */
#include "generate_internal.h"

#include "dfc/error.h"
#include "dfc/ids.h"
#include "dfc/steps.h"
#include "dfc/xalloc.h"

#include <stdlib.h>
#include <string.h>

void gen_release(struct gen *g)
{
	if (g->nodes) {
		for (size_t i = 0; i < g->dag.nr_nodes; i++) {
			free(g->nodes[i].run_path);
			json_decref(g->nodes[i].interp);
		}
	}
	free(g->nodes);
	free(g->order);
	free(g->arg_start);
	free(g->arg_edges);
	free(g->in_start);
	free(g->in_edges);
	free(g->out_start);
	free(g->out_edges);
	free(g->mark);
	dag_release(&g->dag);
}

static void blob_id(char out[GEN_BLOB_HEX_SIZE], const char *data, size_t len)
{
	git_oid oid;

	git_odb_hash(&oid, data ? data : "", len, GIT_OBJECT_BLOB);
	git_oid_tostr(out, GEN_BLOB_HEX_SIZE, &oid);
}

/* A file name that stays in its folder. */
static bool is_safe_name(const char *name)
{
	return *name && strcmp(name, ".") && strcmp(name, "..") && !strchr(name, '/');
}

/*
 * A dataset path that stays inside the run folder: relative, no `..`
 * component, and not inside the script's own state folder `.dfc`.
 */
static int check_dataset_path(const char *id, const char *path)
{
	const char *p = path, *first = NULL;
	size_t first_len = 0;

	if (!*path)
		return dfc_error(DFC_EINVALID, "dataset '%s' has an empty path", id);
	if (path[0] == '/')
		return dfc_hint(
			dfc_error(DFC_ESECURITY,
				  "dataset '%s' has an absolute path '%s', outside the run folder",
				  id, path),
			"give datasets paths relative to the pipeline file's folder");
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && !strncmp(p, "..", 2))
			return dfc_hint(dfc_error(DFC_ESECURITY,
						  "dataset '%s' has a path with '..', which could "
						  "leave the run folder: '%s'",
						  id, path),
					"keep datasets inside the pipeline file's folder");
		if (!first && n && !(n == 1 && *p == '.'))
			first = p, first_len = n;
		p += n;
		if (*p == '/')
			p++;
	}
	if (first && first_len == 4 && !strncmp(first, ".dfc", 4))
		return dfc_error(
			DFC_ESECURITY,
			"dataset '%s' is inside '.dfc/', the generated script's own folder: '%s'",
			id, path);
	return 0;
}

/* The last component of a URL's path when it is a plain file name. */
static char *url_file_name(const char *url)
{
	const char *start = strstr(url, "://");
	const char *end, *last;
	char *name;

	start = start ? start + 3 : url;
	end = start + strcspn(start, "?#");
	last = end;
	while (last > start && last[-1] != '/')
		last--;
	if (last == start || last == end)
		return xstrdup("data");
	name = xstrndup(last, (size_t)(end - last));
	for (char *c = name; *c; c++)
		*c = gen_plain_char(*c);
	if (!is_safe_name(name)) {
		free(name);
		return xstrdup("data");
	}
	return name;
}

/* Map each node to its JSON, its content and its place in the run folder. */
static int index_nodes(struct gen *g)
{
	const struct generate_input *in = g->in;
	const json_t *nodes = json_object_get(in->pipeline, "nodes");
	size_t i;
	json_t *node;

	g->nodes = xcalloc(g->dag.nr_nodes + 1, sizeof(*g->nodes));
	json_array_foreach (nodes, i, node) {
		long pos = dag_find(&g->dag, json_string_value(json_object_get(node, "id")));

		if (pos >= 0 && !g->nodes[pos].json)
			g->nodes[pos].json = node;
	}
	for (i = 0; in->scripts && i < in->scripts->nr; i++) {
		long pos = dag_find(&g->dag, in->scripts->items[i].node_id);

		if (pos >= 0 && !g->nodes[pos].file)
			g->nodes[pos].file = &in->scripts->items[i];
	}
	for (i = 0; i < in->nr_datasets; i++) {
		long pos = dag_find(&g->dag, in->datasets[i].node_id);

		if (pos >= 0 && !g->nodes[pos].data)
			g->nodes[pos].data = &in->datasets[i];
	}
	return 0;
}

/*
 * Where script `n` (id `id`) is written in the run folder: beside the first
 * script before it with the same content and file name, so that a content
 * is written once however many steps run it (SPEC §6). `placed` maps
 * "<blob id>/<file name>" to the path given to the first.
 */
static char *script_run_path(const struct gen_node *n, const char *id, json_t *placed)
{
	char *key = xasprintf("%s/%s", n->blob, n->file->name);
	const json_t *first = json_object_get(placed, key);
	char *path;

	if (first) {
		path = xstrdup(json_string_value(first));
	} else {
		path = xasprintf(".dfc/scripts/%s/%s", id, n->file->name);
		json_object_set_new(placed, key, json_string(path));
	}
	free(key);
	return path;
}

static int prepare_script(struct gen *g, size_t pos, json_t *placed)
{
	struct gen_node *n = &g->nodes[pos];
	const char *id = g->dag.ids[pos];
	const json_t *interp = json_object_get(n->json, "interpreter");

	if (!n->file)
		return dfc_hint(dfc_error(DFC_EDEPEND, "script '%s' has no content to embed", id),
				"give it a \"path\" to an existing file; a script known only by "
				"its script_id is embedded with 'generate -i ID --from-catalog'");
	if (!is_safe_name(n->file->name))
		return dfc_error(DFC_ESECURITY, "script '%s' has an unusable file name '%s'", id,
				 n->file->name);
	blob_id(n->blob, n->file->content.data, n->file->content.len);
	n->run_path = script_run_path(n, id, placed);
	n->interp = steps_interpreter_words(n->json, n->file->name);
	if (json_is_string(interp) && !json_array_size(n->interp))
		return dfc_error(DFC_EINVALID, "script '%s' has an empty \"interpreter\"", id);
	return 0;
}

static int prepare_dataset(struct gen *g, size_t pos)
{
	struct gen_node *n = &g->nodes[pos];
	const char *id = g->dag.ids[pos];
	const char *path = json_string_value(json_object_get(n->json, "path"));
	const char *url = json_string_value(json_object_get(n->json, "url"));
	const json_t *sha = json_object_get(n->json, "sha256");
	int ret;

	if (url && strncmp(url, "http://", 7) && strncmp(url, "https://", 8))
		return dfc_error(DFC_ESECURITY, "dataset '%s' has a URL that is not http or https",
				 id);
	if (sha) {
		const char *s = json_string_value(sha);

		if (!s || strlen(s) != 64 || strspn(s, "0123456789abcdef") != 64)
			return dfc_error(
				DFC_EINVALID,
				"dataset '%s' has a \"sha256\" that is not 64 lowercase hex digits",
				id);
	}
	if (n->data) {
		if (!n->data->data && n->data->len)
			return dfc_error(DFC_EINTERNAL, "dataset '%s' has no content", id);
		blob_id(n->blob, n->data->data, n->data->len);
	}
	if (path) {
		if ((ret = check_dataset_path(id, path)) < 0)
			return ret;
		n->run_path = xstrdup(path);
	} else if (n->data) {
		n->run_path = xasprintf(".dfc/data/%s/%s", id,
					n->data->name && is_safe_name(n->data->name) ? n->data->name
										     : "data");
	} else if (url) {
		char *name = url_file_name(url);

		n->run_path = xasprintf(".dfc/data/%s/%s", id, name);
		free(name);
	} else {
		n->run_path = xasprintf(".dfc/data/%s/data", id);
	}
	return 0;
}

/* Counting sort of edge positions by a key: CSR start/list arrays. */
static void build_lists(size_t nr_nodes, const struct dag *dag, const size_t *key,
			size_t **start_out, size_t **list_out)
{
	size_t *start = xcalloc(nr_nodes + 2, sizeof(*start));
	size_t *list = xcalloc(dag->nr_edges + 1, sizeof(*list));
	size_t *next = xcalloc(nr_nodes + 1, sizeof(*next));

	for (size_t e = 0; e < dag->nr_edges; e++)
		start[key[e] + 1]++;
	for (size_t v = 0; v < nr_nodes; v++)
		start[v + 1] += start[v];
	memcpy(next, start, nr_nodes * sizeof(*next));
	for (size_t e = 0; e < dag->nr_edges; e++)
		list[next[key[e]]++] = e;
	free(next);
	*start_out = start;
	*list_out = list;
}

/* Check each node's id and type, and prepare it as a script or a dataset. */
static int prepare_nodes(struct gen *g, size_t n)
{
	json_t *placed = json_object();
	int ret = 0;

	for (size_t v = 0; v < n && ret == 0; v++) {
		const char *type = json_string_value(json_object_get(g->nodes[v].json, "type"));
		const char *id = g->dag.ids[v];

		/* Ids become file names in the run folder: check them again. */
		if (!node_id_is_valid(id) || !is_safe_name(id))
			ret = dfc_error(DFC_ESECURITY, "node id '%s' cannot be used as a file name",
					id);
		else if (!type || (strcmp(type, "script") && strcmp(type, "dataset")))
			ret = dfc_error(DFC_EINVALID, "node '%s' has no valid \"type\"", id);
		else if ((g->nodes[v].script = !strcmp(type, "script")))
			ret = prepare_script(g, v, placed);
		else
			ret = prepare_dataset(g, v);
	}
	json_decref(placed);
	return ret;
}

int gen_prepare(struct gen *g)
{
	const json_t *root = g->in->pipeline;
	size_t n, *key;
	int ret;

	if (!json_is_object(root) || !json_is_array(json_object_get(root, "nodes")))
		return dfc_error(DFC_EINVALID, "the pipeline has no \"nodes\" array");
	g->edges = json_object_get(root, "edges");
	dag_build(&g->dag, root);
	n = g->dag.nr_nodes;
	g->order = xcalloc(n + 1, sizeof(*g->order));
	if (!dag_topo_order(&g->dag, g->order))
		return dfc_hint(dfc_error(DFC_EINVALID, "the pipeline has a cycle"),
				"'data-factory-cli validate' shows it");
	if ((ret = index_nodes(g)) < 0)
		return ret;
	if ((ret = prepare_nodes(g, n)) < 0)
		return ret;
	/* Arguments go to the script end of each edge (`to` between scripts). */
	key = xcalloc(g->dag.nr_edges + 1, sizeof(*key));
	for (size_t e = 0; e < g->dag.nr_edges; e++) {
		const struct dag_edge *edge = &g->dag.edges[e];

		key[e] = g->nodes[edge->to].script ? edge->to : edge->from;
	}
	build_lists(n, &g->dag, key, &g->arg_start, &g->arg_edges);
	for (size_t e = 0; e < g->dag.nr_edges; e++)
		key[e] = g->dag.edges[e].to;
	build_lists(n, &g->dag, key, &g->in_start, &g->in_edges);
	for (size_t e = 0; e < g->dag.nr_edges; e++)
		key[e] = g->dag.edges[e].from;
	build_lists(n, &g->dag, key, &g->out_start, &g->out_edges);
	free(key);
	g->mark = xcalloc(n + 1, sizeof(*g->mark));
	return 0;
}

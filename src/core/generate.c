/*
 * generate.c - write the self-contained bash script that runs a pipeline,
 * on this machine (SPEC §6) or as Slurm jobs (SPEC §13).
 */
#include "dfc/generate.h"

#include "dfc/dag.h"
#include "dfc/error.h"
#include "dfc/ids.h"
#include "dfc/shell.h"
#include "dfc/steps.h"
#include "dfc/xalloc.h"

#include "runtime_local_sh.h"
#include "runtime_state_sh.h"
#include "runtime_sh.h"
#include "runtime_slurm_sh.h"

#include <git2.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define BLOB_HEX_SIZE (GIT_OID_HEXSZ + 1)

/* What the generator knows about one node, by dag position. */
struct gen_node {
	const json_t *json;
	bool script;
	/* Where the node is in the run folder (owned). */
	char *run_path;
	/* Script: its content, its interpreter words (a new array; empty: executed). */
	const struct script_file *file;
	json_t *interp;
	/* Dataset: a stored copy to embed, or NULL. */
	const struct embedded_dataset *data;
	/* Git blob id of the embedded content (script or stored dataset). */
	char blob[BLOB_HEX_SIZE];
};

/* One embedded file, to write each distinct content once. */
struct gen_file {
	const char *blob;
	size_t pos;
	size_t node;
};

struct gen {
	const struct generate_input *in;
	struct dag dag;
	const json_t *edges;
	size_t *order;
	struct gen_node *nodes;
	/* Edges by the node whose arguments they carry, in edge order (CSR). */
	size_t *arg_start;
	size_t *arg_edges;
	/* Incoming edges of each node, in edge order (CSR). */
	size_t *in_start;
	size_t *in_edges;
	/* Outgoing edges of each node, in edge order (CSR). */
	size_t *out_start;
	size_t *out_edges;
	/* Per-node marks to drop repeated ids from a list in linear time. */
	size_t *mark;
	size_t mark_gen;
};

#define GEN_INIT                                                                                   \
	{                                                                                          \
		NULL, DAG_INIT, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0      \
	}

static void gen_release(struct gen *g)
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

static bool utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		unsigned int cp, min;

		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0)
			n = 1, cp = c & 0x1f, min = 0x80;
		else if ((c & 0xf0) == 0xe0)
			n = 2, cp = c & 0x0f, min = 0x800;
		else if ((c & 0xf8) == 0xf0)
			n = 3, cp = c & 0x07, min = 0x10000;
		else
			return false;
		if (i + n >= len)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

static void add_word(struct buf *out, const char *s)
{
	buf_addch(out, ' ');
	shell_quote(out, s, strlen(s));
}

/*
 * Text for a comment or a message: one line, plain UTF-8, no control
 * character (C0, DEL, or C1: U+0080 to U+009F, c2 80 to c2 9f), each
 * shown as '?'.
 */
static void add_comment_text(struct buf *out, const char *s)
{
	size_t len = strlen(s);
	bool utf8 = utf8_valid((const unsigned char *)s, len);

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (utf8 && c == 0xc2 && (unsigned char)s[i + 1] < 0xa0) {
			buf_addch(out, '?');
			i++;
		} else if (c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8)) {
			buf_addch(out, '?');
		} else {
			buf_addch(out, (char)c);
		}
	}
}

/* A string argument for dfc_info: shown only, so made printable. */
static void add_shown_word(struct buf *out, const char *s)
{
	struct buf text = BUF_INIT;

	add_comment_text(&text, s);
	add_word(out, buf_cstr(&text));
	buf_release(&text);
}

static void blob_id(char out[BLOB_HEX_SIZE], const char *data, size_t len)
{
	git_oid oid;

	git_odb_hash(&oid, data ? data : "", len, GIT_OBJECT_BLOB);
	git_oid_tostr(out, BLOB_HEX_SIZE, &oid);
}

/* A file name that stays in its folder. */
/* `c` when it is a letter, a digit, '.', '_' or '-'; '_' otherwise. */
static char plain_char(char c)
{
	return c && strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", c)
		       ? c
		       : '_';
}

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
		*c = plain_char(*c);
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

static int prepare_script(struct gen *g, size_t pos)
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
	n->run_path = xasprintf(".dfc/scripts/%s/%s", id, n->file->name);
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

static int prepare(struct gen *g)
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
	for (size_t v = 0; v < n; v++) {
		const char *type = json_string_value(json_object_get(g->nodes[v].json, "type"));
		const char *id = g->dag.ids[v];

		/* Ids become file names in the run folder: check them again. */
		if (!node_id_is_valid(id) || !is_safe_name(id))
			return dfc_error(DFC_ESECURITY,
					 "node id '%s' cannot be used as a file name", id);
		if (!type || (strcmp(type, "script") && strcmp(type, "dataset")))
			return dfc_error(DFC_EINVALID, "node '%s' has no valid \"type\"", id);
		g->nodes[v].script = !strcmp(type, "script");
		ret = g->nodes[v].script ? prepare_script(g, v) : prepare_dataset(g, v);
		if (ret < 0)
			return ret;
	}
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

/* Append one argument of edge `e` (its JSON value `arg`, position `k`). */
static int add_argument(struct buf *out, struct gen *g, const struct dag_edge *e, size_t k,
			const json_t *arg)
{
	struct buf text = BUF_INIT;
	const char *ref;
	long pos;

	switch (json_typeof(arg)) {
	case JSON_STRING:
		if (strlen(json_string_value(arg)) != json_string_length(arg))
			return dfc_error(DFC_EINVALID,
					 "argument %zu of edge %zu holds a NUL byte, which no "
					 "command line can carry",
					 k, e->index);
		buf_addch(out, ' ');
		shell_quote(out, json_string_value(arg), json_string_length(arg));
		return 0;
	case JSON_INTEGER:
	case JSON_REAL:
	case JSON_TRUE:
	case JSON_FALSE:
		steps_scalar_word(&text, arg);
		add_word(out, buf_cstr(&text));
		buf_release(&text);
		return 0;
	case JSON_OBJECT:
		ref = json_string_value(json_object_get(arg, "ref"));
		if (ref && json_object_size(arg) == 1 && (pos = dag_find(&g->dag, ref)) >= 0) {
			add_word(out, g->nodes[pos].run_path);
			return 0;
		}
		break;
	default:
		break;
	}
	return dfc_error(DFC_EINVALID,
			 "argument %zu of edge %zu is not a string, number, boolean "
			 "or {\"ref\": <node id>}",
			 k, e->index);
}

/*
 * Append `dfc_<what> 'id'...` for the nodes at the `from` (or `to`) end of
 * the edges in `edges`[start, end) whose type matches, each once.
 */
static void add_node_list(struct buf *out, struct gen *g, const char *what, const size_t *edges,
			  size_t start, size_t end, bool other_is_from, bool want_script)
{
	bool any = false;

	g->mark_gen++;
	for (size_t k = start; k < end; k++) {
		const struct dag_edge *e = &g->dag.edges[edges[k]];
		size_t other = other_is_from ? e->from : e->to;

		if (g->nodes[other].script != want_script || g->mark[other] == g->mark_gen)
			continue;
		g->mark[other] = g->mark_gen;
		if (!any)
			buf_addf(out, "\tdfc_%s", what);
		any = true;
		add_word(out, g->dag.ids[other]);
	}
	if (any)
		buf_addch(out, '\n');
}

/*
 * Slurm: a node's "resources" (validated: plain numbers, sizes and names)
 * as the sbatch options they stand for, in a fixed order.
 */
static void add_resources(struct buf *out, const json_t *node)
{
	static const struct {
		const char *key, *option;
	} map[] = {
		{"cpus", "--cpus-per-task"}, {"mem", "--mem"},	       {"time", "--time"},
		{"partition", "--partition"}, {"gpus", "--gpus"},
	};
	const json_t *res = json_object_get(node, "resources");
	struct buf option = BUF_INIT;
	bool any = false;

	for (size_t k = 0; k < sizeof(map) / sizeof(*map); k++) {
		const json_t *v = json_object_get(res, map[k].key);

		buf_reset(&option);
		if (json_is_integer(v) && json_integer_value(v) > 0)
			buf_addf(&option, "%s=%" JSON_INTEGER_FORMAT, map[k].option,
				 json_integer_value(v));
		else if (json_is_string(v))
			buf_addf(&option, "%s=%s", map[k].option, json_string_value(v));
		else
			continue;
		if (!any)
			buf_adds(out, "\tdfc_resources");
		any = true;
		add_word(out, buf_cstr(&option));
	}
	if (any)
		buf_addch(out, '\n');
	buf_release(&option);
}

static int add_step(struct buf *out, struct gen *g, size_t v, size_t number, size_t total)
{
	const struct gen_node *n = &g->nodes[v];
	const char *id = g->dag.ids[v];
	const char *path = json_string_value(json_object_get(n->json, "path"));
	int ret;

	buf_addf(out, "\n\t# Step %zu of %zu: %s (", number, total, id);
	add_comment_text(out, path ? path : n->file->name);
	if (json_array_size(n->interp)) {
		buf_adds(out, ", run with ");
		add_comment_text(out, json_string_value(json_array_get(n->interp, 0)));
	} else {
		buf_adds(out, ", executed directly");
	}
	buf_adds(out, ")\n\tdfc_step");
	add_word(out, id);
	add_word(out, n->blob);
	buf_addf(out, " %zu", n->file->content.len);
	add_word(out, n->run_path);
	add_word(out, json_array_size(n->interp) ? json_string_value(json_array_get(n->interp, 0))
						   : "");
	buf_addch(out, '\n');
	if (g->in->target == GENERATE_SLURM)
		add_resources(out, n->json);
	add_node_list(out, g, "after", g->in_edges, g->in_start[v], g->in_start[v + 1], true, true);
	add_node_list(out, g, "reads", g->in_edges, g->in_start[v], g->in_start[v + 1], true,
		      false);
	add_node_list(out, g, "writes", g->out_edges, g->out_start[v], g->out_start[v + 1], false,
		      false);
	buf_adds(out, "\tdfc_command");
	for (size_t w = 0; w < json_array_size(n->interp); w++)
		add_word(out, json_string_value(json_array_get(n->interp, w)));
	add_word(out, n->run_path);
	for (size_t k = g->arg_start[v]; k < g->arg_start[v + 1]; k++) {
		const struct dag_edge *e = &g->dag.edges[g->arg_edges[k]];
		const json_t *args =
			json_object_get(json_array_get(g->edges, e->index), "arguments");
		size_t i;
		json_t *arg;

		if (args && !json_is_array(args))
			return dfc_error(DFC_EINVALID,
					 "edge %zu has \"arguments\" that is not an array",
					 e->index);
		json_array_foreach (args, i, arg) {
			if ((ret = add_argument(out, g, e, i, arg)) < 0)
				return ret;
		}
	}
	buf_addch(out, '\n');
	return 0;
}

static void add_dataset(struct buf *out, struct gen *g, size_t v)
{
	const struct gen_node *n = &g->nodes[v];
	const char *url = json_string_value(json_object_get(n->json, "url"));
	const char *sha = json_string_value(json_object_get(n->json, "sha256"));

	buf_adds(out, "\tdfc_dataset");
	add_word(out, g->dag.ids[v]);
	add_word(out, n->run_path);
	if (n->data) {
		buf_adds(out, " --embedded");
		add_word(out, n->blob);
		buf_addf(out, " %zu", n->data->len);
	} else if (url) {
		buf_adds(out, " --url");
		add_word(out, url);
	}
	if (sha) {
		buf_adds(out, " --sha256");
		add_word(out, sha);
	}
	buf_addch(out, '\n');
}

/* Plain text a quoted heredoc can hold and shellcheck can read. */
static bool is_plain_text(const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)data[i];

		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			return false;
	}
	return utf8_valid((const unsigned char *)data, len);
}

/* True when a line of `data` is exactly `delim`. */
static bool has_line(const char *data, size_t len, const char *delim)
{
	size_t dlen = strlen(delim);
	const char *p = data, *end = data + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		if (n == dlen && !memcmp(p, delim, dlen))
			return true;
		p += n + 1;
	}
	return false;
}

static void add_base64(struct buf *out, const char *data, size_t len)
{
	unsigned char line[80];

	for (size_t i = 0; i < len; i += 57) {
		size_t n = len - i < 57 ? len - i : 57;
		int w = EVP_EncodeBlock(line, (const unsigned char *)data + i, (int)n);

		buf_add(out, line, (size_t)w);
		buf_addch(out, '\n');
	}
}

static void add_file(struct buf *out, const char *what, const char *id, const char *name,
		     const char *blob, const char *data, size_t len)
{
	bool text = is_plain_text(data, len);
	struct buf delim = BUF_INIT;

	buf_addf(out, "\n# %s %s: ", what, id);
	add_comment_text(out, name);
	buf_addf(out, " (%zu bytes%s)\n", len, text ? "" : ", base64");
	buf_addf(&delim, "DFC_%s_EOF", blob);
	while (text && has_line(data, len, delim.data))
		buf_addch(&delim, 'X');
	buf_addf(out, "dfc_file_%s() {\n\t%s <<'%s'\n", blob, text ? "cat" : "base64 -d",
		 delim.data);
	if (text) {
		buf_add(out, data, len);
		/* The runtime cuts what the heredoc adds to `len` bytes. */
		if (len && data[len - 1] != '\n')
			buf_addch(out, '\n');
	} else {
		add_base64(out, data, len);
	}
	buf_addf(out, "%s\n}\n", delim.data);
	buf_release(&delim);
}

static int cmp_file_blob(const void *a, const void *b)
{
	const struct gen_file *x = a, *y = b;
	int c = strcmp(x->blob, y->blob);

	return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

static int cmp_file_pos(const void *a, const void *b)
{
	const struct gen_file *x = a, *y = b;

	return (x->pos > y->pos) - (x->pos < y->pos);
}

/* Every distinct embedded content once, in the order first used. */
static void add_files(struct buf *out, struct gen *g)
{
	struct gen_file *files = xcalloc(g->dag.nr_nodes + 1, sizeof(*files));
	size_t nr = 0, kept = 0;

	for (size_t k = 0; k < g->dag.nr_nodes; k++) {
		size_t v = g->order[k];

		if (g->nodes[v].script || g->nodes[v].data)
			files[nr++] = (struct gen_file){g->nodes[v].blob, k, v};
	}
	qsort(files, nr, sizeof(*files), cmp_file_blob);
	for (size_t k = 0; k < nr; k++)
		if (!kept || strcmp(files[kept - 1].blob, files[k].blob))
			files[kept++] = files[k];
	qsort(files, kept, sizeof(*files), cmp_file_pos);
	if (kept)
		buf_adds(out, "\n# --- Embedded files, each named by its git blob id -----------"
			      "------------\n");
	for (size_t k = 0; k < kept; k++) {
		const struct gen_node *n = &g->nodes[files[k].node];
		const char *id = g->dag.ids[files[k].node];

		if (n->script)
			add_file(out, "script", id, n->file->name, n->blob, n->file->content.data,
				 n->file->content.len);
		else
			add_file(out, "dataset", id, n->data->name ? n->data->name : "data",
				 n->blob, n->data->data, n->data->len);
	}
	free(files);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The header: where the script came from, how to get it again, what it needs. */
static void add_header(struct buf *out, struct gen *g, size_t nr_steps)
{
	const char *name = json_string_value(json_object_get(g->in->pipeline, "name"));
	const char **tools = xcalloc(g->dag.nr_nodes + 2, sizeof(*tools));
	size_t nr = 0;
	bool url = false;

	for (size_t v = 0; v < g->dag.nr_nodes; v++) {
		const char *interp = json_string_value(json_array_get(g->nodes[v].interp, 0));

		if (g->nodes[v].script && interp && strcmp(interp, "bash"))
			tools[nr++] = interp;
		if (!g->nodes[v].script && !g->nodes[v].data &&
		    json_is_string(json_object_get(g->nodes[v].json, "url")))
			url = true;
	}
	if (url)
		tools[nr++] = "curl";
	if (g->in->target == GENERATE_SLURM)
		tools[nr++] = "Slurm's sbatch";
	qsort(tools, nr, sizeof(*tools), cmp_str);
	/*
	 * Arguments are the user's text, single-quoted on purpose: `$(x)`, a
	 * backslash or a typographic quote in them is meant literally.
	 */
	buf_adds(out, "#!/usr/bin/env bash\n"
		      "# shellcheck disable=SC1003,SC1110,SC1111,SC1112,SC2016\n# ");
	add_comment_text(out, name ? name : "pipeline");
	buf_addf(out, ": %zu step%s, generated by data-factory-cli " DFC_VERSION " from\n# ",
		 nr_steps, nr_steps == 1 ? "" : "s");
	add_comment_text(out, g->in->origin ? g->in->origin : "a pipeline");
	buf_adds(out, ".\n# Regenerate it with: ");
	add_comment_text(out, g->in->regenerate ? g->in->regenerate : "data-factory-cli generate");
	buf_adds(out, "\n#\n# Needs bash 4.3 or newer, coreutils");
	for (size_t k = 0; k < nr; k++)
		if (!k || strcmp(tools[k - 1], tools[k])) {
			buf_adds(out, ", ");
			add_comment_text(out, tools[k]);
		}
	buf_adds(out, ". Run it with --help for its options.\n");
	if (g->in->target == GENERATE_SLURM)
		buf_adds(out, "# It submits one Slurm job per step; the run folder (--workdir) must be\n"
			      "# on a filesystem the compute nodes share.\n");
	buf_adds(out, "# Below: the pipeline as data (datasets, then one block per step in the\n"
		      "# order they run), the embedded files, then the runtime, which is the\n"
		      "# same in every generated script. Every argument is single-quoted: the\n"
		      "# shell never expands it.\n");
	free(tools);
}

int generate_target_parse(enum generate_target *out, const char *name)
{
	if (!name || !strcmp(name, "bash"))
		*out = GENERATE_BASH;
	else if (!strcmp(name, "slurm"))
		*out = GENERATE_SLURM;
	else
		return dfc_hint(dfc_error(DFC_EUSAGE, "unknown target '%s'", name),
				"use --target bash (the default) or --target slurm");
	return 0;
}

/*
 * Slurm: `dfc_slurm PREFIX ARG...`, the job names' prefix `dfc-<pipeline
 * name or id>` in characters any scheduler shows as they are, and the
 * options for every job.
 */
static void add_slurm(struct buf *out, const struct generate_input *in)
{
	const char *name = json_string_value(json_object_get(in->pipeline, "name"));
	struct buf prefix = BUF_INIT;

	if (!name || !*name)
		name = json_string_value(json_object_get(in->pipeline, "id"));
	buf_adds(&prefix, "dfc-");
	for (const char *p = name && *name ? name : "pipeline"; *p && prefix.len < 68; p++)
		buf_addch(&prefix, plain_char(*p));
	buf_adds(out, "\tdfc_slurm");
	add_word(out, buf_cstr(&prefix));
	for (size_t k = 0; k < in->nr_sbatch_args; k++)
		add_word(out, in->sbatch_args[k]);
	buf_addch(out, '\n');
	buf_release(&prefix);
}

int generate_script(struct buf *out, const struct generate_input *in)
{
	struct gen g = GEN_INIT;
	struct buf body = BUF_INIT;
	const char *name;
	size_t nr_steps = 0, number = 0;
	int ret;

	g.in = in;
	if (!in || !in->pipeline) {
		ret = dfc_error(DFC_EINTERNAL, "generate: no pipeline");
		goto out;
	}
	if ((ret = prepare(&g)) < 0)
		goto out;
	for (size_t v = 0; v < g.dag.nr_nodes; v++)
		nr_steps += g.nodes[v].script;

	name = json_string_value(json_object_get(in->pipeline, "name"));
	buf_adds(&body, "\ndfc_pipeline() {\n\tdfc_info");
	add_shown_word(&body, name ? name : "");
	add_shown_word(&body, in->origin ? in->origin : "");
	add_shown_word(&body, in->regenerate ? in->regenerate : "");
	buf_addch(&body, '\n');
	if (in->target == GENERATE_SLURM)
		add_slurm(&body, in);
	buf_adds(&body, "\n\t# Datasets: their path in the run folder, where they come from\n");
	for (size_t v = 0; v < g.dag.nr_nodes; v++)
		if (!g.nodes[v].script)
			add_dataset(&body, &g, v);
	for (size_t k = 0; k < g.dag.nr_nodes; k++) {
		size_t v = g.order[k];

		if (!g.nodes[v].script)
			continue;
		if ((ret = add_step(&body, &g, v, ++number, nr_steps)) < 0)
			goto out;
	}
	buf_adds(&body, "}\n");
	add_files(&body, &g);

	add_header(out, &g, nr_steps);
	buf_add(out, body.data, body.len);
	buf_adds(out, "\n# --- Runtime ------------------------------------------------------"
		      "---------\n");
	buf_add(out, dfc_runtime_sh, (size_t)dfc_runtime_sh_len);
	buf_addch(out, '\n');
	buf_add(out, dfc_runtime_state_sh, (size_t)dfc_runtime_state_sh_len);
	buf_addch(out, '\n');
	if (in->target == GENERATE_SLURM)
		buf_add(out, dfc_runtime_slurm_sh, (size_t)dfc_runtime_slurm_sh_len);
	else
		buf_add(out, dfc_runtime_local_sh, (size_t)dfc_runtime_local_sh_len);
	buf_adds(out, "\ndfc_main \"$@\"\n");
out:
	buf_release(&body);
	gen_release(&g);
	return ret;
}

/* diff.c - semantic diff of two pipelines and its text, json, patch and mermaid forms. */
#include "dfc/diff.h"

#include "dfc/canonical.h"
#include "dfc/error.h"
#include "dfc/printable.h"
#include "dfc/xalloc.h"

#include <git2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {
	[DIFF_FIELD_CHANGED] = "field_changed",
	[DIFF_NODE_REMOVED] = "node_removed",
	[DIFF_NODE_ADDED] = "node_added",
	[DIFF_NODE_CHANGED] = "node_changed",
	[DIFF_EDGE_REMOVED] = "edge_removed",
	[DIFF_EDGE_ADDED] = "edge_added",
	[DIFF_ARGUMENTS_CHANGED] = "arguments_changed",
	[DIFF_SCRIPT_CHANGED] = "script_changed",
};

const char *diff_kind_name(enum diff_kind kind)
{
	return kind_names[kind];
}

void diff_init(struct diff *d)
{
	memset(d, 0, sizeof(*d));
}

void diff_release(struct diff *d)
{
	for (size_t i = 0; i < d->nr; i++) {
		struct diff_change *c = &d->changes[i];

		free(c->node);
		free(c->from);
		free(c->to);
		free(c->field);
		free(c->path);
		json_decref(c->old_value);
		json_decref(c->new_value);
	}
	free(d->changes);
	diff_init(d);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* Append a change; strings are copied, values get a new reference. */
static struct diff_change *add_change(struct diff *d, enum diff_kind kind,
				      const char *path, json_t *old_value,
				      json_t *new_value)
{
	struct diff_change *c;

	XGROW(d->changes, d->alloc, d->nr + 1);
	c = &d->changes[d->nr++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->path = xstrdup(path);
	c->old_value = json_incref(old_value);
	c->new_value = json_incref(new_value);
	return c;
}

/* Append `/key` to a JSON pointer, escaping `~` and `/` (RFC 6901). */
static void pointer_add(struct buf *p, const char *key)
{
	buf_addch(p, '/');
	for (; *key; key++) {
		if (*key == '~')
			buf_adds(p, "~0");
		else if (*key == '/')
			buf_adds(p, "~1");
		else
			buf_addch(p, *key);
	}
}

static const char *string_member(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* The array `key` of `root` (borrowed), or NULL, which jansson reads as empty. */
static json_t *array_member(const json_t *root, const char *key)
{
	json_t *a = json_object_get(root, key);

	return json_is_array(a) ? a : NULL;
}

/* Compare two objects key by key; report with `kind`, the pointer `base`. */
static void diff_keys(struct diff *d, enum diff_kind kind, const char *node,
		      const char *old_base, const char *new_base,
		      json_t *old_obj, json_t *new_obj, const char *const *skip)
{
	struct buf path = BUF_INIT;
	const char *key;
	json_t *value;

	json_object_foreach(new_obj, key, value) {
		json_t *old_value = json_object_get(old_obj, key);
		bool skipped = false;

		for (const char *const *s = skip; s && *s; s++)
			skipped |= !strcmp(*s, key);
		if (skipped || (old_value && json_equal(old_value, value)))
			continue;
		buf_reset(&path);
		buf_adds(&path, new_base);
		pointer_add(&path, key);
		struct diff_change *c = add_change(d, kind, buf_cstr(&path), old_value, value);
		c->field = xstrdup(key);
		c->node = dup_or_null(node);
	}
	json_object_foreach(old_obj, key, value) {
		bool skipped = false;

		for (const char *const *s = skip; s && *s; s++)
			skipped |= !strcmp(*s, key);
		if (skipped || json_object_get(new_obj, key))
			continue;
		buf_reset(&path);
		buf_adds(&path, old_base);
		pointer_add(&path, key);
		struct diff_change *c = add_change(d, kind, buf_cstr(&path), value, NULL);
		c->field = xstrdup(key);
		c->node = dup_or_null(node);
	}
	buf_release(&path);
}

/* node id -> index in `nodes` (a new object). */
static json_t *index_nodes(const json_t *nodes)
{
	json_t *map = json_object();
	size_t i;
	json_t *node;

	json_array_foreach(nodes, i, node) {
		const char *id = string_member(node, "id");

		if (id && !json_object_get(map, id))
			json_object_set_new(map, id, json_integer((json_int_t)i));
	}
	return map;
}

/*
 * The identity of each edge: "from\nto\nk" where k counts the earlier edges
 * with the same ends. `keys` gets one string per edge (a new array), the
 * returned object maps each key to the edge's index.
 */
static json_t *index_edges(const json_t *edges, json_t **keys)
{
	json_t *map = json_object(), *counts = json_object();
	struct buf key = BUF_INIT;
	size_t i;
	json_t *edge;

	*keys = json_array();
	json_array_foreach(edges, i, edge) {
		const char *from = string_member(edge, "from");
		const char *to = string_member(edge, "to");
		json_int_t k;

		buf_reset(&key);
		buf_addf(&key, "%s\n%s", from ? from : "", to ? to : "");
		k = json_integer_value(json_object_get(counts, buf_cstr(&key)));
		json_object_set_new(counts, buf_cstr(&key), json_integer(k + 1));
		buf_addf(&key, "\n%lld", (long long)k);
		json_array_append_new(*keys, json_string(buf_cstr(&key)));
		json_object_set_new(map, buf_cstr(&key), json_integer((json_int_t)i));
	}
	json_decref(counts);
	buf_release(&key);
	return map;
}

static void diff_fields(struct diff *d, json_t *old_root, json_t *new_root)
{
	static const char *const skip[] = { "nodes", "edges", NULL };

	diff_keys(d, DIFF_FIELD_CHANGED, NULL, "", "", old_root, new_root, skip);
}

/*
 * The blob id of the content of script node `node` (id `id`): what
 * `scripts` says, else its script_id; NULL when unknown.
 */
static const char *script_content(const json_t *scripts, const char *id, json_t *node)
{
	const char *blob = json_string_value(json_object_get(scripts, id));

	return blob ? blob : string_member(node, "script_id");
}

/* A script node on both sides whose content is known on both and differs. */
static void diff_script(struct diff *d, const char *id, const char *path,
			const char *old_blob, const char *new_blob)
{
	json_t *old_value, *new_value;

	if (!old_blob || !new_blob || !strcmp(old_blob, new_blob))
		return;
	old_value = json_string(old_blob);
	new_value = json_string(new_blob);
	add_change(d, DIFF_SCRIPT_CHANGED, path, old_value, new_value)->node = xstrdup(id);
	json_decref(old_value);
	json_decref(new_value);
}

static void diff_nodes(struct diff *d, json_t *old_nodes, json_t *new_nodes,
		       const json_t *old_scripts, const json_t *new_scripts)
{
	/* Catalog ids: what they stand for is compared, not the keys (diff.h). */
	static const char *const skip[] = { "script_id", "dataset_id", NULL };
	json_t *old_map = index_nodes(old_nodes), *new_map = index_nodes(new_nodes);
	struct buf old_path = BUF_INIT, new_path = BUF_INIT;
	size_t i;
	json_t *node;

	json_array_foreach(old_nodes, i, node) {
		const char *id = string_member(node, "id");

		if (!id || json_object_get(new_map, id))
			continue;
		buf_reset(&old_path);
		buf_addf(&old_path, "/nodes/%zu", i);
		add_change(d, DIFF_NODE_REMOVED, buf_cstr(&old_path), node, NULL)->node =
			xstrdup(id);
	}
	json_array_foreach(new_nodes, i, node) {
		const char *id = string_member(node, "id");
		json_t *old_index, *old_node;
		size_t j;

		if (!id)
			continue;
		buf_reset(&new_path);
		buf_addf(&new_path, "/nodes/%zu", i);
		old_index = json_object_get(old_map, id);
		if (!old_index) {
			add_change(d, DIFF_NODE_ADDED, buf_cstr(&new_path), NULL, node)->node =
				xstrdup(id);
			continue;
		}
		j = (size_t)json_integer_value(old_index);
		old_node = json_array_get(old_nodes, j);
		buf_reset(&old_path);
		buf_addf(&old_path, "/nodes/%zu", j);
		diff_keys(d, DIFF_NODE_CHANGED, id, buf_cstr(&old_path), buf_cstr(&new_path),
			  old_node, node, skip);
		diff_script(d, id, buf_cstr(&new_path), script_content(old_scripts, id, old_node),
			    script_content(new_scripts, id, node));
	}
	buf_release(&old_path);
	buf_release(&new_path);
	json_decref(old_map);
	json_decref(new_map);
}

static void set_edge_ends(struct diff_change *c, json_t *edge)
{
	const char *from = string_member(edge, "from"), *to = string_member(edge, "to");

	c->from = xstrdup(from ? from : "");
	c->to = xstrdup(to ? to : "");
}

/* An edge's arguments: its array, or an empty one (a new reference). */
static json_t *edge_arguments(json_t *edge)
{
	json_t *a = json_object_get(edge, "arguments");

	return a ? json_incref(a) : json_array();
}

/* Whether the arguments of two edges (a missing list counts as []) differ. */
static bool arguments_differ(json_t *old_edge, json_t *new_edge)
{
	json_t *old_args = edge_arguments(old_edge), *new_args = edge_arguments(new_edge);
	bool differ = !json_equal(old_args, new_args);

	json_decref(old_args);
	json_decref(new_args);
	return differ;
}

static void diff_edges(struct diff *d, json_t *old_edges, json_t *new_edges)
{
	json_t *old_keys, *new_keys;
	json_t *old_map = index_edges(old_edges, &old_keys);
	json_t *new_map = index_edges(new_edges, &new_keys);
	struct buf path = BUF_INIT;
	size_t i;
	json_t *edge;

	json_array_foreach(old_edges, i, edge) {
		const char *key = json_string_value(json_array_get(old_keys, i));

		if (json_object_get(new_map, key))
			continue;
		buf_reset(&path);
		buf_addf(&path, "/edges/%zu", i);
		set_edge_ends(add_change(d, DIFF_EDGE_REMOVED, buf_cstr(&path), edge, NULL), edge);
	}
	json_array_foreach(new_edges, i, edge) {
		const char *key = json_string_value(json_array_get(new_keys, i));
		json_t *old_index = json_object_get(old_map, key);
		json_t *old_edge;

		buf_reset(&path);
		buf_addf(&path, "/edges/%zu", i);
		if (!old_index) {
			set_edge_ends(add_change(d, DIFF_EDGE_ADDED, buf_cstr(&path), NULL, edge),
				      edge);
			continue;
		}
		old_edge = json_array_get(old_edges, (size_t)json_integer_value(old_index));
		if (arguments_differ(old_edge, edge)) {
			json_t *old_args = edge_arguments(old_edge), *new_args = edge_arguments(edge);

			buf_adds(&path, "/arguments");
			set_edge_ends(add_change(d, DIFF_ARGUMENTS_CHANGED, buf_cstr(&path),
						 old_args, new_args),
				      edge);
			json_decref(old_args);
			json_decref(new_args);
		}
	}
	buf_release(&path);
	json_decref(old_keys);
	json_decref(new_keys);
	json_decref(old_map);
	json_decref(new_map);
}

int diff_pipelines(struct diff *out, const json_t *old_root, const json_t *new_root,
		   const json_t *old_scripts, const json_t *new_scripts)
{
	/* jansson's getters take non-const pointers; nothing is modified. */
	json_t *o = (json_t *)old_root, *n = (json_t *)new_root;

	diff_fields(out, o, n);
	diff_nodes(out, array_member(o, "nodes"), array_member(n, "nodes"), old_scripts,
		   new_scripts);
	diff_edges(out, array_member(o, "edges"), array_member(n, "edges"));
	return 0;
}

/* ---- text ---- */

#define COLOR_GREEN "\033[32m"
#define COLOR_RED "\033[31m"
#define COLOR_YELLOW "\033[33m"
#define COLOR_RESET "\033[m"

/*
 * Keys, ids and values come from the files, which may be hostile: control
 * characters in them are shown as \xNN, never sent to the terminal.
 */
static void add_text(struct buf *out, const char *s)
{
	printable_quote(out, s ? s : "", SIZE_MAX);
}

static void add_value(struct buf *out, const json_t *value)
{
	char *s;

	if (!value) {
		buf_adds(out, "(none)");
		return;
	}
	/* jansson escapes C0 controls in strings, not DEL or C1 ones. */
	s = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
	add_text(out, s ? s : "?");
	free(s);
}

/* A blob id as git abbreviates it for people: its first 12 digits. */
static void add_blob_id(struct buf *out, const json_t *value)
{
	char abbrev[13];

	snprintf(abbrev, sizeof(abbrev), "%s", json_string_value(value));
	add_text(out, abbrev);
}

/* "(script scripts/x.py)": a node's type and where it lives. */
static void add_node_summary(struct buf *out, json_t *node)
{
	static const char *const where[] = { "path", "url", "script_id", "dataset_id", NULL };
	const char *type = string_member(node, "type");

	buf_adds(out, " (");
	add_text(out, type ? type : "node");
	for (const char *const *w = where; *w; w++) {
		const char *s = string_member(node, *w);

		if (s) {
			buf_addch(out, ' ');
			add_text(out, s);
			break;
		}
	}
	buf_addch(out, ')');
}

/* " field 'name'", " node 'x'" or " edge a -> b": what a change is about. */
static void add_subject(struct buf *out, const struct diff_change *c)
{
	if (c->from) {
		buf_adds(out, " edge ");
		add_text(out, c->from);
		buf_adds(out, " -> ");
		add_text(out, c->to);
	} else {
		buf_adds(out, c->node ? " node '" : " field '");
		add_text(out, c->node ? c->node : c->field);
		buf_addch(out, '\'');
	}
}

/* ": [WHAT ]OLD -> NEW", the values written by `add`. */
static void add_old_new(struct buf *out, const char *what, const struct diff_change *c,
			void (*add)(struct buf *, const json_t *))
{
	buf_adds(out, ": ");
	if (what) {
		add_text(out, what);
		buf_addch(out, ' ');
	}
	add(out, c->old_value);
	buf_adds(out, " -> ");
	add(out, c->new_value);
}

void diff_format_text(struct buf *out, const struct diff *d, bool color)
{
	for (size_t i = 0; i < d->nr; i++) {
		const struct diff_change *c = &d->changes[i];
		char sign = '~';
		const char *col = COLOR_YELLOW;

		if (c->kind == DIFF_NODE_ADDED || c->kind == DIFF_EDGE_ADDED)
			sign = '+', col = COLOR_GREEN;
		else if (c->kind == DIFF_NODE_REMOVED || c->kind == DIFF_EDGE_REMOVED)
			sign = '-', col = COLOR_RED;
		if (color)
			buf_adds(out, col);
		buf_addch(out, sign);
		add_subject(out, c);
		switch (c->kind) {
		case DIFF_FIELD_CHANGED:
			add_old_new(out, NULL, c, add_value);
			break;
		case DIFF_NODE_CHANGED:
			add_old_new(out, c->field, c, add_value);
			break;
		case DIFF_ARGUMENTS_CHANGED:
			add_old_new(out, "arguments", c, add_value);
			break;
		case DIFF_SCRIPT_CHANGED:
			add_old_new(out, "script content", c, add_blob_id);
			break;
		case DIFF_NODE_ADDED:
		case DIFF_NODE_REMOVED:
			add_node_summary(out, c->new_value ? c->new_value : c->old_value);
			break;
		case DIFF_EDGE_ADDED:
		case DIFF_EDGE_REMOVED:
			break;
		}
		if (color)
			buf_adds(out, COLOR_RESET);
		buf_addch(out, '\n');
	}
}

/* ---- json ---- */

void diff_format_json(struct buf *out, const struct diff *d, const char *from_label,
		      const char *to_label)
{
	json_t *root = json_object(), *changes = json_array();

	json_object_set_new(root, "from", json_string(from_label));
	json_object_set_new(root, "to", json_string(to_label));
	for (size_t i = 0; i < d->nr; i++) {
		const struct diff_change *c = &d->changes[i];
		json_t *obj = json_object();

		json_object_set_new(obj, "kind", json_string(diff_kind_name(c->kind)));
		if (c->node)
			json_object_set_new(obj, "node", json_string(c->node));
		if (c->from)
			json_object_set_new(obj, "edge",
					    json_pack("{s:s, s:s}", "from", c->from, "to", c->to));
		if (c->field)
			json_object_set_new(obj, "field", json_string(c->field));
		json_object_set_new(obj, "path", json_string(c->path));
		if (c->old_value)
			json_object_set(obj, "old", c->old_value);
		if (c->new_value)
			json_object_set(obj, "new", c->new_value);
		json_array_append_new(changes, obj);
	}
	json_object_set_new(root, "changes", changes);
	canonical_dump(out, root);
	json_decref(root);
}

/* ---- patch ---- */

int diff_format_patch(struct buf *out, const char *old_text, size_t old_len,
		      const char *new_text, size_t new_len, const char *label)
{
	git_diff_options opts;
	git_patch *patch = NULL;
	git_buf text = { 0 };
	int ret = 0;

	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	if (git_patch_from_buffers(&patch, old_text, old_len, label, new_text, new_len,
				   label, &opts) < 0) {
		ret = dfc_git_error(DFC_EINTERNAL, "cannot diff the two versions");
		goto out;
	}
	if (!git_patch_num_hunks(patch))
		goto out;
	if (git_patch_to_buf(&text, patch) < 0) {
		ret = dfc_git_error(DFC_EINTERNAL, "cannot write the patch");
		goto out;
	}
	buf_add(out, text.ptr, text.size);
out:
	git_buf_dispose(&text);
	git_patch_free(patch);
	return ret;
}

/* ---- mermaid ---- */

/* A label for a mermaid string: quotes and markup written as entities. */
static void add_mermaid_label(struct buf *out, const char *s)
{
	buf_addch(out, '"');
	for (; *s; s++) {
		switch (*s) {
		case '"': buf_adds(out, "#quot;"); break;
		case '#': buf_adds(out, "#35;"); break;
		case '<': buf_adds(out, "#lt;"); break;
		case '>': buf_adds(out, "#gt;"); break;
		case '\n': case '\r': case '\t': buf_addch(out, ' '); break;
		default: buf_addch(out, *s); break;
		}
	}
	buf_addch(out, '"');
}

static void add_mermaid_node(struct buf *out, json_t *ids, const char *id, json_t *node)
{
	bool dataset = !strcmp(string_member(node, "type") ? string_member(node, "type") : "",
			       "dataset");
	size_t n = json_object_size(ids);

	if (json_object_get(ids, id))
		return;
	json_object_set_new(ids, id, json_integer((json_int_t)n));
	buf_addf(out, "  n%zu%s", n, dataset ? "[(" : "[");
	add_mermaid_label(out, id);
	buf_adds(out, dataset ? ")]\n" : "]\n");
}

/* Draw `edge`; returns whether it was (both ends are known nodes). */
static bool add_mermaid_edge(struct buf *out, json_t *ids, json_t *edge, const char *arrow)
{
	json_t *from = json_object_get(ids, string_member(edge, "from") ?
						    string_member(edge, "from") : "");
	json_t *to = json_object_get(ids, string_member(edge, "to") ?
						  string_member(edge, "to") : "");

	if (!from || !to)
		return false;
	buf_addf(out, "  n%lld %s n%lld\n", (long long)json_integer_value(from), arrow,
		 (long long)json_integer_value(to));
	return true;
}

void diff_format_mermaid(struct buf *out, const struct diff *d, const json_t *old_root,
			 const json_t *new_root)
{
	json_t *o = (json_t *)old_root, *n = (json_t *)new_root;
	json_t *old_nodes = array_member(o, "nodes"), *new_nodes = array_member(n, "nodes");
	json_t *old_edges = array_member(o, "edges"), *new_edges = array_member(n, "edges");
	json_t *ids = json_object(), *marked = json_object();
	json_t *old_keys, *new_keys, *old_map, *new_map;
	json_t *node, *edge;
	struct buf restyled = BUF_INIT;
	size_t i, links = 0;

	buf_adds(out, "flowchart LR\n");
	json_array_foreach(new_nodes, i, node)
		if (string_member(node, "id"))
			add_mermaid_node(out, ids, string_member(node, "id"), node);
	json_array_foreach(old_nodes, i, node)
		if (string_member(node, "id"))
			add_mermaid_node(out, ids, string_member(node, "id"), node);

	old_map = index_edges(old_edges, &old_keys);
	new_map = index_edges(new_edges, &new_keys);
	json_array_foreach(new_edges, i, edge) {
		const char *key = json_string_value(json_array_get(new_keys, i));
		json_t *old_index = json_object_get(old_map, key);

		if (!add_mermaid_edge(out, ids, edge, old_index ? "-->" : "==>"))
			continue;
		/* linkStyle numbers the links in the order they are drawn. */
		if (old_index &&
		    arguments_differ(json_array_get(old_edges, (size_t)json_integer_value(old_index)),
				     edge))
			buf_addf(&restyled, "  linkStyle %zu stroke:#bf8700,stroke-width:3px\n",
				 links);
		links++;
	}
	json_array_foreach(old_edges, i, edge) {
		const char *key = json_string_value(json_array_get(old_keys, i));

		if (!json_object_get(new_map, key))
			add_mermaid_edge(out, ids, edge, "-.->");
	}
	buf_add(out, restyled.data, restyled.len);

	buf_adds(out, "  classDef added fill:#d4f8d4,stroke:#2da44e\n"
		      "  classDef removed fill:#ffd7d5,stroke:#cf222e,stroke-dasharray:5 5\n"
		      "  classDef changed fill:#fff5b1,stroke:#bf8700\n");
	for (size_t k = 0; k < d->nr; k++) {
		const struct diff_change *c = &d->changes[k];
		const char *cls = c->kind == DIFF_NODE_ADDED	 ? "added" :
				  c->kind == DIFF_NODE_REMOVED ? "removed" :
				  c->kind == DIFF_NODE_CHANGED ||
				  c->kind == DIFF_SCRIPT_CHANGED ? "changed" : NULL;
		json_t *num;

		/* One class line per node, even when several of its keys changed. */
		if (!cls || json_object_get(marked, c->node) ||
		    !(num = json_object_get(ids, c->node)))
			continue;
		json_object_set_new(marked, c->node, json_true());
		buf_addf(out, "  class n%lld %s\n", (long long)json_integer_value(num), cls);
	}
	json_decref(old_keys);
	json_decref(new_keys);
	json_decref(old_map);
	json_decref(new_map);
	json_decref(ids);
	json_decref(marked);
	buf_release(&restyled);
}

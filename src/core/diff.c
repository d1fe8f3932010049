/* diff.c - semantic diff of two pipelines and its text, json, patch and mermaid forms. */
#include "dfc/diff.h"

#include "dfc/canonical.h"
#include "dfc/error.h"
#include "dfc/json_pointer.h"
#include "dfc/steps.h"
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
	[DIFF_NODE_MOVED] = "node_moved",
	[DIFF_EDGE_MOVED] = "edge_moved",
	[DIFF_STEP_ARGUMENTS_CHANGED] = "step_arguments_changed",
	[DIFF_STEP_MOVED] = "step_moved",
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

/* True when `key` is one of the NULL-terminated `list` (which may be NULL). */
static bool listed(const char *const *list, const char *key)
{
	for (; list && *list; list++)
		if (!strcmp(*list, key))
			return true;
	return false;
}

/* A change of member `key` of `node`'s object at the pointer `base`. */
static void add_key_change(struct diff *d, enum diff_kind kind, const char *node, const char *base,
			   const char *key, json_t *old_value, json_t *new_value)
{
	struct buf path = BUF_INIT;
	struct diff_change *c;

	buf_adds(&path, base);
	json_pointer_add(&path, key);
	c = add_change(d, kind, buf_cstr(&path), old_value, new_value);
	c->field = xstrdup(key);
	c->node = dup_or_null(node);
	buf_release(&path);
}

/* Compare two objects key by key; report with `kind`, the pointer `base`. */
static void diff_keys(struct diff *d, enum diff_kind kind, const char *node,
		      const char *old_base, const char *new_base,
		      json_t *old_obj, json_t *new_obj, const char *const *skip)
{
	const char *key;
	json_t *value;

	json_object_foreach(new_obj, key, value) {
		json_t *old_value = json_object_get(old_obj, key);

		if (!listed(skip, key) && !(old_value && json_equal(old_value, value)))
			add_key_change(d, kind, node, new_base, key, old_value, value);
	}
	/* Removed keys: the pointer into the old document. */
	json_object_foreach(old_obj, key, value) {
		if (!listed(skip, key) && !json_object_get(new_obj, key))
			add_key_change(d, kind, node, old_base, key, value, NULL);
	}
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

static void set_edge_ends(struct diff_change *c, json_t *edge)
{
	const char *from = string_member(edge, "from"), *to = string_member(edge, "to");

	c->from = xstrdup(from ? from : "");
	c->to = xstrdup(to ? to : "");
}

/*
 * Mark in `moved` the items that left their place: `old_pos[i]` is the old
 * position of the i-th item (new order) of those both sides hold, all
 * distinct; the items of one longest increasing run stay, the others moved.
 * O(n log n) (patience sorting).
 */
static void mark_moved(const size_t *old_pos, size_t n, bool *moved)
{
	size_t *tails = xcalloc(n + 1, sizeof(*tails)); /* item ending each run length */
	size_t *prev = xcalloc(n + 1, sizeof(*prev));
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		size_t lo = 0, hi = len;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (old_pos[tails[mid]] < old_pos[i])
				lo = mid + 1;
			else
				hi = mid;
		}
		prev[i] = lo ? tails[lo - 1] : SIZE_MAX;
		tails[lo] = i;
		if (lo == len)
			len++;
		moved[i] = true;
	}
	for (size_t i = len ? tails[len - 1] : SIZE_MAX; i != SIZE_MAX; i = prev[i])
		moved[i] = false;
	free(tails);
	free(prev);
}

/* A move of the item at `old_index` (old) to `new_index` (new). */
static struct diff_change *add_move(struct diff *d, enum diff_kind kind, const char *path,
				    size_t old_index, size_t new_index)
{
	json_t *old_value = json_integer((json_int_t)old_index);
	json_t *new_value = json_integer((json_int_t)new_index);
	struct diff_change *c = add_change(d, kind, path, old_value, new_value);

	json_decref(old_value);
	json_decref(new_value);
	return c;
}

/*
 * For the items of `new_items` whose key (`key_of`) the old side also has
 * (`old_map`: key -> old index), report those that moved.
 */
static void diff_moves(struct diff *d, enum diff_kind kind, const char *what,
		       json_t *new_items, json_t *old_map, json_t *new_keys)
{
	size_t n = json_array_size(new_items), nr = 0;
	size_t *old_pos = xcalloc(n + 1, sizeof(*old_pos));
	size_t *new_pos = xcalloc(n + 1, sizeof(*new_pos));
	bool *moved = xcalloc(n + 1, sizeof(*moved));
	struct buf path = BUF_INIT;

	for (size_t i = 0; i < n; i++) {
		json_t *old_index = json_object_get(old_map, json_string_value(json_array_get(new_keys, i)));

		if (!old_index)
			continue;
		old_pos[nr] = (size_t)json_integer_value(old_index);
		new_pos[nr++] = i;
	}
	mark_moved(old_pos, nr, moved);
	for (size_t k = 0; k < nr; k++) {
		json_t *item = json_array_get(new_items, new_pos[k]);
		struct diff_change *c;

		if (!moved[k])
			continue;
		buf_reset(&path);
		buf_addf(&path, "/%s/%zu", what, new_pos[k]);
		c = add_move(d, kind, buf_cstr(&path), old_pos[k], new_pos[k]);
		if (kind == DIFF_NODE_MOVED)
			c->node = xstrdup(string_member(item, "id"));
		else
			set_edge_ends(c, item);
	}
	buf_release(&path);
	free(old_pos);
	free(new_pos);
	free(moved);
}

/* The ids of the items of `items` (a new array), for diff_moves(). */
static json_t *node_keys(json_t *nodes)
{
	json_t *keys = json_array();
	size_t i;
	json_t *node;

	json_array_foreach(nodes, i, node) {
		const char *id = string_member(node, "id");

		json_array_append_new(keys, id ? json_string(id) : json_null());
	}
	return keys;
}

static void diff_nodes(struct diff *d, json_t *old_nodes, json_t *new_nodes,
		       const json_t *old_scripts, const json_t *new_scripts)
{
	/* Catalog ids: what they stand for is compared, not the keys (diff.h). */
	static const char *const skip[] = { "script_id", "dataset_id", NULL };
	json_t *old_map = index_nodes(old_nodes), *new_map = index_nodes(new_nodes), *new_keys;
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
	new_keys = node_keys(new_nodes);
	diff_moves(d, DIFF_NODE_MOVED, "nodes", new_nodes, old_map, new_keys);
	json_decref(new_keys);
	buf_release(&old_path);
	buf_release(&new_path);
	json_decref(old_map);
	json_decref(new_map);
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
	diff_moves(d, DIFF_EDGE_MOVED, "edges", new_edges, old_map, new_keys);
	buf_release(&path);
	json_decref(old_keys);
	json_decref(new_keys);
	json_decref(old_map);
	json_decref(new_map);
}

/* Steps by id: id -> position in `s` (a new object). */
static json_t *index_steps(const struct steps *s)
{
	json_t *map = json_object();

	for (size_t i = 0; i < s->nr; i++)
		json_object_set_new(map, s->items[i].id, json_integer((json_int_t)i));
	return map;
}

/*
 * What runs: steps on both sides whose argument vector differs, then those
 * that start at another place among the steps both sides run.
 */
static void diff_steps(struct diff *d, const struct steps *old_steps,
		       const struct steps *new_steps)
{
	json_t *old_map = index_steps(old_steps);
	size_t n = new_steps->nr, nr = 0;
	size_t *old_pos = xcalloc(n + 1, sizeof(*old_pos));
	size_t *new_pos = xcalloc(n + 1, sizeof(*new_pos));
	bool *moved = xcalloc(n + 1, sizeof(*moved));
	struct buf path = BUF_INIT;

	for (size_t i = 0; i < n; i++) {
		const struct step *s = &new_steps->items[i];
		json_t *old_index = json_object_get(old_map, s->id);
		const struct step *o;

		if (!old_index)
			continue;
		o = &old_steps->items[json_integer_value(old_index)];
		old_pos[nr] = (size_t)json_integer_value(old_index);
		new_pos[nr++] = i;
		if (json_equal(o->arguments, s->arguments))
			continue;
		buf_reset(&path);
		buf_addf(&path, "/nodes/%zu", s->node_index);
		add_change(d, DIFF_STEP_ARGUMENTS_CHANGED, buf_cstr(&path), o->arguments,
			   s->arguments)->node = xstrdup(s->id);
	}
	mark_moved(old_pos, nr, moved);
	for (size_t k = 0; k < nr; k++) {
		const struct step *s = &new_steps->items[new_pos[k]];

		if (!moved[k])
			continue;
		buf_reset(&path);
		buf_addf(&path, "/nodes/%zu", s->node_index);
		add_move(d, DIFF_STEP_MOVED, buf_cstr(&path), old_pos[k] + 1, new_pos[k] + 1)->node =
			xstrdup(s->id);
	}
	buf_release(&path);
	free(old_pos);
	free(new_pos);
	free(moved);
	json_decref(old_map);
}

/*
 * Whether each move changes nothing that runs: a node move when no step
 * starts elsewhere, an edge move when the step it gives arguments to (its
 * `to`, else its `from`) keeps its arguments.
 */
static void mark_order_only(struct diff *d)
{
	json_t *changed = json_object();
	bool steps_moved = false;

	for (size_t i = 0; i < d->nr; i++) {
		if (d->changes[i].kind == DIFF_STEP_MOVED)
			steps_moved = true;
		if (d->changes[i].kind == DIFF_STEP_ARGUMENTS_CHANGED)
			json_object_set_new(changed, d->changes[i].node, json_true());
	}
	for (size_t i = 0; i < d->nr; i++) {
		struct diff_change *c = &d->changes[i];

		if (c->kind == DIFF_NODE_MOVED)
			c->order_only = !steps_moved;
		else if (c->kind == DIFF_EDGE_MOVED)
			c->order_only = !json_object_get(changed, c->to) &&
					!json_object_get(changed, c->from);
	}
	json_decref(changed);
}

int diff_pipelines(struct diff *out, const json_t *old_root, const json_t *new_root,
		   const json_t *old_scripts, const json_t *new_scripts)
{
	/* jansson's getters take non-const pointers; nothing is modified. */
	json_t *o = (json_t *)old_root, *n = (json_t *)new_root;

	struct steps old_steps = STEPS_INIT, new_steps = STEPS_INIT;

	diff_fields(out, o, n);
	diff_nodes(out, array_member(o, "nodes"), array_member(n, "nodes"), old_scripts,
		   new_scripts);
	diff_edges(out, array_member(o, "edges"), array_member(n, "edges"));
	/* A side with a cycle runs nothing: its steps are none. */
	steps_plan(&old_steps, o);
	steps_plan(&new_steps, n);
	diff_steps(out, &old_steps, &new_steps);
	mark_order_only(out);
	steps_release(&old_steps);
	steps_release(&new_steps);
	return 0;
}

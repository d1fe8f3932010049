/* diff_format.c - a pipeline diff as text, JSON, a unified patch or a mermaid flowchart. */
#include "dfc/diff.h"

#include "dfc/canonical.h"
#include "dfc/error.h"
#include "dfc/graph.h"
#include "dfc/printable.h"
#include "dfc/steps.h"
#include "dfc/xalloc.h"

#include <git2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *string_member(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
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

/* An argument vector as a command line shows it, in brackets. */
static void add_words(struct buf *out, const json_t *words)
{
	buf_addch(out, '[');
	steps_add_command_line(out, words);
	buf_addch(out, ']');
}

/* ": moved /nodes/3 -> /nodes/0[ (order only)]". */
static void add_move(struct buf *out, const char *prefix, const struct diff_change *c)
{
	buf_addf(out, ": moved %s%lld -> %s%lld", prefix,
		 (long long)json_integer_value(c->old_value), prefix,
		 (long long)json_integer_value(c->new_value));
	if (c->order_only)
		buf_adds(out, " (order only)");
}

/*
 * " field 'name'", " node 'x'", " step 'x'" or " edge a -> b": what a
 * change is about.
 */
static void add_subject(struct buf *out, const struct diff_change *c)
{
	if (c->kind == DIFF_STEP_ARGUMENTS_CHANGED || c->kind == DIFF_STEP_MOVED) {
		buf_adds(out, " step '");
		add_text(out, c->node);
		buf_addch(out, '\'');
	} else if (c->from) {
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
		case DIFF_NODE_MOVED:
			add_move(out, "/nodes/", c);
			break;
		case DIFF_EDGE_MOVED:
			add_move(out, "/edges/", c);
			break;
		case DIFF_STEP_ARGUMENTS_CHANGED:
			add_old_new(out, "arguments", c, add_words);
			break;
		case DIFF_STEP_MOVED:
			add_old_new(out, "start order", c, add_value);
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
		if (c->kind == DIFF_NODE_MOVED || c->kind == DIFF_EDGE_MOVED)
			json_object_set_new(obj, "order_only", json_boolean(c->order_only));
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

/*
 * A label for a mermaid string: quotes, pipes and markup written as
 * entities, line breaks and tabs as spaces.
 */
static void add_mermaid_label(struct buf *out, const char *s)
{
	buf_addch(out, '"');
	for (; *s; s++) {
		switch (*s) {
		case '"': buf_adds(out, "#quot;"); break;
		case '#': buf_adds(out, "#35;"); break;
		case '<': buf_adds(out, "#lt;"); break;
		case '>': buf_adds(out, "#gt;"); break;
		case '|': buf_adds(out, "#124;"); break;
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

/*
 * Draw `edge` as `nA ARROW|"label"| nB` (no label when `label` is empty);
 * returns whether it was (both ends are known nodes).
 */
static bool add_mermaid_edge(struct buf *out, json_t *ids, const json_t *edge,
			     const char *arrow, const char *label)
{
	json_t *from = json_object_get(ids, string_member(edge, "from") ?
						    string_member(edge, "from") : "");
	json_t *to = json_object_get(ids, string_member(edge, "to") ?
						  string_member(edge, "to") : "");

	if (!from || !to)
		return false;
	buf_addf(out, "  n%lld %s", (long long)json_integer_value(from), arrow);
	if (*label) {
		buf_addch(out, '|');
		add_mermaid_label(out, label);
		buf_addch(out, '|');
	}
	buf_addf(out, " n%lld\n", (long long)json_integer_value(to));
	return true;
}

/*
 * The label of an edge as `graph --format mermaid` draws it; for one whose
 * arguments changed (`change`, else NULL), `old → new`, an empty side
 * shown as (none). The caller frees it.
 */
static char *mermaid_edge_label(const json_t *edge, const struct diff_change *change)
{
	char *label = graph_arguments_label(json_object_get(edge, "arguments"));
	char *old;
	struct buf both = BUF_INIT;

	if (!change)
		return label;
	old = graph_arguments_label(change->old_value);
	buf_addf(&both, "%s \u2192 %s", *old ? old : "(none)", *label ? label : "(none)");
	free(old);
	free(label);
	return buf_detach(&both, NULL);
}

/*
 * The edges the changes name, by their index: `added` and `changed`
 * (arguments) in the new file (new objects, index -> the change's index).
 */
static void edge_marks(const struct diff *d, json_t **added, json_t **changed)
{
	*added = json_object();
	*changed = json_object();
	for (size_t k = 0; k < d->nr; k++) {
		const struct diff_change *c = &d->changes[k];
		size_t index;
		char key[32];

		if ((c->kind != DIFF_EDGE_ADDED && c->kind != DIFF_ARGUMENTS_CHANGED) ||
		    sscanf(c->path, "/edges/%zu", &index) != 1)
			continue;
		snprintf(key, sizeof(key), "%zu", index);
		json_object_set_new(c->kind == DIFF_EDGE_ADDED ? *added : *changed, key,
				    json_integer((json_int_t)k));
	}
}

/* The class a change gives its node in the flowchart, or NULL. */
static const char *mermaid_class(enum diff_kind kind)
{
	switch (kind) {
	case DIFF_NODE_ADDED:
		return "added";
	case DIFF_NODE_REMOVED:
		return "removed";
	case DIFF_NODE_CHANGED:
	case DIFF_SCRIPT_CHANGED:
	case DIFF_STEP_ARGUMENTS_CHANGED:
	case DIFF_STEP_MOVED:
		return "changed";
	default:
		return NULL;
	}
}

void diff_format_mermaid(struct buf *out, const struct diff *d, const json_t *old_root,
			 const json_t *new_root)
{
	json_t *old_nodes = json_object_get(old_root, "nodes");
	json_t *new_nodes = json_object_get(new_root, "nodes");
	json_t *new_edges = json_object_get(new_root, "edges");
	json_t *ids = json_object(), *marked = json_object();
	json_t *added, *changed;
	json_t *node, *edge;
	struct buf restyled = BUF_INIT;
	size_t i, links = 0;
	char key[32];

	buf_adds(out, "flowchart LR\n");
	json_array_foreach(new_nodes, i, node)
		if (string_member(node, "id"))
			add_mermaid_node(out, ids, string_member(node, "id"), node);
	json_array_foreach(old_nodes, i, node)
		if (string_member(node, "id"))
			add_mermaid_node(out, ids, string_member(node, "id"), node);

	edge_marks(d, &added, &changed);
	json_array_foreach(new_edges, i, edge) {
		json_t *change;
		char *label;
		bool drawn;

		snprintf(key, sizeof(key), "%zu", i);
		change = json_object_get(changed, key);
		label = mermaid_edge_label(edge, change ?
			&d->changes[json_integer_value(change)] : NULL);
		drawn = add_mermaid_edge(out, ids, edge,
					 json_object_get(added, key) ? "==>" : "-->", label);
		free(label);
		if (!drawn)
			continue;
		/* linkStyle numbers the links in the order they are drawn. */
		if (change)
			buf_addf(&restyled, "  linkStyle %zu stroke:#bf8700,stroke-width:3px\n",
				 links);
		links++;
	}
	for (size_t k = 0; k < d->nr; k++) {
		char *label;

		if (d->changes[k].kind != DIFF_EDGE_REMOVED)
			continue;
		label = mermaid_edge_label(d->changes[k].old_value, NULL);
		add_mermaid_edge(out, ids, d->changes[k].old_value, "-.->", label);
		free(label);
	}
	buf_add(out, restyled.data, restyled.len);

	buf_adds(out, "  classDef added fill:#d4f8d4,stroke:#2da44e\n"
		      "  classDef removed fill:#ffd7d5,stroke:#cf222e,stroke-dasharray:5 5\n"
		      "  classDef changed fill:#fff5b1,stroke:#bf8700\n");
	for (size_t k = 0; k < d->nr; k++) {
		const struct diff_change *c = &d->changes[k];
		const char *cls = mermaid_class(c->kind);
		json_t *num;

		/* One class line per node, even when several of its keys changed. */
		if (!cls || json_object_get(marked, c->node) ||
		    !(num = json_object_get(ids, c->node)))
			continue;
		json_object_set_new(marked, c->node, json_true());
		buf_addf(out, "  class n%lld %s\n", (long long)json_integer_value(num), cls);
	}
	json_decref(added);
	json_decref(changed);
	json_decref(ids);
	json_decref(marked);
	buf_release(&restyled);
}

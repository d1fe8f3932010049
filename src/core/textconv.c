/* textconv.c - the line-based review form of a pipeline file for `git diff`. */
#include "dfc/textconv.h"

#include "dfc/printable.h"
#include "dfc/steps.h"
#include "dfc/strvec.h"
#include "dfc/xalloc.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Append `s` with control characters escaped (printable_quote()). */
static void add_text(struct buf *out, const char *s)
{
	printable_quote(out, s ? s : "?", SIZE_MAX);
}

/* Compact JSON with sorted keys; DEL and C1 as \u00XX (printable_json()). */
static void add_compact(struct buf *out, const json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	struct buf json = BUF_INIT;

	buf_adds(&json, s ? s : "?");
	printable_json(&json);
	buf_add(out, json.data, json.len);
	buf_release(&json);
	free(s);
}

/* "key: value" for each top-level key but nodes and edges, keys sorted. */
static void add_fields(struct buf *out, const json_t *root)
{
	const char **keys = xcalloc(json_object_size(root) + 1, sizeof(*keys));
	size_t nr = 0;
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)root, key, v)
		if (strcmp(key, "nodes") && strcmp(key, "edges"))
			keys[nr++] = key;
	qsort(keys, nr, sizeof(*keys), strvec_compare);
	for (size_t i = 0; i < nr; i++) {
		add_text(out, keys[i]);
		buf_adds(out, ": ");
		add_compact(out, json_object_get(root, keys[i]));
		buf_addch(out, '\n');
	}
	free(keys);
}

static void add_steps(struct buf *out, const json_t *root)
{
	struct steps steps = STEPS_INIT;

	if (!steps_plan(&steps, root)) {
		buf_adds(out, "steps: none (the graph has a cycle)\n");
		return;
	}
	for (size_t i = 0; i < steps.nr; i++) {
		buf_addf(out, "step %zu ", i + 1);
		add_text(out, steps.items[i].id);
		buf_adds(out, ": ");
		steps_add_command_line(out, steps.items[i].command);
		if (json_array_size(steps.items[i].arguments))
			buf_addch(out, ' ');
		steps_add_command_line(out, steps.items[i].arguments);
		buf_addch(out, '\n');
	}
	steps_release(&steps);
}

void textconv_review_form(struct buf *out, const char *data, size_t len)
{
	json_t *root = json_loadb(data, len, 0, NULL);
	json_t *nodes = json_object_get(root, "nodes");
	json_t *edges = json_object_get(root, "edges");
	size_t i;
	json_t *v;

	if (!json_is_object(root) || !json_is_array(nodes) || !json_is_array(edges)) {
		buf_add(out, data, len);
		goto out;
	}
	add_fields(out, root);
	json_array_foreach(nodes, i, v) {
		buf_adds(out, "node ");
		add_text(out, json_string_value(json_object_get(v, "id")));
		buf_adds(out, ": ");
		add_compact(out, v);
		buf_addch(out, '\n');
	}
	json_array_foreach(edges, i, v) {
		buf_adds(out, "edge ");
		add_text(out, json_string_value(json_object_get(v, "from")));
		buf_adds(out, " -> ");
		add_text(out, json_string_value(json_object_get(v, "to")));
		buf_adds(out, ": ");
		add_compact(out, v);
		buf_addch(out, '\n');
	}
	add_steps(out, root);
out:
	json_decref(root);
}

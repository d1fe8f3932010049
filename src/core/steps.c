/* steps.c - the steps of a pipeline in start order, with their commands and arguments. */
#include "dfc/steps.h"

#include "dfc/buf.h"
#include "dfc/canonical.h"
#include "dfc/dag.h"
#include "dfc/printable.h"
#include "dfc/shell.h"
#include "dfc/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const char *steps_interpreter_for(const char *file_name)
{
	static const char *const by_ext[][2] = {
		{".py", "python3"}, {".sh", "bash"}, {".R", "Rscript"},
		{".js", "node"},    {".pl", "perl"}, {".rb", "ruby"},
	};
	const char *slash = strrchr(file_name, '/');
	const char *dot = strrchr(slash ? slash + 1 : file_name, '.');

	if (!dot)
		return NULL;
	for (size_t i = 0; i < sizeof(by_ext) / sizeof(by_ext[0]); i++)
		if (!strcmp(dot, by_ext[i][0]))
			return by_ext[i][1];
	return NULL;
}

void steps_scalar_word(struct buf *out, const json_t *arg)
{
	size_t start = out->len;

	canonical_dump(out, arg);
	while (out->len > start && out->data[out->len - 1] == '\n')
		buf_truncate(out, out->len - 1);
}

void steps_release(struct steps *s)
{
	for (size_t i = 0; i < s->nr; i++) {
		json_decref(s->items[i].command);
		json_decref(s->items[i].arguments);
	}
	free(s->items);
	s->items = NULL;
	s->nr = 0;
}

static const char *member(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static bool is_script(const json_t *node)
{
	const char *type = member(node, "type");

	return type && !strcmp(type, "script");
}

/* Append the words of `s` (split on blanks, as the generated script does). */
static void add_words(json_t *out, const char *s)
{
	while (*s) {
		size_t len;

		s += strspn(s, " \t");
		len = strcspn(s, " \t");
		if (!len)
			break;
		json_array_append_new(out, json_stringn(s, len));
		s += len;
	}
}

json_t *steps_interpreter_words(const json_t *node, const char *file_name)
{
	json_t *words = json_array();
	const json_t *interp = json_object_get(node, "interpreter");

	if (json_is_string(interp))
		add_words(words, json_string_value(interp));
	else if (file_name && steps_interpreter_for(file_name))
		add_words(words, steps_interpreter_for(file_name));
	return words;
}

void steps_add_command_line(struct buf *out, const json_t *words)
{
	struct buf word = BUF_INIT;
	size_t i;
	json_t *w;

	json_array_foreach(words, i, w) {
		buf_reset(&word);
		shell_word(&word, json_string_value(w) ? json_string_value(w) : "");
		if (i)
			buf_addch(out, ' ');
		printable_quote(out, buf_cstr(&word), SIZE_MAX);
	}
	buf_release(&word);
}

/* The interpreter words and the file of script node `node` (a new array). */
static json_t *command_of(const json_t *node)
{
	const char *path = member(node, "path");
	const char *file = path ? path : member(node, "script_id");
	json_t *words = steps_interpreter_words(node, path);

	json_array_append_new(words, json_string(file ? file : ""));
	return words;
}

/* Where a `{"ref": ...}` to `node` (id `id`) points in the run folder (new). */
static json_t *ref_word(const json_t *node, const char *id)
{
	const char *path = member(node, "path");
	const char *slash;
	json_t *word;
	struct buf b = BUF_INIT;

	if (!path) {
		buf_addf(&b, "<%s>", id);
	} else if (is_script(node)) {
		slash = strrchr(path, '/');
		buf_addf(&b, ".dfc/scripts/%s/%s", id, slash ? slash + 1 : path);
	} else {
		buf_adds(&b, path);
	}
	word = json_stringn(b.data, b.len);
	buf_release(&b);
	return word;
}

/* Append argument `arg` as the word the script receives, if it is one. */
static void add_argument(json_t *out, const json_t *arg, const struct dag *dag,
			 const json_t *nodes_by_pos[])
{
	struct buf text = BUF_INIT;
	const char *ref;
	long pos;

	switch (json_typeof(arg)) {
	case JSON_STRING:
		json_array_append_new(out, json_stringn(json_string_value(arg),
							json_string_length(arg)));
		break;
	case JSON_INTEGER:
	case JSON_REAL:
	case JSON_TRUE:
	case JSON_FALSE:
		steps_scalar_word(&text, arg);
		json_array_append_new(out, json_stringn(text.data, text.len));
		break;
	case JSON_OBJECT:
		ref = member(arg, "ref");
		if (ref && json_object_size(arg) == 1 && (pos = dag_find(dag, ref)) >= 0)
			json_array_append_new(out, ref_word(nodes_by_pos[pos], ref));
		break;
	default:
		break;
	}
	buf_release(&text);
}

bool steps_plan(struct steps *out, const json_t *root)
{
	const json_t *nodes = json_object_get(root, "nodes");
	const json_t *edges = json_object_get(root, "edges");
	struct dag dag = DAG_INIT;
	const json_t **by_pos = NULL;
	size_t *order = NULL, *step_of = NULL, *file_index = NULL;
	bool ok = false;
	size_t i;
	json_t *node;

	out->items = NULL;
	out->nr = 0;
	dag_build(&dag, root);
	order = xcalloc(dag.nr_nodes + 1, sizeof(*order));
	if (!dag_topo_order(&dag, order))
		goto out;
	/* The JSON of each dag node: the first node with its id, as dag_build. */
	by_pos = xcalloc(dag.nr_nodes + 1, sizeof(*by_pos));
	file_index = xcalloc(dag.nr_nodes + 1, sizeof(*file_index));
	json_array_foreach(nodes, i, node) {
		long pos = dag_find(&dag, member(node, "id") ? member(node, "id") : "");

		if (pos >= 0 && !by_pos[pos]) {
			by_pos[pos] = node;
			file_index[pos] = i;
		}
	}
	step_of = xcalloc(dag.nr_nodes + 1, sizeof(*step_of));
	out->items = xcalloc(dag.nr_nodes + 1, sizeof(*out->items));
	for (size_t k = 0; k < dag.nr_nodes; k++) {
		size_t v = order[k];
		struct step *s;

		if (!is_script(by_pos[v]))
			continue;
		s = &out->items[out->nr];
		step_of[v] = ++out->nr;
		s->id = dag.ids[v];
		s->node_index = file_index[v];
		s->command = command_of(by_pos[v]);
		s->arguments = json_array();
	}
	/* Edges in file order: each appends its arguments to its script end. */
	for (size_t e = 0; e < dag.nr_edges; e++) {
		const struct dag_edge *edge = &dag.edges[e];
		size_t end = step_of[edge->to] ? edge->to : edge->from;
		const json_t *args = json_object_get(json_array_get(edges, edge->index),
						     "arguments");
		json_t *arg;

		if (!step_of[end])
			continue;
		json_array_foreach (args, i, arg) {
			add_argument(out->items[step_of[end] - 1].arguments, arg, &dag, by_pos);
		}
	}
	ok = true;
out:
	free(order);
	free(by_pos);
	free(file_index);
	free(step_of);
	dag_release(&dag);
	return ok;
}

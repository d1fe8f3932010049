/* init_plan.c - the starter pipeline init proposes, and its best guess. */
#include "dfc/init_plan.h"

#include "dfc/buf.h"
#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Room left in a node id (128 bytes at most) for `_out` and a `_N` suffix. */
#define OUTPUT_ID_BASE_MAX 112

void init_plan_release(struct init_plan *plan)
{
	for (size_t i = 0; i < plan->nr_nodes; i++) {
		free(plan->nodes[i].id);
		free(plan->nodes[i].path);
		init_args_release(&plan->nodes[i].args);
	}
	for (size_t i = 0; i < plan->nr_links; i++)
		free(plan->links[i].argument);
	free(plan->nodes);
	free(plan->links);
	free(plan->name);
	*plan = (struct init_plan)INIT_PLAN_INIT;
}

static size_t add_node(struct init_plan *plan, enum init_kind kind, char *id, char *path,
		       bool is_new)
{
	XGROW(plan->nodes, plan->alloc_nodes, plan->nr_nodes + 1);
	plan->nodes[plan->nr_nodes] = (struct init_node){ kind, id, path, is_new, INIT_ARGS_INIT };
	return plan->nr_nodes++;
}

void init_plan_from_scan(struct init_plan *plan, const struct init_scan *scan, const char *prefix,
			 const char *name)
{
	free(plan->name);
	plan->name = name ? xstrdup(name) : NULL;
	for (size_t i = 0; i < scan->nr; i++)
		add_node(plan, scan->items[i].kind, xstrdup(scan->items[i].id),
			 xasprintf("%s%s", prefix, scan->items[i].path), false);
}

void init_plan_copy_nodes(struct init_plan *plan, const struct init_plan *from)
{
	free(plan->name);
	plan->name = from->name ? xstrdup(from->name) : NULL;
	for (size_t i = 0; i < from->nr_nodes; i++)
		add_node(plan, from->nodes[i].kind, xstrdup(from->nodes[i].id),
			 xstrdup(from->nodes[i].path), from->nodes[i].is_new);
}

long init_plan_find(const struct init_plan *plan, const char *id)
{
	for (size_t i = 0; i < plan->nr_nodes; i++)
		if (!strcmp(plan->nodes[i].id, id))
			return (long)i;
	return -1;
}

long init_plan_find_path(const struct init_plan *plan, const char *path)
{
	for (size_t i = 0; i < plan->nr_nodes; i++)
		if (plan->nodes[i].kind == INIT_DATASET && !strcmp(plan->nodes[i].path, path))
			return (long)i;
	return -1;
}

static bool taken_in_plan(const char *id, void *data)
{
	return init_plan_find(data, id) >= 0;
}

static size_t add_dataset_with_id(struct init_plan *plan, const char *path, bool is_new,
				  const char *base)
{
	char *id = init_id_unique(base, taken_in_plan, plan);

	return add_node(plan, INIT_DATASET, id, xstrdup(path), is_new);
}

size_t init_plan_add_dataset(struct init_plan *plan, const char *path, bool is_new)
{
	char *base = init_id_from_name(path);
	size_t n = add_dataset_with_id(plan, path, is_new, base);

	free(base);
	return n;
}

bool init_plan_has_link(const struct init_plan *plan, size_t dataset, size_t script, bool write)
{
	for (size_t i = 0; i < plan->nr_links; i++) {
		const struct init_link *l = &plan->links[i];

		if (l->dataset == dataset && l->script == script && l->write == write)
			return true;
	}
	return false;
}

/* Whether node `to` can be reached from node `from` along the links. */
static bool reaches(const struct init_plan *plan, size_t from, size_t to)
{
	size_t n = plan->nr_nodes, *start = xcalloc(n + 1, sizeof(*start));
	size_t *next = xcalloc(plan->nr_links ? plan->nr_links : 1, sizeof(*next));
	size_t *stack = xcalloc(n, sizeof(*stack)), top = 0;
	bool *seen = xcalloc(n, sizeof(*seen)), found = false;

	/* Outgoing edges of every node, in CSR form. */
	for (size_t i = 0; i < plan->nr_links; i++) {
		const struct init_link *l = &plan->links[i];

		start[(l->write ? l->script : l->dataset) + 1]++;
	}
	for (size_t i = 0; i < n; i++)
		start[i + 1] += start[i];
	{
		size_t *fill = xcalloc(n, sizeof(*fill));

		for (size_t i = 0; i < plan->nr_links; i++) {
			const struct init_link *l = &plan->links[i];
			size_t a = l->write ? l->script : l->dataset;

			next[start[a] + fill[a]++] = l->write ? l->dataset : l->script;
		}
		free(fill);
	}
	stack[top++] = from;
	seen[from] = true;
	while (top && !found) {
		size_t v = stack[--top];

		if (v == to) {
			found = true;
			break;
		}
		for (size_t e = start[v]; e < start[v + 1]; e++)
			if (!seen[next[e]]) {
				seen[next[e]] = true;
				stack[top++] = next[e];
			}
	}
	free(start);
	free(next);
	free(stack);
	free(seen);
	return found;
}

int init_plan_link(struct init_plan *plan, size_t dataset, size_t script, bool write,
		   const char *argument)
{
	return init_plan_link_at(plan, dataset, script, write, argument, 0);
}

int init_plan_link_at(struct init_plan *plan, size_t dataset, size_t script, bool write,
		      const char *argument, unsigned position)
{
	const char *d = plan->nodes[dataset].id, *s = plan->nodes[script].id;

	if (position > INIT_ARGS_MAX_POSITION)
		return dfc_error(DFC_ECONFLICT, "position %u is past the last one (%d)", position,
				 INIT_ARGS_MAX_POSITION);
	if (init_plan_has_link(plan, dataset, script, write))
		return dfc_error(DFC_ECONFLICT, "'%s' %s '%s' already", s,
				 write ? "writes" : "reads", d);
	if (write)
		for (size_t i = 0; i < plan->nr_links; i++)
			if (plan->links[i].dataset == dataset && plan->links[i].write)
				return dfc_error(DFC_ECONFLICT, "'%s' is written by '%s' already",
						 d, plan->nodes[plan->links[i].script].id);
	if (write ? reaches(plan, dataset, script) : reaches(plan, script, dataset))
		return dfc_error(DFC_ECONFLICT, "'%s' %s '%s' would make a cycle", s,
				 write ? "writing" : "reading", d);
	XGROW(plan->links, plan->alloc_links, plan->nr_links + 1);
	plan->links[plan->nr_links] = (struct init_link){
		dataset, script, write, xstrdup(argument), *argument ? 0 : position, plan->nr_links
	};
	plan->nr_links++;
	return 0;
}

bool init_path_usable(const char *path)
{
	const char *p = path;
	json_t *s;

	if (!*path || path[0] == '/' || !strncmp(path, ".dfc/", 5))
		return false;
	for (; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	for (p = path; *p;) {
		size_t n = strcspn(p, "/");

		if (n == 2 && !strncmp(p, "..", 2))
			return false;
		p += n;
		if (*p == '/')
			p++;
	}
	s = json_string(path);
	json_decref(s);
	return s != NULL;
}

static bool name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

/* Whether `word` occurs in [from, to), in any case. */
static bool has_word(const char *from, const char *to, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = from; p + n <= to; p++)
		if (!strncasecmp(p, word, n))
			return true;
	return false;
}

/* Whether a line segment separator starts at `p` (before `end`). */
static size_t separator_at(const char *p, const char *end)
{
	if (*p == ';' || *p == '|')
		return 1;
	if (end - p >= 2 && p[0] == '&' && p[1] == '&')
		return 2;
	if (end - p >= 3 && p[0] == ' ' && p[1] == '-' && p[2] == '-')
		return 3;
	return 0;
}

bool init_mention_writes(const char *text, size_t len, const char *at, size_t n)
{
	static const char *const words[] = {
		"write", "save", "dump",   "output", "to_csv", "to_parquet", "to_json", "to_excel",
		"\"w\"", "'w'",	 "\"wb\"", "'wb'",   "\"w+\"", "'w+'",	     "\"a\"",	"'a'",
	};
	const char *end = text + len, *line = at, *line_end = at + n, *seg, *seg_end, *p;

	while (line > text && line[-1] != '\n')
		line--;
	while (line_end < end && *line_end != '\n')
		line_end++;
	/* The segment: from the last separator before the mention to the next one. */
	seg = line;
	for (p = line; p < at; p++) {
		size_t s = separator_at(p, at);

		if (s)
			seg = *p == ' ' ? p : p + s;
	}
	seg_end = line_end;
	for (p = at + n; p < line_end; p++)
		if (separator_at(p, line_end)) {
			seg_end = p;
			break;
		}
	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (has_word(seg, seg_end, words[i]))
			return true;
	/* `> path`: back over the path's folders, quotes and blanks. */
	p = at;
	while (p > line && (name_char((unsigned char)p[-1]) || p[-1] == '/'))
		p--;
	while (p > line && (p[-1] == ' ' || p[-1] == '\t' || p[-1] == '"' || p[-1] == '\''))
		p--;
	return p > line && p[-1] == '>';
}

enum init_mention init_mention_find(const char *text, size_t len, const char *path)
{
	const char *name = fs_basename(path), *end = text + len;
	size_t n = strlen(name);
	enum init_mention found = INIT_MENTION_NONE;

	if (!n)
		return INIT_MENTION_NONE;
	/* memchr() finds the candidates: init reads every script once per dataset. */
	for (const char *p = text; p + n <= end; p++) {
		const char *after;

		if (!(p = memchr(p, name[0], (size_t)(end - p) - n + 1)))
			break;
		after = p + n;
		if (memcmp(p, name, n))
			continue;
		if (p > text && name_char((unsigned char)p[-1]))
			continue;
		/* `raw.csv.bak` is another file; `raw.csv.` ends a sentence. */
		if (after < end && name_char((unsigned char)*after) &&
		    !(*after == '.' && (after + 1 == end || !name_char((unsigned char)after[1]))))
			continue;
		if (init_mention_writes(text, len, p, n))
			return INIT_MENTION_WRITE;
		found = INIT_MENTION_READ;
	}
	return found;
}

void init_plan_guess_script(struct init_plan *plan, size_t script, const char *text, size_t len)
{
	size_t nr = plan->nr_nodes;
	enum init_mention *m = xcalloc(nr ? nr : 1, sizeof(*m));

	for (size_t d = 0; d < nr; d++)
		if (plan->nodes[d].kind == INIT_DATASET)
			m[d] = init_mention_find(text, len, plan->nodes[d].path);
	/* Reads first, then writes; what cannot be linked is left out. */
	for (size_t d = 0; d < nr; d++)
		if (m[d] == INIT_MENTION_READ &&
		    init_plan_link(plan, d, script, false, INIT_INPUT_ARGUMENT) < 0)
			dfc_error_clear();
	for (size_t d = 0; d < nr; d++)
		if (m[d] == INIT_MENTION_WRITE &&
		    init_plan_link(plan, d, script, true, INIT_OUTPUT_ARGUMENT) < 0)
			dfc_error_clear();
	free(m);
}

static bool writes_something(const struct init_plan *plan, size_t script)
{
	for (size_t i = 0; i < plan->nr_links; i++)
		if (plan->links[i].script == script && plan->links[i].write)
			return true;
	return false;
}

size_t init_plan_proposed_output(struct init_plan *plan, size_t script, const char *label,
				 const char *prefix)
{
	const char *id = plan->nodes[script].id;
	bool plain = init_args_generic_output(label);
	char *path = plain ? xasprintf("%sdata/%s.out.csv", prefix, id)
			   : xasprintf("%sdata/%s.%s.csv", prefix, id, label);
	/* The output of an earlier run is on disk already: use it. */
	long d = init_plan_find_path(plan, path);

	if (d < 0) {
		char *base = plain ? xasprintf("%.*s_out", OUTPUT_ID_BASE_MAX, id)
				   : xasprintf("%.*s_%.*s", OUTPUT_ID_BASE_MAX / 2, id,
					       OUTPUT_ID_BASE_MAX / 2, label);

		d = (long)add_dataset_with_id(plan, path, true, base);
		free(base);
	}
	free(path);
	return (size_t)d;
}

void init_plan_propose_outputs(struct init_plan *plan, const char *prefix)
{
	for (size_t s = 0; s < plan->nr_nodes; s++) {
		/* A script that declares its arguments takes no made-up --output. */
		if (plan->nodes[s].kind != INIT_SCRIPT || writes_something(plan, s) ||
		    plan->nodes[s].args.nr)
			continue;
		if (init_plan_link(plan, init_plan_proposed_output(plan, s, NULL, prefix), s, true,
				   INIT_OUTPUT_ARGUMENT) < 0)
			dfc_error_clear();
	}
}

static bool is_used(const struct init_plan *plan, size_t node)
{
	for (size_t i = 0; i < plan->nr_links; i++)
		if (plan->links[i].dataset == node || plan->links[i].script == node)
			return true;
	return false;
}

/* `[argument, {"ref": d}]`, `[{"ref": d}]` for a position, `[]` for none. */
static json_t *edge_json(const struct init_plan *plan, const struct init_link *l)
{
	const char *d = plan->nodes[l->dataset].id, *s = plan->nodes[l->script].id;
	json_t *args = json_array();

	if (*l->argument)
		json_array_append_new(args, json_string(l->argument));
	if (*l->argument || l->position)
		json_array_append_new(args, json_pack("{s:s}", "ref", d));
	return json_pack("{s:s, s:s, s:o}", "from", l->write ? s : d, "to", l->write ? d : s,
			 "arguments", args);
}

json_t *init_plan_json(const struct init_plan *plan)
{
	json_t *root = json_object(), *nodes = json_array(), *edges = json_array();

	if (plan->name)
		json_object_set_new(root, "name", json_string(plan->name));
	for (size_t i = 0; i < plan->nr_nodes; i++) {
		const struct init_node *n = &plan->nodes[i];

		if (n->is_new && !is_used(plan, i))
			continue;
		json_array_append_new(nodes,
				      json_pack("{s:s, s:s, s:s}", "id", n->id, "type",
						n->kind == INIT_SCRIPT ? "script" : "dataset",
						"path", n->path));
	}
	for (size_t i = 0; i < plan->nr_links; i++) {
		size_t s = plan->links[i].script;
		bool last = true, positions = false;

		if (*plan->links[i].argument || !plan->links[i].position)
			json_array_append_new(edges, edge_json(plan, &plan->links[i]));
		for (size_t j = i + 1; j < plan->nr_links && last; j++)
			last = plan->links[j].script != s;
		for (size_t j = 0; j <= i && last && !positions; j++)
			positions = plan->links[j].script == s && plan->links[j].position;
		last &= positions;
		/* After the script's last link: its positions, in order. */
		for (unsigned pos = 1; last && pos <= INIT_ARGS_MAX_POSITION; pos++)
			for (size_t j = 0; j <= i; j++)
				if (plan->links[j].script == s && !*plan->links[j].argument &&
				    plan->links[j].position == pos)
					json_array_append_new(edges,
							      edge_json(plan, &plan->links[j]));
	}
	json_object_set_new(root, "nodes", nodes);
	json_object_set_new(root, "edges", edges);
	return root;
}

/* validate.c - every structural rule of a pipeline, every problem reported. */
#include "dfc/validate.h"

#include "dfc/buf.h"
#include "dfc/dag.h"
#include "dfc/error.h"
#include "dfc/ids.h"
#include "dfc/json_pointer.h"
#include "dfc/printable.h"
#include "dfc/xalloc.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Longest piece of a user's string quoted back in a message. */
#define QUOTE_MAX 80

/* A node's position in the dag, and what validation needs to know of it. */
struct node_info {
	/* Index of the first node with this id in the `nodes` array. */
	size_t first;
	bool is_dataset;
};

struct checker {
	struct problems *problems;
	struct dag dag;
	struct node_info *info;
	/* Dag position of the id of each item of `nodes`, -1 when none. */
	long *node_pos;
	/* The next of the dag's edges (in file order) to meet. */
	size_t next_edge;
	/* Scratch space for pointers and quoted names. */
	struct buf ptr;
	struct buf quoted[2];
};

/* `s` quoted for a message into scratch buffer `slot` (0 or 1). Borrowed. */
static const char *quote(struct checker *c, int slot, const char *s)
{
	buf_reset(&c->quoted[slot]);
	printable_quote(&c->quoted[slot], s, QUOTE_MAX);
	return buf_cstr(&c->quoted[slot]);
}

/* Set the scratch pointer to `/<array>/<i>` or `/<array>/<i>/<key>`. */
static const char *item_ptr(struct checker *c, const char *array, size_t i, const char *key)
{
	buf_reset(&c->ptr);
	buf_addf(&c->ptr, "/%s/%zu", array, i);
	if (key)
		json_pointer_add(&c->ptr, key);
	return buf_cstr(&c->ptr);
}

static bool is_hex_id(const char *s)
{
	size_t n = strlen(s);

	if (n != 40 && n != 64)
		return false;
	return strspn(s, "0123456789abcdef") == n;
}

static bool has_prefix_nocase(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++) {
		char ch = *s;

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (ch != *prefix)
			return false;
	}
	return true;
}

/* An optional string member that must not be empty; true when present. */
static bool check_string(struct checker *c, const json_t *node, size_t i, const char *key)
{
	const json_t *v = json_object_get(node, key);

	if (!v)
		return false;
	if (!json_is_string(v))
		problems_add(c->problems, DFC_EINVALID, item_ptr(c, "nodes", i, key),
			     "'%s' must be a string", key);
	else if (!json_string_length(v))
		problems_add(c->problems, DFC_EINVALID, item_ptr(c, "nodes", i, key),
			     "'%s' must not be empty", key);
	return true;
}

/* script_id and dataset_id are git blob ids, and are used as folder names. */
static bool check_blob_id(struct checker *c, const json_t *node, size_t i, const char *key)
{
	const json_t *v = json_object_get(node, key);

	if (!v)
		return false;
	if (!json_is_string(v) || !is_hex_id(json_string_value(v)))
		problems_add(c->problems, DFC_EINVALID, item_ptr(c, "nodes", i, key),
			     "'%s' must be a git blob id (40 or 64 lowercase "
			     "hex digits)",
			     key);
	return true;
}

static bool check_url(struct checker *c, const json_t *node, size_t i)
{
	const json_t *v = json_object_get(node, "url");
	const char *url, *rest;

	if (!v)
		return false;
	url = json_string_value(v);
	if (!url) {
		problems_add(c->problems, DFC_EINVALID, item_ptr(c, "nodes", i, "url"),
			     "'url' must be a string");
		return true;
	}
	if (has_prefix_nocase(url, "http://"))
		rest = url + 7;
	else if (has_prefix_nocase(url, "https://"))
		rest = url + 8;
	else
		rest = NULL;
	if (!rest || !*rest || *rest == '/')
		problems_add(c->problems, DFC_EINVALID, item_ptr(c, "nodes", i, "url"),
			     "'url' must be an http:// or https:// address, "
			     "not '%s'",
			     quote(c, 0, url));
	else if (strpbrk(url, " \t\r\n\x7f"))
		problems_add(c->problems, DFC_EINVALID, item_ptr(c, "nodes", i, "url"),
			     "'url' must not contain spaces or control "
			     "characters");
	return true;
}

static bool is_size(const char *s)
{
	size_t digits = strspn(s, "0123456789");

	if (!digits)
		return false;
	s += digits;
	if (*s && strchr("KMGTkmgt", *s))
		s++;
	return !*s;
}

/* Count the ':'-separated groups of digits that make up all of `s`; 0 if malformed. */
static int digit_groups(const char *s)
{
	int groups = 0;

	for (;;) {
		size_t digits = strspn(s, "0123456789");

		if (!digits)
			return 0;
		groups++;
		s += digits;
		if (!*s)
			return groups;
		if (*s++ != ':')
			return 0;
	}
}

/*
 * sbatch --time: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS.
 */
static bool is_slurm_time(const char *s)
{
	size_t days = strspn(s, "0123456789");
	int groups;

	if (days && s[days] == '-')
		s += days + 1;
	groups = digit_groups(s);
	return groups >= 1 && groups <= 3;
}

static bool is_slurm_name(const char *s)
{
	return *s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS"
			       "TUVWXYZ0123456789_.,-") == strlen(s);
}

/*
 * The optional member `key` of item `i` of the top-level `array`, when it
 * is there and of `type`; NULL when it is absent, and after a problem
 * ("'key' must be `what`") when it is of another type.
 */
static const json_t *optional_member(struct checker *c, const json_t *item, const char *array,
				     size_t i, const char *key, json_type type, const char *what)
{
	const json_t *v = json_object_get(item, key);

	if (v && json_typeof(v) != type) {
		problems_add(c->problems, DFC_EINVALID, item_ptr(c, array, i, key),
			     "'%s' must be %s", key, what);
		return NULL;
	}
	return v;
}

/* Set the scratch pointer to `/nodes/<i>/resources/<key>`. */
static const char *resource_ptr(struct checker *c, size_t i, const char *key)
{
	item_ptr(c, "nodes", i, "resources");
	json_pointer_add(&c->ptr, key);
	return buf_cstr(&c->ptr);
}

/* The optional per-node Slurm resources of SPEC §13. */
static void check_resources(struct checker *c, const json_t *node, size_t i)
{
	const json_t *res =
		optional_member(c, node, "nodes", i, "resources", JSON_OBJECT, "an object");
	const char *key;
	json_t *v;

	if (!res)
		return;
	json_object_foreach((json_t *)res, key, v)
	{
		const char *why = NULL;

		if (!strcmp(key, "cpus")) {
			if (!json_is_integer(v) || json_integer_value(v) < 1)
				why = "a positive integer";
		} else if (!strcmp(key, "gpus")) {
			if (!json_is_integer(v) || json_integer_value(v) < 0)
				why = "a non-negative integer";
		} else if (!strcmp(key, "mem")) {
			if (!json_is_string(v) || !is_size(json_string_value(v)))
				why = "a size such as \"8G\" or \"512M\"";
		} else if (!strcmp(key, "time")) {
			if (!json_is_string(v) || !is_slurm_time(json_string_value(v)))
				why = "a time such as \"01:00:00\" or \"2-00:00\"";
		} else if (!strcmp(key, "partition")) {
			if (!json_is_string(v) || !is_slurm_name(json_string_value(v)))
				why = "a partition name";
		} else {
			problems_add(c->problems, DFC_EINVALID, resource_ptr(c, i, key),
				     "unknown resource '%s' (expected 'cpus', "
				     "'mem', 'time', 'partition' or 'gpus')",
				     quote(c, 0, key));
			continue;
		}
		if (why)
			problems_add(c->problems, DFC_EINVALID, resource_ptr(c, i, key),
				     "'%s' must be %s", key, why);
	}
}

static void check_node_id(struct checker *c, const json_t *node, size_t i)
{
	const json_t *v = json_object_get(node, "id");
	const char *id = json_string_value(v);
	long pos = c->node_pos[i];

	if (!v) {
		problems_add(c->problems, DFC_EINVALID, item_ptr(c, "nodes", i, "id"),
			     "missing 'id'");
		return;
	}
	if (!id) {
		problems_add(c->problems, DFC_EINVALID, item_ptr(c, "nodes", i, "id"),
			     "'id' must be a string");
		return;
	}
	if (!node_id_is_valid(id))
		problems_add(c->problems, DFC_EINVALID, item_ptr(c, "nodes", i, "id"),
			     "invalid node id '%s' (1 to 128 letters, digits, "
			     "'_', '.' or '-', not starting with '.' or '-')",
			     quote(c, 0, id));
	if (pos >= 0 && c->info[pos].first != i)
		problems_add(c->problems, DFC_EINVALID, item_ptr(c, "nodes", i, "id"),
			     "duplicate node id '%s' (first at /nodes/%zu)", quote(c, 0, id),
			     c->info[pos].first);
}

static void check_node(struct checker *c, const json_t *node, size_t i)
{
	const json_t *type;
	const char *t;

	if (!json_is_object(node)) {
		problems_add(c->problems, DFC_EINVALID, item_ptr(c, "nodes", i, NULL),
			     "node must be an object");
		return;
	}
	check_node_id(c, node, i);
	check_resources(c, node, i);

	type = json_object_get(node, "type");
	t = json_string_value(type);
	if (!type) {
		problems_add(c->problems, DFC_EINVALID, item_ptr(c, "nodes", i, "type"),
			     "missing 'type' ('script' or 'dataset')");
	} else if (t && !strcmp(t, "script")) {
		bool has_path = check_string(c, node, i, "path");
		bool has_id = check_blob_id(c, node, i, "script_id");

		if (!has_path && !has_id)
			problems_add(c->problems, DFC_EINVALID, item_ptr(c, "nodes", i, NULL),
				     "script needs 'path' or 'script_id'");
		check_string(c, node, i, "interpreter");
	} else if (t && !strcmp(t, "dataset")) {
		bool has_path = check_string(c, node, i, "path");
		bool has_id = check_blob_id(c, node, i, "dataset_id");
		bool has_url = check_url(c, node, i);

		if (!has_path && !has_id && !has_url)
			problems_add(c->problems, DFC_EINVALID, item_ptr(c, "nodes", i, NULL),
				     "dataset needs 'path', 'dataset_id' or "
				     "'url'");
	} else if (t) {
		problems_add(c->problems, DFC_EINVALID, item_ptr(c, "nodes", i, "type"),
			     "unknown node type '%s' (expected 'script' or "
			     "'dataset')",
			     quote(c, 0, t));
	} else {
		problems_add(c->problems, DFC_EINVALID, item_ptr(c, "nodes", i, "type"),
			     "'type' must be 'script' or 'dataset'");
	}
}

/* The dag position of the node `key` names in edge `i`, or -1. */
static long check_endpoint(struct checker *c, const json_t *edge, size_t i, const char *key)
{
	const json_t *v = json_object_get(edge, key);
	const char *id = json_string_value(v);
	long pos;

	if (!v) {
		problems_add(c->problems, DFC_EINVALID, item_ptr(c, "edges", i, key),
			     "missing '%s'", key);
		return -1;
	}
	if (!id) {
		problems_add(c->problems, DFC_EINVALID, item_ptr(c, "edges", i, key),
			     "'%s' must be a string", key);
		return -1;
	}
	pos = dag_find(&c->dag, id);
	if (pos < 0)
		problems_add(c->problems, DFC_EINVALID, item_ptr(c, "edges", i, key),
			     "unknown node '%s'", quote(c, 0, id));
	return pos;
}

/* Set the scratch pointer to `/edges/<i>/arguments/<k>`. */
static const char *arg_ptr(struct checker *c, size_t i, size_t k)
{
	buf_reset(&c->ptr);
	buf_addf(&c->ptr, "/edges/%zu/arguments/%zu", i, k);
	return buf_cstr(&c->ptr);
}

static void check_argument(struct checker *c, const json_t *arg, size_t i, size_t k)
{
	const json_t *ref;
	const char *id;

	if (json_is_string(arg) || json_is_number(arg) || json_is_boolean(arg))
		return;
	ref = json_object_get(arg, "ref");
	if (!json_is_object(arg) || !ref || json_object_size(arg) != 1) {
		problems_add(c->problems, DFC_EINVALID, arg_ptr(c, i, k),
			     "argument must be a string, a number, a boolean "
			     "or {\"ref\": \"<node id>\"}");
		return;
	}
	id = json_string_value(ref);
	if (!id)
		problems_add(c->problems, DFC_EINVALID, arg_ptr(c, i, k),
			     "'ref' must be a node id string");
	else if (dag_find(&c->dag, id) < 0)
		problems_add(c->problems, DFC_EINVALID, arg_ptr(c, i, k),
			     "'ref' names unknown node '%s'", quote(c, 0, id));
}

static void check_edge(struct checker *c, const json_t *edge, size_t i)
{
	const struct dag_edge *e = c->dag.edges + c->next_edge;
	const json_t *args;
	long from, to;

	if (!json_is_object(edge)) {
		problems_add(c->problems, DFC_EINVALID, item_ptr(c, "edges", i, NULL),
			     "edge must be an object");
		return;
	}
	if (c->next_edge < c->dag.nr_edges && e->index == i) {
		/* The dag kept it: both ends are known nodes, and distinct. */
		from = (long)e->from;
		to = (long)e->to;
		c->next_edge++;
	} else {
		from = check_endpoint(c, edge, i, "from");
		to = check_endpoint(c, edge, i, "to");
	}
	if (from >= 0 && from == to)
		problems_add(c->problems, DFC_EINVALID, item_ptr(c, "edges", i, NULL),
			     "edge from '%s' to itself", quote(c, 0, c->dag.ids[from]));
	else if (from >= 0 && to >= 0 && c->info[from].is_dataset && c->info[to].is_dataset)
		problems_add(c->problems, DFC_EINVALID, item_ptr(c, "edges", i, NULL),
			     "edge between two datasets '%s' and '%s' (no "
			     "script would run)",
			     quote(c, 0, c->dag.ids[from]), quote(c, 1, c->dag.ids[to]));

	args = optional_member(c, edge, "edges", i, "arguments", JSON_ARRAY, "an array");
	for (size_t k = 0; k < json_array_size(args); k++)
		check_argument(c, json_array_get(args, k), i, k);
}

static void check_cycle(struct checker *c)
{
	struct buf text = BUF_INIT;
	size_t *cycle = NULL;
	size_t len = 0;

	if (!dag_find_cycle(&c->dag, &cycle, &len))
		return;
	buf_adds(&text, "cycle: ");
	for (size_t k = 0; k < len; k++) {
		if (k)
			buf_adds(&text, " -> ");
		printable_quote(&text, c->dag.ids[cycle[k]], QUOTE_MAX);
	}
	problems_add(c->problems, DFC_EINVALID, "/edges", "%s", buf_cstr(&text));
	buf_release(&text);
	free(cycle);
}

static void check_top(struct checker *c, const json_t *root)
{
	const json_t *id = json_object_get(root, "id");
	static const char *const texts[] = {"name", "description"};

	if (id && !json_is_string(id))
		problems_add(c->problems, DFC_EINVALID, "/id", "'id' must be a string");
	else if (id && !pipeline_id_is_safe(json_string_value(id)))
		problems_add(c->problems, DFC_ESECURITY, "/id",
			     "unsafe pipeline id '%s' (1 to %d letters, digits, "
			     "'.', '_' or '-', starting with a letter or digit, "
			     "no '..', not ending in '.lock')",
			     quote(c, 0, json_string_value(id)), PIPELINE_ID_MAX);
	for (size_t k = 0; k < sizeof(texts) / sizeof(*texts); k++) {
		const json_t *v = json_object_get(root, texts[k]);

		if (v && !json_is_string(v)) {
			buf_reset(&c->ptr);
			json_pointer_add(&c->ptr, texts[k]);
			problems_add(c->problems, DFC_EINVALID, buf_cstr(&c->ptr),
				     "'%s' must be a string", texts[k]);
		}
	}
}

/* Check that `key` is an array; return it, or NULL after a problem. */
static const json_t *top_array(struct checker *c, const json_t *root, const char *key)
{
	const json_t *v = json_object_get(root, key);

	buf_reset(&c->ptr);
	json_pointer_add(&c->ptr, key);
	if (!v)
		problems_add(c->problems, DFC_EINVALID, buf_cstr(&c->ptr),
			     "missing '%s' (an array)", key);
	else if (!json_is_array(v))
		problems_add(c->problems, DFC_EINVALID, buf_cstr(&c->ptr), "'%s' must be an array",
			     key);
	else
		return v;
	return NULL;
}

/*
 * Find each node's dag position, and map each position to the first node
 * with its id and to that node's type.
 */
static void index_nodes(struct checker *c, const json_t *nodes)
{
	size_t n = json_array_size(nodes);
	bool *seen = xcalloc(c->dag.nr_nodes + 1, sizeof(*seen));

	c->info = xcalloc(c->dag.nr_nodes + 1, sizeof(*c->info));
	c->node_pos = xcalloc(n + 1, sizeof(*c->node_pos));
	for (size_t i = 0; i < n; i++) {
		const json_t *node = json_array_get(nodes, i);
		long pos = dag_find(&c->dag, json_string_value(json_object_get(node, "id")));
		const char *type;

		c->node_pos[i] = pos;
		if (pos < 0 || seen[pos])
			continue;
		seen[pos] = true;
		type = json_string_value(json_object_get(node, "type"));
		c->info[pos].first = i;
		c->info[pos].is_dataset = type && !strcmp(type, "dataset");
	}
	free(seen);
}

int pipeline_validate(const json_t *root, struct problems *problems)
{
	struct checker c = {problems, DAG_INIT, NULL, NULL, 0, BUF_INIT, {BUF_INIT, BUF_INIT}};
	size_t before = problems->nr;
	const json_t *nodes, *edges;
	struct problems added;

	if (!json_is_object(root)) {
		problems_add(problems, DFC_EINVALID, "", "top level must be an object");
		goto out;
	}
	check_top(&c, root);
	nodes = top_array(&c, root, "nodes");
	edges = top_array(&c, root, "edges");
	dag_build(&c.dag, root);
	index_nodes(&c, nodes);
	for (size_t i = 0; i < json_array_size(nodes); i++)
		check_node(&c, json_array_get(nodes, i), i);
	for (size_t i = 0; i < json_array_size(edges); i++)
		check_edge(&c, json_array_get(edges, i), i);
	check_cycle(&c);
out:
	dag_release(&c.dag);
	free(c.info);
	free(c.node_pos);
	buf_release(&c.ptr);
	buf_release(&c.quoted[0]);
	buf_release(&c.quoted[1]);
	/* No problem at all leaves `items` NULL, and NULL + 0 is undefined. */
	added.items = problems->items ? problems->items + before : NULL;
	added.nr = problems->nr - before;
	added.alloc = added.nr;
	return problems_code(&added);
}

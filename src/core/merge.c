/*
 * merge.c - the three-way structural merge of pipeline documents.
 *
 * Every value is merged the same way (merge_value): equal sides give that
 * value; a side equal to the base gives the other side; else a conflict.
 * Objects whose keys are merged one by one (the document, a node, an edge)
 * and the two keyed lists (`nodes`, `edges`) only decide what "one value"
 * is. Order follows ours; an item that only theirs added goes after the
 * item it follows in theirs, so that a merge of disjoint additions keeps
 * both sides' order where they agree.
 */
#include "dfc/merge.h"

#include "dfc/buf.h"
#include "dfc/error.h"
#include "dfc/json_pointer.h"
#include "dfc/xalloc.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* The items of one side's keyed list: each item's key, in list order,
 * and where each key is (an object of key -> position). */
struct keyed_list {
	const json_t *array;
	char **keys;
	size_t nr;
	json_t *index;
};

static bool same(const json_t *a, const json_t *b)
{
	if (!a || !b)
		return a == b;
	return json_equal(a, b);
}

static json_t *ref(const json_t *v)
{
	return v ? json_incref((json_t *)v) : NULL;
}

static void add_conflict(struct merge_result *res, const char *pointer, const json_t *base,
			 const json_t *ours, const json_t *theirs)
{
	struct merge_conflict *c;

	XGROW(res->conflicts, res->alloc_conflicts, res->nr_conflicts + 1);
	c = &res->conflicts[res->nr_conflicts++];
	c->pointer = xstrdup(pointer);
	c->base = ref(base);
	c->ours = ref(ours);
	c->theirs = ref(theirs);
}

/*
 * The three-way merge of one value (NULL: absent). Returns a new reference
 * (NULL: absent in the result); a conflict is recorded and gives ours.
 */
static json_t *merge_value(struct merge_result *res, const char *pointer, const json_t *base,
			   const json_t *ours, const json_t *theirs)
{
	if (same(ours, theirs)) {
		if (!same(base, ours))
			res->from_both++;
		return ref(ours);
	}
	if (same(base, ours)) {
		res->from_theirs++;
		return ref(theirs);
	}
	if (same(base, theirs)) {
		res->from_ours++;
		return ref(ours);
	}
	add_conflict(res, pointer, base, ours, theirs);
	return ref(ours);
}

static json_t *merge_any(struct merge_result *res, struct buf *ptr, const char *key,
			 const json_t *base, const json_t *ours, const json_t *theirs, int depth);

/*
 * Merge three objects (any may be NULL: absent) key by key into a new
 * object. Keys come in ours' order, then those only theirs has.
 */
static json_t *merge_object(struct merge_result *res, struct buf *ptr, const json_t *base,
			    const json_t *ours, const json_t *theirs, int depth)
{
	json_t *out = json_object();
	const json_t *sides[3] = { ours, theirs, base };
	size_t len = ptr->len;

	for (int s = 0; s < 3; s++) {
		const char *key;
		json_t *v;

		json_object_foreach((json_t *)sides[s], key, v) {
			json_t *m;

			(void)v;
			if (json_object_get(out, key) || (s > 0 && json_object_get(ours, key)) ||
			    (s > 1 && json_object_get(theirs, key)))
				continue;
			json_pointer_add(ptr, key);
			m = merge_any(res, ptr, key, base ? json_object_get(base, key) : NULL,
				      ours ? json_object_get(ours, key) : NULL,
				      theirs ? json_object_get(theirs, key) : NULL, depth + 1);
			buf_truncate(ptr, len);
			if (m)
				json_object_set_new(out, key, m);
		}
	}
	return out;
}

/*
 * The key of each item of a `nodes` or `edges` array: a node's id; an
 * edge's ends and its position among the edges with the same ends.
 * Returns false when the list cannot be keyed (an item without its keys,
 * or a key twice): it is then one value.
 */
static bool keyed_list_init(struct keyed_list *list, const json_t *array, bool edges)
{
	json_t *seen_ends = json_object();
	size_t i;
	json_t *item;
	bool ok = true;

	memset(list, 0, sizeof(*list));
	list->array = array;
	list->index = json_object();
	if (!array)
		goto out;
	if (!json_is_array(array)) {
		ok = false;
		goto out;
	}
	list->keys = xcalloc(json_array_size(array) + 1, sizeof(*list->keys));
	json_array_foreach(array, i, item) {
		const char *a = json_string_value(json_object_get(item, edges ? "from" : "id"));
		const char *b = edges ? json_string_value(json_object_get(item, "to")) : "";
		json_int_t nth = 0;

		if (!a || !b) {
			ok = false;
			break;
		}
		if (edges) {
			/* \1 cannot be in an id; a key that could be read two ways
			 * only makes a duplicate, and the list one value. */
			char *ends = xasprintf("%s\1%s", a, b);

			nth = json_integer_value(json_object_get(seen_ends, ends));
			json_object_set_new(seen_ends, ends, json_integer(nth + 1));
			list->keys[i] = xasprintf("%s\1%" JSON_INTEGER_FORMAT, ends, nth);
			free(ends);
		} else {
			list->keys[i] = xstrdup(a);
		}
		list->nr = i + 1;
		if (json_object_get(list->index, list->keys[i])) {
			ok = false;
			break;
		}
		json_object_set_new(list->index, list->keys[i], json_integer((json_int_t)i));
	}
out:
	json_decref(seen_ends);
	return ok;
}

static void keyed_list_release(struct keyed_list *list)
{
	for (size_t i = 0; i < list->nr; i++)
		free(list->keys[i]);
	free(list->keys);
	json_decref(list->index);
}

static const json_t *keyed_find(const struct keyed_list *list, const char *key)
{
	json_t *pos = json_object_get(list->index, key);

	return pos ? json_array_get(list->array, (size_t)json_integer_value(pos)) : NULL;
}

/* Merge one item of a keyed list; NULL when it is gone from the result. */
static json_t *merge_item(struct merge_result *res, struct buf *ptr, const json_t *base,
			  const json_t *ours, const json_t *theirs, int depth)
{
	if (same(ours, theirs) || same(base, ours) || same(base, theirs))
		return merge_value(res, buf_cstr(ptr), base, ours, theirs);
	if (!ours || !theirs) {
		/* Deleted on one side, changed on the other. */
		add_conflict(res, buf_cstr(ptr), base, ours, theirs);
		return ref(ours);
	}
	return merge_object(res, ptr, base, ours, theirs, depth);
}

/*
 * Merge a `nodes` or `edges` list item by item. The result lists ours'
 * items (merged) in ours' order; an item only theirs has goes right after
 * the item before it in theirs that the result holds.
 */
static json_t *merge_list(struct merge_result *res, struct buf *ptr, const struct keyed_list *b,
			  const struct keyed_list *o, const struct keyed_list *t, int depth)
{
	json_t *out = json_array(), *front = json_array();
	/* Ours' items merged (NULL: gone), and the items only theirs has that
	 * follow each of them in theirs: key -> array. */
	json_t **mine = xcalloc(o->nr + 1, sizeof(*mine));
	json_t *runs = json_object(), *run = front;
	size_t len = ptr->len;
	char index[32];

	for (size_t i = 0; i < o->nr; i++) {
		snprintf(index, sizeof(index), "%zu", i);
		json_pointer_add(ptr, index);
		mine[i] = merge_item(res, ptr, keyed_find(b, o->keys[i]), json_array_get(o->array, i),
				     keyed_find(t, o->keys[i]), depth + 1);
		buf_truncate(ptr, len);
	}
	for (size_t i = 0; i < t->nr; i++) {
		json_t *pos = json_object_get(o->index, t->keys[i]), *m;

		if (pos) {
			if (mine[json_integer_value(pos)]) {
				run = json_array();
				json_object_set_new(runs, t->keys[i], run);
			}
			continue;
		}
		snprintf(index, sizeof(index), "%zu", i);
		json_pointer_add(ptr, index);
		m = merge_item(res, ptr, keyed_find(b, t->keys[i]), NULL, json_array_get(t->array, i),
			       depth + 1);
		buf_truncate(ptr, len);
		if (m)
			json_array_append_new(run, m);
	}
	json_array_extend(out, front);
	for (size_t i = 0; i < o->nr; i++) {
		json_t *after = json_object_get(runs, o->keys[i]);

		if (!mine[i])
			continue;
		json_array_append_new(out, mine[i]);
		if (after)
			json_array_extend(out, after);
	}
	json_decref(front);
	json_decref(runs);
	free(mine);
	return out;
}

static json_t *merge_any(struct merge_result *res, struct buf *ptr, const char *key,
			 const json_t *base, const json_t *ours, const json_t *theirs, int depth)
{
	bool edges = key && !strcmp(key, "edges");

	/* Unanimous or one-sided: nothing to look into. */
	if (same(ours, theirs) || same(base, ours) || same(base, theirs))
		return merge_value(res, buf_cstr(ptr), base, ours, theirs);
	if (depth == 1 && key && (edges || !strcmp(key, "nodes"))) {
		struct keyed_list b, o, t;
		json_t *out = NULL;

		bool keyed = keyed_list_init(&b, base, edges);

		keyed = keyed_list_init(&o, ours, edges) && keyed;
		keyed = keyed_list_init(&t, theirs, edges) && keyed;
		if (keyed && ours && theirs)
			out = merge_list(res, ptr, &b, &o, &t, depth);
		keyed_list_release(&b);
		keyed_list_release(&o);
		keyed_list_release(&t);
		if (out)
			return out;
		return merge_value(res, buf_cstr(ptr), base, ours, theirs);
	}
	/* The document: key by key (a node or an edge: merge_item). */
	if (depth == 0)
		return merge_object(res, ptr, base, ours, theirs, depth);
	return merge_value(res, buf_cstr(ptr), base, ours, theirs);
}

int merge_documents(const json_t *base, const json_t *ours, const json_t *theirs,
		    struct merge_result *res)
{
	struct buf ptr = BUF_INIT;

	memset(res, 0, sizeof(*res));
	if (!json_is_object(base) || !json_is_object(ours) || !json_is_object(theirs))
		return dfc_error(DFC_EINVALID, "a pipeline to merge is not a JSON object");
	res->merged = merge_any(res, &ptr, NULL, base, ours, theirs, 0);
	buf_release(&ptr);
	return 0;
}

void merge_result_release(struct merge_result *res)
{
	for (size_t i = 0; i < res->nr_conflicts; i++) {
		free(res->conflicts[i].pointer);
		json_decref(res->conflicts[i].base);
		json_decref(res->conflicts[i].ours);
		json_decref(res->conflicts[i].theirs);
	}
	free(res->conflicts);
	json_decref(res->merged);
	memset(res, 0, sizeof(*res));
}

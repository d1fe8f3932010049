/* fsck_objects.c - read every object reachable from a ref; report the missing and damaged. */
#include "fsck_internal.h"

#include "dfc/trailers.h"
#include "dfc/xalloc.h"

#include <stdlib.h>
#include <string.h>

static size_t oid_slot(const struct oid_set *s, const git_oid *oid)
{
	size_t i;

	memcpy(&i, oid->id, sizeof(i));
	for (i &= s->cap - 1; s->used[i] && !git_oid_equal(&s->slots[i], oid);
	     i = (i + 1) & (s->cap - 1))
		;
	return i;
}

static bool oid_set_has(const struct oid_set *s, const git_oid *oid)
{
	return s->cap && s->used[oid_slot(s, oid)];
}

/* Add `oid`; false when it was there already. */
static bool oid_set_add(struct oid_set *s, const git_oid *oid)
{
	size_t i;

	if ((s->nr + 1) * 2 > s->cap) {
		struct oid_set bigger = { NULL, NULL, s->cap ? s->cap * 2 : 256, 0 };

		bigger.slots = xcalloc(bigger.cap, sizeof(*bigger.slots));
		bigger.used = xcalloc(bigger.cap, sizeof(*bigger.used));
		for (i = 0; i < s->cap; i++)
			if (s->used[i])
				oid_set_add(&bigger, &s->slots[i]);
		free(s->slots);
		free(s->used);
		*s = bigger;
	}
	i = oid_slot(s, oid);
	if (s->used[i])
		return false;
	s->used[i] = true;
	git_oid_cpy(&s->slots[i], oid);
	s->nr++;
	return true;
}

void fsck_oid_set_release(struct oid_set *s)
{
	free(s->slots);
	free(s->used);
	memset(s, 0, sizeof(*s));
}

/* An object still to check, and how to name it in a message. */
struct todo {
	git_oid oid;
	git_object_t type;
	int version;
	char *what;
	/* For a tree: its path in the version's tree ("" or "scripts/"). */
	char *path;
};

struct todo_stack {
	struct todo *items;
	size_t nr;
	size_t alloc;
};

static void push_todo(struct todo_stack *s, const git_oid *oid, git_object_t type, int version,
		      char *what, char *path)
{
	XGROW(s->items, s->alloc, s->nr + 1);
	git_oid_cpy(&s->items[s->nr].oid, oid);
	s->items[s->nr].type = type;
	s->items[s->nr].version = version;
	s->items[s->nr].what = what;
	s->items[s->nr].path = path;
	s->nr++;
}

/* "pipeline.json of version 2", or "pipeline.json" when the version is unknown. */
static char *describe(const char *thing, const char *scope, int version)
{
	return version > 0 ? xasprintf("%s of %s %d", thing, scope, version) : xstrdup(thing);
}

static void push_children(struct todo_stack *stack, git_object *obj, const struct todo *t,
			  const char *scope)
{
	char hex[GIT_OID_HEXSZ + 1];

	if (git_object_type(obj) == GIT_OBJECT_COMMIT) {
		git_commit *commit = (git_commit *)obj;
		int version = commit_trailer_number(commit, TRAILER_VERSION);
		unsigned parents = git_commit_parentcount(commit);

		push_todo(stack, git_commit_tree_id(commit), GIT_OBJECT_TREE, version,
			  describe("the tree", scope, version), xstrdup(""));
		git_oid_tostr(hex, sizeof(hex), git_commit_id(commit));
		for (unsigned i = 0; i < parents; i++) {
			char *what = version > 1 ? xasprintf("a parent of %s %d", scope, version)
						 : xasprintf("a parent of commit %s", hex);

			push_todo(stack, git_commit_parent_id(commit, i), GIT_OBJECT_COMMIT,
				  version > 1 ? version - 1 : 0, what, NULL);
		}
	} else if (git_object_type(obj) == GIT_OBJECT_TREE) {
		git_tree *tree = (git_tree *)obj;

		for (size_t i = 0; i < git_tree_entrycount(tree); i++) {
			const git_tree_entry *e = git_tree_entry_byindex(tree, i);
			git_object_t type = git_tree_entry_type(e);
			char *path =
				xasprintf("%s%s", t->path ? t->path : "", git_tree_entry_name(e));

			if (type != GIT_OBJECT_BLOB && type != GIT_OBJECT_TREE) {
				free(path); /* a submodule's commit lives elsewhere */
				continue;
			}
			push_todo(stack, git_tree_entry_id(e), type, t->version,
				  describe(path, scope, t->version),
				  type == GIT_OBJECT_TREE ? xasprintf("%s/", path) : NULL);
			free(path);
		}
	}
}

void fsck_check_objects(struct check *c, const git_oid *start, const char *pipeline,
			const char *scope, const char *start_what)
{
	struct todo_stack stack = { NULL, 0, 0 };

	push_todo(&stack, start, GIT_OBJECT_COMMIT, 0, xstrdup(start_what), NULL);
	while (stack.nr) {
		struct todo t = stack.items[--stack.nr];
		char hex[GIT_OID_HEXSZ + 1];
		git_object *obj = NULL;

		git_oid_tostr(hex, sizeof(hex), &t.oid);
		if (!oid_set_add(&c->seen, &t.oid))
			goto next;
		if (!git_odb_exists(c->odb, &t.oid)) {
			oid_set_add(&c->bad, &t.oid);
			fsck_add_finding(c->out, FSCK_MISSING_OBJECT, pipeline, t.version, false,
					 hex, "%s %s (%s) is missing",
					 git_object_type2string(t.type), hex, t.what);
			goto next;
		}
		if (git_object_lookup(&obj, c->store->repo, &t.oid, GIT_OBJECT_ANY) < 0) {
			oid_set_add(&c->bad, &t.oid);
			fsck_add_finding(c->out, FSCK_CORRUPT_OBJECT, pipeline, t.version, false,
					 hex, "%s %s (%s) cannot be read: %s",
					 git_object_type2string(t.type), hex, t.what,
					 fsck_git_message());
			git_error_clear();
			goto next;
		}
		if (git_object_type(obj) != t.type) {
			oid_set_add(&c->bad, &t.oid);
			fsck_add_finding(c->out, FSCK_CORRUPT_OBJECT, pipeline, t.version, false,
					 hex, "%s (%s) is a %s where a %s should be", hex, t.what,
					 git_object_type2string(git_object_type(obj)),
					 git_object_type2string(t.type));
			goto next;
		}
		push_children(&stack, obj, &t, scope);
next:
		git_object_free(obj);
		free(t.what);
		free(t.path);
	}
	free(stack.items);
}

bool fsck_object_is_bad(const struct check *c, const git_oid *oid)
{
	return oid_set_has(&c->bad, oid);
}

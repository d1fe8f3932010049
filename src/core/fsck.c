/* fsck.c - check repo.git, its tags, the view and the tracking refs; repair the view. */
#include "dfc/fsck.h"

#include "dfc/catalog.h"
#include "dfc/error.h"
#include "dfc/fs.h"
#include "dfc/ids.h"
#include "dfc/printable.h"
#include "dfc/refs.h"
#include "dfc/store.h"
#include "dfc/trailers.h"
#include "dfc/view.h"
#include "dfc/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <git2.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define LOST_FOUND    "lost-found"
/* Longest name from disk shown in a message. */
#define QUOTE_MAX 80

const char *fsck_kind_name(enum fsck_kind kind)
{
	switch (kind) {
#define FSCK_KIND_NAME(name, word, text)                                                           \
	case name:                                                                                 \
		return word;
		FSCK_KINDS(FSCK_KIND_NAME)
#undef FSCK_KIND_NAME
	}
	return "unknown";
}

static void list_release(struct fsck_list *list)
{
	for (size_t i = 0; i < list->nr; i++) {
		free(list->items[i].pipeline);
		free(list->items[i].message);
		free(list->items[i].subject);
	}
	free(list->items);
	memset(list, 0, sizeof(*list));
}

void fsck_report_release(struct fsck_report *report)
{
	list_release(&report->problems);
	list_release(&report->repaired);
	report->pipelines = report->versions = 0;
}

static void add_finding(struct fsck_list *list, enum fsck_kind kind, const char *pipeline,
			int version, bool repairable, const char *subject, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

static void add_finding(struct fsck_list *list, enum fsck_kind kind, const char *pipeline,
			int version, bool repairable, const char *subject, const char *fmt, ...)
{
	struct fsck_finding *f;
	struct buf msg = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	XGROW(list->items, list->alloc, list->nr + 1);
	f = &list->items[list->nr++];
	f->kind = kind;
	f->pipeline = pipeline ? xstrdup(pipeline) : NULL;
	f->version = version;
	f->message = buf_detach(&msg, NULL);
	f->repairable = repairable;
	f->subject = xstrdup(subject ? subject : "");
}

/* A set of object ids (open addressing; the ids are already random). */
struct oid_set {
	git_oid *slots;
	bool *used;
	size_t cap;
	size_t nr;
};

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
		struct oid_set bigger = {NULL, NULL, s->cap ? s->cap * 2 : 256, 0};

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

static void oid_set_release(struct oid_set *s)
{
	free(s->slots);
	free(s->used);
	memset(s, 0, sizeof(*s));
}

/* One version found on a branch. */
struct version_commit {
	int version;
	git_oid commit;
	/* The blob of its pipeline.json, when it has a readable one. */
	git_oid json;
	bool has_json;
	bool tagged;
};

struct pipe {
	char *id;
	/* The branch was walked: `latest` and `versions` mean something. */
	bool walked;
	/* The tip's version. */
	int latest;
	/* The versions found, sorted by number once the walk is done. */
	struct version_commit *versions;
	size_t nr;
	size_t alloc;
	int lowest;
	/* Versions 1..latest, each once, all valid: tags and view can be rebuilt. */
	bool consistent;
};

struct check {
	struct store *store;
	git_odb *odb;
	struct fsck_list *out;
	struct pipe *pipes;
	size_t nr;
	size_t alloc;
	struct id_list tags;
	struct id_list remotes;
	/* Objects checked, and those missing or unreadable. */
	struct oid_set seen;
	struct oid_set bad;
	int versions;
};

static void check_release(struct check *c)
{
	for (size_t i = 0; i < c->nr; i++) {
		free(c->pipes[i].id);
		free(c->pipes[i].versions);
	}
	free(c->pipes);
	id_list_release(&c->tags);
	id_list_release(&c->remotes);
	oid_set_release(&c->seen);
	oid_set_release(&c->bad);
	git_odb_free(c->odb);
	c->pipes = NULL;
	c->nr = c->alloc = 0;
	c->odb = NULL;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int compare_pipes(const void *a, const void *b)
{
	return strcmp(((const struct pipe *)a)->id, ((const struct pipe *)b)->id);
}

static struct pipe *find_pipe(struct check *c, const char *id)
{
	struct pipe key = {0};

	key.id = (char *)id;
	return c->nr ? bsearch(&key, c->pipes, c->nr, sizeof(*c->pipes), compare_pipes) : NULL;
}

static int compare_versions(const void *a, const void *b)
{
	const struct version_commit *x = a, *y = b;

	return (x->version > y->version) - (x->version < y->version);
}

static struct version_commit *find_version(struct pipe *p, int version)
{
	struct version_commit key = {0};

	key.version = version;
	return p->nr ? bsearch(&key, p->versions, p->nr, sizeof(*p->versions), compare_versions)
		     : NULL;
}

static void sort_list(struct id_list *list)
{
	if (list->nr)
		qsort(list->ids, list->nr, sizeof(*list->ids), compare_strings);
}

static void push_name(struct id_list *list, const char *name)
{
	XGROW(list->ids, list->alloc, list->nr + 1);
	list->ids[list->nr++] = xstrdup(name);
}

/* Sort the refs of repo.git into branches, tags and tracking refs. */
static int collect_refs(struct check *c)
{
	struct id_list branches = ID_LIST_INIT;
	git_reference_iterator *it = NULL;
	const char *name;
	int err;

	if (git_reference_iterator_new(&it, c->store->repo) < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot list repo.git's refs");
	while ((err = git_reference_next_name(&name, it)) == 0) {
		if (refs_skip_prefix(name, REFS_BRANCH_PREFIX))
			push_name(&branches, name);
		else if (refs_skip_prefix(name, REFS_TAG_PREFIX))
			push_name(&c->tags, name);
		else if (refs_skip_prefix(name, REFS_REMOTE_PREFIX))
			push_name(&c->remotes, name);
	}
	git_reference_iterator_free(it);
	if (err != GIT_ITEROVER) {
		id_list_release(&branches);
		return dfc_git_error(DFC_EINTERNAL, "cannot list repo.git's refs");
	}
	git_error_clear();
	sort_list(&branches);
	sort_list(&c->tags);
	sort_list(&c->remotes);
	for (size_t i = 0; i < branches.nr; i++) {
		const char *id = refs_skip_prefix(branches.ids[i], REFS_BRANCH_PREFIX);

		if (strchr(id, '/') || !pipeline_id_is_safe(id)) {
			add_finding(c->out, FSCK_BAD_REF, NULL, 0, false, branches.ids[i],
				    "%s is not the branch of a pipeline: '%s' is not a pipeline id",
				    branches.ids[i], id);
			continue;
		}
		XGROW(c->pipes, c->alloc, c->nr + 1);
		memset(&c->pipes[c->nr], 0, sizeof(*c->pipes));
		c->pipes[c->nr++].id = xstrdup(id);
	}
	id_list_release(&branches);
	return 0;
}

/* The last libgit2 error's message. */
static const char *git_message(void)
{
	const git_error *e = git_error_last();

	return e && e->message ? e->message : "unknown error";
}

/* What a ref points at. */
enum target {
	TARGET_COMMIT,
	/* The ref itself cannot be read. */
	TARGET_UNREADABLE,
	TARGET_MISSING,
	/* An object that is not a commit (or whose header cannot be read). */
	TARGET_OTHER,
};

static enum target ref_target(struct check *c, const char *name, git_oid *oid, git_object_t *type)
{
	size_t len;

	*type = GIT_OBJECT_INVALID;
	if (git_reference_name_to_id(oid, c->store->repo, name) < 0)
		return TARGET_UNREADABLE;
	if (!git_odb_exists(c->odb, oid))
		return TARGET_MISSING;
	if (git_odb_read_header(&len, type, c->odb, oid) < 0) {
		git_error_clear();
		*type = GIT_OBJECT_INVALID;
		return TARGET_OTHER;
	}
	return *type == GIT_OBJECT_COMMIT ? TARGET_COMMIT : TARGET_OTHER;
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

/*
 * Read every object reachable from commit `start` that was not checked
 * yet; report each missing or unreadable one. Versions in messages are
 * `scope` ("version", "catalog version") numbers.
 */
static void check_objects(struct check *c, const git_oid *start, const char *pipeline,
			  const char *scope, const char *start_what)
{
	struct todo_stack stack = {NULL, 0, 0};

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
			add_finding(c->out, FSCK_MISSING_OBJECT, pipeline, t.version, false, hex,
				    "%s %s (%s) is missing", git_object_type2string(t.type), hex,
				    t.what);
			goto next;
		}
		if (git_object_lookup(&obj, c->store->repo, &t.oid, GIT_OBJECT_ANY) < 0) {
			oid_set_add(&c->bad, &t.oid);
			add_finding(c->out, FSCK_CORRUPT_OBJECT, pipeline, t.version, false, hex,
				    "%s %s (%s) cannot be read: %s", git_object_type2string(t.type),
				    hex, t.what, git_message());
			git_error_clear();
			goto next;
		}
		if (git_object_type(obj) != t.type) {
			oid_set_add(&c->bad, &t.oid);
			add_finding(c->out, FSCK_CORRUPT_OBJECT, pipeline, t.version, false, hex,
				    "%s (%s) is a %s where a %s should be", hex, t.what,
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

/* The walk down one branch's first parents. */
struct walk {
	struct check *c;
	struct pipe *p;
	/* The version the next commit should carry. */
	int expected;
	git_oid last;
	bool any;
	bool ok;
};

static void bad_version(struct walk *w, int version, const char *commit, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void bad_version(struct walk *w, int version, const char *commit, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	add_finding(w->c->out, FSCK_BAD_VERSION, w->p->id, version, false, commit, "%s",
		    buf_cstr(&msg));
	buf_release(&msg);
	w->ok = false;
}

/* pipeline.json of a version: there, a JSON object, with the pipeline's id. */
static void check_pipeline_json(struct walk *w, git_commit *commit, int version,
				struct version_commit *vc, const char *hex)
{
	const git_tree_entry *e;
	git_tree *tree = NULL;
	git_blob *blob = NULL;
	json_t *root = NULL;
	const char *id;

	if (oid_set_has(&w->c->bad, git_commit_tree_id(commit)) ||
	    git_commit_tree(&tree, commit) < 0)
		goto out; /* reported as a missing or damaged object */
	e = git_tree_entry_byname(tree, "pipeline.json");
	if (!e || git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
		bad_version(w, version, hex, "version %d (commit %s) has no pipeline.json", version,
			    hex);
		goto out;
	}
	if (oid_set_has(&w->c->bad, git_tree_entry_id(e)) ||
	    git_blob_lookup(&blob, w->c->store->repo, git_tree_entry_id(e)) < 0)
		goto out;
	if (vc) {
		git_oid_cpy(&vc->json, git_tree_entry_id(e));
		vc->has_json = true;
	}
	root = json_loadb(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob),
			  JSON_REJECT_DUPLICATES, NULL);
	id = json_string_value(json_object_get(root, "id"));
	if (!json_is_object(root))
		bad_version(w, version, hex, "pipeline.json of version %d is not a JSON object",
			    version);
	else if (!id || strcmp(id, w->p->id))
		bad_version(w, version, hex,
			    "pipeline.json of version %d does not have the pipeline's id", version);
out:
	git_error_clear();
	json_decref(root);
	git_blob_free(blob);
	git_tree_free(tree);
}

/*
 * A Content-Fingerprint trailer that does not match the version's content
 * (list, log and status trust the trailer). Nothing can repair it: commits
 * never change. A version whose content cannot be read was reported with
 * the objects.
 */
static void check_fingerprint(struct check *c, const git_commit *commit, const char *pipeline,
			      const char *scope, int version, bool local)
{
	char recorded[FINGERPRINT_SIZE], content[FINGERPRINT_SIZE], hex[GIT_OID_HEXSZ + 1];

	if (!commit_fingerprint(commit, recorded) ||
	    oid_set_has(&c->bad, git_commit_tree_id(commit)))
		return;
	if (catalog_content_fingerprint(content, c->store, commit, local) < 0) {
		dfc_error_clear();
		git_error_clear();
		return;
	}
	if (!strcmp(recorded, content))
		return;
	git_oid_tostr(hex, sizeof(hex), git_commit_id(commit));
	add_finding(c->out, FSCK_BAD_VERSION, pipeline, local ? version : 0, false, hex,
		    "%s %d (commit %s) has " TRAILER_FINGERPRINT " %s, but its content's is %s",
		    scope, version, hex, recorded, content);
}

/* True when the walk met `version` already (a walk counts down: below all, it is new). */
static bool walked_before(const struct pipe *p, int version)
{
	if (!p->nr || version < p->lowest)
		return false;
	for (size_t i = 0; i < p->nr; i++)
		if (p->versions[i].version == version)
			return true;
	return false;
}

static int walk_one(git_commit *commit, int version, void *payload)
{
	struct walk *w = payload;
	struct pipe *p = w->p;
	struct version_commit *vc = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	char *id;

	git_oid_tostr(hex, sizeof(hex), git_commit_id(commit));
	git_oid_cpy(&w->last, git_commit_id(commit));
	if (!w->any) {
		p->walked = true;
		p->latest = w->expected = version;
	}
	w->any = true;
	if (version != w->expected)
		bad_version(w, version, hex,
			    "commit %s carries version %d where version %d was expected "
			    "(the first parents count down to 1)",
			    hex, version, w->expected);
	w->expected = version - 1;
	if (version <= p->latest && !walked_before(p, version)) {
		XGROW(p->versions, p->alloc, p->nr + 1);
		vc = &p->versions[p->nr++];
		memset(vc, 0, sizeof(*vc));
		vc->version = version;
		git_oid_cpy(&vc->commit, git_commit_id(commit));
		if (p->nr == 1 || version < p->lowest)
			p->lowest = version;
		w->c->versions++;
	}
	id = trailer_value(git_commit_message(commit), TRAILER_ID);
	if (!id)
		bad_version(w, version, hex, "commit %s (version %d) has no " TRAILER_ID " trailer",
			    hex, version);
	else if (strcmp(id, p->id))
		bad_version(w, version, hex,
			    "commit %s (version %d) has " TRAILER_ID " '%s', not the branch's id",
			    hex, version, pipeline_id_is_safe(id) ? id : "?");
	free(id);
	check_pipeline_json(w, commit, version, vc, hex);
	check_fingerprint(w->c, commit, p->id, "version", version, true);
	return 0;
}

/* One pipeline branch: its objects, then its versions. */
static void check_branch(struct check *c, struct pipe *p)
{
	struct walk w = {c, p, 0, {{0}}, false, true};
	char *name = refs_branch(p->id);
	char hex[GIT_OID_HEXSZ + 1];
	git_commit *tip = NULL;
	git_object_t type;
	git_oid oid;
	int ret;

	switch (ref_target(c, name, &oid, &type)) {
	case TARGET_UNREADABLE:
		add_finding(c->out, FSCK_BAD_REF, p->id, 0, false, name, "%s cannot be read: %s",
			    name, git_message());
		goto out;
	case TARGET_MISSING:
		add_finding(c->out, FSCK_BAD_REF, p->id, 0, false, name,
			    "%s points at %s, which is missing", name, git_oid_tostr_s(&oid));
		goto out;
	case TARGET_OTHER:
		add_finding(c->out, FSCK_BAD_REF, p->id, 0, false, name,
			    "%s points at %s, which is not a commit", name, git_oid_tostr_s(&oid));
		goto out;
	case TARGET_COMMIT:
		break;
	}
	{
		char *what = xasprintf("the tip of %s", name);

		check_objects(c, &oid, p->id, "version", what);
		free(what);
	}
	if (oid_set_has(&c->bad, &oid) || git_commit_lookup(&tip, c->store->repo, &oid) < 0)
		goto out;
	ret = history_walk(tip, walk_one, &w);
	if (ret < 0) {
		const git_oid *parent = NULL;
		git_commit *last = NULL;

		/* A missing or damaged parent was reported with the objects. */
		if (w.any && git_commit_lookup(&last, c->store->repo, &w.last) == 0 &&
		    git_commit_parentcount(last))
			parent = git_commit_parent_id(last, 0);
		if (!parent || !oid_set_has(&c->bad, parent)) {
			git_oid_tostr(hex, sizeof(hex), parent ? parent : &oid);
			bad_version(&w, 0, hex, "%s", dfc_error_message());
		}
		w.ok = false;
		git_commit_free(last);
	} else if (w.expected != 0) {
		git_oid_tostr(hex, sizeof(hex), &w.last);
		bad_version(&w, w.expected + 1, hex,
			    "the first commit of %s (%s) carries version %d, not 1", name, hex,
			    w.expected + 1);
	}
	dfc_error_clear();
	if (p->nr)
		qsort(p->versions, p->nr, sizeof(*p->versions), compare_versions);
	p->consistent = w.ok && p->walked && p->nr == (size_t)p->latest;
out:
	git_error_clear();
	git_commit_free(tip);
	free(name);
}

/* `v<N>` with N a positive number written as git tags are: 0, or -1. */
static int parse_version_word(const char *s)
{
	long v;
	char *end;

	if (s[0] != 'v' || s[1] < '1' || s[1] > '9')
		return -1;
	errno = 0;
	v = strtol(s + 1, &end, 10);
	if (*end || errno || v > 1000000000)
		return -1;
	return (int)v;
}

/* True when `oid` is a commit on `p`'s branch. */
static bool on_branch(const struct pipe *p, const git_oid *oid)
{
	for (size_t i = 0; i < p->nr; i++)
		if (git_oid_equal(&p->versions[i].commit, oid))
			return true;
	return false;
}

static void check_tag(struct check *c, const char *name)
{
	const char *rest = refs_skip_prefix(name, REFS_TAG_PREFIX);
	const char *slash = strrchr(rest, '/');
	char *id = slash ? xstrndup(rest, (size_t)(slash - rest)) : NULL;
	int version = slash ? parse_version_word(slash + 1) : -1;
	struct pipe *p = id && pipeline_id_is_safe(id) ? find_pipe(c, id) : NULL;
	struct version_commit *vc;
	char want[GIT_OID_HEXSZ + 1], hex[GIT_OID_HEXSZ + 1];
	git_object_t type;
	git_oid oid;
	enum target target = ref_target(c, name, &oid, &type);
	const char *pipeline = p ? p->id : NULL;

	git_oid_tostr(hex, sizeof(hex), &oid);
	if (target == TARGET_UNREADABLE) {
		add_finding(c->out, FSCK_BAD_REF, pipeline, 0, false, name, "%s cannot be read",
			    name);
		goto out;
	}
	if (target == TARGET_COMMIT) {
		char *what = xasprintf("the commit of %s", name);

		check_objects(c, &oid, pipeline, "version", what);
		free(what);
	}
	if (version < 0) {
		add_finding(c->out, FSCK_STRAY_TAG, pipeline, 0, false, name,
			    "%s is not a version tag (pipelines/<id>/v<N>)", name);
		goto out;
	}
	if (!p) {
		add_finding(c->out, FSCK_STRAY_TAG, NULL, version, false, name,
			    "%s is the tag of a pipeline that has no branch", name);
		goto out;
	}
	if (!p->walked)
		goto out; /* the branch is broken: reported with it */
	if (version > p->latest) {
		add_finding(c->out, FSCK_STRAY_TAG, p->id, version, false, name,
			    "%s is beyond the branch's latest version, %d", name, p->latest);
		goto out;
	}
	vc = find_version(p, version);
	if (!vc)
		goto out;
	vc->tagged = true;
	if (target == TARGET_COMMIT && git_oid_equal(&oid, &vc->commit))
		goto out;
	git_oid_tostr(want, sizeof(want), &vc->commit);
	/* Moving the tag must lose nothing: only a commit of the branch, or nothing at all. */
	if (target == TARGET_MISSING)
		add_finding(c->out, FSCK_WRONG_TAG, p->id, version, p->consistent, name,
			    "%s points at %s, which is missing, not at version %d's commit %s",
			    name, hex, version, want);
	else if (target == TARGET_COMMIT && on_branch(p, &oid))
		add_finding(c->out, FSCK_WRONG_TAG, p->id, version, p->consistent, name,
			    "%s points at %s, another commit of the branch, not at version %d's "
			    "commit %s",
			    name, hex, version, want);
	else
		add_finding(c->out, FSCK_WRONG_TAG, p->id, version, false, name,
			    "%s points at %s (a %s outside the branch), not at version %d's commit "
			    "%s: move it by hand if the branch is right",
			    name, hex, target == TARGET_COMMIT ? "commit" : "non-commit", version,
			    want);
out:
	git_error_clear();
	free(id);
}

static void check_missing_tags(struct check *c, struct pipe *p)
{
	for (size_t i = 0; i < p->nr; i++) {
		char *name;

		if (p->versions[i].tagged)
			continue;
		name = refs_tag(p->id, p->versions[i].version);
		add_finding(c->out, FSCK_MISSING_TAG, p->id, p->versions[i].version, p->consistent,
			    name, "%s is missing", name);
		free(name);
	}
}

struct catalog_walk {
	struct check *c;
	const char *pipeline;
};

static int check_catalog_version(git_commit *commit, int version, void *payload)
{
	struct catalog_walk *w = payload;

	check_fingerprint(w->c, commit, w->pipeline, "catalog version", version, false);
	return 0;
}

/* The fingerprints of the catalog's versions, as last fetched. */
static void check_catalog_fingerprints(struct check *c, const git_oid *tip_oid,
				       const char *pipeline)
{
	struct catalog_walk w = {c, pipeline};
	git_commit *tip = NULL;

	/* A broken history was reported with the objects; it ends the walk. */
	if (!oid_set_has(&c->bad, tip_oid) && git_commit_lookup(&tip, c->store->repo, tip_oid) == 0)
		history_walk(tip, check_catalog_version, &w);
	dfc_error_clear();
	git_error_clear();
	git_commit_free(tip);
}

static void check_tracking_ref(struct check *c, const char *name)
{
	const char *pipeline = refs_skip_prefix(name, REFS_TRACKING_PREFIX);
	git_object_t type;
	git_oid oid;
	char *what;

	switch (ref_target(c, name, &oid, &type)) {
	case TARGET_UNREADABLE:
		add_finding(c->out, FSCK_BAD_REF, pipeline, 0, false, name, "%s cannot be read",
			    name);
		break;
	case TARGET_MISSING:
		/* A cache of the catalog: dropping it loses nothing. */
		add_finding(c->out, FSCK_BAD_REF, pipeline, 0, true, name,
			    "%s points at %s, which is missing", name, git_oid_tostr_s(&oid));
		break;
	case TARGET_OTHER:
		add_finding(c->out, FSCK_BAD_REF, pipeline, 0, false, name,
			    "%s points at %s, which is not a commit", name, git_oid_tostr_s(&oid));
		break;
	case TARGET_COMMIT:
		what = xasprintf("the tip of %s", name);
		check_objects(c, &oid, pipeline, "catalog version", what);
		free(what);
		check_catalog_fingerprints(c, &oid, pipeline);
		break;
	}
	git_error_clear();
}

/* The view files of one pipeline against its commits. */
static void check_view_files(struct check *c, struct pipe *p)
{
	const char *dir = c->store->view_dir;
	int state = 0;

	for (size_t i = 0; i < p->nr; i++) {
		const struct version_commit *vc = &p->versions[i];
		char *path = view_version_path(dir, p->id, vc->version);
		char *shown = xasprintf("pipelines/%s", fs_basename(path));
		struct buf have = BUF_INIT;
		git_blob *blob = NULL;
		int ret;

		if (!vc->has_json || git_blob_lookup(&blob, c->store->repo, &vc->json) < 0)
			goto next; /* nothing to compare with: reported already */
		ret = fs_read_file(&have, path, DFC_MAX_FILE_BYTES);
		if (ret == DFC_ENOTFOUND)
			add_finding(c->out, FSCK_MISSING_FILE, p->id, vc->version, p->consistent,
				    shown, "%s is missing", shown);
		else if (ret < 0)
			add_finding(c->out, FSCK_CHANGED_FILE, p->id, vc->version, p->consistent,
				    shown, "%s cannot be read: %s", shown, dfc_error_message());
		else if (have.len != (size_t)git_blob_rawsize(blob) ||
			 memcmp(buf_cstr(&have), git_blob_rawcontent(blob), have.len))
			add_finding(c->out, FSCK_CHANGED_FILE, p->id, vc->version, p->consistent,
				    shown, "%s differs from version %d in repo.git", shown,
				    vc->version);
	next:
		dfc_error_clear();
		git_error_clear();
		git_blob_free(blob);
		buf_release(&have);
		free(shown);
		free(path);
	}
	if (!p->consistent)
		return; /* no state file can be right */
	view_read_state(dir, p->id, &state);
	if (state != p->latest) {
		char *path = view_state_path(dir, p->id);
		char *shown = xasprintf("pipelines/%s", fs_basename(path));

		if (fs_exists(path))
			add_finding(c->out, FSCK_BAD_STATE, p->id, 0, true, shown,
				    "%s does not match repo.git (latest version %d)", shown,
				    p->latest);
		else
			add_finding(c->out, FSCK_BAD_STATE, p->id, 0, true, shown, "%s is missing",
				    shown);
		free(shown);
		free(path);
	}
}

/* fs_write_atomic()'s temporary files: `<name>.tmp-XXXXXX`. */
static bool is_temp_file(const char *name)
{
	const char *tmp = strstr(name, ".tmp-");

	return tmp && strlen(tmp + 5) == 6;
}

/*
 * Why `name` in pipelines/ is not explained by repo.git, or NULL when it
 * is. `*pipeline` and `*version` say what it seems to belong to.
 */
static const char *stray_reason(struct check *c, const char *name, bool regular,
				struct pipe **pipeline, int *version, char reason[128])
{
	/* Ids may hold '_'; the version or "state" after the last one cannot. */
	const char *underscore = strrchr(name, '_');
	char *id, *end;
	struct pipe *p;
	long v = 0;
	bool state;

	*pipeline = NULL;
	*version = 0;
	if (is_temp_file(name)) {
		/* Whose it is, so that its repair waits for that pipeline's writer. */
		char *base = xstrndup(name, (size_t)(strstr(name, ".tmp-") - name));

		stray_reason(c, base, regular, pipeline, version, reason);
		free(base);
		*version = 0;
		return "a temporary file left by an interrupted write";
	}
	if (!underscore)
		return "not a file of the view";
	state = !strcmp(underscore + 1, "state.json");
	if (!state) {
		if (underscore[1] < '1' || underscore[1] > '9')
			return "not a file of the view";
		errno = 0;
		v = strtol(underscore + 1, &end, 10);
		if (errno || strcmp(end, ".json") || v > 1000000000)
			return "not a file of the view";
	}
	id = xstrndup(name, (size_t)(underscore - name));
	p = pipeline_id_is_safe(id) ? find_pipe(c, id) : NULL;
	free(id);
	if (!p)
		return "no pipeline of that id in repo.git";
	*pipeline = p;
	*version = (int)v;
	if (!regular)
		return "not a regular file";
	if (state || !p->walked || v <= p->latest)
		return NULL;
	snprintf(reason, 128, "version %ld is beyond the latest, %d", v, p->latest);
	return reason;
}

static int check_stray_files(struct check *c)
{
	struct id_list names = ID_LIST_INIT;
	const char *dir = c->store->view_dir;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d) {
		if (errno == ENOENT)
			return 0; /* every file is missing: reported */
		return dfc_error(DFC_EUSAGE, "cannot read '%s': %s", dir, strerror(errno));
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			push_name(&names, de->d_name);
	closedir(d);
	sort_list(&names);
	for (size_t i = 0; i < names.nr; i++) {
		char *path = fs_path_join(dir, names.ids[i]);
		struct buf quoted = BUF_INIT;
		char reason_buf[128], *subject;
		const char *reason;
		struct stat st;
		struct pipe *p;
		int version;
		bool regular = lstat(path, &st) == 0 && S_ISREG(st.st_mode);

		free(path);
		if (!strcmp(names.ids[i], LOST_FOUND) && !regular)
			continue;
		reason = stray_reason(c, names.ids[i], regular, &p, &version, reason_buf);
		if (!reason)
			continue;
		printable_quote(&quoted, names.ids[i], QUOTE_MAX);
		subject = xasprintf("pipelines/%s", names.ids[i]);
		add_finding(c->out, FSCK_STRAY_FILE, p ? p->id : NULL, version, true, subject,
			    "pipelines/%s: %s", buf_cstr(&quoted), reason);
		free(subject);
		buf_release(&quoted);
	}
	id_list_release(&names);
	return 0;
}

/* Every check, findings into c->out. */
static int check_store(struct check *c)
{
	int ret;

	if (git_repository_odb(&c->odb, c->store->repo) < 0)
		return dfc_git_error(DFC_EINTERNAL, "cannot read repo.git's objects");
	if ((ret = collect_refs(c)) < 0)
		return ret;
	qsort(c->pipes, c->nr, sizeof(*c->pipes), compare_pipes);
	for (size_t i = 0; i < c->nr; i++)
		check_branch(c, &c->pipes[i]);
	for (size_t i = 0; i < c->tags.nr; i++)
		check_tag(c, c->tags.ids[i]);
	for (size_t i = 0; i < c->nr; i++)
		check_missing_tags(c, &c->pipes[i]);
	for (size_t i = 0; i < c->remotes.nr; i++)
		check_tracking_ref(c, c->remotes.ids[i]);
	for (size_t i = 0; i < c->nr; i++)
		check_view_files(c, &c->pipes[i]);
	return check_stray_files(c);
}

static int check_once(struct fsck_report *report, struct store *store)
{
	struct check c = {0};
	int ret;

	c.store = store;
	c.out = &report->problems;
	ret = check_store(&c);
	report->pipelines = (int)c.nr;
	report->versions = c.versions;
	check_release(&c);
	return ret;
}

/* Move pipelines/<name> to pipelines/lost-found/, under a name not taken yet. */
static int move_aside(struct store *store, const char *name, char **shown)
{
	char *dir = fs_path_join(store->view_dir, LOST_FOUND);
	char *from = fs_path_join(store->view_dir, name);
	char *to = NULL;
	struct stat st;
	/* Gone meanwhile (a writer finished it): nothing to move. */
	int ret = lstat(from, &st) < 0 ? dfc_error(DFC_ENOTFOUND, "'%s' is gone", from)
				       : fs_mkdir_p(dir);

	for (int n = 0; ret == 0; n++) {
		free(to);
		to = n ? xasprintf("%s/%s.%d", dir, name, n) : fs_path_join(dir, name);
		if (!fs_exists(to))
			break;
	}
	if (ret == 0 && rename(from, to) < 0)
		ret = dfc_error(DFC_EUSAGE, "cannot move '%s' aside: %s", from, strerror(errno));
	if (ret == 0)
		*shown = xasprintf("pipelines/" LOST_FOUND "/%s", fs_basename(to));
	free(to);
	free(from);
	free(dir);
	return ret;
}

/*
 * Move the stray file of `f` aside. A file of a pipeline is moved under
 * that pipeline's writers' lock, so that an update running meanwhile never
 * loses its temporary file or its new version's file: once the lock is
 * held no writer is half-way, and a version file is moved only if it is
 * still beyond the branch's latest version.
 */
static void move_stray(struct store *store, const struct fsck_finding *f,
		       struct fsck_list *repaired)
{
	const char *name = f->subject + strlen("pipelines/");
	struct buf quoted = BUF_INIT;
	char *shown = NULL;
	int fd = -1, latest = 0;

	if (f->pipeline && store_lock_pipeline(store, f->pipeline, &fd) < 0)
		return;
	if (f->pipeline && f->version > 0 &&
	    (store_latest_version(store, f->pipeline, &latest) < 0 || f->version <= latest))
		goto out;
	if (move_aside(store, name, &shown) < 0)
		goto out;
	printable_quote(&quoted, name, QUOTE_MAX);
	add_finding(repaired, f->kind, f->pipeline, f->version, false, f->subject,
		    "moved pipelines/%s to %s", buf_cstr(&quoted), shown);
out:
	if (fd >= 0)
		store_unlock_pipeline(fd);
	buf_release(&quoted);
	free(shown);
}

static bool is_view_or_tag(enum fsck_kind kind)
{
	return kind == FSCK_MISSING_TAG || kind == FSCK_MISSING_FILE || kind == FSCK_CHANGED_FILE ||
	       kind == FSCK_BAD_STATE;
}

/* What store_repair() did about `f`. */
static void note_store_repair(struct fsck_list *repaired, const struct fsck_finding *f)
{
	const char *s = f->subject;

	switch (f->kind) {
	case FSCK_MISSING_TAG:
		add_finding(repaired, f->kind, f->pipeline, f->version, false, s,
			    "restored %s from the branch", s);
		break;
	case FSCK_MISSING_FILE:
		add_finding(repaired, f->kind, f->pipeline, f->version, false, s,
			    "wrote %s from version %d in repo.git", s, f->version);
		break;
	case FSCK_CHANGED_FILE:
		add_finding(repaired, f->kind, f->pipeline, f->version, false, s,
			    "rewrote %s from version %d in repo.git", s, f->version);
		break;
	default:
		add_finding(repaired, f->kind, f->pipeline, f->version, false, s, "rewrote %s", s);
		break;
	}
}

/* Repair what `found` says can be; note each change in `repaired`. */
static void repair(struct store *store, const struct fsck_list *found, struct fsck_list *repaired)
{
	struct id_list done = ID_LIST_INIT;

	for (size_t i = 0; i < found->nr; i++) {
		const struct fsck_finding *f = &found->items[i];
		bool seen = false;

		if (!f->repairable || !is_view_or_tag(f->kind) || !f->pipeline)
			continue;
		for (size_t j = 0; j < done.nr && !seen; j++)
			seen = !strcmp(done.ids[j], f->pipeline);
		if (seen)
			continue;
		push_name(&done, f->pipeline);
		/* The branch is the truth: tags and view follow it. */
		if (store_repair(store, f->pipeline, true, NULL) < 0)
			dfc_error_clear(); /* the second check shows what is left */
		for (size_t j = i; j < found->nr; j++)
			if (found->items[j].repairable && is_view_or_tag(found->items[j].kind) &&
			    found->items[j].pipeline &&
			    !strcmp(found->items[j].pipeline, f->pipeline))
				note_store_repair(repaired, &found->items[j]);
	}
	id_list_release(&done);
	for (size_t i = 0; i < found->nr; i++) {
		const struct fsck_finding *f = &found->items[i];

		if (!f->repairable)
			continue;
		if (f->kind == FSCK_WRONG_TAG) {
			if (store_reset_tag(store, f->pipeline, f->version) == 0)
				add_finding(repaired, f->kind, f->pipeline, f->version, false,
					    f->subject, "moved %s back to version %d's commit",
					    f->subject, f->version);
		} else if (f->kind == FSCK_BAD_REF) {
			if (git_reference_remove(store->repo, f->subject) == 0)
				add_finding(repaired, f->kind, f->pipeline, 0, false, f->subject,
					    "removed %s, which pointed at a missing object (the "
					    "next share, sync or list --refresh sets it again)",
					    f->subject);
		} else if (f->kind == FSCK_STRAY_FILE) {
			move_stray(store, f, repaired);
		}
		dfc_error_clear();
		git_error_clear();
	}
}

/* Drop from `repaired` what the second check still finds wrong. */
static void keep_real_repairs(struct fsck_list *repaired, const struct fsck_list *left)
{
	size_t kept = 0;

	for (size_t i = 0; i < repaired->nr; i++) {
		struct fsck_finding *r = &repaired->items[i];
		bool still = false;

		for (size_t j = 0; j < left->nr && !still; j++)
			still = left->items[j].kind == r->kind &&
				!strcmp(left->items[j].subject, r->subject);
		if (still) {
			free(r->pipeline);
			free(r->message);
			free(r->subject);
		} else {
			repaired->items[kept++] = *r;
		}
	}
	repaired->nr = kept;
}

int fsck_run(struct fsck_report *report, const char *home, bool repair_too)
{
	struct store store = STORE_INIT;
	struct fsck_list found = {NULL, 0, 0};
	int ret;

	/* A repair may need the view and lock folders; a check writes nothing. */
	ret = repair_too ? store_open(&store, home, false) : store_open_readonly(&store, home);
	if (ret == DFC_ENOTFOUND)
		goto out;
	if (ret < 0) {
		add_finding(&report->problems, FSCK_BAD_REPO, NULL, 0, false, "repo.git", "%s",
			    dfc_error_message());
		dfc_error_clear();
		ret = 0;
		goto out;
	}
	if ((ret = check_once(report, &store)) < 0 || !repair_too)
		goto out;
	found = report->problems;
	memset(&report->problems, 0, sizeof(report->problems));
	repair(&store, &found, &report->repaired);
	if ((ret = check_once(report, &store)) < 0)
		goto out;
	keep_real_repairs(&report->repaired, &report->problems);
out:
	list_release(&found);
	store_close(&store);
	return ret;
}
